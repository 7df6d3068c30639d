package voucher

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/voucher"
)

// filters are the list's filters as query parameters.
func filters(p ListPage) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": p.Status, "code_status": p.CodeStatus, "from": p.From, "to": p.To, "customer": p.Customer} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// nextPage is the list's next-page link, keeping the filters.
func nextPage(p ListPage) string {
	q := filters(p)
	q.Set("before", fmt.Sprint(p.Next))
	return "/finance/vouchers?" + q.Encode()
}

// orderPage is the order's page with the codes shown or masked, the
// search and a cursor ("after=ID", "before=ID" or "").
func orderPage(p ShowPage, show bool, cursor string) string {
	q := url.Values{}
	if show {
		q.Set("codes", "show")
	}
	if p.Search != "" && p.SearchError == "" {
		q.Set("q", p.Search)
	}
	if k, v, ok := strings.Cut(cursor, "="); ok {
		q.Set(k, v)
	}
	u := "/finance/vouchers/" + itoa(p.Order.ID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// codesRange is the data of "Codes 101–200 of 1,000" for the page shown.
func codesRange(ctx context.Context, p ShowPage) map[string]any {
	l := i18n.From(ctx)
	return map[string]any{"From": l.Number(int64(p.Page.From)), "To": l.Number(int64(p.Page.From + len(p.Codes) - 1)),
		"Total": l.Number(int64(p.Page.Total))}
}

// filteredCSV downloads the orders the filters select.
func filteredCSV(p ListPage) string { return "/finance/vouchers.csv?" + filters(p).Encode() }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// rowText is what every row of the order list repeats, translated once per
// page instead of once per row.
type rowText struct {
	l                    *i18n.Localizer
	completed, cancelled string
	receipt              string
}

func newRowText(ctx context.Context) rowText {
	l := i18n.From(ctx)
	return rowText{l: l, completed: l.T("voucher.order.completed"), cancelled: l.T("voucher.order.cancelled"),
		receipt: l.T("voucher.receipt_view")}
}

func (t rowText) orderStatus(s string) string {
	switch s {
	case voucher.OrderCompleted:
		return t.completed
	case voucher.OrderCancelled:
		return t.cancelled
	}
	return t.l.T("voucher.order." + s)
}
