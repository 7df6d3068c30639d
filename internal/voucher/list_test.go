package voucher_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// TestExpiryIsOneRuleInGoAndSQL: around midnight in Japan, the order
// list's code-status filter (SQL), the codes' status on the page and the
// status in the CSV (Go) all say what voucher.Expired says.
func TestExpiryIsOneRuleInGoAndSQL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	today := clock.Date(e.clock.Now())
	expiries := map[int64]time.Time{}
	for _, d := range []int{-1, 0, 1} {
		id, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
		if err != nil {
			t.Fatal(err)
		}
		expiries[id] = today.AddDate(0, 0, d)
		mustExec(t, e, `UPDATE voucher_orders SET expires_on = $2 WHERE id = $1`, id, expiries[id].Format(time.DateOnly))
	}
	lastSecond := today.Add(24*time.Hour - time.Second)
	// The test clock runs on from where it is set, and the queries below
	// read it again: half a minute before midnight stays in the day however
	// slow the machine (the exact second is checked on Expired below).
	for _, now := range []time.Time{today.Add(24*time.Hour - 30*time.Second), lastSecond.Add(time.Second)} {
		if err := e.clock.Set(ctx, now, nil); err != nil {
			t.Fatal(err)
		}
		now = e.clock.Now()
		var wantExpired, wantActive []int64
		for id, exp := range expiries {
			if voucher.Expired(exp, now) {
				wantExpired = append(wantExpired, id)
			} else {
				wantActive = append(wantActive, id)
			}
		}
		if got := listed(t, e, voucher.ListFilter{CodeStatus: voucher.CodeExpired}); !sameIDs(got, wantExpired) {
			t.Errorf("at %s the expired filter lists %v, want %v", now.In(clock.Tokyo), got, wantExpired)
		}
		if got := listed(t, e, voucher.ListFilter{CodeStatus: voucher.CodeActive}); !sameIDs(got, wantActive) {
			t.Errorf("at %s the active filter lists %v, want %v", now.In(clock.Tokyo), got, wantActive)
		}
		for id, exp := range expiries {
			want := voucher.CodeActive
			if voucher.Expired(exp, now) {
				want = voucher.CodeExpired
			}
			codes, err := e.svc.Codes(ctx, 1, id)
			if err != nil || codes[0].Shown(now) != want {
				t.Errorf("at %s order %d's code shows %s, want %s (%v)", now.In(clock.Tokyo), id, codes[0].Shown(now), want, err)
			}
			if got := csvStatus(t, e, id); got != want {
				t.Errorf("at %s order %d's code is %s in the CSV, want %s", now.In(clock.Tokyo), id, got, want)
			}
		}
	}
	if !voucher.Expired(today, lastSecond.Add(time.Second)) || voucher.Expired(today, lastSecond) {
		t.Error("a voucher is usable through its expiry date and expired from the next day")
	}
}

func listed(t *testing.T, e *env, f voucher.ListFilter) []int64 {
	t.Helper()
	orders, _, err := e.svc.Orders(context.Background(), 1, f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// csvStatus is the status column of the first code of order id's CSV.
func csvStatus(t *testing.T, e *env, id int64) string {
	t.Helper()
	var buf bytes.Buffer
	if err := e.svc.WriteOrderCodesCSV(context.Background(), &buf, 1, id, "en", voucher.UTF8BOM); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	return rows[1][slices.Index(voucher.CodeColumns, "status")]
}

// TestOrderListPeriodIncludesTheToDate: an order placed a minute before
// midnight (Japan time) on the "to" date is listed, one placed a minute
// after is not, as the web reads the dates (valid.Errors.Period); the CSV
// of the filtered orders says the same.
func TestOrderListPeriodIncludesTheToDate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	day := clock.Date(e.clock.Now()).AddDate(0, 0, 1)
	place := func(at time.Time) int64 {
		t.Helper()
		if err := e.clock.Set(ctx, at, nil); err != nil {
			t.Fatal(err)
		}
		id, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	onTheDay := place(day.Add(24*time.Hour - time.Minute))
	nextDay := place(day.Add(24*time.Hour + time.Minute))
	period := func(from, to string) voucher.ListFilter {
		errs := valid.Errors{}
		var f voucher.ListFilter
		f.From, f.To = errs.Period("from", from, "to", to)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return f
	}
	date := day.Format(time.DateOnly)
	next := day.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, c := range []struct {
		from, to string
		want     []int64
	}{{"", date, []int64{onTheDay}}, {date, date, []int64{onTheDay}}, {next, "", []int64{nextDay}}, {date, next, []int64{onTheDay, nextDay}}} {
		f := period(c.from, c.to)
		if got := listed(t, e, f); !sameIDs(got, c.want) {
			t.Errorf("from %q to %q lists %v, want %v", c.from, c.to, got, c.want)
		}
		var buf bytes.Buffer
		if err := e.svc.WriteOrdersCSV(ctx, &buf, 1, f, voucher.UTF8BOM); err != nil {
			t.Fatal(err)
		}
		if rows := strings.Count(buf.String(), "\n") - 1; rows != len(c.want) {
			t.Errorf("from %q to %q: the CSV has %d orders, want %d", c.from, c.to, rows, len(c.want))
		}
	}
}

// TestEveryCodeSearchTakesFiveCharacters: the account-wide search and an
// order's search both refuse fewer than five characters.
func TestEveryCodeSearchTakesFiveCharacters(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := e.svc.Codes(ctx, 1, id)
	code := codes[0].Code
	for _, short := range []string{code[:4], " " + strings.ToLower(code[:4]) + " "} {
		if _, err := e.svc.FindCode(ctx, 1, short); !errors.Is(err, voucher.ErrSearchTooShort) {
			t.Errorf("FindCode(%q): %v", short, err)
		}
		if _, err := e.svc.CodesPage(ctx, 1, id, voucher.CodeFilter{Search: short}); !errors.Is(err, voucher.ErrSearchTooShort) {
			t.Errorf("CodesPage(%q): %v", short, err)
		}
	}
	if page, err := e.svc.CodesPage(ctx, 1, id, voucher.CodeFilter{Search: strings.ToLower(code[:5])}); err != nil || len(page.Codes) != 1 {
		t.Errorf("five characters: %d codes, %v", len(page.Codes), err)
	}
	if found, err := e.svc.FindCode(ctx, 1, " "+strings.ToLower(code)+" "); err != nil || found.ID != codes[0].ID {
		t.Errorf("the whole code: %v", err)
	}
}

// TestReissueNamesBothCodes: the new code knows the code it replaced, and
// the audit entry names the old code in full and the new one by its id.
func TestReissueNamesBothCodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, _, err := e.svc.Create(ctx, 1, order(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := e.svc.Codes(ctx, 1, id)
	old := codes[0]
	if old.ReissuedFrom != "" {
		t.Errorf("an ordered code says it was reissued from %q", old.ReissuedFrom)
	}
	newID, err := e.svc.Reissue(ctx, 1, old.ID, acme)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := e.svc.CodeByID(ctx, 1, newID)
	if err != nil || fresh.ReissuedFrom != old.Code {
		t.Errorf("the new code was reissued from %q, want %q (%v)", fresh.ReissuedFrom, old.Code, err)
	}
	entries, err := audit.List(ctx, e.pool, audit.Filter{PartnerID: 1, Action: audit.VoucherCodeReissued})
	if err != nil || len(entries) != 1 {
		t.Fatalf("%d reissue entries, %v", len(entries), err)
	}
	d := entries[0].Details
	if d["old_code"] != old.Code || fmt.Sprint(d["new_code_id"]) != fmt.Sprint(newID) || d["new_code"] != voucher.Mask(fresh.Code) ||
		entries[0].ObjectID != fmt.Sprint(old.ID) {
		t.Errorf("audit entry %s %s: %v", entries[0].ObjectType, entries[0].ObjectID, d)
	}
}

// TestUnusedCodesHaveNoCertificateColumns: in a codes CSV, a code that was
// not used has every certificate column empty; a used one has its date.
func TestUnusedCodesHaveNoCertificateColumns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, _, err := e.svc.Create(ctx, 1, order(gsid(2, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := e.svc.Codes(ctx, 1, id)
	if err := e.svc.Use(ctx, e.pool, codes[1].ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.svc.WriteOrderCodesCSV(ctx, &buf, 1, id, "ja", voucher.UTF8BOM); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	certificate := []string{"cert_request_date", "cert_validity_start_date", "cert_validity_end_date", "cert_organization",
		"cert_common_name", "certificate_order_id", "order_valid_from", "order_valid_till", "server_licenses"}
	col := func(row []string, name string) string { return row[slices.Index(voucher.CodeColumns, name)] }
	for _, name := range certificate {
		if v := col(rows[1], name); v != "" {
			t.Errorf("an unused code has %s %q", name, v)
		}
	}
	if col(rows[1], "voucher_validity_end_date") == "" || col(rows[2], "cert_request_date") == "" {
		t.Errorf("rows %v", rows[1:])
	}
}
