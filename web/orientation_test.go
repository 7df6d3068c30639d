package web_test

import (
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

// TestDashboardSaysWhatIsLeftToSetUp: Globex has not confirmed its billing
// contact; its dashboard links to where that is done, Acme's shows nothing.
func TestDashboardSaysWhatIsLeftToSetUp(t *testing.T) {
	env := webtest.Start(t)
	globex := env.Login(t, "globex-admin").Get("/dashboard")
	if href := globex.Doc.Find("#todo-billing a").AttrOr("href", ""); href != "/finance/settings" {
		t.Errorf("Globex's dashboard: billing to-do links to %q", href)
	}
	if env.Login(t, "globex-user").Get("/dashboard").Doc.Find("#todo-billing a").Length() != 0 {
		t.Error("a Standard User is sent to a page they cannot open")
	}
	if env.Login(t, "acme-admin").Get("/dashboard").Doc.Find("#setup-todo").Length() != 0 {
		t.Error("Acme, ready to order, is told to set things up")
	}
}

func TestPricingPageShowsTheCreditLimit(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	v, err := env.App.Contracts.InForce(t.Context(), 1, env.App.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(c.Get("/finance/pricing").Doc.Find("#credit-limit").Text()); got != v.CreditLimit.String() {
		t.Errorf("credit limit shown %q, want %s", got, v.CreditLimit)
	}
}
