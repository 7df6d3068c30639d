package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

// TestDashboardSaysWhatIsLeftToSetUp: Globex has not confirmed its billing
// contact; its dashboard links to where that is done, Acme's shows nothing.
func TestDashboardSaysWhatIsLeftToSetUp(t *testing.T) {
	env := webtest.Start(t)
	globex := env.Login(t, "globex-admin").Get("/dashboard")
	if href := globex.Doc.Find("#setup-billing a").AttrOr("href", ""); href != "/finance/settings" {
		t.Errorf("Globex's dashboard: billing to-do links to %q", href)
	}
	if env.Login(t, "globex-user").Get("/dashboard").Doc.Find("#setup-billing a").Length() != 0 {
		t.Error("a Standard User is sent to a page they cannot open")
	}
	if env.Login(t, "acme-admin").Get("/dashboard").Doc.Find("#setup-steps").Length() != 0 {
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

// TestAnIncompleteProposalIsNotOfferedAsCorrect: Globex's proposed billing
// contact lacks its address, so "This is correct" is not offered.
func TestAnIncompleteProposalIsNotOfferedAsCorrect(t *testing.T) {
	env := webtest.Start(t)
	page := env.Login(t, "globex-admin").Get("/finance/settings")
	if page.Doc.Find("#billing-confirm").Length() != 0 || page.Doc.Find("#billing-incomplete").Length() != 1 {
		t.Errorf("Globex's incomplete proposal: %q", page.Doc.Find("#billing-contact").Text())
	}
	if href := page.Doc.Find("#billing-change").AttrOr("href", ""); href != "/finance/settings/billing" {
		t.Errorf("no way to complete it: %q", href)
	}
}

// TestARefusedPaymentChangeSaysItWasNotSaved: ticking card payment is
// refused, the page says the change was not saved and why, and the status
// still says purchases go to the account balance.
func TestARefusedPaymentChangeSaysItWasNotSaved(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	before := env.Fingerprint(t)
	res := c.PostForm("/finance/settings/payment", map[string][]string{"allowed": {"account_balance", "credit_card"}, "default": {"credit_card"}})
	if res.Status != 422 || res.Doc.Find("#payment-not-saved").Length() != 1 {
		t.Fatalf("card payment: %d", res.Status)
	}
	if res.Doc.Find("#payment-settings .flash").Length() != 1 || res.Doc.Find("#payment-settings > .form-error").Length() != 0 {
		t.Errorf("the status reads as if the account were blocked: %q", res.Doc.Find("#payment-settings").Text())
	}
	if env.Fingerprint(t) != before {
		t.Error("the refused change wrote something")
	}
}

func TestTheAuditLogNamesItsTargetsForPeople(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	targets := c.Get("/account/audit").Doc.Find("td.target").Text()
	if !strings.Contains(targets, "Voucher order ") || strings.Contains(targets, "voucher_order") {
		t.Errorf("targets: %q", targets)
	}
}

// TestARefusedOrderTakesNoOrderNumber: orders are numbered without gaps by
// the refusals in between.
func TestARefusedOrderTakesNoOrderNumber(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	first := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	if res := c.PostForm("/finance/vouchers", orderForm(t, c, [4]string{"14:2", "1000", "250", "0"})); res.Doc.Find("#refusal").Length() != 1 {
		t.Fatalf("over the credit limit: %d", res.Status)
	}
	second := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	var a, b int
	fmt.Sscanf(first, "/finance/vouchers/%d", &a)
	fmt.Sscanf(second, "/finance/vouchers/%d", &b)
	if b != a+1 {
		t.Errorf("orders %s and %s: a refusal took a number", first, second)
	}
}
