package quote

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/valid"
)

// SendInput is where a quote is sent, and in which language.
type SendInput struct {
	To   string // one or more addresses, separated by commas, spaces or new lines
	Lang string // ja or en: the email's and the attached PDF's
}

// validate returns the addresses, or the problems of the input.
func (in SendInput) validate() ([]string, valid.Errors) {
	e := valid.Errors{}
	to := e.EmailList("to", in.To)
	if len(to) > MaxRecipients {
		e.Add("to", "quote.too_many_recipients", map[string]any{"Max": MaxRecipients})
	}
	if !slices.Contains(Languages, in.Lang) {
		e.Add("lang", "form.choose")
	}
	return to, e
}

// Send emails quote id of partnerID with its PDF attached to the addresses
// of in, through the outbox, and audits it, in one transaction.
// Refusals: the actor's (auth.MakeQuotes for partnerID), ErrNotFound,
// valid.Errors, ErrTooManySends, ErrIssuerNotSet.
func (s *Service) Send(ctx context.Context, partnerID, id int64, in SendInput, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return err
	}
	if _, err := s.Get(ctx, partnerID, id); err != nil {
		return err // another partner's quote is not found, whatever the form says
	}
	to, e := in.validate()
	if len(e) > 0 {
		return e
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		return s.With(q).send(ctx, q, partnerID, id, to, in.Lang, actor)
	})
}

// send does the work of Send inside its transaction.
func (s *Service) send(ctx context.Context, q postgres.Querier, partnerID, id int64, to []string, lang string, actor auth.Actor) error {
	now := s.Clock.Now()
	if ok, err := audit.UnderLimit(ctx, q, audit.QuoteSent, actor.IP, now, time.Hour, MaxSendsPerHour); err != nil || !ok {
		return cmpErr(err, ErrTooManySends)
	}
	qt, err := get(ctx, q, partnerID, id, false)
	if err != nil {
		return err
	}
	doc, p, err := s.render(ctx, qt, lang)
	if err != nil {
		return err
	}
	l := s.I18n.Localizer(lang)
	m := mail.Translated(l, to, "mail.quote", map[string]any{"Number": qt.Number, "Total": l.Yen(qt.Total),
		"Until": l.Date(qt.ExpiresOn), "Group": qt.GroupName, "Issuer": IssuerBlock(l, p.Issuer).Name, "Sender": actor.Entry().ActorUsername})
	m.Attachments = []mail.Attachment{{FileName: FileName(qt, l), ContentType: "application/pdf", Content: doc}}
	if err := mail.Enqueue(ctx, q, now, m); err != nil {
		return err
	}
	e := actor.Entry().In(partnerID).Of(now, audit.QuoteSent, "quote", id)
	e.Details = map[string]any{"number": qt.Number, "to": to, "lang": lang}
	return audit.Record(ctx, q, e)
}

// cmpErr is err when there is one, else refusal.
func cmpErr(err, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

// Delete deletes quote id of partnerID for good: it is no longer
// listed, printed or sent. An Ordered quote cannot be deleted (ErrOrdered).
func (s *Service) Delete(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.DB, func(q postgres.Querier) error {
		qt, err := get(ctx, q, partnerID, id, true)
		if err != nil {
			return err
		}
		if !qt.Deletable() {
			return ErrOrdered
		}
		now := s.Clock.Now()
		if _, err := q.Exec(ctx, `UPDATE quotes SET deleted_at = $2, deleted_by = $3 WHERE id = $1`, id, now, actor.UserID()); err != nil {
			return err
		}
		e := actor.Entry().In(partnerID).Of(now, audit.QuoteDeleted, "quote", id)
		e.Details = map[string]any{"number": qt.Number}
		return audit.Record(ctx, q, e)
	})
}

// PurchaseOrder refuses a purchase order for quote id of partnerID:
// under the OnGoing contract the portal creates none, and the documents go
// to the sales mailing list instead (SalesMailingList). It returns
// ErrNoPurchaseOrders, or ErrNotFound for a quote that is not partnerID's;
// it writes nothing.
func (s *Service) PurchaseOrder(ctx context.Context, partnerID, id int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return err
	}
	if _, err := s.Get(ctx, partnerID, id); err != nil {
		return err
	}
	return ErrNoPurchaseOrders
}

// SalesMailingList is the operator's sales mailing list, where purchase
// order documents are sent; "" while the operator's details are not set.
func (s *Service) SalesMailingList(ctx context.Context) (string, error) {
	id, err := s.Issuer.Get(ctx)
	if errors.Is(err, issuer.ErrNotSet) {
		return "", nil
	}
	return id.SalesMailingList, err
}

// MarkOrdered records, inside the caller's transaction q, that voucher
// order orderID of partnerID was placed from quote id: the quote becomes
// Ordered (and can no longer be deleted). Only a Saved, unexpired product
// quote can be ordered (ErrNotOrderable). It is the quote's half of
// "Order these vouchers": the caller places the order in q first.
func (s *Service) MarkOrdered(ctx context.Context, q postgres.Querier, partnerID, id, orderID int64, actor auth.Actor) error {
	if err := actor.RequirePartner(auth.MakeQuotes, partnerID); err != nil {
		return err
	}
	qt, err := get(ctx, q, partnerID, id, true)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	if !qt.Orderable(now) {
		return ErrNotOrderable
	}
	tag, err := q.Exec(ctx, `
		UPDATE quotes SET status = 'ordered', voucher_order_id = $2, ordered_at = $3
		WHERE id = $1 AND EXISTS (SELECT 1 FROM voucher_orders o WHERE o.id = $2 AND o.partner_id = $4)`,
		id, orderID, now, partnerID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("quote: voucher order %d is not partner %d's", orderID, partnerID)
	}
	e := actor.Entry().In(partnerID).Of(now, audit.QuoteOrdered, "quote", id)
	e.Details = map[string]any{"number": qt.Number, "voucher_order_id": orderID}
	return audit.Record(ctx, q, e)
}
