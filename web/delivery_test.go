package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/webtest"
)

func TestDeliveryStaffWorkInAConsentingPartnersAccount(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	staff := env.Login(t, "op-delivery")
	list := staff.Get("/operator/delivery")
	if list.Doc.Find("#enter-1").Length() != 1 || list.Doc.Find("#enter-2").Length() != 0 {
		t.Fatal("the list offers entry to the wrong partners")
	}
	// Without consent (Globex): refused, nothing written.
	before := env.Fingerprint(t)
	if res := staff.PostForm("/operator/delivery/2/enter", nil); res.Status != http.StatusForbidden {
		t.Errorf("enter without consent: %d, want 403", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("the refused entry wrote something")
	}
	// Other operator roles cannot enter at all.
	if res := env.Login(t, "op-sales").PostForm("/operator/delivery/1/enter", nil); res.Status != http.StatusForbidden {
		t.Errorf("op-sales entering: %d", res.Status)
	}

	if res := staff.PostForm("/operator/delivery/1/enter", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("enter Acme: %d", res.Status)
	}
	page := staff.Get("/finance/vouchers")
	if !strings.Contains(page.Doc.Find("#delivery-banner").Text(), "Acme Corporation") {
		t.Fatalf("banner: %q", page.Doc.Find("#delivery-banner").Text())
	}
	order := placeOrder(t, staff, [4]string{"1:1", "2", "1", "0"})
	if got := staff.Get(order).Doc.Find("#ordered-by").Text(); !strings.Contains(got, "op-delivery") {
		t.Errorf("ordered by %q", got)
	}
	// What an Administrator sees, but no settings, users, cancel or console.
	for path, want := range map[string]int{"/finance/pricing": 200, "/finance/balance": 200, "/dashboard": 200,
		"/finance/settings": 403, "/account/users": 403, "/account/audit": 403, order + "/cancel": 403, "/operator": 403} {
		if res := staff.Get(path); res.Status != want {
			t.Errorf("acting staff GET %s: %d, want %d", path, res.Status, want)
		}
	}
	// The partner's Administrator sees the entries naming the staff member.
	admin := env.Login(t, "acme-admin")
	audited := admin.Get("/account/audit?user=op-delivery")
	for _, action := range []string{"delivery.entered", "voucher.order_created"} {
		if audited.Doc.Find(`td[data-action="`+action+`"]`).Length() != 1 {
			t.Errorf("acme-admin's audit log lacks %s by op-delivery", action)
		}
	}
	entries, _ := audit.List(ctx, env.App.Pool, audit.Filter{Action: "voucher.order_created"})
	if len(entries) != 1 || entries[0].ActorUsername != "op-delivery" || entries[0].ActingForPartnerID != 1 || entries[0].PartnerID != 1 {
		t.Errorf("audit entry %+v", entries)
	}
	if res := staff.PostForm("/delivery/leave", nil); res.Status != http.StatusSeeOther || staff.Get("/operator/delivery").Status != http.StatusOK {
		t.Errorf("leave: %d", res.Status)
	}
}

func TestDeliveryAccessEndsWithTheConsent(t *testing.T) {
	env := webtest.Start(t)
	staff := env.Login(t, "op-delivery")
	if res := staff.PostForm("/operator/delivery/1/enter", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("enter: %d", res.Status)
	}
	// The consent ends (yesterday was its last day) while the staff member is inside.
	yesterday := clock.Date(env.App.Clock.Now()).AddDate(0, 0, -1).Format(time.DateOnly)
	if _, err := env.App.Pool.Exec(context.Background(), `UPDATE proxy_consents SET signed_on = $1::date - 30, valid_until = $1`, yesterday); err != nil {
		t.Fatal(err)
	}
	if res := staff.Get("/finance/vouchers"); res.Status != http.StatusForbidden || staff.Get("/operator/delivery").Status != http.StatusOK {
		t.Errorf("after the consent ended: %d, want 403 and back in the console", res.Status)
	}
	if res := staff.PostForm("/operator/delivery/1/enter", nil); res.Status != http.StatusForbidden {
		t.Errorf("entering after the consent ended: %d", res.Status)
	}
}

func TestOperatorFinanceAdjustsABalanceWithAReason(t *testing.T) {
	env := webtest.Start(t)
	fin := env.Login(t, "op-finance")
	before := env.Fingerprint(t)
	if res := fin.PostForm("/operator/partners/1/adjust", map[string][]string{"amount": {"0"}, "reason": {""}}); res.Status != http.StatusUnprocessableEntity ||
		res.Doc.Find("#e-amount").Length() != 1 || res.Doc.Find("#e-reason").Length() != 1 {
		t.Errorf("bad adjustment: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused adjustment wrote something")
	}
	if res := env.Login(t, "op-sales").PostForm("/operator/partners/1/adjust", map[string][]string{"amount": {"100"}, "reason": {"x"}}); res.Status != http.StatusForbidden {
		t.Errorf("op-sales adjusting: %d", res.Status)
	}
	if res := fin.PostForm("/operator/partners/1/adjust", map[string][]string{"amount": {"-1,500"}, "reason": {"振込手数料"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("adjust: %d", res.Status)
	}
	page := env.Login(t, "acme-admin").Get("/finance/balance")
	row := page.Doc.Find(`tr[data-kind="adjustment"]`)
	if row.Length() != 1 || row.Find("td.amount").Text() != "-¥1,500" || !strings.Contains(row.Text(), "振込手数料") {
		t.Errorf("partner's history: %q", row.Text())
	}
	entries, _ := audit.List(context.Background(), env.App.Pool, audit.Filter{Action: "ledger.adjusted"})
	if len(entries) != 1 || entries[0].ActorUsername != "op-finance" || entries[0].PartnerID != 1 {
		t.Errorf("audit: %+v", entries)
	}
}
