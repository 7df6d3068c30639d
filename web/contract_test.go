package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/web/webtest"
	"strconv"
)

// TestPriceChangeTodayLeavesYesterdaysVersion changes Global Server ID
// (1 year) from ¥995 to ¥1,200 today and checks that yesterday's version
// still reads ¥995, unchanged, while today's prices are the new ones.
func TestPriceChangeTodayLeavesYesterdaysVersion(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	now := env.App.Clock.Now()
	yesterday := clock.Date(now).AddDate(0, 0, -1)
	old, err := env.App.Contracts.InForce(ctx, 1, yesterday)
	if err != nil {
		t.Fatal(err)
	}
	before := env.Fingerprint(t)

	sales := env.Login(t, "op-sales")
	form := webtest.FormValues(sales.Get("/operator/partners/1/contract/new").Doc, "#contract-form")
	gsid := contract.EntryField(1, 1, "base")
	if form.Get(gsid) != "995" || form.Get("effective_from") != clock.Date(now).Format(time.DateOnly) {
		t.Fatalf("editor prefill: base %q, effective %q", form.Get(gsid), form.Get("effective_from"))
	}
	form.Set(gsid, "1,200")
	if res := sales.PostForm("/operator/partners/1/contract", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.Doc.Find(".field-error, .form-error").Text())
	}
	if env.Fingerprint(t) == before {
		t.Fatal("nothing was written")
	}

	again, err := env.App.Contracts.InForce(ctx, 1, yesterday)
	if err != nil || again.ID != old.ID {
		t.Fatalf("yesterday's version changed from %d to %d (%v)", old.ID, again.ID, err)
	}
	if e, _ := again.Entry(1, 1); e.Base != 995 || len(again.Entries) != len(old.Entries) {
		t.Errorf("yesterday's Global Server ID 1y is now %v (%d entries, was %d)", e.Base, len(again.Entries), len(old.Entries))
	}
	today, err := env.App.Contracts.InForce(ctx, 1, now)
	if e, _ := today.Entry(1, 1); err != nil || today.ID == old.ID || e.Base != 1200 {
		t.Fatalf("today's version %d base %v (%v)", today.ID, e.Base, err)
	}
	unit, _ := contract.UnitPrice(mustEntry(t, today, 1, 1).Prices, contract.Names{FQDNs: true, Wildcards: true}, 5, 0)
	if unit != 1200+4*995 {
		t.Errorf("5 FQDNs today cost %v", unit)
	}

	// The old version stays readable in the console, the partner sees today's.
	if res := sales.Get("/operator/partners/1/contract/" + itoa(old.ID)); !strings.Contains(cellText(res, "ssl_global_server_id", 1), "¥995") {
		t.Errorf("old version page shows %q", cellText(res, "ssl_global_server_id", 1))
	}
	if res := env.Login(t, "acme-user").Get("/finance/pricing"); !strings.Contains(cellText(res, "ssl_global_server_id", 1), "¥1,200") {
		t.Errorf("partner pricing shows %q", cellText(res, "ssl_global_server_id", 1))
	}
	// Versions cannot be changed in the database either.
	for _, stmt := range []string{`UPDATE contract_versions SET credit_limit = 0`, `DELETE FROM price_entries`} {
		if _, err := env.App.Pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s was allowed", stmt)
		}
	}
	entries, _ := audit.List(ctx, env.App.Pool, audit.Filter{PartnerID: 1, Action: "contract.version_created"})
	if len(entries) != 1 || entries[0].ActorUsername != "op-sales" {
		t.Errorf("audit: %+v", entries)
	}
}

func mustEntry(t *testing.T, v contract.Version, product int64, years int) contract.Entry {
	t.Helper()
	e, ok := v.Entry(product, years)
	if !ok {
		t.Fatalf("version %d has no entry for product %d, %d years", v.ID, product, years)
	}
	return e
}

func cellText(res *webtest.Response, code string, years int) string {
	return strings.Join(strings.Fields(res.Doc.Find(`tr[data-product="`+code+`"] td.pricecell`).Eq(years-1).Text()), " ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAccountPricingPageShowsTheContract(t *testing.T) {
	env := webtest.Start(t)
	for lang, want := range map[string]string{"en": "Your account has an active contract ending on 31 Mar", "ja": "アカウントに"} {
		c := env.Login(t, "acme-user")
		c.PostForm("/language", map[string][]string{"lang": {lang}})
		res := c.Get("/finance/pricing")
		if !strings.Contains(res.Doc.Find("#contract-status").Text(), want) {
			t.Errorf("%s: %q", lang, res.Doc.Find("#contract-status").Text())
		}
		basic := cellText(res, "ssl_basic_ov", 1)
		if !strings.Contains(basic, "¥17,600") || !strings.Contains(basic, "¥26,400") || !strings.Contains(basic, "¥93,120") {
			t.Errorf("%s: Basic OV 1 year shows %q", lang, basic)
		}
	}
}
