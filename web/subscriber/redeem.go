package subscriber

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// RequestPage is the view model of the certificate request page reached
// through a voucher's link: the code applied and its allowance, or why
// the code cannot be used.
type RequestPage struct {
	Subscriber  *subscriber.Subscriber
	Renewal     bool
	Code        string
	ProductName string
	Years       int
	FQDNs       int
	Wildcards   int
	ExpiresOn   string
	ErrorID     string         // why the code cannot be used ("" when it can)
	ErrorData   map[string]any // the product the code is for, for another product
}

func (h *Handlers) redeemShow(w http.ResponseWriter, r *http.Request) error {
	return h.request(w, r, chi.URLParam(r, "product"), false)
}

func (h *Handlers) renewShow(w http.ResponseWriter, r *http.Request) error {
	return h.request(w, r, r.URL.Query().Get("product"), true)
}

// request shows the request page for product with the code of the link
// (vc). The code is only read here: it is marked Used when the request is
// submitted (a later slice).
func (h *Handlers) request(w http.ResponseWriter, r *http.Request, product string, renewal bool) error {
	ctx := r.Context()
	l := i18n.From(ctx)
	page := RequestPage{Subscriber: subscriber.From(ctx), Renewal: renewal, Code: voucher.NormalizeCode(r.URL.Query().Get("vc"))}
	c, err := h.Vouchers.CheckRedemption(ctx, page.Code, product)
	kind := fault.KindOf(err)
	switch {
	case err == nil:
		page.ProductName, page.Years, page.FQDNs, page.Wildcards = c.Product.Name(l.Lang()), c.Years, c.FQDNs, c.Wildcards
		page.ExpiresOn = l.Date(c.ExpiresOn)
		return layout.Render(w, r, http.StatusOK, requestView(page, r.URL.RequestURI()))
	case kind == fault.NotFound || kind == fault.Conflict:
		page.ErrorID = fault.MessageID(err)
		page.ErrorData = map[string]any{"Product": c.Product.Name(l.Lang())}
		return layout.Render(w, r, httpx.Status(kind), requestView(page, r.URL.RequestURI()))
	default:
		return err
	}
}

// HomePage is the view model of a signed-in subscriber's start page.
type HomePage struct{ Subscriber *subscriber.Subscriber }

func (h *Handlers) homeShow(w http.ResponseWriter, r *http.Request) error {
	return layout.Render(w, r, http.StatusOK, homeView(HomePage{Subscriber: subscriber.From(r.Context())}, r.URL.RequestURI()))
}

func urlQuery(s string) string { return url.QueryEscape(s) }
