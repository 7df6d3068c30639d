package voucher

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ListPage is the view model of the order list.
type ListPage struct {
	Orders                                       []voucher.Order
	Next                                         int64
	Status, CodeStatus, From, To, Customer, Code string
	CodeNotFound                                 bool
	CodeError                                    string // message id when the code search was refused
	Errs                                         valid.Errors
	Now                                          time.Time
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := auth.PrincipalFrom(r.Context())
	page := ListPage{Status: q.Get("status"), CodeStatus: q.Get("code_status"), From: q.Get("from"), To: q.Get("to"),
		Customer: q.Get("customer"), Code: q.Get("code"), Now: h.Clock.Now()}
	if page.Code != "" {
		c, err := h.Vouchers.FindCode(r.Context(), p.PartnerID, page.Code)
		switch {
		case err == nil:
			return httpx.Redirect(w, r, fmt.Sprintf("/finance/vouchers/%d?q=%s#code-%d", c.OrderID, url.QueryEscape(c.Code), c.ID))
		case errors.Is(err, voucher.ErrSearchTooShort):
			page.CodeError = "voucher.code_search_short"
		case errors.Is(err, voucher.ErrCodeNotFound):
			page.CodeNotFound = true
		default:
			return err
		}
	}
	var f voucher.ListFilter
	f, page.Errs = orderFilter(r)
	f.Limit = 50
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if len(page.Errs) == 0 {
		var err error
		if page.Orders, page.Next, err = h.Vouchers.Orders(r.Context(), p.PartnerID, f); err != nil {
			return err
		}
	}
	return layout.Render(w, r, http.StatusOK, listView(page))
}

// ShowPage is the view model of one order: its lines and one page of its
// codes (100 a page, keyset on the code id), found by a search if any.
type ShowPage struct {
	Order       voucher.Order
	Lines       []voucher.Line
	Codes       []voucher.Code
	Page        voucher.CodePage
	Search      string // the codes' first characters (q)
	SearchError string // message id when the search was refused
	Cursor      string // after=ID or before=ID of the page shown, kept by the links
	ShowCodes   bool
	CanChange   bool
	Now         time.Time
	Lang        string
}

func (h *Handlers) loadOrder(r *http.Request) (voucher.Order, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return voucher.Order{}, err
	}
	o, err := h.Vouchers.Order(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id)
	if errors.Is(err, voucher.ErrOrderNotFound) {
		return o, httpx.ErrNotFound
	}
	return o, err
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := auth.PrincipalFrom(r.Context())
	page := ShowPage{Order: o, ShowCodes: q.Get("codes") == "show", CanChange: p.Can(auth.ChangeVouchers),
		Now: h.Clock.Now(), Lang: p.Language, Search: strings.TrimSpace(q.Get("q"))}
	f := voucher.CodeFilter{Search: page.Search, Limit: codesPerPage}
	if f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64); f.After > 0 {
		page.Cursor = "after=" + itoa(f.After)
	} else if f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64); f.Before > 0 {
		page.Cursor = "before=" + itoa(f.Before)
	}
	if page.Lines, err = h.Vouchers.Lines(r.Context(), p.PartnerID, o.ID); err != nil {
		return err
	}
	page.Page, err = h.Vouchers.CodesPage(r.Context(), p.PartnerID, o.ID, f)
	if errors.Is(err, voucher.ErrSearchTooShort) {
		page.SearchError = "voucher.code_search_short"
		f.Search = ""
		page.Page, err = h.Vouchers.CodesPage(r.Context(), p.PartnerID, o.ID, f)
	}
	if err != nil {
		return err
	}
	if len(page.Page.Codes) == 0 && page.Cursor != "" { // a cursor past the end: the first page
		return httpx.Redirect(w, r, orderPage(page, page.ShowCodes, ""))
	}
	page.Codes = page.Page.Codes
	return layout.Render(w, r, http.StatusOK, showView(page))
}

// codesPerPage is how many codes an order's page lists.
const codesPerPage = 100

// ReceiptPage is the view model of an order's receipt.
type ReceiptPage struct {
	Order   voucher.Order
	Lines   []voucher.Line
	Issuer  issuer.Identity
	Contact account.BillingContact
	Tax     money.Yen
	Lang    string
}

// receipt shows a printable receipt of one order: its lines, the
// consumption tax on the order (rounded down) and the total.
func (h *Handlers) receipt(w http.ResponseWriter, r *http.Request) error {
	o, err := h.loadOrder(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	page := ReceiptPage{Order: o, Tax: money.Tax(o.Total, o.TaxRate), Lang: p.Language}
	if page.Lines, err = h.Vouchers.Lines(r.Context(), p.PartnerID, o.ID); err != nil {
		return err
	}
	if page.Issuer, err = h.Issuer.Get(r.Context()); err != nil && !errors.Is(err, issuer.ErrNotSet) {
		return err
	}
	if page.Contact, _, err = h.Accounts.BillingContact(r.Context(), p.PartnerID); err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, receiptView(page))
}
