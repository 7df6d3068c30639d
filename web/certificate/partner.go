package certificate

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/certificate"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ListPage is the view model of the partner's certificate orders.
type ListPage struct {
	Orders certificate.Page
	CanBuy bool
}

func orderPath(id int64) string { return fmt.Sprintf("/certificates/%d", id) }

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	actor := httpx.Actor(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	page, err := h.Certificates.PartnerOrders(r.Context(), actor.Principal.PartnerID, before, actor)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, listView(ListPage{Orders: page}))
}

// ShowPage is the view model of one certificate order of the partner:
// its certificates' downloads, cancel, and for a direct order the reissue
// within its plan.
type ShowPage struct {
	Order      certificate.Order
	Cancel     certificate.Cancellation // what cancelling now would do
	CanReissue bool
	CSR        string       // the reissue form's
	Errs       valid.Errors // the reissue form's
}

// order reads the partner's order of the path.
func (h *Handlers) order(r *http.Request) (ShowPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return ShowPage{}, err
	}
	actor := httpx.Actor(r)
	o, err := h.Certificates.PartnerOrder(r.Context(), actor.Principal.PartnerID, id, actor)
	now := h.Certificates.Clock.Now()
	return ShowPage{Order: o, Cancel: o.Preview(now), CanReissue: o.Direct() && o.CanReissue(now), Errs: valid.Errors{}}, err
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request) error {
	page, err := h.order(r)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, showView(page))
}

// download sends one certificate of the partner's order (PEM chain or DER).
func (h *Handlers) download(w http.ResponseWriter, r *http.Request) error {
	orderID, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	certID, err := httpx.PathID(r, "cert")
	if err != nil {
		return err
	}
	actor := httpx.Actor(r)
	c, err := h.Certificates.PartnerCertificate(r.Context(), actor.Principal.PartnerID, orderID, certID, actor)
	if err != nil {
		return err
	}
	return httpx.CertificateDownload(w, r, c.Serial, c.DER, h.Certificates.ChainPEM(c))
}

// reissue issues a direct order's new certificate for a new CSR, within its plan.
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
	actor := httpx.Actor(r)
	err = f.Do(func() error {
		return h.Certificates.ReissueByPartner(r.Context(), actor.Principal.PartnerID, page.Order.ID, csr, actor)
	})
	if errs, ok := httpx.Invalid(err); ok {
		page.Errs = errs
		return layout.Render(w, r, http.StatusUnprocessableEntity, showView(page))
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, "certificate.reissued")
	return httpx.Redirect(w, r, orderPath(page.Order.ID))
}

// cancelConfirm asks before cancelling (layout.CertificateCancelPage).
func (h *Handlers) cancelConfirm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.order(r)
	if err != nil {
		return err
	}
	return layout.CertificateCancelPage(w, r, page.Order, h.Certificates.Clock.Now(), orderPath(page.Order.ID))
}

// cancel cancels one of the partner's certificate orders (C-4).
func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	actor := httpx.Actor(r)
	done, err := h.Certificates.CancelByPartner(r.Context(), actor.Principal.PartnerID, id, actor)
	if err != nil {
		return err
	}
	httpx.SetFlash(w, r, done.MessageID())
	return httpx.Redirect(w, r, orderPath(id))
}

// FormPage is the view model of the direct order form (C-5).
type FormPage struct {
	Key     string // the form's idempotency key
	Options []Option
	Groups  []account.Group
	GroupID string
	Product string // "productID:years"
	CSR     string
	CN      string
	Names   string
	Org     certificate.Organization
	Errs    valid.Errors
	ErrorID string
	Data    map[string]any
}

// Option is a product and validity of the contract that takes host names.
type Option struct {
	Value   string
	Product catalog.Product
	Years   int
	Prices  contract.Prices // the contract's, shown before ordering
}

// formPage fills the form's choices from the partner's contract and groups.
func (h *Handlers) formPage(r *http.Request, page FormPage) (FormPage, error) {
	ctx := r.Context()
	partnerID := httpx.Actor(r).Principal.PartnerID
	groups, err := h.Accounts.Groups(ctx, partnerID)
	if err != nil {
		return page, err
	}
	for _, g := range groups {
		if g.Active {
			page.Groups = append(page.Groups, g)
		}
	}
	offer, err := h.Vouchers.Offer(ctx, partnerID)
	if err != nil && !errors.Is(err, voucher.ErrNoContract) {
		return page, err
	}
	for _, o := range offer {
		if certificate.Requestable(o.Product) == nil {
			page.Options = append(page.Options, Option{Value: fmt.Sprintf("%d:%d", o.Product.ID, o.Years), Product: o.Product, Years: o.Years,
				Prices: o.Prices})
		}
	}
	if page.Errs == nil {
		page.Errs = valid.Errors{}
	}
	return page, nil
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	page, err := h.formPage(r, FormPage{Key: httpx.FormKey()})
	if err != nil {
		return err
	}
	if len(page.Groups) > 0 {
		page.GroupID = strconv.FormatInt(page.Groups[0].ID, 10)
	}
	return layout.Render(w, r, http.StatusOK, formView(page))
}

// create places the direct order and shows it, or the form again with
// what is wrong.
func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	page := FormPage{Key: f.Text("key"), GroupID: f.Text("group_id"), Product: f.Text("product"), CSR: f.Lines("csr"), CN: f.Text("common_name"),
		Names: f.Lines("names"), Org: certificate.Organization{Name: f.Text("org_name"), Locality: f.Text("org_locality"),
			Province: f.Text("org_province"), Country: f.Text("org_country")}}
	csr := []byte(page.CSR)
	page.CSR = httpx.WithoutPrivateKey(page.CSR)
	if file := f.File("csr_file", certificate.MaxCSRBytes); file != nil {
		csr = file
	}
	in := certificate.DirectInput{Request: certificate.Request{CSR: csr, CommonName: page.CN, Names: page.Names, Org: page.Org},
		IdempotencyKey: page.Key}
	in.GroupID, _ = strconv.ParseInt(page.GroupID, 10, 64)
	in.ProductID, in.Years = productYears(page.Product)
	actor := httpx.Actor(r)
	var id int64
	err = f.Do(func() (err error) {
		id, err = h.Certificates.Direct(r.Context(), actor.Principal.PartnerID, in, actor)
		return err
	})
	var refusal *voucher.Refusal
	switch errs, invalid := httpx.Invalid(err); {
	case invalid:
		page.Errs, page.ErrorID = errs, "form.fix_below"
	case errors.As(err, &refusal):
		page.ErrorID, page.Data = refusal.MessageID, refusal.Data
	case err != nil:
		return err
	default:
		httpx.SetFlash(w, r, "certificate.direct_placed")
		return httpx.Redirect(w, r, orderPath(id))
	}
	if page, err = h.formPage(r, page); err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusUnprocessableEntity, formView(page))
}

// productYears reads a "productID:years" choice (zeros when malformed).
func productYears(v string) (int64, int) {
	id, years, ok := strings.Cut(v, ":")
	if !ok {
		return 0, 0
	}
	p, _ := strconv.ParseInt(id, 10, 64)
	y, _ := strconv.Atoi(years)
	return p, y
}
