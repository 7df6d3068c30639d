package api

import (
	"net/http"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// registerHook registers an endpoint and shows its signing secret once.
func (h *Handlers) registerHook(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	form := HookForm{URL: f.Text("url"), Events: f.List("events")}
	var secret string
	err = f.Do(func() error {
		_, secret, err = h.Webhooks.Register(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, form.URL, form.Events, httpx.Actor(r))
		return err
	})
	errs, invalid := httpx.Invalid(err)
	if err != nil && !invalid {
		return err
	}
	page, perr := h.automationPage(r, KeyForm{}, nil)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if invalid {
		page.Hook, page.HookErrs, status = form, errs, http.StatusUnprocessableEntity
	}
	page.NewSecret = secret
	w.Header().Set("Cache-Control", "no-store")
	return layout.Render(w, r, status, automationView(page))
}

// testHook queues a test event to the endpoint.
func (h *Handlers) testHook(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Webhooks.SendTest(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "webhook.test_queued")
	return httpx.Redirect(w, r, "/account/automation")
}

// disableHook stops an endpoint's deliveries.
func (h *Handlers) disableHook(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Webhooks.Disable(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "webhook.disabled")
	return httpx.Redirect(w, r, "/account/automation")
}
