package subscriber

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// RequestPage is the view model of the certificate request page reached
// through a voucher's link: the code applied, its allowance and the
// request form, or why the code cannot be used.
type RequestPage struct {
	Subscriber  *subscriber.Subscriber
	Renewal     bool
	Code        string
	ProductName string
	NeedsOrg    bool // OV and EV: the organization is asked for
	Years       int
	FQDNs       int
	Wildcards   int
	ExpiresOn   string
	ErrorID     string         // why the code cannot be used, or what went wrong ("" when nothing)
	ErrorData   map[string]any // the product the code is for, for another product
	Form        RequestForm
	Errs        valid.Errors
}

// RequestForm is the request as typed.
type RequestForm struct {
	CSR        string
	CommonName string
	Names      string
	Org        certificate.Organization
}

func (h *Handlers) redeemShow(w http.ResponseWriter, r *http.Request) error {
	return h.request(w, r, chi.URLParam(r, "product"), false)
}

func (h *Handlers) renewShow(w http.ResponseWriter, r *http.Request) error {
	return h.request(w, r, r.URL.Query().Get("product"), true)
}

// request shows the request page for product with the code of the link
// (vc). The code is only read here; it is marked Used when the request is
// submitted. A renewal link pre-fills the form from the subscriber's
// latest certificate of the product.
func (h *Handlers) request(w http.ResponseWriter, r *http.Request, product string, renewal bool) error {
	page, c, err := h.requestPage(r, product, renewal)
	if err == nil {
		err = certificate.Requestable(c.Product)
	}
	if err != nil {
		return h.refusedCode(w, r, page, c, err)
	}
	if renewal {
		prev, err := h.Certificates.Latest(r.Context(), *page.Subscriber, c.Product.ID)
		if err != nil && !errors.Is(err, certificate.ErrNotFound) {
			return err
		}
		page.Form = RequestForm{CommonName: prev.CommonName, Names: strings.Join(prev.Names, "\n"), Org: prev.Org}
	}
	return layout.Render(w, r, http.StatusOK, requestPage(page, r.URL.RequestURI()))
}

// requestPage reads the code of the link and fills the page with what it
// allows; the error says why it cannot be used.
func (h *Handlers) requestPage(r *http.Request, product string, renewal bool) (RequestPage, voucher.Code, error) {
	ctx := r.Context()
	l := i18n.From(ctx)
	page := RequestPage{Subscriber: subscriber.From(ctx), Renewal: renewal, Code: voucher.NormalizeCode(r.URL.Query().Get("vc")), Errs: valid.Errors{}}
	c, err := h.Vouchers.CheckRedemption(ctx, page.Code, product)
	if err == nil {
		page.ProductName, page.Years, page.FQDNs, page.Wildcards = c.Product.Name(l.Lang()), c.Years, c.FQDNs, c.Wildcards
		page.ExpiresOn, page.NeedsOrg = l.Date(c.ExpiresOn), certificate.NeedsOrganization(c.Product)
	}
	return page, c, err
}

// refusedCode shows why the code of the link cannot be used (C-1).
func (h *Handlers) refusedCode(w http.ResponseWriter, r *http.Request, page RequestPage, c voucher.Code, err error) error {
	kind := fault.KindOf(err)
	if kind != fault.NotFound && kind != fault.Conflict {
		return err
	}
	page.ErrorID = fault.MessageID(err)
	page.ErrorData = map[string]any{"Product": c.Product.Name(i18n.From(r.Context()).Lang())}
	return layout.Render(w, r, httpx.Status(kind), requestPage(page, r.URL.RequestURI()))
}

// redeemSubmit makes the certificate order with the link's code (C-2):
// the request is checked against the code's product and allowance, and
// the code is marked Used in the same transaction as the order.
func (h *Handlers) redeemSubmit(w http.ResponseWriter, r *http.Request) error {
	product := chi.URLParam(r, "product")
	if product == "" {
		product = r.URL.Query().Get("product")
	}
	page, _, err := h.requestPage(r, product, chi.URLParam(r, "product") == "")
	if err != nil {
		return h.refusedCode(w, r, page, voucher.Code{}, err)
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page.Form = RequestForm{CSR: f.Lines("csr"), CommonName: f.Text("common_name"), Names: f.Lines("names"),
		Org: certificate.Organization{Name: f.Text("org_name"), Locality: f.Text("org_locality"), Province: f.Text("org_province"), Country: f.Text("org_country")}}
	csr := []byte(page.Form.CSR)
	page.Form.CSR = httpx.WithoutPrivateKey(page.Form.CSR)
	if file := f.File("csr_file", certificate.MaxCSRBytes); file != nil {
		csr = file // shown again only as typed: a file may hold anything
	}
	req := certificate.Request{CSR: csr, CommonName: page.Form.CommonName, Names: page.Form.Names, Org: page.Form.Org}
	var id int64
	err = f.Do(func() (err error) {
		id, err = h.Certificates.Redeem(r.Context(), *page.Subscriber, page.Code, product, req, httpx.ClientIP(r))
		return err
	})
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs, page.ErrorID = errs, "form.fix_below"
		return layout.Render(w, r, http.StatusUnprocessableEntity, requestPage(page, r.URL.RequestURI()))
	}
	if k := fault.KindOf(err); k == fault.Conflict || k == fault.NotFound {
		return h.refusedCode(w, r, page, voucher.Code{}, err)
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "certificate.requested")
	return httpx.Redirect(w, r, orderPath(id))
}

func urlQuery(s string) string { return url.QueryEscape(s) }
