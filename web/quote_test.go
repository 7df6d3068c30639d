package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/webtest"
)

// quoteForm is the new-quote form as the page offers it, with memo and
// the product lines (product "id:years", quantity, FQDNs, wildcards).
func quoteForm(t *testing.T, c *webtest.Client, memo string, lines ...[4]string) url.Values {
	t.Helper()
	page := c.Get("/finance/quotes/new")
	if page.Status != http.StatusOK {
		t.Fatalf("new quote form: %d", page.Status)
	}
	f := webtest.FormValues(page.Doc, "#quote-form")
	f.Set("memo", memo)
	for i, l := range lines {
		for j, name := range []string{"product", "quantity", "fqdns", "wildcards"} {
			f.Set(lineFieldName(i, name), l[j])
		}
	}
	return f
}

func lineFieldName(i int, name string) string {
	return "line" + strconv.Itoa(i) + "_" + name
}

// saveQuote saves a product quote and returns its page.
func saveQuote(t *testing.T, c *webtest.Client, memo string, lines ...[4]string) string {
	t.Helper()
	res := c.PostForm("/finance/quotes", quoteForm(t, c, memo, lines...))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save quote: %d %s %s", res.Status, res.Doc.Find("#refusal").Text(), res.Doc.Find(".field-error").Text())
	}
	return res.Location
}

// theManualsPatterns are the manual's four Global Server ID patterns (¥995
// base and per FQDN, ¥5,000 a wildcard): ¥995, ¥4,975, ¥5,000, 2 × ¥8,980.
var theManualsPatterns = [][4]string{{"1:1", "1", "1", "0"}, {"1:1", "1", "5", "0"}, {"1:1", "1", "0", "1"}, {"1:1", "2", "4", "1"}}

func TestAQuotePricesAsTheVoucherOrderAndKeepsItsPrice(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	page := c.Get(saveQuote(t, c, "202012_〇×株式会社向け見積り", theManualsPatterns...))
	order, err := env.App.Vouchers.Price(context.Background(), 1, voucher.Input{Lines: []voucher.LineInput{
		{ProductID: 1, Years: 1, Quantity: 1, FQDNs: 1}, {ProductID: 1, Years: 1, Quantity: 1, FQDNs: 5},
		{ProductID: 1, Years: 1, Quantity: 1, Wildcards: 1}, {ProductID: 1, Years: 1, Quantity: 2, FQDNs: 4, Wildcards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	price, total := order.Total.String(), money.WithTax(order.Total, 10).String()
	if order.Total != 995+4975+5000+2*8980 {
		t.Fatalf("the voucher order of the patterns costs %v", order.Total)
	}
	checkQuickView := func(when string, page *webtest.Response) {
		t.Helper()
		if got := page.Doc.Find("#qv-price").Text(); got != price {
			t.Errorf("%s: quick view price %q, want %s (the voucher order's)", when, got, price)
		}
		if got := page.Doc.Find("#qv-total").Text(); got != total {
			t.Errorf("%s: total %q, want %s", when, got, total)
		}
		row := page.Doc.Find(`#quotes tr[data-number="Q0000001"]`)
		if !strings.Contains(row.Text(), price) || !strings.Contains(row.Text(), "〇×株式会社") || row.AttrOr("data-status", "") != "saved" {
			t.Errorf("%s: list row %q", when, row.Text())
		}
	}
	checkQuickView("saved", page)
	if got := page.Doc.Find("#qv-memo").Text(); got != "202012_〇×株式会社向け見積り" {
		t.Errorf("memo %q", got)
	}
	if got, want := page.Doc.Find("#qv-expires").Text(), (i18nDate(env, clock.Date(env.App.Clock.Now()).AddDate(0, 0, 30))); got != want {
		t.Errorf("expiry %q, want %q", got, want)
	}

	doublePrices(t, env)
	checkQuickView("after the price change", c.Get("/finance/quotes/1"))
	if again := c.PostForm("/finance/quotes", quoteForm(t, c, "", theManualsPatterns...)); again.Status != http.StatusSeeOther {
		t.Fatal(again.Status)
	} else if got := c.Get(again.Location).Doc.Find("#qv-price").Text(); got != money.Yen(2*order.Total).String() {
		t.Errorf("a new quote after the price change costs %s", got)
	}
}

func i18nDate(env *webtest.Env, d time.Time) string { return env.App.I18n.Localizer("en").Date(d) }

// doublePrices appends a version of Acme's contract, effective today, with
// every price doubled.
func doublePrices(t *testing.T, env *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	v, err := env.App.Contracts.InForce(ctx, 1, env.App.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.Entries {
		v.Entries[i].Base *= 2
		v.Entries[i].AdditionalFQDN *= 2
		v.Entries[i].Wildcard *= 2
	}
	if _, err := env.App.Contracts.Create(ctx, 1, contract.NewVersion{EffectiveFrom: clock.Date(env.App.Clock.Now()), Terms: v.Terms,
		Entries: v.Entries}, demo.Actor("op-sales")); err != nil {
		t.Fatal(err)
	}
}

func TestAQuoteIsExpiredTheDayAfterItsExpiryDate(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	path := saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})
	ctx := context.Background()
	for _, step := range []struct {
		days   int
		status string
	}{{30, "saved"}, {1, "expired"}} {
		if err := env.App.TestClock.Advance(ctx, time.Duration(step.days)*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		page := env.Login(t, "acme-admin").Get(path) // the session of a month ago has expired
		if got := page.Doc.Find(`#quotes tr[data-number="Q0000001"]`).AttrOr("data-status", ""); got != step.status {
			t.Errorf("after %d more days: %s, want %s", step.days, got, step.status)
		}
		if step.status == "expired" && !strings.Contains(page.Doc.Find("#qv-status").Text(), "Expired") {
			t.Errorf("quick view status %q", page.Doc.Find("#qv-status").Text())
		}
	}
}

func TestTheQuotePDF(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	path := saveQuote(t, c, "社内用メモ 見せないこと", [4]string{"1:1", "2", "4", "1"}, [4]string{"3:1", "1", "1", "1"})
	q, err := env.App.Quotes.Get(context.Background(), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	ja, en := env.App.I18n.Localizer("ja"), env.App.I18n.Localizer("en")
	for _, tc := range []struct {
		lang string
		l    *i18n.Localizer
		want []string
	}{
		{"ja", ja, []string{"御見積書", "Q0000001", "デジサート グローバル・サーバID", "デジサート グローバル・サーバID ワイルドカード",
			q.Total.String(), ja.Date(q.ExpiresOn), "消費税 (10%)", q.Tax.String(), demo.Operator.RegistrationNumber, "様", "デジサート・ジャパン合同会社"}},
		{"en", en, []string{"Quotation", "Q0000001", "DigiCert Global Server ID", q.Total.String(), en.Date(q.ExpiresOn),
			demo.Operator.RegistrationNumber, "DigiCert Japan G.K."}},
	} {
		res := c.Get(path + "/quote.pdf?lang=" + tc.lang)
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s PDF: %d %s %s", tc.lang, res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		text := pdfText(t, []byte(res.Body))
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s quote lacks %q:\n%s", tc.lang, w, text)
			}
		}
		if strings.Contains(text, "社内用メモ") || strings.Contains(text, "見せないこと") {
			t.Errorf("the %s quote prints the internal memo", tc.lang)
		}
	}
	if q.Subtotal != 2*(995*4+5000)+476700+476700 || q.Tax != money.Tax(q.Subtotal, 10) {
		t.Errorf("quote %v + %v", q.Subtotal, q.Tax)
	}
	preview := c.Get(path + "/preview?lang=ja")
	if preview.Status != http.StatusOK || preview.Doc.Find("#doc-number").Text() != "Q0000001" ||
		!strings.Contains(preview.Doc.Find("#doc-lines").Text(), "デジサート グローバル・サーバID ワイルドカード") ||
		preview.Doc.Find("#doc-total").Text() != q.Total.String() || strings.Contains(preview.Body, "見せないこと") {
		t.Errorf("preview: %d %q", preview.Status, preview.Doc.Find("#quote-document").Text())
	}
	if res := c.Get(path + "/quote.pdf?lang=fr"); res.Status != http.StatusBadRequest {
		t.Errorf("lang=fr: %d", res.Status)
	}
}

func TestSendingAQuote(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	path := saveQuote(t, c, "", [4]string{"1:1", "1", "5", "0"})
	before := env.Fingerprint(t)
	res := c.PostForm(path+"/send", url.Values{"to": {"buyer@customer.example, not an address"}, "lang": {"ja"}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-to").Text() == "" || env.Fingerprint(t) != before {
		t.Errorf("a bad address: %d %q", res.Status, res.Doc.Find("#e-to").Text())
	}
	res = c.PostForm(path+"/send", url.Values{"to": {"buyer@customer.example\nboss@customer.example"}, "lang": {"en"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	msgs := env.Outbox(t)
	m := msgs[len(msgs)-1]
	if strings.Join(m.To, ",") != "buyer@customer.example,boss@customer.example" || !strings.Contains(m.Subject, "Q0000001") ||
		len(m.Attachments) != 1 || m.Attachments[0].FileName != "Quotation_Q0000001.pdf" ||
		!strings.Contains(pdfText(t, m.Attachments[0].Content), "¥4,975") {
		t.Errorf("email to %v: %q with %d attachments", m.To, m.Subject, len(m.Attachments))
	}
	entries, _ := env.App.Accounts.Audit(context.Background(), audit.Filter{PartnerID: 1, Action: audit.QuoteSent})
	if len(entries) != 1 || entries[0].ActorUsername != "acme-finance" {
		t.Errorf("audit: %+v", entries)
	}
}

func TestQuoteRefusalsWriteNothing(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	path := saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})
	ordered := orderedQuote(t, env, c)
	globex := env.Login(t, "globex-admin")
	cases := []struct {
		name   string
		do     func() *webtest.Response
		status int
		want   string // in the page
	}{
		{"quantity 0", func() *webtest.Response {
			return c.PostForm("/finance/quotes", quoteForm(t, c, "", [4]string{"1:1", "0", "1", "0"}))
		}, http.StatusUnprocessableEntity, "1 to 1,000"},
		{"quantity 1,001", func() *webtest.Response {
			return c.PostForm("/finance/quotes", quoteForm(t, c, "", [4]string{"1:1", "1,001", "1", "0"}))
		}, http.StatusUnprocessableEntity, "1 to 1,000"},
		{"not a number", func() *webtest.Response {
			return c.PostForm("/finance/quotes", quoteForm(t, c, "", [4]string{"1:1", "two", "1", "0"}))
		}, http.StatusUnprocessableEntity, "whole number"},
		{"not in the contract", func() *webtest.Response {
			return c.PostForm("/finance/quotes", quoteForm(t, c, "", [4]string{"1:6", "1", "1", "0"}))
		}, http.StatusUnprocessableEntity, "not in your contract"},
		{"credit of ¥0", func() *webtest.Response {
			f := quoteForm(t, c, "")
			f.Set("kind", "credit")
			f.Set("credit", "0")
			return c.PostForm("/finance/quotes", f)
		}, http.StatusUnprocessableEntity, "1 to 10,000,000,000"},
		{"bad bytes in the memo", func() *webtest.Response {
			return c.PostForm("/finance/quotes", quoteForm(t, c, "Ac\x00me", [4]string{"1:1", "1", "1", "0"}))
		}, http.StatusUnprocessableEntity, "cannot be stored"},
		{"bad bytes in the address", func() *webtest.Response {
			return c.PostForm(path+"/send", url.Values{"to": {"buyer@customer.example\xff"}, "lang": {"ja"}})
		}, http.StatusUnprocessableEntity, "cannot be stored"},
		{"a forged purchase order", func() *webtest.Response { return c.PostForm(path+"/purchase-order", url.Values{}) },
			http.StatusConflict, demo.Operator.SalesMailingList},
		{"deleting an ordered quote", func() *webtest.Response { return c.PostForm(ordered+"/delete", url.Values{}) },
			http.StatusConflict, "ordered"},
		{"another partner deleting", func() *webtest.Response { return globex.PostForm(path+"/delete", url.Values{}) },
			http.StatusNotFound, ""},
		{"another partner sending", func() *webtest.Response {
			return globex.PostForm(path+"/send", url.Values{"to": {"x@globex.example"}, "lang": {"en"}})
		}, http.StatusNotFound, ""},
		{"another partner's purchase order", func() *webtest.Response { return globex.PostForm(path+"/purchase-order", url.Values{}) },
			http.StatusNotFound, ""},
	}
	for _, tc := range cases {
		before := env.Fingerprint(t)
		res := tc.do()
		if res.Status != tc.status || !strings.Contains(res.Doc.Find("main").Text(), tc.want) {
			t.Errorf("%s: %d, want %d with %q: %s", tc.name, res.Status, tc.status, tc.want, res.Doc.Find("main").Text())
		}
		if env.Fingerprint(t) != before {
			t.Errorf("%s wrote to the database", tc.name)
		}
	}
	page := c.Get(path)
	if _, disabled := page.Doc.Find("#create-po").Attr("disabled"); !disabled ||
		!strings.Contains(page.Doc.Find("#po-note").Text(), demo.Operator.SalesMailingList) {
		t.Errorf("purchase order button: %q", page.Doc.Find("#po-form").Text())
	}
	if res := c.Get(ordered + "/delete"); res.Status != http.StatusConflict {
		t.Errorf("confirming the deletion of an ordered quote: %d", res.Status)
	}
}

// orderedQuote saves a quote, places its voucher order and marks it
// Ordered, as "Order these vouchers" will; it returns its page.
func orderedQuote(t *testing.T, env *webtest.Env, c *webtest.Client) string {
	t.Helper()
	path := saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})
	form := webtest.FormValues(c.Get(path+"/order").Doc, "#quote-order-form")
	if res := c.PostForm(path+"/order", form); res.Status != http.StatusSeeOther {
		t.Fatalf("order the quote: %d %s", res.Status, res.Doc.Find("#refusal").Text())
	}
	return path
}

func quoteID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/finance/quotes/"), 10, 64)
	if err != nil {
		t.Fatalf("not a quote's page: %s", path)
	}
	return id
}

func TestQuotesOfAnotherPartnerAreNotFoundAndStandardUsersAreForbidden(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	path := saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})
	for _, p := range []string{path, path + "/quote.pdf", path + "/quote.pdf?lang=en", path + "/preview", path + "/delete"} {
		env.AssertOtherPartnerGets404(t, "acme-finance", p)
	}
	user := env.Login(t, "acme-user")
	for _, p := range []string{"/finance/quotes", "/finance/quotes/new", path, path + "/quote.pdf"} {
		if res := user.Get(p); res.Status != http.StatusForbidden {
			t.Errorf("a Standard User gets %d for %s", res.Status, p)
		}
	}
	before := env.Fingerprint(t)
	if res := user.PostForm("/finance/quotes", quoteForm(t, c, "", [4]string{"1:1", "1", "1", "0"})); res.Status != http.StatusForbidden {
		t.Errorf("a Standard User saving: %d", res.Status)
	}
	if res := user.PostForm(path+"/delete", url.Values{}); res.Status != http.StatusForbidden || env.Fingerprint(t) != before {
		t.Errorf("a Standard User deleting: %d", res.Status)
	}
	if strings.Contains(user.Get("/dashboard").Body, `href="/finance/quotes"`) {
		t.Error("a Standard User sees the Quotes link")
	}
	if !strings.Contains(c.Get("/dashboard").Body, `href="/finance/quotes"`) {
		t.Error("a Finance Manager does not see the Quotes link")
	}
}

func TestOperatorSalesSeesAPartnersQuotesReadOnly(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	saveQuote(t, c, "for the operator", [4]string{"1:1", "1", "5", "0"})
	sales := env.Login(t, "op-sales")
	page := sales.Get("/operator/partners/1/quotes")
	row := page.Doc.Find(`#quotes tr[data-number="Q0000001"]`)
	if page.Status != http.StatusOK || !strings.Contains(row.Text(), "¥4,975") || page.Doc.Find("main form[method=post]").Length() != 0 {
		t.Fatalf("op-sales: %d %q", page.Status, row.Text())
	}
	pdf := sales.Get(row.Find("a.pdf-ja").AttrOr("href", ""))
	if pdf.Status != http.StatusOK || !strings.Contains(pdfText(t, []byte(pdf.Body)), "Q0000001") {
		t.Errorf("op-sales PDF: %d", pdf.Status)
	}
	if res := sales.Get("/operator/partners/2/quotes/1/quote.pdf"); res.Status != http.StatusNotFound {
		t.Errorf("Acme's quote as Globex's: %d", res.Status)
	}
	for _, who := range []string{"op-finance", "op-delivery", "acme-admin"} {
		if res := env.Login(t, who).Get("/operator/partners/1/quotes"); res.Status != http.StatusForbidden {
			t.Errorf("%s gets %d", who, res.Status)
		}
	}
	if res := sales.Get("/operator/partners/999/quotes"); res.Status != http.StatusNotFound {
		t.Errorf("no such partner: %d", res.Status)
	}
	if res := sales.Get("/operator/partners/1"); res.Status != http.StatusOK {
		t.Errorf("the partner page beside the quotes route: %d", res.Status)
	}
}

// TestQuotePagesAreTranslated opens every quote page in both languages:
// no bare message id, the html lang set, the form's required group marked
// and a way back from the form.
func TestQuotePagesAreTranslated(t *testing.T) {
	env := webtest.Start(t)
	acme := env.Login(t, "acme-admin")
	path := saveQuote(t, acme, "memo", [4]string{"1:1", "1", "1", "0"})
	credit := quoteForm(t, acme, "credit")
	credit.Set("kind", "credit")
	credit.Set("credit", "¥500,000")
	if res := acme.PostForm("/finance/quotes", credit); res.Status != http.StatusSeeOther {
		t.Fatalf("credit quote: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	pages := map[string][]string{
		"acme-admin": {"/finance/quotes", "/finance/quotes/new", path, path + "/preview", path + "/preview?lang=en", path + "/delete",
			"/finance/quotes/2", "/finance/quotes/2/preview"},
		"op-sales": {"/operator/partners/1/quotes", "/operator/partners/2/quotes"},
	}
	for _, lang := range []string{"en", "ja"} {
		for user, paths := range pages {
			c := env.Login(t, user)
			c.PostForm("/language", url.Values{"lang": {lang}})
			for _, p := range paths {
				res := c.Get(p)
				if res.Status != http.StatusOK || res.Doc.Find("html").AttrOr("lang", "") != lang {
					t.Errorf("%s %s: %d, html lang %q", lang, p, res.Status, res.Doc.Find("html").AttrOr("lang", ""))
				}
				res.Doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
					if text := strings.TrimSpace(s.Contents().Not("*").Text()); untranslated.MatchString(text) {
						t.Errorf("%s %s shows untranslated id %q", lang, p, text)
					}
				})
			}
		}
		c := env.Login(t, "acme-admin")
		c.PostForm("/language", url.Values{"lang": {lang}})
		form := c.Get("/finance/quotes/new")
		if _, ok := form.Doc.Find("#f-group_id").Attr("required"); !ok || form.Doc.Find(`main a.back[href="/finance/quotes"]`).Length() == 0 ||
			!webtest.IsTranslated(form.Doc.Find("#required-legend").Text()) {
			t.Errorf("%s: the form's required group or its way back", lang)
		}
	}
	q, err := env.App.Quotes.Get(context.Background(), 1, 2)
	if err != nil || q.Kind != "credit" || q.Subtotal != 500_000 || q.Total != 550_000 {
		t.Errorf("credit quote: %+v %v", q, err)
	}
}

// TestOrderingAQuotesVouchers: "Order these vouchers" places one order at
// the quote's frozen prices (its contract still in force), links it, and
// the quote can be ordered only once; after a price change the order is
// charged at today's prices with a notice.
func TestOrderingAQuotesVouchers(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-finance")
	path := saveQuote(t, c, "", theManualsPatterns...)
	page := c.Get(path + "/order")
	if page.Status != http.StatusOK || page.Doc.Find("#frozen").Length() != 1 || !strings.Contains(page.Doc.Find("#order-total").Text(), "¥28,930") {
		t.Fatalf("the order page: %d %q", page.Status, page.Doc.Find("#order-total").Text())
	}
	form := webtest.FormValues(page.Doc, "#quote-order-form")
	form.Set("customer", "株式会社サンプル")
	res := c.PostForm(path+"/order", form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("order: %d %s", res.Status, res.Doc.Find("#refusal").Text())
	}
	order := c.Get(res.Location)
	if !strings.Contains(order.Doc.Find("#order-facts").Text(), "¥28,930") {
		t.Errorf("the order's total: %q", order.Doc.Find("#order-facts").Text())
	}
	quotePage := c.Get(path)
	if got := quotePage.Doc.Find("#qv-status").Text(); !strings.Contains(got, "Ordered") || quotePage.Doc.Find("#quote-order-link").Length() != 1 {
		t.Errorf("the quote after ordering: %q", got)
	}
	before := env.Fingerprint(t)
	if again := c.PostForm(path+"/order", form); again.Status != http.StatusSeeOther || again.Location != res.Location {
		t.Errorf("a double submit: %d %s", again.Status, again.Location)
	}
	form.Set("key", "another submit")
	if again := c.PostForm(path+"/order", form); again.Status != http.StatusConflict {
		t.Errorf("ordering an ordered quote again: %d", again.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("ordering the quote again wrote something")
	}
	env.AssertOtherPartnerGets404(t, "acme-finance", saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})+"/order")

	repriced := saveQuote(t, c, "", [4]string{"1:1", "1", "1", "0"})
	doublePrices(t, env)
	page = c.Get(repriced + "/order")
	if page.Doc.Find("#repriced").Length() != 1 || !strings.Contains(page.Doc.Find("#order-total").Text(), "¥1,990") {
		t.Errorf("after a price change: %q %q", page.Doc.Find("#repriced").Text(), page.Doc.Find("#order-total").Text())
	}
}
