package operator

import (
	"net/http"
	"strconv"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// ProductPage is the view model of the product form.
type ProductPage struct {
	P        catalog.Product
	MaxYears string
	Errs     valid.Errors
}

func (h *Handlers) productsList(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Catalog.List(r.Context())
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, productsView(list))
}

func (h *Handlers) productNew(w http.ResponseWriter, r *http.Request) error {
	p := catalog.Product{TakesFQDNs: true, Active: true, MaxYears: 1}
	return layout.Render(w, r, http.StatusOK, productView(ProductPage{P: p, MaxYears: "1", Errs: valid.Errors{}}))
}

func (h *Handlers) productEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Catalog.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, productView(ProductPage{P: p, MaxYears: strconv.Itoa(p.MaxYears), Errs: valid.Errors{}}))
}

func (h *Handlers) productSave(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(f.Text("id"), 10, 64)
	page := ProductPage{MaxYears: f.Text("max_years"), Errs: f.Errs}
	page.P = catalog.Product{ID: id, Code: f.Text("code"), NameJA: f.Text("name_ja"), NameEN: f.Text("name_en"), Kind: f.Text("kind"),
		TakesFQDNs: f.Checked("takes_fqdns", "yes"), TakesWildcards: f.Checked("takes_wildcards", "yes"),
		ShipsToken: f.Checked("ships_token", "yes"), Active: f.Checked("active", "yes")}
	if id != 0 { // the code is stable: keep the stored one
		old, err := h.Catalog.Get(r.Context(), id)
		if err != nil {
			return httpx.ErrNotFound
		}
		page.P.Code = old.Code
	}
	years, ok := page.Errs.Int("max_years", page.MaxYears, 1, 6)
	page.P.MaxYears = int(years)
	if ok && len(page.Errs) == 0 {
		_, err := h.Catalog.Save(r.Context(), page.P, httpx.Actor(r))
		if errs, bad := httpx.Invalid(err); bad {
			page.Errs = errs
		} else if err != nil {
			return err
		}
	} else {
		page.Errs.Merge(page.P.Validate())
	}
	if len(page.Errs) > 0 {
		return layout.Render(w, r, http.StatusUnprocessableEntity, productView(page))
	}
	httpx.SetFlash(w, r, "products.saved")
	return httpx.Redirect(w, r, "/operator/products")
}
