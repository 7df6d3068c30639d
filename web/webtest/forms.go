package webtest

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FormValues returns the values a browser would submit for the form that
// sel selects (inputs, checked boxes, selects, text areas).
func FormValues(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	form := doc.Find(sel)
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		typ := s.AttrOr("type", "text")
		if (typ == "checkbox" || typ == "radio") && s.AttrOr("checked", "-") == "-" {
			return
		}
		if typ == "submit" {
			return
		}
		v.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		v.Add(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) {
		v.Add(s.AttrOr("name", ""), s.Text())
	})
	return v
}

// fingerprinted are the tables whose content a refused form must leave as it was.
var fingerprinted = []string{"partners", "users", "signups", "management_groups", "operator_identity", "products",
	"contract_versions", "price_entries", "billing_contacts", "payment_settings", "proxy_consents",
	"password_resets", "audit_log", "mail_outbox"}

// Fingerprint summarises the content of the business tables, so that a
// test can check that a refused request wrote nothing.
func (e *Env) Fingerprint(t testing.TB) string {
	t.Helper()
	var parts []string
	for _, table := range fingerprinted {
		var sum string
		err := e.App.Pool.QueryRow(context.Background(),
			`SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM `+table+` t`).Scan(&sum)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, table+"="+sum)
	}
	return strings.Join(parts, " ")
}

var bareID = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

// IsTranslated reports whether text is a real message (not empty, not a bare id).
func IsTranslated(text string) bool {
	text = strings.TrimSpace(text)
	return text != "" && !bareID.MatchString(text)
}
