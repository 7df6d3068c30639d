package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/webtest"
)

// closedMonth starts the portal, has Acme order two codes (¥1,990) and
// closes the month: invoice INV0000001 of ¥2,189 with statement ST0000001.
func closedMonth(t *testing.T) *webtest.Env {
	t.Helper()
	env := webtest.Start(t)
	placeOrder(t, env.Login(t, "acme-admin"), [4]string{"1:1", "2", "1", "0"})
	now := env.App.Clock.Now().In(clock.Tokyo)
	first := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 5, 0, clock.Tokyo)
	if err := env.App.TestClock.Set(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	closeNow(t, env)
	return env
}

// closeNow closes the due months, waiting while the portal's own schedule
// holds the close's lock (it runs once as the portal starts).
func closeNow(t *testing.T, env *webtest.Env) {
	t.Helper()
	for range 100 {
		_, ran, err := env.App.Billing.CloseDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ran {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the close's lock stayed taken")
}

func TestPartnersSeeTheirInvoicesAndDownloadTheStoredBytes(t *testing.T) {
	env := closedMonth(t)
	c := env.Login(t, "acme-finance")
	page := c.Get("/finance/invoices")
	row := page.Doc.Find(`#invoices tr[data-number="INV0000001"]`)
	if page.Status != http.StatusOK || row.Length() != 1 || !strings.Contains(row.Text(), "¥2,189") ||
		row.AttrOr("data-status", "") != "unpaid" {
		t.Fatalf("the invoice list: %d %q", page.Status, page.Doc.Find("#invoices").Text())
	}
	first := c.Get("/finance/documents/INV0000001")
	second := c.Get("/finance/documents/INV0000001?view=inline")
	sum := sha256.Sum256([]byte(first.Body))
	if first.Status != http.StatusOK || first.Body != second.Body || first.Header.Get("X-Content-SHA256") != hex.EncodeToString(sum[:]) ||
		!strings.HasPrefix(first.Body, "%PDF-") || first.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("downloads: %d %d, hash %s vs %x", first.Status, second.Status, first.Header.Get("X-Content-SHA256"), sum)
	}
	if !strings.HasPrefix(second.Header.Get("Content-Disposition"), "inline") || !strings.HasPrefix(first.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("dispositions: %q %q", first.Header.Get("Content-Disposition"), second.Header.Get("Content-Disposition"))
	}
	for _, number := range []string{"INV0000001", "ST0000001"} {
		env.AssertOtherPartnerGets404(t, "acme-admin", "/finance/documents/"+number)
	}
	if res := env.Login(t, "acme-user").Get("/finance/documents/INV0000001"); res.Status != http.StatusForbidden {
		t.Errorf("a Standard User got %d for an invoice, want 403", res.Status)
	}
	if res := env.Login(t, "acme-user").Get("/finance/invoices"); res.Status != http.StatusForbidden {
		t.Errorf("a Standard User got %d for the invoice list, want 403", res.Status)
	}
	mtd := c.Get("/finance/invoices/month-to-date")
	if mtd.Status != http.StatusOK || !strings.HasPrefix(mtd.Body, "%PDF-") {
		t.Errorf("month to date: %d", mtd.Status)
	}
	var mails int
	for _, m := range env.Outbox(t) {
		if len(m.Attachments) == 1 && strings.HasSuffix(m.Attachments[0].FileName, ".pdf") &&
			(strings.Contains(m.Subject, "INV0000001") || strings.Contains(m.Subject, "ST0000001")) {
			mails++
		}
	}
	if mails != 2 {
		t.Errorf("%d emails with the invoice and the statement attached, want 2", mails)
	}
}

func TestFinanceSearchesAndRecordsAPaymentThatThePartnerSees(t *testing.T) {
	env := closedMonth(t)
	op := env.Login(t, "op-finance")
	search := func(q url.Values) int {
		res := op.Get("/operator/finance/invoices?" + q.Encode())
		if res.Status != http.StatusOK {
			t.Fatalf("search %v: %d", q, res.Status)
		}
		return res.Doc.Find(`#console-invoices tbody tr`).Length()
	}
	if n := search(url.Values{"min": {"2000"}, "max": {"2,500"}, "who": {"acme"}}); n != 1 {
		t.Errorf("amount range and counterparty: %d invoices, want 1", n)
	}
	if n := search(url.Values{"min": {"3000"}, "who": {"acme"}}); n != 0 {
		t.Errorf("above the total: %d invoices, want 0", n)
	}
	if n := search(url.Values{"who": {"globex"}}); n != 0 {
		t.Errorf("another counterparty: %d invoices, want 0", n)
	}
	if res := op.Get("/operator/finance/invoices?min=abc"); res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-min").Length() == 0 {
		t.Errorf("a bad amount: %d", res.Status)
	}

	before := env.Fingerprint(t)
	res := op.PostForm("/operator/finance/invoices/INV0000001/payments", url.Values{"amount": {"3000"}, "paid_on": {"2099-01-01"}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc.Find("#e-amount").Length() == 0 || res.Doc.Find("#e-paid_on").Length() == 0 {
		t.Errorf("an overpayment in the future: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused payment wrote something")
	}
	today := env.App.Clock.Now().In(clock.Tokyo).Format("2006-01-02")
	if res := op.PostForm("/operator/finance/invoices/INV0000001/payments", url.Values{"amount": {"1,000"}, "paid_on": {today}, "reference": {"振込 0001"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("a partial payment: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	page := env.Login(t, "acme-finance").Get("/finance/invoices")
	if got := page.Doc.Find(`#invoices tr[data-number="INV0000001"]`).AttrOr("data-status", ""); got != "partly_paid" {
		t.Errorf("after a partial payment Acme sees %q", got)
	}
	if res := op.PostForm("/operator/finance/invoices/INV0000001/payments", url.Values{"amount": {"1189"}, "paid_on": {today}}); res.Status != http.StatusSeeOther {
		t.Fatalf("the rest: %d", res.Status)
	}
	page = env.Login(t, "acme-finance").Get("/finance/invoices")
	if got := page.Doc.Find(`#invoices tr[data-number="INV0000001"]`).AttrOr("data-status", ""); got != "paid" {
		t.Errorf("after full payment Acme sees %q", got)
	}
	f, err := env.App.Ledger.Figures(context.Background(), 1)
	if err != nil || f.UnpaidInvoices != 0 {
		t.Errorf("unpaid after payment: %+v %v", f, err)
	}
	if res := env.Login(t, "acme-admin").PostForm("/operator/finance/invoices/INV0000001/payments", url.Values{"amount": {"1"}}); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("a partner recorded a payment: %d", res.Status)
	}
}

func TestFinanceRunsAMonthAgainAndNothingChanges(t *testing.T) {
	env := closedMonth(t)
	op := env.Login(t, "op-finance")
	last := env.App.Clock.Now().In(clock.Tokyo).AddDate(0, -1, 0).Format("2006-01")
	before := billingRows(t, env)
	res := op.PostForm("/operator/finance/close", url.Values{"month": {last}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("re-run: %d", res.Status)
	}
	page := op.Get("/operator/finance/close")
	if row := page.Doc.Find(`#close-runs tr[data-month="` + last + `"]`); !strings.Contains(row.Text(), "1 / 1") {
		t.Errorf("close status: %q", row.Text())
	}
	if after := billingRows(t, env); after != before {
		t.Errorf("the re-run changed the books: %s → %s", before, after)
	}
	if res := op.PostForm("/operator/finance/close", url.Values{"month": {env.App.Clock.Now().In(clock.Tokyo).Format("2006-01")}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("closing the open month: %d", res.Status)
	}
	if got := billingRows(t, env); !strings.HasPrefix(got, "1 1 ") {
		t.Errorf("invoices and closes after a re-run: %s", got)
	}
}

// billingRows summarises what a close writes: invoices, closes, ledger
// entries, emails and the stored documents' hashes.
func billingRows(t *testing.T, env *webtest.Env) string {
	t.Helper()
	var s string
	err := env.App.Pool.QueryRow(context.Background(), `SELECT concat_ws(' ', (SELECT count(*) FROM invoices),
		(SELECT count(*) FROM monthly_closes), (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM mail_outbox),
		(SELECT string_agg(encode(sha256, 'hex'), ',' ORDER BY id) FROM documents))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTheInvoiceListDownloadsAsCSVForAccounting(t *testing.T) {
	env := closedMonth(t)
	op := env.Login(t, "op-finance")
	res := op.Get("/operator/finance/invoices.csv?who=acme&min=2000")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %q", res.Status, res.Header.Get("Content-Disposition"))
	}
	lines := strings.Split(strings.TrimSuffix(res.Body, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "\uFEFFinvoice_number,partner_id,partner_name") || len(lines) != 2 ||
		!strings.HasPrefix(lines[1], "INV0000001,1,Acme Corporation,") || !strings.Contains(lines[1], ",1990,199,2189,0,0,2189,unpaid,ST0000001") {
		t.Errorf("csv:\n%s", res.Body)
	}
	if res := op.Get("/operator/finance/invoices.csv?who=globex"); strings.Count(res.Body, "\n") != 1 {
		t.Errorf("another counterparty's csv has rows:\n%s", res.Body)
	}
	if res := op.Get("/operator/finance/invoices.csv?min=abc"); res.Status != http.StatusBadRequest || res.Header.Get("Content-Disposition") != "" {
		t.Errorf("a bad filter: %d %q", res.Status, res.Header.Get("Content-Disposition"))
	}
	if res := env.Login(t, "acme-admin").Get("/operator/finance/invoices.csv"); res.Status != http.StatusForbidden {
		t.Errorf("a partner got %d for the operator's CSV", res.Status)
	}
}

func TestAnEnglishTranslationIsMarkedAndTheOriginalStaysJapanese(t *testing.T) {
	env := closedMonth(t)
	c := env.Login(t, "acme-finance")
	for _, number := range []string{"INV0000001", "ST0000001"} {
		res := c.Get("/finance/documents/" + number + "?lang=en")
		if res.Status != http.StatusOK || res.Header.Get("X-Content-SHA256") != "" {
			t.Fatalf("%s in English: %d", number, res.Status)
		}
		text := pdfText(t, []byte(res.Body))
		for _, want := range []string{"TRANSLATION", number, "¥2,189"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s in English lacks %q:\n%s", number, want, text)
			}
		}
		original := pdfText(t, []byte(c.Get("/finance/documents/"+number).Body))
		if strings.Contains(original, "TRANSLATION") || !strings.Contains(original, "¥2,189") {
			t.Errorf("the stored original of %s changed:\n%s", number, original)
		}
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", "/finance/documents/INV0000001?lang=en")
}
