package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestNumbersAreReadAsTheyAreTyped posts amounts and counts the way a
// Japanese clerk types them (yen sign, separators, full-width digits): each
// is read as its value; a word gets "not a number", not a range.
func TestNumbersAreReadAsTheyAreTyped(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	acme := env.Login(t, "acme-admin")
	for typed, want := range map[string]string{"¥500,000": "500,000", "１,０００,０００": "1,000,000", "500,000": "500,000"} {
		res := acme.PostForm("/finance/settings/notification", url.Values{"threshold": {typed}, "notification_emails": {"ap@acme.example"}})
		if res.Status != http.StatusSeeOther {
			t.Errorf("threshold %q: %d %s", typed, res.Status, res.Doc.Find(".field-error").Text())
			continue
		}
		if got := acme.Get("/finance/settings").Doc.Find(`input[name="threshold"]`).AttrOr("value", ""); got != want {
			t.Errorf("threshold %q stored as %q, want %s", typed, got, want)
		}
	}
	fin := env.Login(t, "op-finance")
	for typed, want := range map[string]int64{"¥500,000": 500000, "１,０００,０００": 1000000, "500,000": 500000} {
		before, err := env.App.Ledger.Figures(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if res := fin.PostForm("/operator/partners/1/adjust", url.Values{"amount": {typed}, "reason": {"入金"}}); res.Status != http.StatusSeeOther {
			t.Errorf("adjustment %q: %d %s", typed, res.Status, res.Doc.Find(".field-error").Text())
			continue
		}
		after, _ := env.App.Ledger.Figures(ctx, 1)
		if got := int64(after.CurrentBalance - before.CurrentBalance); got != want {
			t.Errorf("adjustment %q moved the balance by %d, want %d", typed, got, want)
		}
	}
	// A full-width quantity orders that many codes.
	placeOrder(t, acme, [4]string{"1:1", "２", "１", "０"})
	var codes int
	if err := env.App.Pool.QueryRow(ctx, `SELECT count(*) FROM voucher_codes`).Scan(&codes); err != nil || codes != 2 {
		t.Errorf("full-width quantity ２: %d codes, %v", codes, err)
	}
	// Not a number says so (in the user's language), and writes nothing.
	notANumber := func(msg string) bool {
		for _, lang := range []string{"en", "ja"} {
			if msg != "" && msg == env.App.I18n.Localizer(lang).T("form.not_a_number") {
				return true
			}
		}
		return false
	}
	before := env.Fingerprint(t)
	res := acme.PostForm("/finance/vouchers", orderForm(t, acme, [4]string{"1:1", "two", "1", "0"}))
	if msg := res.Doc.Find("#e-line0_quantity").Text(); res.Status != http.StatusUnprocessableEntity || !notANumber(msg) {
		t.Errorf("quantity two: %d %q", res.Status, msg)
	}
	res = fin.PostForm("/operator/partners/1/adjust", url.Values{"amount": {"ten thousand"}, "reason": {"x"}})
	if msg := res.Doc.Find("#e-amount").Text(); !notANumber(msg) {
		t.Errorf("amount in words: %q", msg)
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused number wrote something")
	}
	// Limits are written with separators.
	res = fin.PostForm("/operator/partners/1/adjust", url.Values{"amount": {"99,999,999,999"}, "reason": {"x"}})
	if msg := res.Doc.Find("#e-amount").Text(); !strings.Contains(msg, ledger.MaxAdjustment.String()[len("¥"):]) {
		t.Errorf("range message %q lacks the grouped limit %s", msg, ledger.MaxAdjustment)
	}
}
