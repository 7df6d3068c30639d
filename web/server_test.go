package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/web/webtest"
)

func TestPartnerAndOperatorAreasAreSeparate(t *testing.T) {
	env := webtest.Start(t)
	partner := env.Login(t, "acme-admin")
	for _, path := range []string{"/operator", "/operator/partners", "/operator/staff", "/operator/clock"} {
		if res := partner.Get(path); res.Status != http.StatusForbidden {
			t.Errorf("partner admin GET %s: %d, want 403", path, res.Status)
		}
	}
	op := env.Login(t, "op-admin")
	for _, path := range []string{"/dashboard", "/account/users", "/account/profile"} {
		if res := op.Get(path); res.Status != http.StatusForbidden {
			t.Errorf("operator GET %s: %d, want 403", path, res.Status)
		}
	}
	if res := op.PostForm("/operator/clock", url.Values{"action": {"advance"}, "advance": {"1m"}}); res.Status != http.StatusSeeOther {
		t.Errorf("op-admin moving the clock: %d", res.Status)
	}
	if res := partner.PostForm("/operator/clock", url.Values{"action": {"advance"}, "advance": {"1m"}}); res.Status != http.StatusForbidden {
		t.Errorf("partner moving the clock: %d, want 403", res.Status)
	}
}

func TestRolesAreCheckedOnTheServer(t *testing.T) {
	env := webtest.Start(t)
	cases := []struct {
		user, path string
		want       int
	}{
		{"acme-admin", "/account/users", http.StatusOK},
		{"acme-finance", "/account/users", http.StatusForbidden},
		{"acme-user", "/account/users", http.StatusForbidden},
		{"acme-user", "/dashboard", http.StatusOK},
		{"op-sales", "/operator/partners", http.StatusOK},
		{"op-sales", "/operator/staff", http.StatusForbidden},
		{"op-sales", "/operator/clock", http.StatusForbidden},
		{"op-admin", "/operator/staff", http.StatusOK},
	}
	for _, c := range cases {
		if res := env.Login(t, c.user).Get(c.path); res.Status != c.want {
			t.Errorf("%s GET %s: %d, want %d", c.user, c.path, res.Status, c.want)
		}
	}
	// Links a user may not open are not shown.
	nav := env.Login(t, "acme-user").Get("/dashboard").Doc.Find("nav a")
	if nav.Filter(`[href="/account/users"]`).Length() != 0 {
		t.Error("a Standard User sees the Users link")
	}
}

func TestAnonymousVisitorsAreSentToSignIn(t *testing.T) {
	env := webtest.Start(t)
	res := env.Client(t).Get("/account/users?x=1")
	if res.Status != http.StatusSeeOther || res.Location != "/login?next="+url.QueryEscape("/account/users?x=1") {
		t.Fatalf("anonymous: %d → %s", res.Status, res.Location)
	}
}

func TestAnotherPartnerGets404ForAUser(t *testing.T) {
	env := webtest.Start(t)
	users, err := env.App.Accounts.PartnerUsers(context.Background(), 1)
	if err != nil || len(users) == 0 {
		t.Fatal(err)
	}
	for _, u := range users {
		env.AssertOtherPartnerGets404(t, "acme-admin", fmt.Sprintf("/account/users/%d", u.ID))
	}
}

func TestErrorPagesAreTranslatedAndCarryTheRequestID(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	c.PostForm("/language", url.Values{"lang": {"ja"}})
	res := c.Get("/no/such/page")
	if res.Status != http.StatusNotFound {
		t.Fatalf("status %d", res.Status)
	}
	if h1 := res.Doc.Find("h1").Text(); h1 != "ページが見つかりません" {
		t.Errorf("404 title %q", h1)
	}
	if id := res.Doc.Find(".request-id code").Text(); id == "" || id != res.Header.Get("X-Request-Id") {
		t.Errorf("request id on page %q, header %q", id, res.Header.Get("X-Request-Id"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	if res := c.Get("/healthz"); res.Status != http.StatusOK {
		t.Errorf("healthz %d", res.Status)
	}
	if res := c.Get("/readyz"); res.Status != http.StatusOK {
		t.Errorf("readyz %d", res.Status)
	}
	if _, err := env.App.Pool.Exec(context.Background(), `UPDATE schema_migrations SET dirty = true`); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with a dirty schema: %d, want 503", res.Status)
	}
}

func TestClockPageMovesTheSharedClockAndAuditsIt(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "op-admin")
	other := env.Login(t, "acme-user")
	res := c.PostForm("/operator/clock", url.Values{"action": {"set"}, "set_to": {"2026-12-01 00:00"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("set: %d", res.Status)
	}
	if got := c.Get("/operator/clock").Doc.Find("#clock-now").Text(); !strings.HasPrefix(got, "1 Dec 2026 00:0") {
		t.Errorf("business time shown %q", got)
	}
	res = c.PostForm("/operator/clock", url.Values{"action": {"advance"}, "advance": {"soon"}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-advance").Length() != 1 || res.Doc.Find("#f-advance").AttrOr("value", "") != "soon" {
		t.Errorf("bad duration: %d, field error %d", res.Status, res.Doc.Find("#e-advance").Length())
	}
	// Everyone else's session aged with the clock; the mover's did not.
	if res := other.Get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Errorf("a session idle for a week of business time still works: %d", res.Status)
	}
	entries, _ := audit.List(context.Background(), env.App.Pool, audit.Filter{Action: audit.ClockMoved})
	if len(entries) != 1 || entries[0].ActorUsername != "op-admin" {
		t.Errorf("clock audit entries: %+v", entries)
	}
}

func TestClockPageDoesNotExistInProduction(t *testing.T) {
	env := webtest.Start(t, "PORTAL_ENV=production")
	if env.App.TestClock != nil {
		t.Fatal("production has a test clock")
	}
	c := env.Login(t, "op-admin")
	if res := c.Get("/operator/clock"); res.Status != http.StatusNotFound {
		t.Errorf("clock page in production: %d", res.Status)
	}
	if c.Get("/operator").Doc.Find(".devclock").Length() != 0 {
		t.Error("production shows the test-clock banner")
	}
}

// untranslated matches text that is a bare message id, such as "nav.users".
var untranslated = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

func TestNoPageShowsAnUntranslatedID(t *testing.T) {
	env := webtest.Start(t)
	// Something in every list: an application and audit entries of each kind.
	env.Client(t).PostForm("/signup", signupForm())
	acme := env.Login(t, "acme-admin")
	acme.PostForm("/account/groups", url.Values{"name": {"Acme West"}})
	placeOrder(t, acme, [4]string{"1:1", "1", "1", "0"})
	pages := map[string][]string{
		"": {"/login", "/password/forgot", "/password/reset?token=x", "/nowhere", "/signup", "/signup/done"},
		"acme-admin": {"/dashboard", "/account/profile", "/account/users", "/account/users/6", "/operator",
			"/finance/pricing", "/finance/settings", "/finance/settings/billing", "/account/groups", "/account/audit", "/account/audit/1",
			"/finance/vouchers", "/finance/vouchers/new", "/finance/vouchers/1", "/finance/vouchers/1/cancel", "/finance/codes/1/reissue",
			"/finance/balance", "/finance/vouchers?code=NOPE", "/finance/vouchers/1/receipt"},
		"op-delivery":  {"/operator/delivery"},
		"op-finance":   {"/operator/partners/1"},
		"globex-admin": {"/finance/settings"},
		"op-admin":     {"/operator", "/operator/partners", "/operator/staff", "/operator/clock", "/dashboard", "/operator/identity"},
		"op-sales": {"/operator/signups", "/operator/signups?status=all", "/operator/signups/1", "/operator/products", "/operator/products/new",
			"/operator/products/1", "/operator/partners/1", "/operator/partners/1/contract/new", "/operator/partners/1/contract/1"},
	}
	for _, lang := range []string{"en", "ja"} {
		for user, paths := range pages {
			c := env.Client(t)
			if user != "" {
				c = env.Login(t, user)
			}
			c.PostForm("/language", url.Values{"lang": {lang}})
			for _, p := range paths {
				res := c.Get(p)
				if got := res.Doc.Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("%s %s: html lang %q", lang, p, got)
				}
				res.Doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
					text := strings.TrimSpace(s.Contents().Not("*").Text())
					if untranslated.MatchString(text) {
						t.Errorf("%s %s as %q shows untranslated id %q", lang, p, user, text)
					}
				})
				if title := res.Doc.Find("title").Text(); strings.Contains(title, ".") && untranslated.MatchString(strings.Split(title, " ")[0]) {
					t.Errorf("%s %s: title %q", lang, p, title)
				}
			}
		}
	}
}
