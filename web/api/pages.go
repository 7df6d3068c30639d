package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/webhook"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/layout"
)

// AutomationPage is the view model of Account → Automation: the keys, the
// create form, and a new key shown once.
type AutomationPage struct {
	Keys    []apikey.Key
	Users   []account.User
	Form    KeyForm
	Errs    valid.Errors
	NewKey  string // the key just created: shown on this answer only
	Created apikey.Key
	Now     time.Time

	Endpoints []webhook.Endpoint
	Events    []string
	Hook      HookForm
	HookErrs  valid.Errors
	NewSecret string // the endpoint just registered's signing secret: shown on this answer only
}

// HookForm is the webhook form's input.
type HookForm struct {
	URL    string
	Events []string
}

// KeyForm is the create form's input.
type KeyForm struct {
	UserID    string
	Name      string
	ExpiresOn string
	ReadOnly  bool
}

// pageRoutes registers the automation pages for Administrators.
func (h *Handlers) pageRoutes(r chi.Router, nav *layout.Nav) {
	a := h.Adapter
	admins := r.With(h.Guard.Can(auth.ManageAccount))
	admins.Get("/account/automation", a.H(h.automation))
	admins.Get("/account/automation/docs", a.H(h.docs))
	admins.Post("/account/automation/keys", a.H(h.createKey))
	admins.Post("/account/automation/keys/{id}/revoke", a.H(h.revokeKey))
	admins.Post("/account/automation/webhooks", a.H(h.registerHook))
	admins.Post("/account/automation/webhooks/{id}/test", a.H(h.testHook))
	admins.Post("/account/automation/webhooks/{id}/disable", a.H(h.disableHook))
	nav.Add(false, "nav.account", layout.NavItem{LabelID: "nav.automation", Href: "/account/automation", Allowed: auth.Allows(auth.ManageAccount)})
}

func (h *Handlers) automationPage(r *http.Request, form KeyForm, errs valid.Errors) (AutomationPage, error) {
	partnerID := auth.PrincipalFrom(r.Context()).PartnerID
	page := AutomationPage{Form: form, Errs: errs, Now: h.Clock.Now(), Events: webhook.Events, HookErrs: valid.Errors{}}
	var err error
	if page.Keys, err = h.Keys.List(r.Context(), partnerID); err != nil {
		return page, err
	}
	if page.Endpoints, err = h.Webhooks.Endpoints(r.Context(), partnerID); err != nil {
		return page, err
	}
	users, err := h.Accounts.PartnerUsers(r.Context(), partnerID)
	for _, u := range users {
		if u.Active {
			page.Users = append(page.Users, u)
		}
	}
	return page, err
}

func (h *Handlers) automation(w http.ResponseWriter, r *http.Request) error {
	page, err := h.automationPage(r, KeyForm{}, valid.Errors{})
	if err != nil {
		return err
	}
	return layout.Render(w, r, http.StatusOK, automationView(page))
}

// createKey makes a key and shows it once, on this answer (never stored,
// never in a redirect).
func (h *Handlers) createKey(w http.ResponseWriter, r *http.Request) error {
	f, err := httpx.ReadForm(r)
	if err != nil {
		return err
	}
	form := KeyForm{UserID: f.Text("user_id"), Name: f.Text("name"), ExpiresOn: f.Text("expires_on"), ReadOnly: f.Checked("read_only", "yes")}
	in, errs := keyInput(form)
	var token string
	var key apikey.Key
	err = f.Do(func() error {
		if err := errs.Err(); err != nil {
			return err
		}
		token, key, err = h.Keys.Create(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, in, httpx.Actor(r))
		return err
	})
	status := http.StatusOK
	if e, ok := httpx.Invalid(err); ok {
		errs, status = e, http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	} else {
		form = KeyForm{}
	}
	page, err := h.automationPage(r, form, errs)
	if err != nil {
		return err
	}
	page.NewKey, page.Created = token, key
	w.Header().Set("Cache-Control", "no-store")
	return layout.Render(w, r, status, automationView(page))
}

// keyInput parses the form.
func keyInput(f KeyForm) (apikey.Input, valid.Errors) {
	e := valid.Errors{}
	in := apikey.Input{Name: f.Name, ReadOnly: f.ReadOnly}
	in.UserID, _ = strconv.ParseInt(f.UserID, 10, 64)
	if strings.TrimSpace(f.ExpiresOn) != "" {
		in.ExpiresOn = e.Date("expires_on", f.ExpiresOn)
	}
	return in, e
}

func (h *Handlers) revokeKey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Keys.Revoke(r.Context(), auth.PrincipalFrom(r.Context()).PartnerID, id, httpx.Actor(r)); err != nil {
		return err
	}
	httpx.SetFlash(w, r, "apikey.revoked")
	return httpx.Redirect(w, r, "/account/automation")
}

func userOptions(users []account.User) []layout.Option {
	var out []layout.Option
	for _, u := range users {
		out = append(out, layout.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.DisplayName + " (" + u.Username + ")"})
	}
	return out
}
