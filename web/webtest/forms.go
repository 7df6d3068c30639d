package webtest

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
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

// Fingerprint summarises the content of every table in the schema, so that
// a test can check that a refused request wrote nothing
// (postgrestest.Fingerprint).
func (e *Env) Fingerprint(t testing.TB) string {
	t.Helper()
	return postgrestest.Fingerprint(t, e.App.Pool)
}

var bareID = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

// IsTranslated reports whether text is a real message (not empty, not a bare id).
func IsTranslated(text string) bool {
	text = strings.TrimSpace(text)
	return text != "" && !bareID.MatchString(text)
}
