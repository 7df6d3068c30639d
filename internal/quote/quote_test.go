package quote_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/issuer"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/mail"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/quote"
	"github.com/ccp-partner/portal/internal/voucher"
)

// env is the quote service over a fresh database with the demo data.
type env struct {
	pool  *pgxpool.Pool
	clock *clock.Test
	svc   *quote.Service
}

func newEnv(t testing.TB) *env {
	t.Helper()
	pool := postgrestest.NewPool(t)
	tc := clock.NewTest(pool)
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(context.Background(), pool, tc.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	cat := &catalog.Store{DB: pool, Clock: tc}
	contracts := &contract.Store{DB: pool, Clock: tc, Catalog: cat}
	accounts := &account.Store{DB: pool, Clock: tc, I18n: b, Auth: auth.NewService(pool, tc, b, "http://portal.test")}
	led := &ledger.Store{DB: pool, Clock: tc, Contracts: contracts, Accounts: accounts, I18n: b}
	iss := &issuer.Store{DB: pool, Clock: tc}
	vouchers := &voucher.Service{DB: pool, Clock: tc, Catalog: cat, Contracts: contracts, Accounts: accounts, Ledger: led,
		Issuer: iss, I18n: b, BaseURL: "http://portal.test"}
	return &env{pool: pool, clock: tc, svc: &quote.Service{DB: pool, Clock: tc, Vouchers: vouchers, Accounts: accounts,
		Issuer: iss, I18n: b}}
}

// Acme (partner 1): its administrator, its standard user and its group;
// Globex's administrator.
var (
	acme     = auth.Actor{Principal: &auth.Principal{UserID: 6, Username: "acme-admin", PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}}}
	acmeUser = auth.Actor{Principal: &auth.Principal{UserID: 8, Username: "acme-user", PartnerID: 1, Roles: []auth.Role{auth.RoleStandard}}}
	globex   = auth.Actor{Principal: &auth.Principal{UserID: 9, Username: "globex-admin", PartnerID: 2, Roles: []auth.Role{auth.RoleAdmin}}}
)

const acmeGroup = 1

var keys atomic.Int64

func products(lines ...voucher.LineInput) quote.Input {
	return quote.Input{GroupID: acmeGroup, Kind: quote.KindProduct, Memo: "社内メモ", Lines: lines, IdempotencyKey: fmt.Sprint("q", keys.Add(1))}
}

// gsid is Global Server ID (product 1) for 1 year at ¥995 base and per FQDN.
func gsid(q, f, w int) voucher.LineInput {
	return voucher.LineInput{ProductID: 1, Years: 1, Quantity: q, FQDNs: f, Wildcards: w}
}

// manualPatterns are the manual's four Global Server ID patterns.
var manualPatterns = []voucher.LineInput{gsid(1, 1, 0), gsid(1, 5, 0), gsid(1, 0, 1), gsid(2, 4, 1)}

func TestAQuotePricesExactlyAsTheVoucherOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, lines := range append([][]voucher.LineInput{manualPatterns}, single(manualPatterns)...) {
		id, err := e.svc.Save(ctx, 1, products(lines...), acme)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		q, err := e.svc.Get(ctx, 1, id)
		if err != nil {
			t.Fatal(err)
		}
		order, err := e.svc.Vouchers.Price(ctx, 1, voucher.Input{Lines: lines})
		if err != nil {
			t.Fatal(err)
		}
		if q.Subtotal != order.Total || q.Tax != money.Tax(order.Total, 10) || q.Total != q.Subtotal+q.Tax ||
			q.ContractVersionID != order.Version.ID || len(q.Lines) != len(order.Lines) {
			t.Errorf("case %d: quote %v + %v = %v (version %d), order %v (version %d)", i, q.Subtotal, q.Tax, q.Total,
				q.ContractVersionID, order.Total, order.Version.ID)
		}
		for j, l := range q.Lines {
			o := order.Lines[j]
			if l.UnitPrice != o.UnitPrice || l.Amount != o.Amount || l.NameJA != o.Product.NameJA {
				t.Errorf("case %d line %d: %+v, order's %+v", i, j, l, o)
			}
		}
	}
	// The manual's figures: ¥995, ¥4,975, ¥5,000 and 2 × (¥3,980 + ¥5,000).
	if want := money.Yen(995 + 4975 + 5000 + 2*(995*4+5000)); firstSubtotal(t, e) != want {
		t.Errorf("the four patterns cost %v, want %v", firstSubtotal(t, e), want)
	}
}

func single(lines []voucher.LineInput) [][]voucher.LineInput {
	out := make([][]voucher.LineInput, len(lines))
	for i, l := range lines {
		out[i] = []voucher.LineInput{l}
	}
	return out
}

func firstSubtotal(t *testing.T, e *env) money.Yen {
	qs, err := e.svc.List(context.Background(), quote.Filter{PartnerID: 1})
	if err != nil || len(qs) == 0 {
		t.Fatal(qs, err)
	}
	return qs[len(qs)-1].Subtotal
}

func TestAPriceChangeAfterSavingLeavesTheQuote(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, err := e.svc.Save(ctx, 1, products(manualPatterns...), acme)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.svc.Get(ctx, 1, id)
	raisePrices(t, e)
	now, err := e.svc.Price(ctx, 1, products(manualPatterns...))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := e.svc.Get(ctx, 1, id)
	if now.Subtotal == before.Subtotal || now.ContractVersionID == before.ContractVersionID {
		t.Fatalf("the new version did not change the price: %v", now.Subtotal)
	}
	if after.Subtotal != before.Subtotal || after.Total != before.Total || after.ContractVersionID != before.ContractVersionID ||
		after.Lines[0].UnitPrice != 995 {
		t.Errorf("the saved quote changed: %+v, was %+v", after, before)
	}
}

// raisePrices appends a contract version of Acme, effective today, with
// every price doubled.
func raisePrices(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	v, err := e.svc.Vouchers.Contracts.InForce(ctx, 1, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.Entries {
		v.Entries[i].Base *= 2
		v.Entries[i].AdditionalFQDN *= 2
		v.Entries[i].Wildcard *= 2
	}
	opAdmin := auth.Actor{Principal: &auth.Principal{UserID: 2, Roles: []auth.Role{auth.RoleSales}}}
	if _, err := e.svc.Vouchers.Contracts.Create(ctx, 1, contract.NewVersion{EffectiveFrom: clock.Date(e.clock.Now()), Terms: v.Terms,
		Entries: v.Entries}, opAdmin); err != nil {
		t.Fatal(err)
	}
}

func TestAQuoteExpiresTheDayAfterItsExpiryDate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := e.svc.Get(ctx, 1, id)
	if want := clock.Date(e.clock.Now()).AddDate(0, 0, 30); !q.ExpiresOn.Equal(want) || !q.SavedOn.Equal(clock.Date(e.clock.Now())) {
		t.Errorf("saved %v, expires %v; want expiry %v", q.SavedOn, q.ExpiresOn, want)
	}
	for _, step := range []struct {
		days int
		want string
	}{{0, quote.StatusSaved}, {30, quote.StatusSaved}, {1, quote.StatusExpired}} {
		if err := e.clock.Advance(ctx, time.Duration(step.days)*24*time.Hour, nil); err != nil {
			t.Fatal(err)
		}
		if got := q.StatusAt(e.clock.Now()); got != step.want {
			t.Errorf("on %v (expiry %v): %s, want %s", clock.Date(e.clock.Now()), q.ExpiresOn, got, step.want)
		}
	}
	if err := e.svc.MarkOrdered(ctx, e.pool, 1, id, 1, acme); !errors.Is(err, quote.ErrNotOrderable) {
		t.Errorf("ordering an expired quote: %v", err)
	}
}

// The manual: saved on 7 Dec 2020, valid through 6 Jan 2021.
func TestExpiryDateOfTheManual(t *testing.T) {
	saved := time.Date(2020, 12, 7, 23, 30, 0, 0, clock.Tokyo)
	if got := quote.ExpiresOn(saved); !got.Equal(time.Date(2021, 1, 6, 0, 0, 0, 0, clock.Tokyo)) {
		t.Errorf("expires %v", got)
	}
	if quote.Expired(quote.ExpiresOn(saved), time.Date(2021, 1, 6, 23, 59, 0, 0, clock.Tokyo)) ||
		!quote.Expired(quote.ExpiresOn(saved), time.Date(2021, 1, 6, 15, 0, 0, 0, time.UTC)) { // 7 Jan 00:00 in Japan
		t.Error("a quote is Expired from the day after its expiry date, Japan time")
	}
}

func TestEveryRefusalWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ordered := orderedQuote(t, e)
	kept, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	credit := func(amount money.Yen) quote.Input {
		in := products()
		in.Kind, in.Credit = quote.KindCredit, amount
		return in
	}
	withGroup := func(in quote.Input, g int64) quote.Input { in.GroupID = g; return in }
	cases := []struct {
		name string
		do   func() error
		kind fault.Kind
	}{
		{"quantity 0", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(0, 1, 0)), acme); return err }, fault.Invalid},
		{"quantity 1001", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(1001, 1, 0)), acme); return err }, fault.Invalid},
		{"251 names", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(1, 200, 51)), acme); return err }, fault.Invalid},
		{"no name", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(1, 0, 0)), acme); return err }, fault.Invalid},
		{"not in the contract", func() error {
			_, err := e.svc.Save(ctx, 1, products(voucher.LineInput{ProductID: 1, Years: 6, Quantity: 1, FQDNs: 1}), acme)
			return err
		}, fault.Invalid},
		{"no such product", func() error {
			_, err := e.svc.Save(ctx, 1, products(voucher.LineInput{ProductID: 999, Years: 1, Quantity: 1, FQDNs: 1}), acme)
			return err
		}, fault.Invalid},
		{"no lines", func() error { _, err := e.svc.Save(ctx, 1, products(), acme); return err }, fault.Invalid},
		{"credit 0", func() error { _, err := e.svc.Save(ctx, 1, credit(0), acme); return err }, fault.Invalid},
		{"unknown kind", func() error {
			in := products(gsid(1, 1, 0))
			in.Kind = "voucher"
			_, err := e.svc.Save(ctx, 1, in, acme)
			return err
		}, fault.Invalid},
		{"another partner's group", func() error {
			_, err := e.svc.Save(ctx, 1, withGroup(products(gsid(1, 1, 0)), 2), acme)
			return err
		}, fault.Invalid},
		{"a standard user", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), acmeUser); return err }, fault.Forbidden},
		{"saving for another partner", func() error { _, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), globex); return err }, fault.NotFound},
		{"deleting an ordered quote", func() error { return e.svc.Delete(ctx, 1, ordered, acme) }, fault.Conflict},
		{"deleting another's quote", func() error { return e.svc.Delete(ctx, 2, kept, globex) }, fault.NotFound},
		{"deleting as another partner", func() error { return e.svc.Delete(ctx, 1, kept, globex) }, fault.NotFound},
		{"a purchase order", func() error { return e.svc.PurchaseOrder(ctx, 1, kept, acme) }, fault.Conflict},
		{"another's purchase order", func() error { return e.svc.PurchaseOrder(ctx, 2, kept, globex) }, fault.NotFound},
		{"sending another's quote", func() error {
			return e.svc.Send(ctx, 2, kept, quote.SendInput{To: "x@example.com", Lang: "ja"}, globex)
		}, fault.NotFound},
		{"sending to no address", func() error { return e.svc.Send(ctx, 1, kept, quote.SendInput{To: " ", Lang: "ja"}, acme) }, fault.Invalid},
		{"sending to a bad address", func() error {
			return e.svc.Send(ctx, 1, kept, quote.SendInput{To: "a@example.com, not-an-address", Lang: "en"}, acme)
		}, fault.Invalid},
	}
	for _, c := range cases {
		before := postgrestest.Fingerprint(t, e.pool)
		err := c.do()
		if got := fault.KindOf(err); got != c.kind {
			t.Errorf("%s: %v (kind %d), want kind %d", c.name, err, got, c.kind)
		}
		if after := postgrestest.Fingerprint(t, e.pool); after != before {
			t.Errorf("%s wrote to the database", c.name)
		}
	}
	if err := e.svc.PurchaseOrder(ctx, 1, kept, acme); !errors.Is(err, quote.ErrNoPurchaseOrders) {
		t.Errorf("purchase order: %v", err)
	}
}

// orderedQuote saves a quote of Acme's, orders its vouchers and marks it
// Ordered in the order's transaction, as "Order these vouchers" will.
func orderedQuote(t *testing.T, e *env) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := e.svc.Save(ctx, 1, products(gsid(1, 1, 0)), acme)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := e.svc.Get(ctx, 1, id)
	orderID, _, err := e.svc.Vouchers.Create(ctx, 1, voucher.Input{GroupID: acmeGroup, Lines: q.LineInputs(), IdempotencyKey: "quote-1"}, acme)
	if err != nil {
		t.Fatal(err)
	}
	if err := postgres.InTx(ctx, e.pool, func(tx postgres.Querier) error {
		return e.svc.MarkOrdered(ctx, tx, 1, id, orderID, acme)
	}); err != nil {
		t.Fatal(err)
	}
	q, _ = e.svc.Get(ctx, 1, id)
	if q.StatusAt(e.clock.Now()) != quote.StatusOrdered || q.VoucherOrderID != orderID || q.Deletable() {
		t.Fatalf("ordered quote: %+v", q)
	}
	return id
}

func TestNumbersAreSequentialWithoutGaps(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			in := products(gsid(1, 1, 0))
			if i%2 == 1 {
				in = products(gsid(0, 1, 0)) // refused: takes no number
			}
			_, err := e.svc.Save(ctx, 1, in, acme)
			if (err == nil) != (i%2 == 0) {
				t.Error(i, err)
			}
		})
	}
	wg.Wait()
	id, err := e.svc.Save(ctx, 2, quote.Input{GroupID: 2, Kind: quote.KindCredit, Credit: 100_000, IdempotencyKey: "g"}, globex)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := e.svc.List(ctx, quote.Filter{PartnerID: 1})
	seen := map[string]bool{}
	for _, q := range qs {
		seen[q.Number] = true
	}
	g, _ := e.svc.Get(ctx, 2, id)
	seen[g.Number] = true
	for n := 1; n <= 5; n++ {
		if !seen[fmt.Sprintf("Q%07d", n)] {
			t.Errorf("Q%07d is missing among %v", n, seen)
		}
	}
	if len(seen) != 5 || g.Number != "Q0000005" {
		t.Errorf("numbers %v, Globex's %s", seen, g.Number)
	}
	if g.Subtotal != 100_000 || g.Tax != 10_000 || g.Total != 110_000 || len(g.Lines) != 0 {
		t.Errorf("credit quote: %+v", g)
	}
}

func TestTheSameFormTwiceSavesOneQuote(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := products(gsid(1, 1, 0))
	ids := make([]int64, 4)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			var err error
			if ids[i], err = e.svc.Save(ctx, 1, in, acme); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	qs, _ := e.svc.List(ctx, quote.Filter{PartnerID: 1})
	if len(qs) != 1 || ids[0] != qs[0].ID || ids[1] != ids[0] || ids[2] != ids[0] || ids[3] != ids[0] {
		t.Errorf("ids %v, %d quotes", ids, len(qs))
	}
}

func TestSendDeleteAndTheirAuditEntries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id, err := e.svc.Save(ctx, 1, products(gsid(2, 4, 1)), acme)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Send(ctx, 1, id, quote.SendInput{To: "buyer@customer.example\nboss@customer.example", Lang: "ja"}, acme); err != nil {
		t.Fatal(err)
	}
	msgs, err := mail.List(ctx, e.pool)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[len(msgs)-1]
	if len(m.To) != 2 || len(m.Attachments) != 1 || m.Attachments[0].FileName != "見積書_Q0000001.pdf" ||
		string(m.Attachments[0].Content[:5]) != "%PDF-" {
		t.Errorf("email: to %v, attachments %d", m.To, len(m.Attachments))
	}
	if err := e.svc.Delete(ctx, 1, id, acme); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, 1, id); !errors.Is(err, quote.ErrNotFound) {
		t.Errorf("a deleted quote: %v", err)
	}
	if err := e.svc.Delete(ctx, 1, id, acme); !errors.Is(err, quote.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	entries, _ := audit.List(ctx, e.pool, audit.Filter{PartnerID: 1})
	var actions []audit.Action
	for _, en := range entries {
		if en.ObjectType == "quote" {
			actions = append(actions, en.Action)
		}
	}
	if fmt.Sprint(actions) != fmt.Sprint([]audit.Action{audit.QuoteDeleted, audit.QuoteSent, audit.QuoteSaved}) {
		t.Errorf("audit: %v", actions)
	}
}

func TestValidateKeysLinesByTheirPath(t *testing.T) {
	in := products(gsid(1, 1, 0), gsid(1001, -1, 0))
	e := in.Validate()
	if e.ID(voucher.LinePath(1, "quantity")) != "form.int_range" || e.ID(voucher.LinePath(1, "fqdns")) != "form.int_range" ||
		len(e) != 2 {
		t.Errorf("%v", e)
	}
}

// TestWithBindsEveryStore: bound to a transaction, the service reaches no
// store through the pool (which would take a second connection).
func TestWithBindsEveryStore(t *testing.T) {
	e := newEnv(t)
	err := postgres.InTx(context.Background(), e.pool, func(q postgres.Querier) error {
		b := e.svc.With(q)
		for name, db := range map[string]postgres.DB{"service": b.DB, "vouchers": b.Vouchers.DB, "ledger": b.Vouchers.Ledger.DB,
			"contracts": b.Vouchers.Contracts.DB, "accounts": b.Accounts.DB, "issuer": b.Issuer.DB} {
			if db == postgres.DB(e.pool) || db == nil {
				t.Errorf("%s is not bound to the transaction", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
