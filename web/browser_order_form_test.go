package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// lineState is what the browser shows of one line of the new-order form.
type lineState struct {
	PairHidden        bool     `json:"pairHidden"`
	Pair              string   `json:"pair"`
	Products          []string `json:"products"`
	Product           string   `json:"product"`
	Years             []string `json:"years"`
	YearsLabels       []string `json:"yearsLabels"`
	YearsValue        string   `json:"yearsValue"`
	YearsDisabled     bool     `json:"yearsDisabled"`
	FQDNs             string   `json:"fqdns"`
	FQDNsDisabled     bool     `json:"fqdnsDisabled"`
	Wildcards         string   `json:"wildcards"`
	WildcardsDisabled bool     `json:"wildcardsDisabled"`
	Labels            []string `json:"labels"`
}

// line reads line n of the form.
func (b browser) line(n int) lineState {
	b.t.Helper()
	js, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const row = document.querySelectorAll("#lines .line")[%d];
		const q = s => row.querySelector(s), values = s => Array.from(s.options).map(o => o.value).filter(v => v);
		const pair = q("select[data-field=product]"), product = q("select[data-choice=product]"), years = q("select[data-choice=years]");
		const f = q("[data-field=fqdns]"), w = q("[data-field=wildcards]");
		return JSON.stringify({pairHidden: pair.hidden && pair.offsetParent === null, pair: pair.value,
			products: product ? values(product) : [], product: product ? product.value : "",
			years: years ? values(years) : [], yearsLabels: years ? Array.from(years.options).filter(o => o.value).map(o => o.textContent) : [],
			yearsValue: years ? years.value : "", yearsDisabled: years ? years.disabled : false,
			fqdns: f.value, fqdnsDisabled: f.disabled, wildcards: w.value, wildcardsDisabled: w.disabled,
			labels: [product, years].filter(s => s).map(s => s.getAttribute("aria-label"))});
	})()`, n)))
	b.must(err)
	var s lineState
	b.must(json.Unmarshal([]byte(js), &s))
	return s
}

// choose picks value in line n's product or years select ("product",
// "years") as a user does: the select changes and says so.
func (b browser) choose(n int, which, value string) {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const s = document.querySelectorAll("#lines .line")[%d].querySelector("select[data-choice=%s]");
		if (!s || s.disabled || !Array.from(s.options).some(o => o.value === %q)) return false;
		s.value = %q;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, n, which, value, value)))
	b.must(err)
	if !ok {
		b.t.Fatalf("line %d: cannot choose %s %q", n, which, value)
	}
}

// orderProduct chooses product id for years in line n.
func (b browser) orderProduct(n int, id, years string) {
	b.t.Helper()
	b.choose(n, "product", id)
	b.choose(n, "years", years)
}

// TestBrowserOrderFormChoosesProductThenYears: the script shows each line's
// product-and-years select as a product select and a validity select that
// offers only the years the contract prices for that product (what the
// page's pairs say), disables the FQDN and wildcard inputs a product does
// not take, and posts the chosen pair; added lines work the same.
func TestBrowserOrderFormChoosesProductThenYears(t *testing.T) {
	env := webtest.Start(t)
	offers := formOffers(t, env.Login(t, "acme-admin").Get("/finance/vouchers/new").Doc)
	var ids []string
	byID := map[string]offer{}
	var nameless, noWildcards offer
	for _, o := range offers {
		ids = append(ids, o.ID)
		byID[o.ID] = o
		if !o.Names && !o.Token && nameless.ID == "" {
			nameless = o
		}
		if o.Names && !o.Wildcards && !slices.Contains(o.Years, "1") && noWildcards.ID == "" {
			noWildcards = o
		}
	}
	if nameless.ID == "" || noWildcards.ID == "" {
		t.Fatalf("the demo contract lacks the products this test needs: %+v", offers)
	}

	ctx := webtest.Browser(t)
	b := browser{t: t, ctx: ctx, base: env.URL}
	b.signIn("acme-admin", demo.Password)
	b.open("/finance/vouchers/new")

	s := b.line(0)
	if !s.PairHidden || !slices.Equal(s.Products, ids) || s.Product != "" || !s.YearsDisabled || len(s.Years) != 0 ||
		len(s.Labels) != 2 || !webtest.IsTranslated(s.Labels[0]) || !webtest.IsTranslated(s.Labels[1]) {
		t.Fatalf("a new line: %+v", s)
	}

	// The Global Server ID: 1 to 3 years; FQDNs and wildcards open.
	b.orderProduct(0, "1", "3")
	s = b.line(0)
	if !slices.Equal(s.Years, []string{"1", "2", "3"}) || len(s.YearsLabels) != 3 || s.Pair != "1:3" || s.FQDNsDisabled || s.WildcardsDisabled {
		t.Errorf("Global Server ID, 3 years: %+v", s)
	}
	b.expectText("#total", "¥") // priced

	// A product priced from 2 years and without wildcards: the 3 years stay
	// chosen when offered, else its first years; wildcards are disabled at 0.
	b.must(chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[name="line0_wildcards"]`), "2")))
	b.choose(0, "product", noWildcards.ID)
	s = b.line(0)
	want := noWildcards.ID + ":" + noWildcards.Years[0]
	if slices.Contains(noWildcards.Years, "3") {
		want = noWildcards.ID + ":3"
	}
	if !slices.Equal(s.Years, noWildcards.Years) || s.Pair != want || s.FQDNsDisabled || !s.WildcardsDisabled || s.Wildcards != "0" {
		t.Errorf("%s: %+v, want the pair %s", noWildcards.NameLabel, s, want)
	}

	// A product without names: FQDNs and wildcards disabled at 0; back to
	// one with names, they open again with what the user had typed.
	b.must(chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[name="line0_fqdns"]`), "4")))
	b.choose(0, "product", nameless.ID)
	s = b.line(0)
	if !slices.Equal(s.Years, nameless.Years) || !s.FQDNsDisabled || !s.WildcardsDisabled || s.FQDNs != "0" || s.Wildcards != "0" {
		t.Errorf("%s: %+v", nameless.NameLabel, s)
	}
	b.choose(0, "product", "1")
	if s = b.line(0); s.FQDNsDisabled || s.WildcardsDisabled || s.FQDNs != "4" || s.Wildcards != "2" {
		t.Errorf("back to Global Server ID: %+v", s)
	}

	// An added line has the two selects too.
	b.must(chromedp.Do(ctx, chromedp.Click(chromedp.ID("add-line"))))
	if s = b.line(1); !s.PairHidden || !slices.Equal(s.Products, ids) || !s.YearsDisabled {
		t.Errorf("an added line: %+v", s)
	}
	namelessPair := nameless.ID + ":" + nameless.Years[len(nameless.Years)-1]
	b.orderProduct(1, nameless.ID, nameless.Years[len(nameless.Years)-1])
	b.fill(map[string]string{"line0_quantity": "0", "line0_fqdns": "1", "line0_wildcards": "0", "line1_quantity": "2"})
	b.orderProduct(0, "1", "2")

	// A refused form comes back with each line's product and years chosen.
	b.click("order-submit")
	b.expectText("#e-line0_quantity", "1")
	if s0, s1 := b.line(0), b.line(1); s0.Product != "1" || s0.YearsValue != "2" || s0.Pair != "1:2" || s0.FQDNsDisabled ||
		s1.Pair != namelessPair || !s1.FQDNsDisabled || !s1.WildcardsDisabled {
		t.Errorf("the refused form: %+v / %+v", s0, s1)
	}
	b.fill(map[string]string{"line0_quantity": "1"})
	webtest.Screenshot(t, ctx, "order-form-products")

	b.click("order-submit")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	b.must(err)
	id, err := strconv.ParseInt(path.Base(loc), 10, 64)
	if err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("not an order page: %s\n%s", loc, page)
	}
	lines, err := env.App.Vouchers.Lines(context.Background(), 1, id)
	b.must(err)
	got := make([]string, len(lines))
	for i, l := range lines {
		got[i] = fmt.Sprintf("%d:%d q%d f%d w%d", l.Product.ID, l.Years, l.Quantity, l.FQDNs, l.Wildcards)
	}
	if wantLines := []string{"1:2 q1 f1 w0", namelessPair + " q2 f0 w0"}; !slices.Equal(got, wantLines) {
		t.Errorf("ordered %q, want %q", got, wantLines)
	}
}
