package httpx_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/web/httpx"
)

func TestAcceptableText(t *testing.T) {
	cases := []struct {
		in               string
		oneLine, multiOK bool
	}{
		{"株式会社アクメ", true, true},
		{"Ta\x00ro", false, false},
		{"Pa\xffris", false, false},
		{"\xc3\x28", false, false},
		{"red\x1b[31m", false, false},
		{"del\x7f", false, false},
		{"c1\u0085", false, false},
		{"two\nlines", false, true},
		{"tab\there", false, true},
		{"crlf\r\n", false, true},
	}
	for _, c := range cases {
		if got := httpx.AcceptableText(c.in, false); got != c.oneLine {
			t.Errorf("one line %q: %v", c.in, got)
		}
		if got := httpx.AcceptableText(c.in, true); got != c.multiOK {
			t.Errorf("multi-line %q: %v", c.in, got)
		}
	}
}

func post(t *testing.T, v url.Values) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestFormRefusesBadValuesAndSkipsTheAction(t *testing.T) {
	f, err := httpx.ReadForm(post(t, url.Values{"name": {"Ac\x00me"}, "memo": {"a\nb"}, "roles": {"admin", "x\x1b"}}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Text("name"); got != "Acme" {
		t.Errorf("shown again as %q, want the rest of the input", got)
	}
	if got := f.Lines("memo"); got != "a\nb" {
		t.Errorf("multi-line value %q", got)
	}
	f.List("roles")
	ran := false
	err = f.Do(func() error { ran = true; return nil })
	errs, invalid := httpx.Invalid(err)
	if ran || !invalid || errs.ID("name") != httpx.BadCharacters || errs.ID("roles") != httpx.BadCharacters || errs.ID("memo") != "" {
		t.Errorf("ran %v, errors %v", ran, err)
	}
}

func TestFormRunsTheActionWhenClean(t *testing.T) {
	f, _ := httpx.ReadForm(post(t, url.Values{"name": {"Acme"}}))
	f.Text("name")
	want := errors.New("from the domain")
	if err := f.Do(func() error { return want }); err != want {
		t.Errorf("Do returned %v", err)
	}
}
