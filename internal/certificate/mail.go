package certificate

import (
	"context"
	"fmt"
	"time"

	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
)

// notify emails o's requester (the end user, or the partner staff member
// of a direct order) in their language, inside q's transaction: the
// message id's subject (id+"_subject") and body, with data, the
// requester's name, the order's common name and a link to it.
func (s *Service) notify(ctx context.Context, q postgres.Querier, o Order, id string, data map[string]any, now time.Time) error {
	var to, lang, name string
	err := q.QueryRow(ctx, `SELECT coalesce(s.email, u.email), coalesce(s.language, u.language), coalesce(s.display_name, u.display_name)
		FROM certificate_orders o LEFT JOIN subscribers s ON s.id = o.subscriber_id LEFT JOIN users u ON u.id = o.requested_by
		WHERE o.id = $1`, o.ID).Scan(&to, &lang, &name)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(lang)
	link := fmt.Sprintf("%s/secure/orders/%d", s.BaseURL, o.ID)
	if o.Direct() {
		link = fmt.Sprintf("%s/certificates/%d", s.BaseURL, o.ID)
	}
	d := map[string]any{"Name": name, "OrderID": o.ID, "CommonName": o.CommonName, "Link": link}
	for k, v := range data {
		if t, ok := v.(time.Time); ok {
			v = l.Date(t)
		}
		d[k] = v
	}
	return mail.Enqueue(ctx, q, now, mail.Message{To: []string{to}, Subject: l.T(id+"_subject", d), BodyText: l.T(id, d)})
}
