package finance

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/billing"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ConsolePage is the operator's invoice search (M-8): by issue date,
// amount and counterparty, ranges and combined, and the overdue list.
type ConsolePage struct {
	From, To, Min, Max, Who string
	Overdue                 bool
	Invoices                []billing.Invoice
	Next                    int64
	Errs                    valid.Errors
}

const consolePageSize = 50

func (h *Handlers) console(w http.ResponseWriter, r *http.Request) error {
	p := consolePage(r)
	f := p.filter(h)
	if len(p.Errs) == 0 {
		f.After, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		f.Limit = consolePageSize + 1
		invs, err := h.Billing.Invoices(r.Context(), f)
		if err != nil {
			return err
		}
		p.Invoices = invs
		if len(invs) > consolePageSize {
			p.Invoices, p.Next = invs[:consolePageSize], invs[consolePageSize-1].ID
		}
	}
	status := http.StatusOK
	if len(p.Errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return layout.Render(w, r, status, consoleView(p, h.Clock.Now()))
}

// consolePage reads the search form from the query string.
func consolePage(r *http.Request) ConsolePage {
	q := r.URL.Query()
	return ConsolePage{From: q.Get("from"), To: q.Get("to"), Min: q.Get("min"), Max: q.Get("max"), Who: q.Get("who"),
		Overdue: q.Get("overdue") == "1", Errs: valid.Errors{}}
}

// csvQuery is the search as the CSV download's address.
func (p ConsolePage) csvQuery() string {
	q := p.query(0)
	return "/operator/finance/invoices.csv" + q[len("/operator/finance/invoices"):]
}

// filter turns the search form into an InvoiceFilter, recording problems.
func (p *ConsolePage) filter(h *Handlers) billing.InvoiceFilter {
	f := billing.InvoiceFilter{Counterparty: p.Who}
	f.IssuedFrom, f.IssuedBefore = p.Errs.Period("from", p.From, "to", p.To)
	f.MinTotal = p.amount("min", p.Min)
	f.MaxTotal = p.amount("max", p.Max)
	if f.MinTotal != nil && f.MaxTotal != nil && *f.MinTotal > *f.MaxTotal {
		p.Errs.Add("max", "console.amount_order")
	}
	p.Errs.MaxLen("who", p.Who, 200)
	if p.Overdue {
		f.OverdueOn = h.Clock.Now()
	}
	return f
}

func (p *ConsolePage) amount(field, s string) *money.Yen {
	if s == "" {
		return nil
	}
	n, ok := p.Errs.Number(field, s)
	if !ok {
		return nil
	}
	y := money.Yen(n)
	return &y
}

// query is the page's search as a query string (for the next page).
func (p ConsolePage) query(after int64) string {
	v := url.Values{}
	for k, s := range map[string]string{"from": p.From, "to": p.To, "min": p.Min, "max": p.Max, "who": p.Who} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if p.Overdue {
		v.Set("overdue", "1")
	}
	if after != 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	return "/operator/finance/invoices?" + v.Encode()
}

// InvoicePage is one invoice in the console, with its payments and the
// form that records one.
type InvoicePage struct {
	Invoice                   billing.Invoice
	Payments                  []billing.Payment
	Amount, PaidOn, Reference string
	Errs                      valid.Errors
}

func (h *Handlers) consoleInvoice(w http.ResponseWriter, r *http.Request) error {
	return h.renderInvoice(w, r, http.StatusOK, InvoicePage{PaidOn: h.Clock.Now().Format("2006-01-02"), Errs: valid.Errors{}})
}

func (h *Handlers) renderInvoice(w http.ResponseWriter, r *http.Request, status int, p InvoicePage) error {
	inv, err := h.Billing.Invoice(r.Context(), 0, chi.URLParam(r, "number"))
	if err != nil {
		return err
	}
	p.Invoice = inv
	if p.Payments, err = h.Billing.Payments(r.Context(), inv.ID); err != nil {
		return err
	}
	return layout.Render(w, r, status, consoleInvoiceView(p, h.Clock.Now()))
}

// recordPayment records a payment against the invoice (M-8).
func (h *Handlers) recordPayment(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	p := InvoicePage{Amount: f.Text("amount"), PaidOn: f.Text("paid_on"), Reference: f.Text("reference"), Errs: f.Errs}
	number := chi.URLParam(r, "number")
	err = f.Do(func() error {
		in := billing.PaymentInput{Reference: p.Reference}
		n, _ := f.Errs.Number("amount", p.Amount)
		in.Amount = money.Yen(n)
		in.PaidOn = f.Errs.Date("paid_on", p.PaidOn)
		if !f.OK() {
			return f.Errs
		}
		return h.Billing.RecordPayment(r.Context(), number, in, httpx.Actor(r))
	})
	if errs, ok := httpx.Invalid(err); ok {
		p.Errs = errs
		return h.renderInvoice(w, r, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "console.payment_recorded")
	return httpx.Redirect(w, r, "/operator/finance/invoices/"+url.PathEscape(number))
}

// consoleDocument serves any partner's stored document to operator Finance.
func (h *Handlers) consoleDocument(w http.ResponseWriter, r *http.Request) error {
	return h.serveDocument(w, r, 0)
}

// ClosePage is the close's status per month and the form that runs one.
type ClosePage struct {
	Runs  []billing.RunStatus
	Month string
	Errs  valid.Errors
}

func (h *Handlers) closeStatus(w http.ResponseWriter, r *http.Request) error {
	last := billing.MonthOf(h.Clock.Now()).Prev()
	return h.renderClose(w, r, http.StatusOK, ClosePage{Month: last.String(), Errs: valid.Errors{}})
}

func (h *Handlers) renderClose(w http.ResponseWriter, r *http.Request, status int, p ClosePage) error {
	var err error
	if p.Runs, err = h.Billing.Runs(r.Context(), 24); err != nil {
		return err
	}
	return layout.Render(w, r, status, closeView(p))
}

// runClose runs (or re-runs) a month's close by hand: partners already
// closed are left as they are.
func (h *Handlers) runClose(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	p := ClosePage{Month: f.Text("month"), Errs: f.Errs}
	err = f.Do(func() error {
		m, err := billing.ParseMonth(p.Month)
		if err != nil {
			return valid.Errors{"month": {ID: "console.month_format"}}
		}
		return h.closeByHand(r, m)
	})
	if errs, ok := httpx.Invalid(err); ok {
		p.Errs = errs
		return h.renderClose(w, r, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "console.close_done")
	return httpx.Redirect(w, r, "/operator/finance/close")
}

func (h *Handlers) closeByHand(r *http.Request, m billing.Month) error {
	_, err := h.Billing.CloseByHand(r.Context(), m, httpx.Actor(r))
	if errors.Is(err, billing.ErrMonthNotOver) {
		return valid.Errors{"month": {ID: "billing.month_not_over"}}
	}
	return err
}
