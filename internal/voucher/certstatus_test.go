package voucher_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/voucher"
)

// The certificate domain writes certificate_orders and certificates; these
// helpers write the rows in SQL, as the migration (000015) defines them,
// so that the voucher package's reads can be tested on their own.

// certSubscriber adds an end user and returns its id.
func certSubscriber(t testing.TB, e *env) int64 {
	t.Helper()
	var id int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO subscribers (email, display_name, password_hash, language, created_at)
		VALUES ('end-user-' || (SELECT count(*) FROM subscribers) || '@example.jp', 'End User', 'x', 'ja', now()) RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// certRequest is one certificate order made with a voucher code.
type certRequest struct {
	code         int64 // voucher_codes.id
	subscriber   int64
	status       string // pending, issued, rejected, cancelled
	commonName   string
	organization string
	requestedAt  time.Time
	decidedAt    *time.Time // the approval (plan start) or rejection
	planEndsAt   *time.Time
}

// addCertOrder writes r with what its code was ordered for and returns the
// certificate order's id.
func addCertOrder(t testing.TB, e *env, r certRequest) int64 {
	t.Helper()
	var cancelled *time.Time
	if r.status == "cancelled" {
		at := r.requestedAt.Add(48 * time.Hour)
		cancelled = &at
	}
	var id int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO certificate_orders (partner_id, group_id, subscriber_id, voucher_code_id,
			product_id, years, fqdns, wildcards, common_name, names, csr_pem, key_name, organization, status, requested_at,
			decided_at, plan_ends_at, cancelled_at)
		SELECT c.partner_id, o.group_id, $2, c.id, l.product_id, l.years, l.fqdns, l.wildcards, $3, ARRAY[$3], 'csr', 'RSA 2048', $4, $5, $6,
			$7, $8, $9
		FROM voucher_codes c JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id WHERE c.id = $1 RETURNING id`,
		r.code, r.subscriber, r.commonName, r.organization, r.status, r.requestedAt, r.decidedAt, r.planEndsAt, cancelled).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// addCertificate writes a certificate of certificate order id and returns its id.
func addCertificate(t testing.TB, e *env, order int64, notBefore, notAfter time.Time, revoked *time.Time) int64 {
	t.Helper()
	var id int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO certificates (order_id, serial, der, not_before, not_after, issued_at, revoked_at)
		VALUES ($1::bigint, to_hex($1::bigint * 1000 + (SELECT count(*) FROM certificates)), '\x00', $2, $3, $2, $4) RETURNING id`,
		order, notBefore, notAfter, revoked).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// seedCertificates gives every Used code of partner 1 a certificate order
// in SQL, as the benchmarks' data: one code in three had a first order
// cancelled (with its revoked certificate); the counting order is pending
// for one code in ten, else issued with a certificate, and one in five of
// those was reissued (a second certificate).
func seedCertificates(tb testing.TB, e *env) {
	tb.Helper()
	sub := certSubscriber(tb, e)
	const insert = `INSERT INTO certificate_orders (partner_id, group_id, subscriber_id, voucher_code_id, product_id, years, fqdns,
			wildcards, common_name, names, csr_pem, key_name, organization, status, requested_at, decided_at, plan_ends_at, cancelled_at)
		SELECT c.partner_id, o.group_id, $1, c.id, l.product_id, l.years, l.fqdns, l.wildcards, %s, ARRAY[%[1]s], 'csr', 'RSA 2048', %s
		FROM voucher_codes c JOIN voucher_order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no
		JOIN voucher_orders o ON o.id = c.order_id WHERE c.partner_id = 1 AND c.status = 'used' %s ORDER BY c.id`
	type stmt struct {
		sql  string
		args []any
	}
	for _, s := range []stmt{
		{fmt.Sprintf(insert, `'old' || c.id || '.example.jp'`, `'Old Org', 'cancelled', c.used_at - interval '10 days',
			c.used_at - interval '9 days', c.used_at - interval '9 days' + make_interval(years => l.years), c.used_at - interval '5 days'`,
			`AND c.id % 3 = 0`), []any{sub}},
		{fmt.Sprintf(insert, `'www' || c.id || '.example.jp'`, `'Org ' || c.id, CASE WHEN c.id % 10 = 0 THEN 'pending' ELSE 'issued' END,
			c.used_at, CASE WHEN c.id % 10 <> 0 THEN c.used_at + interval '1 hour' END,
			CASE WHEN c.id % 10 <> 0 THEN c.used_at + interval '1 hour' + make_interval(years => l.years) END, NULL::timestamptz`, ``), []any{sub}},
		{`INSERT INTO certificates (order_id, serial, der, not_before, not_after, issued_at, revoked_at)
		 SELECT co.id, to_hex(co.id * 2), '\x00', co.decided_at, least(co.plan_ends_at, co.decided_at + interval '398 days'), co.decided_at,
			co.cancelled_at
		 FROM certificate_orders co WHERE co.decided_at IS NOT NULL AND co.partner_id = 1 ORDER BY co.id`, nil},
		{`INSERT INTO certificates (order_id, serial, der, not_before, not_after, issued_at)
		 SELECT co.id, to_hex(co.id * 2 + 1), '\x00', co.decided_at + interval '30 days', least(co.plan_ends_at, co.decided_at + interval '428 days'),
			co.decided_at + interval '30 days'
		 FROM certificate_orders co WHERE co.status = 'issued' AND co.id % 5 = 0 AND co.partner_id = 1 ORDER BY co.id`, nil},
		{`VACUUM ANALYZE certificate_orders`, nil},
		{`VACUUM ANALYZE certificates`, nil},
	} {
		if _, err := e.pool.Exec(context.Background(), s.sql, s.args...); err != nil {
			tb.Fatal(err)
		}
	}
}

// certCase is a voucher order of five codes with certificate orders:
// issued (reissued once), cancelled then issued again, pending, Used
// without a certificate order, and Active again after a cancelled request.
type certCase struct {
	order                                      int64
	codes                                      []voucher.Code
	issued, first, second, pending             int64 // certificate order ids (first is cancelled, second issued)
	requested, firstIssued, reissued, planEnds time.Time
	againRequested, againIssued, againPlanEnds time.Time
	cancelledOfActive                          int64
	usedWithout                                time.Time
}

func newCertCase(t *testing.T, e *env) certCase {
	t.Helper()
	ctx := context.Background()
	id, _, err := e.svc.Create(ctx, 1, order(gsid(5, 2, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	k := certCase{order: id}
	if k.codes, err = e.svc.Codes(ctx, 1, id); err != nil || len(k.codes) != 5 {
		t.Fatalf("%d codes, %v", len(k.codes), err)
	}
	now := e.clock.Now().Truncate(time.Second)
	today := clock.Date(now)
	sub := certSubscriber(t, e)
	use := func(code int64, at time.Time) {
		t.Helper()
		if err := e.svc.Use(ctx, e.pool, code, at); err != nil {
			t.Fatal(err)
		}
	}
	ptr := func(t time.Time) *time.Time { return &t }

	// Code 0: issued half an hour after midnight Japan time (the previous
	// day in UTC), reissued a month later.
	k.requested, k.firstIssued = now.Add(-72*time.Hour), today.Add(30*time.Minute)
	k.planEnds, k.reissued = k.firstIssued.AddDate(1, 0, 0), k.firstIssued.AddDate(0, 1, 0)
	use(k.codes[0].ID, k.requested)
	k.issued = addCertOrder(t, e, certRequest{code: k.codes[0].ID, subscriber: sub, status: "issued", commonName: "www.example.jp",
		organization: "Example 株式会社", requestedAt: k.requested, decidedAt: &k.firstIssued, planEndsAt: &k.planEnds})
	addCertificate(t, e, k.issued, k.firstIssued, k.firstIssued.AddDate(0, 0, 200), ptr(k.reissued))
	addCertificate(t, e, k.issued, k.reissued, k.planEnds, nil)

	// Code 1: a first request cancelled within the window gave the code
	// back; it was redeemed again and issued.
	first := now.Add(-240 * time.Hour)
	use(k.codes[1].ID, first)
	k.first = addCertOrder(t, e, certRequest{code: k.codes[1].ID, subscriber: sub, status: "cancelled", commonName: "old.example.jp",
		organization: "Old Org", requestedAt: first, decidedAt: ptr(first.Add(time.Hour)), planEndsAt: ptr(first.Add(time.Hour).AddDate(1, 0, 0))})
	addCertificate(t, e, k.first, first.Add(time.Hour), first.Add(time.Hour).AddDate(1, 0, 0), ptr(first.Add(48*time.Hour)))
	mustExec(t, e, `UPDATE voucher_codes SET status = 'active', used_at = NULL WHERE id = $1`, k.codes[1].ID)
	k.againRequested, k.againIssued = now.Add(-24*time.Hour), now.Add(-20*time.Hour)
	k.againPlanEnds = k.againIssued.AddDate(1, 0, 0)
	use(k.codes[1].ID, k.againRequested)
	k.second = addCertOrder(t, e, certRequest{code: k.codes[1].ID, subscriber: sub, status: "issued", commonName: "new.example.jp",
		requestedAt: k.againRequested, decidedAt: &k.againIssued, planEndsAt: &k.againPlanEnds})
	addCertificate(t, e, k.second, k.againIssued, k.againPlanEnds, nil)

	// Code 2: waiting for validation.
	use(k.codes[2].ID, now.Add(-2*time.Hour))
	k.pending = addCertOrder(t, e, certRequest{code: k.codes[2].ID, subscriber: sub, status: "pending", commonName: "wait.example.jp",
		organization: "=Waiting, \"Org\"", requestedAt: now.Add(-2 * time.Hour)})

	// Code 3: Used without a certificate order (before certificate requests).
	k.usedWithout = now.Add(-time.Hour)
	use(k.codes[3].ID, k.usedWithout)

	// Code 4: Active again after its request was cancelled.
	k.cancelledOfActive = addCertOrder(t, e, certRequest{code: k.codes[4].ID, subscriber: sub, status: "cancelled", commonName: "gone.example.jp",
		requestedAt: now.Add(-5 * time.Hour)})
	return k
}

// TestUsedCodesCarryTheirCertificate: a page of Used codes has each code's
// counting certificate order (the live one, else the newest) with its
// newest certificate and its first issuance.
func TestUsedCodesCarryTheirCertificate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k := newCertCase(t, e)
	p, err := e.svc.UsedCodes(ctx, 1, voucher.UsedFilter{OrderID: k.order})
	if err != nil || len(p.Codes) != 4 {
		t.Fatalf("%d used codes, %v", len(p.Codes), err)
	}
	byID := map[int64]voucher.UsedCode{}
	for _, c := range p.Codes {
		byID[c.ID] = c
	}
	same := func(name string, got, want time.Time) {
		t.Helper()
		if !got.Equal(want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}

	c := byID[k.codes[0].ID].Certificate
	if c.OrderID != k.issued || c.Status != voucher.CertificateIssued || c.CommonName != "www.example.jp" || c.Organization != "Example 株式会社" ||
		!c.Issued() || !c.RevokedAt.IsZero() {
		t.Errorf("issued: %+v", c)
	}
	same("newest certificate's start", c.NotBefore, k.reissued)
	same("newest certificate's end", c.NotAfter, k.planEnds)
	same("first issuance", c.ValidFrom, k.firstIssued)
	same("plan end", c.PlanEndsAt, k.planEnds)
	same("request", c.RequestedAt, k.requested)
	if from, till := byID[k.codes[0].ID].OrderValidity(); !from.Equal(clock.Date(k.firstIssued)) || !till.Equal(clock.Date(k.planEnds)) {
		t.Errorf("order validity %v – %v", from, till)
	}

	c = byID[k.codes[1].ID].Certificate
	if c.OrderID != k.second || c.CommonName != "new.example.jp" || c.Organization != "" || c.Status != voucher.CertificateIssued {
		t.Errorf("redeemed again: %+v, want order %d", c, k.second)
	}
	same("second order's certificate", c.NotBefore, k.againIssued)
	same("second order's first issuance", c.ValidFrom, k.againIssued)
	if at, ok := byID[k.codes[1].ID].RequestDate(); !ok || !at.Equal(k.againRequested) {
		t.Errorf("request date %v", at)
	}

	c = byID[k.codes[2].ID].Certificate
	if c.OrderID != k.pending || c.Status != voucher.CertificatePending || c.Issued() || !c.ValidFrom.IsZero() || !c.PlanEndsAt.IsZero() ||
		c.CommonName != "wait.example.jp" {
		t.Errorf("pending: %+v", c)
	}
	if from, till := byID[k.codes[2].ID].OrderValidity(); !from.IsZero() || !till.IsZero() {
		t.Errorf("pending order validity %v – %v", from, till)
	}

	u := byID[k.codes[3].ID]
	if u.Certificate != (voucher.CodeCertificate{}) {
		t.Errorf("used without a request: %+v", u.Certificate)
	}
	if from, till := u.OrderValidity(); !from.Equal(u.OrderDate) || !till.Equal(u.ExpiresOn) {
		t.Errorf("without a request, order validity %v – %v", from, till)
	}
	if at, ok := u.RequestDate(); !ok || !at.Equal(k.usedWithout) {
		t.Errorf("request date %v %v", at, ok)
	}

	// The live order counts even when a newer one exists (a rule, not a
	// likely history): an issued order before a rejected one.
	mustExec(t, e, `UPDATE certificate_orders SET status = 'rejected' WHERE id = $1`, k.pending)
	addCertOrder(t, e, certRequest{code: k.codes[0].ID, subscriber: certSubscriber(t, e), status: "rejected", commonName: "later.example.jp",
		requestedAt: e.clock.Now()})
	p, err = e.svc.UsedCodes(ctx, 1, voucher.UsedFilter{OrderID: k.order, Limit: 3})
	if err != nil || len(p.Codes) != 3 || p.Codes[0].Certificate.OrderID != k.issued || p.Codes[2].Certificate.Status != voucher.CertificateRejected {
		t.Errorf("%+v %v", p.Codes, err)
	}
}

// TestOrderCodesPageCarriesTheCertificates: the order page's codes carry
// their certificate status, read with the page (and only for Used codes).
func TestOrderCodesPageCarriesTheCertificates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k := newCertCase(t, e)
	for _, f := range []voucher.CodeFilter{{}, {Limit: 2, After: k.codes[0].ID}, {Limit: 2, Before: k.codes[3].ID}} {
		p, err := e.svc.CodesPage(ctx, 1, k.order, f)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]int64{k.codes[0].ID: k.issued, k.codes[1].ID: k.second, k.codes[2].ID: k.pending}
		for _, c := range p.Codes {
			cert, ok := p.Certificates[c.ID]
			if want[c.ID] != cert.OrderID || ok != (want[c.ID] != 0) {
				t.Errorf("filter %+v: code %d has certificate order %d (%v), want %d", f, c.ID, cert.OrderID, ok, want[c.ID])
			}
		}
		if len(p.Certificates) > len(p.Codes) {
			t.Errorf("filter %+v: %d certificates for %d codes", f, len(p.Certificates), len(p.Codes))
		}
	}
	p, _ := e.svc.CodesPage(ctx, 1, k.order, voucher.CodeFilter{})
	if c := p.Certificates[k.codes[0].ID]; c.CommonName != "www.example.jp" || !c.NotBefore.Equal(k.reissued) || !c.NotAfter.Equal(k.planEnds) {
		t.Errorf("issued: %+v", c)
	}
}

// TestUsedCodesCSVHasTheCertificateColumns: the used-codes and order-codes
// CSVs fill the certificate columns from the counting certificate order;
// a code that is not Used has them empty, and one Used without a request
// keeps its use and voucher order dates.
func TestUsedCodesCSVHasTheCertificateColumns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k := newCertCase(t, e)
	read := func(write func(w io.Writer) error) map[string]map[string]string {
		t.Helper()
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]string{}
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, name := range voucher.CodeColumns {
				m[name] = row[i]
			}
			out[row[0]] = m
		}
		return out
	}
	used := read(func(w io.Writer) error { return e.svc.WriteUsedCodesCSV(ctx, w, 1, "en", voucher.UTF8BOM) })
	all := read(func(w io.Writer) error { return e.svc.WriteOrderCodesCSV(ctx, w, 1, k.order, "ja", voucher.UTF8BOM) })
	if len(used) != 4 || len(all) != 5 {
		t.Fatalf("%d used rows, %d order rows", len(used), len(all))
	}
	o, err := e.svc.Order(ctx, 1, k.order)
	if err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) string { return t.In(clock.Tokyo).Format(time.DateOnly) }
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	want := map[int64]map[string]string{
		k.codes[0].ID: {"cert_request_date": refTimestamp(k.requested), "cert_validity_start_date": refTimestamp(k.reissued),
			"cert_validity_end_date": refTimestamp(k.planEnds), "cert_organization": "Example 株式会社", "cert_common_name": "www.example.jp",
			"certificate_order_id": id(k.issued), "order_valid_from": day(k.firstIssued), "order_valid_till": day(k.planEnds), "server_licenses": "1"},
		k.codes[1].ID: {"cert_request_date": refTimestamp(k.againRequested), "cert_validity_start_date": refTimestamp(k.againIssued),
			"cert_validity_end_date": refTimestamp(k.againPlanEnds), "cert_organization": "", "cert_common_name": "new.example.jp",
			"certificate_order_id": id(k.second), "order_valid_from": day(k.againIssued), "order_valid_till": day(k.againPlanEnds), "server_licenses": "1"},
		k.codes[2].ID: {"cert_validity_start_date": "", "cert_validity_end_date": "", "cert_organization": `'=Waiting, "Org"`,
			"cert_common_name": "wait.example.jp", "certificate_order_id": id(k.pending), "order_valid_from": "", "order_valid_till": "", "server_licenses": "1"},
		k.codes[3].ID: {"cert_request_date": refTimestamp(k.usedWithout), "cert_validity_start_date": "", "cert_validity_end_date": "",
			"cert_organization": "", "cert_common_name": "", "certificate_order_id": "", "order_valid_from": refDate(o.OrderDate),
			"order_valid_till": refDate(k.codes[3].ExpiresOn), "server_licenses": "1"},
		k.codes[4].ID: {"cert_request_date": "", "cert_validity_start_date": "", "cert_validity_end_date": "", "cert_organization": "",
			"cert_common_name": "", "certificate_order_id": "", "order_valid_from": "", "order_valid_till": "", "server_licenses": ""},
	}
	for code, cols := range want {
		for name, v := range cols {
			if got := all[id(code)][name]; got != v {
				t.Errorf("order CSV, code %d: %s = %q, want %q", code, name, got, v)
			}
			if code == k.codes[4].ID {
				continue
			}
			if got := used[id(code)][name]; got != v {
				t.Errorf("used CSV, code %d: %s = %q, want %q", code, name, got, v)
			}
		}
	}
	// The day is Japan's: the first issuance is the previous day in UTC.
	if k.firstIssued.UTC().Format(time.DateOnly) == day(k.firstIssued) {
		t.Errorf("the case does not test the Japan day: %v", k.firstIssued)
	}
	if _, ok := used[id(k.codes[4].ID)]; ok {
		t.Error("an Active code is in the used codes CSV")
	}
}
