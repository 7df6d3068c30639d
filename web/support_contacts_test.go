package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/web/webtest"
)

// TestIdentityFormRefusesABadContactPage: the operator's details form has
// the end-user support block, filled with the stored numbers (one a line)
// and contact page; a contact page that is not an http(s) address is
// refused in the user's language, and nothing is written.
func TestIdentityFormRefusesABadContactPage(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "op-admin")
	for _, lang := range []string{"en", "ja"} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		page := c.Get("/operator/identity")
		if got := page.Doc.Find(`#identity-support textarea[name="support_phones"]`).Text(); got != strings.Join(demo.Operator.SupportPhones, "\n") {
			t.Errorf("%s: support phones %q", lang, got)
		}
		if got := page.Doc.Find(`#identity-support input[name="support_url"]`).AttrOr("value", ""); got != demo.Operator.SupportURL {
			t.Errorf("%s: contact page %q", lang, got)
		}
		form := webtest.FormValues(page.Doc, "#identity-form")
		for _, bad := range []string{"www.digicert.com/jp/contact-us/", "javascript:alert(1)", "ftp://www.digicert.com/"} {
			before := env.Fingerprint(t)
			res := c.PostForm("/operator/identity", with(form, "support_url", bad))
			msg := res.Doc.Find("#e-support_url").Text()
			if res.Status != http.StatusUnprocessableEntity || !webtest.IsTranslated(msg) || !strings.Contains(msg, "https://") {
				t.Errorf("%s: %q: %d %q", lang, bad, res.Status, msg)
			}
			if lang == "ja" && !regexp.MustCompile(`[\p{Hiragana}\p{Katakana}\p{Han}]`).MatchString(msg) {
				t.Errorf("ja: %q: message not in Japanese: %q", bad, msg)
			}
			if got := res.Doc.Find(`input[name="support_url"]`).AttrOr("value", ""); got != bad {
				t.Errorf("%s: the form lost the typed address: %q", lang, got)
			}
			if env.Fingerprint(t) != before {
				t.Errorf("%s: the refused %q wrote something", lang, bad)
			}
		}
		before := env.Fingerprint(t)
		if res := c.PostForm("/operator/identity", with(form, "support_phones", " \r\n")); res.Status != http.StatusUnprocessableEntity ||
			!webtest.IsTranslated(res.Doc.Find("#e-support_phones").Text()) || env.Fingerprint(t) != before {
			t.Errorf("%s: no support phone: %d %q", lang, res.Status, res.Doc.Find("#e-support_phones").Text())
		}
	}
}

// TestVoucherPDFPrintsTheSavedSupportContacts: support contacts saved on
// the identity form are what a partner's downloaded voucher gives the end
// user, instead of the sales mailing list and fax.
func TestVoucherPDFPrintsTheSavedSupportContacts(t *testing.T) {
	env := webtest.Start(t)
	op := env.Login(t, "op-admin")
	form := webtest.FormValues(op.Get("/operator/identity").Doc, "#identity-form")
	res := op.PostForm("/operator/identity", with(form, "support_phones", "0120-111-222\r\n\r\n 03-1234-5678 \r\n",
		"support_url", "https://support.example.jp/contact/", "support_hours_ja", "平日 10:00〜17:00", "support_hours_en", "Weekdays 10:00-17:00 JST"))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	id, err := env.App.Issuer.Get(context.Background())
	if err != nil || !slices.Equal(id.SupportPhones, []string{"0120-111-222", "03-1234-5678"}) {
		t.Fatalf("stored: %q %v", id.SupportPhones, err)
	}

	c := env.Login(t, "acme-admin")
	order := placeOrder(t, c, [4]string{"1:1", "1", "1", "0"})
	for lang, want := range map[string][]string{
		"ja": {"電話：0120-111-222 / 03-1234-5678", "お問い合わせ：https://support.example.jp/contact/", "受付時間：平日 10:00〜17:00", "バウチャーコード", "製品タイプ", "有効期間"},
		"en": {"Phone: 0120-111-222 / 03-1234-5678", "Contact: https://support.example.jp/contact/", "Hours: Weekdays 10:00-17:00 JST"},
	} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		res := c.Get(order + "/vouchers.pdf")
		if res.Status != http.StatusOK {
			t.Fatalf("%s PDF: %d", lang, res.Status)
		}
		text := pdfText(t, []byte(res.Body))
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s PDF lacks %q:\n%s", lang, w, text)
			}
		}
		for _, n := range []string{demo.Operator.SalesMailingList, demo.Operator.Fax, demo.Operator.SupportPhones[0]} {
			if strings.Contains(text, n) {
				t.Errorf("%s PDF prints %q:\n%s", lang, n, text)
			}
		}
	}
}
