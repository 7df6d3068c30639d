package subscriber

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// HomePage is the view model of a signed-in subscriber's start page: their
// certificate orders, newest first.
type HomePage struct {
	Subscriber *subscriber.Subscriber
	Orders     certificate.Page
}

// OrderPage is the view model of one of the subscriber's orders.
type OrderPage struct {
	Subscriber *subscriber.Subscriber
	Order      certificate.Order
	Cancel     certificate.Cancellation // what cancelling now would do
	CanReissue bool
	Errs       valid.Errors // the reissue form's
	CSR        string
}

func orderPath(id int64) string { return fmt.Sprintf("/secure/orders/%d", id) }

// requestPath is the request page of the order's voucher code: after a
// rejection or a cancellation the code may be used again (the page says
// if it cannot).
func requestPath(o certificate.Order) string {
	return "/secure/requests/ssl_certificate/" + url.PathEscape(o.Product.Code) + "?vc=" + url.QueryEscape(o.VoucherCode)
}

func (h *Handlers) homeShow(w http.ResponseWriter, r *http.Request) error {
	sub := subscriber.From(r.Context())
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	page, err := h.Certificates.SubscriberOrders(r.Context(), *sub, before)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, ordersHome(HomePage{Subscriber: sub, Orders: page}))
}

// order reads the subscriber's order of the path; another end user's is 404.
func (h *Handlers) order(r *http.Request) (OrderPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return OrderPage{}, err
	}
	sub := subscriber.From(r.Context())
	o, err := h.Certificates.SubscriberOrder(r.Context(), *sub, id)
	now := h.Certificates.Clock.Now()
	return OrderPage{Subscriber: sub, Order: o, Cancel: o.Preview(now), CanReissue: o.CanReissue(now), Errs: valid.Errors{}}, err
}

func (h *Handlers) orderShow(w http.ResponseWriter, r *http.Request) error {
	page, err := h.order(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, orderView(page))
}

// download sends one certificate of the subscriber's order: the chain as
// PEM (the certificate, then the intermediate) or the certificate alone as
// DER.
func (h *Handlers) download(w http.ResponseWriter, r *http.Request) error {
	orderID, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	certID, err := httpx.PathID(r, "cert")
	if err != nil {
		return err
	}
	c, err := h.Certificates.SubscriberCertificate(r.Context(), *subscriber.From(r.Context()), orderID, certID)
	if err != nil {
		return err
	}
	return httpx.CertificateDownload(w, r, c.Serial, c.DER, h.Certificates.ChainPEM(c))
}

// cancelConfirm asks before cancelling (layout.CertificateCancelPage).
func (h *Handlers) cancelConfirm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.order(r)
	if err != nil {
		return err
	}
	return layout.CertificateCancelPage(w, r, page.Order, h.Certificates.Clock.Now(), orderPath(page.Order.ID))
}

// cancel cancels the subscriber's order (C-4) and says whether the voucher
// came back.
func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	done, err := h.Certificates.CancelBySubscriber(r.Context(), *subscriber.From(r.Context()), id, httpx.ClientIP(r))
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, done.MessageID())
	return httpx.Redirect(w, r, orderPath(id))
}

// reissue issues a new certificate of the order for a new CSR, within the plan.
func (h *Handlers) reissue(w http.ResponseWriter, r *http.Request) error {
	page, err := h.order(r)
	if err != nil {
		return err
	}
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	csr := []byte(f.Lines("csr"))
	page.CSR = httpx.WithoutPrivateKey(string(csr))
	if file := f.File("csr_file", certificate.MaxCSRBytes); file != nil {
		csr = file
	}
	err = f.Do(func() error {
		return h.Certificates.Reissue(r.Context(), *page.Subscriber, page.Order.ID, csr, httpx.ClientIP(r))
	})
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs = errs
		return layout.Render(w, r, http.StatusUnprocessableEntity, orderView(page))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "certificate.reissued")
	return httpx.Redirect(w, r, orderPath(page.Order.ID))
}

// countries are the organization's countries offered.
func countries() []string { return account.Countries }

// orJP is country, or Japan when none was chosen yet.
func orJP(country string) string {
	if country == "" {
		return "JP"
	}
	return country
}
