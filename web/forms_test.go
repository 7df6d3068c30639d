package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/web/webtest"
)

// TestFormPagesMarkRequiredFieldsAndOfferAWayBack: on every form page a
// required field's label carries a * hidden from screen readers, its
// control the required attribute, the page a legend explaining the *, and
// a link leads back without saving; an address's prefecture is required.
func TestFormPagesMarkRequiredFieldsAndOfferAWayBack(t *testing.T) {
	env := webtest.Start(t)
	pending := submitSignup(t, env, signupForm())
	cases := []struct {
		user, path, back string
		required         []string // control ids that must be required
	}{
		{"", "/signup", "/login", []string{"f-first_name", "f-email", "f-country", "f-state", "f-city", "f-postal_code"}},
		{"acme-admin", "/finance/settings/billing", "/finance/settings", []string{"f-name", "f-country", "f-state", "f-postal_code", "f-emails"}},
		{"acme-admin", "/finance/vouchers/new", "/finance/vouchers", []string{"f-group_id"}},
		{"acme-admin", "/account/users/7", "/account/users", nil},
		{"op-sales", "/operator/products/new", "/operator/products", []string{"f-code", "f-name_ja", "f-kind"}},
		{"op-sales", "/operator/partners/1/contract/new", "/operator/partners/1", []string{"f-effective_from", "f-payment_terms"}},
		{"op-sales", fmt.Sprintf("/operator/signups/%d", pending), "/operator/signups", []string{"f-reason"}},
		{"op-sales", "/operator/partners/1", "/operator/partners", []string{"f-signed_on", "f-valid_until"}},
		{"op-admin", "/operator/identity", "/operator", []string{"f-name_ja", "f-postal_code", "f-account_type"}},
	}
	for _, lang := range []string{"en", "ja"} {
		for _, tc := range cases {
			c := env.Client(t)
			if tc.user != "" {
				c = env.Login(t, tc.user)
			}
			c.PostForm("/language", url.Values{"lang": {lang}})
			page := c.Get(tc.path)
			if page.Status != 200 {
				t.Fatalf("%s %s: %d", lang, tc.path, page.Status)
			}
			if page.Doc.Find(fmt.Sprintf(`main a.back[href="%s"]`, tc.back)).Length() == 0 {
				t.Errorf("%s %s: no way back to %s", lang, tc.path, tc.back)
			}
			for _, id := range tc.required {
				control := page.Doc.Find("#" + id)
				label := page.Doc.Find(fmt.Sprintf(`label[for="%s"]`, id))
				if _, ok := control.Attr("required"); !ok || label.Find(`.req[aria-hidden="true"]`).Text() != "*" {
					t.Errorf("%s %s: %s is not marked required", lang, tc.path, id)
				}
			}
			if len(tc.required) > 0 && !webtest.IsTranslated(page.Doc.Find("#required-legend").Text()) {
				t.Errorf("%s %s: no legend for the *", lang, tc.path)
			}
			// Every marked field is required, and only they are.
			page.Doc.Find("main .field").Each(func(_ int, s *goquery.Selection) {
				_, required := s.Find("input, select, textarea").First().Attr("required")
				if marked := s.Find("label .req").Length() > 0; marked != required {
					t.Errorf("%s %s: field %q marked %v, required %v", lang, tc.path, strings.TrimSpace(s.Find("label").Text()), marked, required)
				}
			})
		}
	}
	// A page without a required field shows no legend.
	if n := env.Login(t, "acme-admin").Get("/finance/vouchers").Doc.Find("#required-legend").Length(); n != 0 {
		t.Error("the order list explains a * it does not show")
	}
}
