package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ccp-partner/portal/web/webtest"
)

// BenchmarkAPIOrderOneCode places 1-code orders (Global Server ID, 1 year,
// 1 name) one after another through the API and, in the same run, through
// the web form (the POST only: the form page is read once and its
// idempotency key changed per order), and reports requests per second of
// each. The demo credit limit (¥5,000,000) allows about 4,500 orders:
// run with -benchtime 300x or so.
//
//	go test ./web/ -run '^$' -bench APIOrderOneCode -benchtime 300x
func BenchmarkAPIOrderOneCode(b *testing.B) {
	env := webtest.Start(b)
	env.App.Keys.PerMinute = 1 << 30
	key := apiKey(b, env, "acme-admin", "acme-admin")
	body := oneVoucher(1)
	b.Run("api", func(b *testing.B) {
		for b.Loop() {
			if res := call(b, env, "POST", "/voucher", key, body); res.Status != http.StatusCreated {
				b.Fatalf("%d %s", res.Status, res.Body)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	c := env.Login(b, "acme-admin")
	form := webtest.FormValues(c.Get("/finance/vouchers/new").Doc, "#voucher-form")
	form.Set("line0_product", "1:1")
	form.Set("line0_quantity", "1")
	form.Set("line0_fqdns", "1")
	form.Set("line0_wildcards", "0")
	form.Set("customer", "Customer K.K.")
	n := 0
	b.Run("form", func(b *testing.B) {
		for b.Loop() {
			n++
			form.Set("key", fmt.Sprintf("bench-%d", n))
			if res := c.PostForm("/finance/vouchers", form); res.Status != http.StatusSeeOther {
				b.Fatalf("%d %s", res.Status, res.Doc.Find("#refusal, .field-error").Text())
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
