package web_test

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/web/webtest"
)

// offer is one product of the new-order form with the years its pairs
// offer, as the page renders them for a browser without JavaScript.
type offer struct {
	ID                      string
	Years                   []string
	Names, Wildcards, Token bool
	NameLabel               string
}

// formOffers reads the products and years that line 0's product select
// offers ("productID:years" pairs), in the page's order.
func formOffers(t *testing.T, doc *goquery.Document) []offer {
	t.Helper()
	var out []offer
	doc.Find(`#lines select[name="line0_product"] option`).Each(func(_ int, o *goquery.Selection) {
		v := o.AttrOr("value", "")
		if v == "" {
			return
		}
		id, years, ok := strings.Cut(v, ":")
		if !ok || o.AttrOr("data-years", "") != years || o.AttrOr("data-name", "") == "" || o.AttrOr("data-years-label", "") == "" {
			t.Errorf("option %q: data-years %q, data-name %q", v, o.AttrOr("data-years", ""), o.AttrOr("data-name", ""))
		}
		if n := len(out); n > 0 && out[n-1].ID == id {
			out[n-1].Years = append(out[n-1].Years, years)
			return
		}
		out = append(out, offer{ID: id, Years: []string{years}, Names: o.AttrOr("data-names", "") == "yes",
			Wildcards: o.AttrOr("data-wildcards", "") == "yes", Token: o.AttrOr("data-token", "") == "yes", NameLabel: o.AttrOr("data-name", "")})
	})
	return out
}

// TestOrderFormWorksWithoutJavaScript: the page itself offers each line's
// product and validity as one select of the contract's pairs (the script
// turns it into two selects), carries no inline script, and takes an order
// posted as a browser without JavaScript posts it; a line without FQDN and
// wildcard fields (inputs the script disabled for a product that takes no
// names) counts 0 of each.
func TestOrderFormWorksWithoutJavaScript(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	page := c.Get("/finance/vouchers/new")
	sel := page.Doc.Find(`#lines select[name="line0_product"]`)
	if sel.Length() != 1 || !webtest.IsTranslated(sel.AttrOr("data-label-product", "")) || !webtest.IsTranslated(sel.AttrOr("data-label-years", "")) {
		t.Fatalf("line 0's product select: %d, labels %q %q", sel.Length(), sel.AttrOr("data-label-product", ""), sel.AttrOr("data-label-years", ""))
	}
	page.Doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("src", "") == "" {
			t.Errorf("inline script: %q", s.Text())
		}
	})
	offers := formOffers(t, page.Doc)
	if len(offers) < 3 || offers[0].ID != "1" || !slices.Equal(offers[0].Years, []string{"1", "2", "3"}) {
		t.Fatalf("offers: %+v", offers)
	}
	var nameless *offer
	for i := range offers {
		if !offers[i].Names && !offers[i].Token {
			nameless = &offers[i]
			break
		}
	}
	if nameless == nil {
		t.Fatal("no product without names is offered")
	}

	ctx := context.Background()
	lastYears := nameless.Years[len(nameless.Years)-1]
	cases := []struct {
		name        string
		drop        []string // fields a browser does not post
		line        [4]string
		fqdns, wild int
	}{
		{"pair as posted", nil, [4]string{"1:2", "1", "3", "1"}, 3, 1},
		{"disabled names", []string{"line0_fqdns", "line0_wildcards"}, [4]string{nameless.ID + ":" + lastYears, "2", "", ""}, 0, 0},
	}
	for _, tc := range cases {
		form := orderForm(t, c, tc.line)
		for _, f := range tc.drop {
			form.Del(f)
		}
		res := c.PostForm("/finance/vouchers", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s %s", tc.name, res.Status, res.Doc.Find("#refusal").Text(), res.Doc.Find(".field-error").Text())
		}
		id, _ := strconv.ParseInt(path.Base(res.Location), 10, 64)
		lines, err := env.App.Vouchers.Lines(ctx, 1, id)
		wantID, wantYears, _ := strings.Cut(tc.line[0], ":")
		if err != nil || len(lines) != 1 || strconv.FormatInt(lines[0].Product.ID, 10) != wantID || strconv.Itoa(lines[0].Years) != wantYears ||
			lines[0].FQDNs != tc.fqdns || lines[0].Wildcards != tc.wild {
			t.Errorf("%s: lines %+v %v", tc.name, lines, err)
		}
	}

	// Without the script nothing is disabled: names typed for a product
	// that takes none are refused on the line, and nothing is written.
	before := env.Fingerprint(t)
	res := c.PostForm("/finance/vouchers", orderForm(t, c, [4]string{nameless.ID + ":" + nameless.Years[0], "1", "1", "0"}))
	if res.Status != http.StatusUnprocessableEntity || !webtest.IsTranslated(res.Doc.Find("#e-line0_fqdns").Text()) {
		t.Errorf("names for %s: %d %q", nameless.NameLabel, res.Status, res.Doc.Find("#e-line0_fqdns").Text())
	}
	if got := res.Doc.Find(`#lines select[name="line0_product"] option[selected]`).AttrOr("value", ""); got != nameless.ID+":"+nameless.Years[0] {
		t.Errorf("the refused form lost the chosen pair: %q", got)
	}
	if env.Fingerprint(t) != before {
		t.Error("the refused order wrote something")
	}
}
