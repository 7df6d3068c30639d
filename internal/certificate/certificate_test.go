package certificate

// The certificate service over a real database with the demo data: the
// environment and its helpers, then the refusals of a request, the
// validity schedule, who may see what, and concurrent redemptions. The
// paths from request to issuance, cancellation, reissue and direct orders
// are in flow_test.go.

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/ca"
	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/contract"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/ledger"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
	"github.com/ccp-partner/portal/internal/subscriber"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
)

// The demo data's actors: Acme is partner 1 (group 1), Globex partner 2.
var (
	acmeAdmin   = demo.Actor("acme-admin")
	acmeUser    = demo.Actor("acme-user") // a Standard User
	globexAdmin = demo.Actor("globex-admin")
	validation  = demo.Actor("op-validation")
)

const (
	acme      = 1
	acmeGroup = 1
	globex    = 2

	dv = "ssl_geotrust_dv"      // DV, takes wildcards, 1 and 2 years
	ov = "ssl_global_server_id" // OV, 1 to 3 years

	day = 24 * time.Hour
)

var clientIP = netip.MustParseAddr("192.0.2.10")

// env is the certificate service over a fresh database holding the demo
// data, a development CA and the shared test clock.
type env struct {
	t         *testing.T
	ctx       context.Context
	pool      *pgxpool.Pool
	clock     *clock.Test
	svc       *Service
	contracts *contract.Store
}

// newEnv is an environment at the real time.
func newEnv(t *testing.T) *env { return newEnvAt(t, time.Time{}) }

// newEnvAt is an environment whose business time is at (the real time
// when zero) from the start, so that the demo contract is the one in
// force then.
func newEnvAt(t *testing.T, at time.Time) *env {
	t.Helper()
	ctx := context.Background()
	pool := postgrestest.NewPool(t)
	tc := clock.NewTest(pool)
	if !at.IsZero() {
		if err := tc.Set(ctx, at, nil); err != nil {
			t.Fatal(err)
		}
	}
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, pool, tc.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	cat := &catalog.Store{DB: pool, Clock: tc}
	contracts := &contract.Store{DB: pool, Clock: tc, Catalog: cat}
	accounts := &account.Store{DB: pool, Clock: tc, I18n: b, Auth: auth.NewService(pool, tc, b, "http://portal.test")}
	led := &ledger.Store{DB: pool, Clock: tc, Contracts: contracts, Accounts: accounts, I18n: b}
	vouchers := &voucher.Service{DB: pool, Clock: tc, Catalog: cat, Contracts: contracts, Accounts: accounts, Ledger: led,
		I18n: b, BaseURL: "http://portal.test"}
	authority, err := ca.Open(filepath.Join(t.TempDir(), "ca.pem"), true, tc.Now().AddDate(-2, 0, 0), "http://portal.test"+CRLPath)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, pool: pool, clock: tc, contracts: contracts, svc: &Service{DB: pool, Clock: tc, Vouchers: vouchers,
		Catalog: cat, Ledger: led, CA: authority, I18n: b, BaseURL: "http://portal.test"}}
}

func (e *env) now() time.Time { return e.clock.Now() }

// advance moves business time by d.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	if err := e.clock.Advance(e.ctx, d, nil); err != nil {
		e.t.Fatal(err)
	}
}

// setClock moves business time to at.
func (e *env) setClock(at time.Time) {
	e.t.Helper()
	if err := e.clock.Set(e.ctx, at, nil); err != nil {
		e.t.Fatal(err)
	}
}

// fingerprint summarises every table (to check that a refusal wrote nothing).
func (e *env) fingerprint() string { e.t.Helper(); return postgrestest.Fingerprint(e.t, e.pool) }

// int reads one number.
func (e *env) int(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// productID is the id of the demo product with code.
func (e *env) productID(code string) int64 {
	e.t.Helper()
	var id int64
	if err := e.pool.QueryRow(e.ctx, `SELECT id FROM products WHERE code = $1`, code).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

var idempotencyKeys atomic.Int64

// buy places an Acme voucher order of quantity codes of product for years
// with an allowance of fqdns and wildcards, and returns its id and codes.
func (e *env) buy(product string, years, fqdns, wildcards, quantity int) (int64, []voucher.Code) {
	e.t.Helper()
	in := voucher.Input{GroupID: acmeGroup, IdempotencyKey: fmt.Sprint("cert-test-", idempotencyKeys.Add(1)),
		Lines: []voucher.LineInput{{ProductID: e.productID(product), Years: years, FQDNs: fqdns, Wildcards: wildcards, Quantity: quantity}}}
	id, _, err := e.svc.Vouchers.Create(e.ctx, acme, in, acmeAdmin)
	if err != nil {
		e.t.Fatalf("voucher order: %v", err)
	}
	codes, err := e.svc.Vouchers.Codes(e.ctx, acme, id)
	if err != nil || len(codes) != quantity {
		e.t.Fatalf("codes of order %d: %d (%v)", id, len(codes), err)
	}
	return id, codes
}

// buyOne is one DV code for 1 year with 3 FQDNs and 1 wildcard.
func (e *env) buyOne() voucher.Code {
	e.t.Helper()
	_, codes := e.buy(dv, 1, 3, 1, 1)
	return codes[0]
}

// codeStatus is the code's stored status.
func (e *env) codeStatus(id int64) string {
	e.t.Helper()
	var s string
	if err := e.pool.QueryRow(e.ctx, `SELECT status FROM voucher_codes WHERE id = $1`, id).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

var subscribers atomic.Int64

// subscriber inserts a verified end user writing in English.
func (e *env) subscriber() subscriber.Subscriber {
	e.t.Helper()
	s := subscriber.Subscriber{Email: fmt.Sprintf("user%d@customer.example", subscribers.Add(1)), Name: "End User", Language: "en"}
	err := e.pool.QueryRow(e.ctx, `INSERT INTO subscribers (email, display_name, password_hash, language, created_at, verified_at)
		VALUES ($1, $2, 'x', $3, $4, $4) RETURNING id`, s.Email, s.Name, s.Language, e.now()).Scan(&s.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// csrFor is a PEM CSR signed by key with the common name cn and the SANs names.
func csrFor(t *testing.T, key crypto.Signer, cn string, names ...string) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: names}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf(der)
}

// threeAndAWildcard is a request whose CSR names 3 FQDNs and 1 wildcard,
// the common name first.
func threeAndAWildcard(t *testing.T) Request {
	return Request{CSR: csrFor(t, ecKey(t, elliptic.P256()), "www.example.com", "example.com", "mail.example.com", "*.example.com")}
}

var threeAndAWildcardNames = []string{"www.example.com", "example.com", "mail.example.com", "*.example.com"}

// redeem redeems code for sub with r and fails the test on a refusal.
func (e *env) redeem(sub subscriber.Subscriber, c voucher.Code, r Request) int64 {
	e.t.Helper()
	id, err := e.svc.Redeem(e.ctx, sub, c.Code, c.Product.Code, r, clientIP)
	if err != nil {
		e.t.Fatalf("redeem %s: %v", c.Code, err)
	}
	return id
}

// approve approves order id as operator Validation.
func (e *env) approve(id int64) {
	e.t.Helper()
	if err := e.svc.Approve(e.ctx, id, validation); err != nil {
		e.t.Fatalf("approve %d: %v", id, err)
	}
}

// order reads order id as Validation sees it.
func (e *env) order(id int64) Order {
	e.t.Helper()
	o, err := e.svc.ForValidation(e.ctx, id, validation)
	if err != nil {
		e.t.Fatalf("order %d: %v", id, err)
	}
	return o
}

// issued is a code redeemed by sub with a 3+1 request and approved: the
// order, issued.
func (e *env) issued(sub subscriber.Subscriber, c voucher.Code) Order {
	e.t.Helper()
	id := e.redeem(sub, c, threeAndAWildcard(e.t))
	e.approve(id)
	o := e.order(id)
	if o.Status != Issued || len(o.Certificates) != 1 {
		e.t.Fatalf("order %d after approval: %s with %d certificates", id, o.Status, len(o.Certificates))
	}
	return o
}

// leafOf parses the DER of sub's certificate c of order id.
func (e *env) leafOf(sub subscriber.Subscriber, orderID int64, c Certificate) *x509.Certificate {
	e.t.Helper()
	got, err := e.svc.SubscriberCertificate(e.ctx, sub, orderID, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(got.DER)
	if err != nil {
		e.t.Fatal(err)
	}
	return leaf
}

// fields is err as valid.Errors, failing otherwise.
func fields(t *testing.T, err error) valid.Errors {
	t.Helper()
	var e valid.Errors
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not valid.Errors", err, err)
	}
	return e
}

// badSignature is a PEM CSR whose signature does not match.
func badSignature(t *testing.T) []byte {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "www.example.com"}}, ecKey(t, elliptic.P256()))
	if err != nil {
		t.Fatal(err)
	}
	der[len(der)-1] ^= 0x5a // the signature is the last field
	return pemOf(der)
}

// TestARefusedRequestNamesTheFieldAndWritesNothing: a request the code's
// product or allowance does not take is refused with the message on its
// field; the code stays Active and nothing is written.
func TestARefusedRequestNamesTheFieldAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	code := e.buyOne() // 3 FQDNs, 1 wildcard
	p256 := csrFor(t, ecKey(t, elliptic.P256()), "www.example.com")
	type data = map[string]any
	cases := []struct {
		name  string
		r     Request
		field string
		id    string
		data  data
	}{
		{"a CSR with a bad signature", Request{CSR: badSignature(t)}, "csr", "csr.bad_signature", nil},
		{"an RSA 1024 key", Request{CSR: csrFor(t, rsaKey(t, 1024), "www.example.com")}, "csr", "csr.weak_rsa", data{"Bits": 1024}},
		{"a P-224 key", Request{CSR: csrFor(t, ecKey(t, elliptic.P224()), "www.example.com")}, "csr", "csr.bad_curve", data{"Curve": "P-224"}},
		{"no CSR", Request{Names: "www.example.com"}, "csr", "csr.required", nil},
		{"251 names", Request{CSR: p256, CommonName: "n0.example.com", Names: strings.Join(manyNames(251), "\n")}, "names", "names.too_many", data{"Max": 250}},
		{"*.*.example.com", Request{CSR: p256, Names: "*.*.example.com"}, "names", "names.bad_wildcard", data{"Name": "*.*.example.com"}},
		{"2 wildcards with an allowance of 1", Request{CSR: p256, Names: "*.example.com, *.example.net"}, "names", "names.too_many_wildcards",
			data{"Allowed": 1, "Count": 2}},
		{"4 FQDNs with an allowance of 3", Request{CSR: p256, Names: "a.example.com b.example.com c.example.com"}, "names", "names.too_many_fqdns",
			data{"Allowed": 3, "Count": 4}}, // the CSR's common name is the fourth
		{"an IP address", Request{CSR: csrFor(t, ecKey(t, elliptic.P256()), "192.0.2.1")}, "names", "names.bad_hostname", data{"Name": "192.0.2.1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.fingerprint()
			id, err := e.svc.Redeem(e.ctx, sub, code.Code, code.Product.Code, c.r, clientIP)
			if err == nil {
				t.Fatalf("accepted as order %d", id)
			}
			p := problem(t, err, c.field)
			if p.ID != c.id || fmt.Sprint(p.Data) != fmt.Sprint(c.data) {
				t.Errorf("problem %s %v, want %s %v", p.ID, p.Data, c.id, c.data)
			}
			if e.fingerprint() != before {
				t.Error("the refusal wrote to the database")
			}
			if s := e.codeStatus(code.ID); s != voucher.CodeActive {
				t.Errorf("code status %q after the refusal, want active", s)
			}
		})
	}

	t.Run("an OV product without the organization", func(t *testing.T) {
		_, codes := e.buy(ov, 1, 1, 0, 1)
		before := e.fingerprint()
		_, err := e.svc.Redeem(e.ctx, sub, codes[0].Code, ov, Request{CSR: p256}, clientIP)
		errs := fields(t, err)
		if errs.ID("org_name") != "form.required" || errs.ID("org_locality") != "form.required" || errs.ID("org_country") != "form.choose" {
			t.Errorf("problems %v, want org_name and org_locality required, org_country to choose", errs)
		}
		if e.fingerprint() != before || e.codeStatus(codes[0].ID) != voucher.CodeActive {
			t.Error("the refusal wrote to the database")
		}
		// With it, the same request is accepted and the organization kept.
		org := Organization{Name: " Example K.K. ", Locality: "Chiyoda-ku", Province: "Tokyo", Country: "jp"}
		id, err := e.svc.Redeem(e.ctx, sub, codes[0].Code, ov, Request{CSR: p256, Org: org}, clientIP)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.order(id).Org; got != (Organization{Name: "Example K.K.", Locality: "Chiyoda-ku", Province: "Tokyo", Country: "JP"}) {
			t.Errorf("organization %+v", got)
		}
		// The OV certificate names the organization.
		e.approve(id)
		leaf := e.leafOf(sub, id, e.order(id).Certificates[0])
		if s := leaf.Subject; s.CommonName != "www.example.com" || fmt.Sprint(s.Organization, s.Locality, s.Province, s.Country) != "[Example K.K.] [Chiyoda-ku] [Tokyo] [JP]" {
			t.Errorf("OV subject %s", s)
		}
	})

	t.Run("a DV certificate names no organization, whatever the CSR says", func(t *testing.T) {
		code := e.buyOne()
		id := e.redeem(sub, code, Request{CSR: pemOf(csrDER(t, ecKey(t, elliptic.P256()))), // with O, L, ST, C
			Org: Organization{Name: "Typed K.K.", Locality: "Minato-ku", Country: "JP"}})
		e.approve(id)
		o := e.order(id)
		leaf := e.leafOf(sub, id, o.Certificates[0])
		if s := leaf.Subject; len(s.Organization)+len(s.Locality)+len(s.Province)+len(s.Country) != 0 || s.CommonName != "www.example.com" {
			t.Errorf("DV subject %s", s)
		}
		if o.Org != (Organization{}) || !slices.Equal(leaf.DNSNames, []string{"www.example.com", "example.com"}) {
			t.Errorf("DV order %+v, names %q", o.Org, leaf.DNSNames)
		}
	})
}

// TestAnUnusableCodeSaysWhyAndWritesNothing: each reason a code cannot be
// redeemed comes back as the voucher domain's error for it.
func TestAnUnusableCodeSaysWhyAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	sub := e.subscriber()
	r := threeAndAWildcard(t)

	used := e.buyOne()
	e.redeem(e.subscriber(), used, r)

	cancelledOrder, cancelled := e.buy(dv, 1, 3, 1, 1)
	if err := e.svc.Vouchers.Cancel(e.ctx, acme, cancelledOrder, acmeAdmin); err != nil {
		t.Fatal(err)
	}

	reissuedAway := e.buyOne()
	if _, err := e.svc.Vouchers.Reissue(e.ctx, acme, reissuedAway.ID, acmeAdmin); err != nil {
		t.Fatal(err)
	}

	active := e.buyOne()
	_, codeSigning := e.buy("code_signing", 1, 0, 0, 1)

	cases := []struct {
		name, code, product string
		want                error
	}{
		{"unknown", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", dv, voucher.ErrRedeemUnknown},
		{"empty", "  ", dv, voucher.ErrRedeemUnknown},
		{"used", used.Code, dv, voucher.ErrRedeemUsed},
		{"its order cancelled", cancelled[0].Code, dv, voucher.ErrRedeemCancelled},
		{"reissued away", reissuedAway.Code, dv, voucher.ErrRedeemReissued},
		{"for another product", active.Code, ov, voucher.ErrRedeemOtherProduct},
		{"for a product without host names", codeSigning[0].Code, "code_signing", ErrProductNotNamed},
	}
	try := func(t *testing.T, code, product string, want error) {
		t.Helper()
		before := e.fingerprint()
		id, err := e.svc.Redeem(e.ctx, sub, code, product, r, clientIP)
		if !errors.Is(err, want) {
			t.Errorf("Redeem: order %d, %v; want %v", id, err, want)
		}
		if e.fingerprint() != before {
			t.Error("the refusal wrote to the database")
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { try(t, c.code, c.product, c.want) })
	}
	t.Run("expired", func(t *testing.T) {
		expiresOn := active.ExpiresOn
		e.setClock(time.Date(expiresOn.Year(), expiresOn.Month(), expiresOn.Day(), 23, 59, 0, 0, clock.Tokyo))
		if _, err := e.svc.Vouchers.CheckRedemption(e.ctx, active.Code, dv); err != nil {
			t.Fatalf("on its expiry date the code is still usable: %v", err)
		}
		e.advance(2 * time.Minute) // the next day in Japan
		try(t, active.Code, dv, voucher.ErrRedeemExpired)
		if s := e.codeStatus(active.ID); s != voucher.CodeActive {
			t.Errorf("status %q", s)
		}
	})
}

// TestValidityFollowsTheCABForumSchedule: a certificate runs to the plan's
// end or the longest validity allowed on the day of issuance, whichever
// comes first: 398 days before 2026-03-15 (00:00 UTC), 200 days from then,
// 100 days from 2027-03-15; the period counts both ends, so a capped
// certificate ends one second short of NotBefore + the maximum.
func TestValidityFollowsTheCABForumSchedule(t *testing.T) {
	jst := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, clock.Tokyo)
	}
	capped := func(days int) func(time.Time) time.Time {
		return func(nb time.Time) time.Time { return nb.Add(time.Duration(days)*day - time.Second) }
	}
	planEnd := func(nb time.Time) time.Time { return nb.AddDate(1, 0, 0) }
	cases := []struct {
		name     string
		at       time.Time
		notAfter func(notBefore time.Time) time.Time
	}{
		{"2026-03-14: the 1-year plan ends before 398 days", jst(2026, 3, 14, 12, 0), planEnd},
		{"2026-03-15 08:58 JST (23:58 UTC the day before): still the plan", jst(2026, 3, 15, 8, 58), planEnd},
		{"2026-03-15 09:00 JST (00:00 UTC): 200 days", jst(2026, 3, 15, 9, 0), capped(200)},
		{"2026-03-16: 200 days", jst(2026, 3, 16, 12, 0), capped(200)},
		{"2027-03-14: 200 days", jst(2027, 3, 14, 12, 0), capped(200)},
		{"2027-03-16: 100 days", jst(2027, 3, 16, 12, 0), capped(100)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnvAt(t, c.at)
			sub := e.subscriber()
			o := e.issued(sub, e.buyOne())
			cert := o.Certificates[0]
			leaf := e.leafOf(sub, o.ID, cert)
			nb := leaf.NotBefore
			if d := nb.Sub(c.at); d < 0 || d > time.Minute {
				t.Fatalf("NotBefore %s, issued at %s", nb, c.at)
			}
			if want := c.notAfter(nb); !leaf.NotAfter.Equal(want) || !cert.NotAfter.Equal(want) {
				t.Errorf("NotAfter %s (stored %s), want %s: %s after NotBefore", leaf.NotAfter, cert.NotAfter, want, leaf.NotAfter.Sub(nb))
			}
			if o.PlanEndsAt == nil || !o.PlanEndsAt.Truncate(time.Second).Equal(nb.AddDate(1, 0, 0)) {
				t.Errorf("plan ends %v, want a year after %s", o.PlanEndsAt, nb)
			}
			if leaf.NotAfter.After(*o.PlanEndsAt) {
				t.Errorf("the certificate outlives the plan: %s > %s", leaf.NotAfter, o.PlanEndsAt)
			}
		})
	}
}

// TestOnlyTheOwnerSeesAnOrder: another end user, and another partner's
// staff, find nothing.
func TestOnlyTheOwnerSeesAnOrder(t *testing.T) {
	e := newEnv(t)
	owner, other := e.subscriber(), e.subscriber()
	o := e.issued(owner, e.buyOne())
	cert := o.Certificates[0]
	otherOrder := e.issued(other, e.buyOne())

	if got, err := e.svc.SubscriberOrder(e.ctx, owner, o.ID); err != nil || got.ID != o.ID || got.Subscriber != owner.Email {
		t.Fatalf("the owner reads %+v (%v)", got, err)
	}
	if _, err := e.svc.SubscriberCertificate(e.ctx, owner, o.ID, cert.ID); err != nil {
		t.Fatalf("the owner downloads: %v", err)
	}
	if page, err := e.svc.SubscriberOrders(e.ctx, other, 0); err != nil || len(page.Orders) != 1 || page.Orders[0].ID != otherOrder.ID {
		t.Errorf("the other end user lists %+v (%v)", page.Orders, err)
	}

	before := e.fingerprint()
	if _, err := e.svc.SubscriberOrder(e.ctx, other, o.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another end user reads the order: %v", err)
	}
	if _, err := e.svc.SubscriberCertificate(e.ctx, other, o.ID, cert.ID); !errors.Is(err, ErrNoCertificate) {
		t.Errorf("another end user downloads the certificate: %v", err)
	}
	// Through their own order's id, the certificate of someone else's.
	if _, err := e.svc.SubscriberCertificate(e.ctx, other, otherOrder.ID, cert.ID); !errors.Is(err, ErrNoCertificate) {
		t.Errorf("another end user downloads the certificate through their own order: %v", err)
	}
	if _, err := e.svc.CancelBySubscriber(e.ctx, other, o.ID, clientIP); !errors.Is(err, ErrNotFound) {
		t.Errorf("another end user cancels the order: %v", err)
	}
	if err := e.svc.Reissue(e.ctx, other, o.ID, csrFor(t, ecKey(t, elliptic.P256()), "www.example.com"), clientIP); !errors.Is(err, ErrNotFound) {
		t.Errorf("another end user reissues the certificate: %v", err)
	}

	if got, err := e.svc.PartnerOrder(e.ctx, acme, o.ID, acmeAdmin); err != nil || got.ID != o.ID || got.VoucherCode == "" {
		t.Errorf("the partner reads %+v (%v)", got, err)
	}
	if _, err := e.svc.PartnerOrder(e.ctx, globex, o.ID, globexAdmin); !errors.Is(err, ErrNotFound) {
		t.Errorf("another partner reads the order under its own id: %v", err)
	}
	if _, err := e.svc.PartnerOrder(e.ctx, acme, o.ID, globexAdmin); !errors.Is(err, auth.ErrOtherPartner) {
		t.Errorf("another partner reads the order under its owner's id: %v", err)
	}
	if _, err := e.svc.PartnerOrder(e.ctx, acme, o.ID, acmeUser); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a Standard User reads the order: %v", err)
	}
	if page, err := e.svc.PartnerOrders(e.ctx, globex, 0, globexAdmin); err != nil || len(page.Orders) != 0 {
		t.Errorf("another partner lists %+v (%v)", page.Orders, err)
	}
	if _, err := e.svc.CancelByPartner(e.ctx, globex, o.ID, globexAdmin); !errors.Is(err, ErrNotFound) {
		t.Errorf("another partner cancels the order: %v", err)
	}
	if _, err := e.svc.CancelByPartner(e.ctx, acme, o.ID, globexAdmin); !errors.Is(err, auth.ErrOtherPartner) {
		t.Errorf("another partner cancels the order under its owner's id: %v", err)
	}
	if e.fingerprint() != before {
		t.Error("a refused reader or canceller wrote to the database")
	}
	if got := e.order(o.ID); got.Status != Issued || got.Current() == nil {
		t.Errorf("the order after the refusals: %s", got.Status)
	}
}

// TestTwoRedemptionsOfOneCodeMakeOneOrder: two end users submitting the
// same code at once: one order, the other told the code is used.
func TestTwoRedemptionsOfOneCodeMakeOneOrder(t *testing.T) {
	e := newEnv(t)
	_, codes := e.buy(dv, 1, 3, 1, 3)
	for _, code := range codes {
		subs := []subscriber.Subscriber{e.subscriber(), e.subscriber()}
		reqs := []Request{threeAndAWildcard(t), threeAndAWildcard(t)}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				<-start
				_, errs[i] = e.svc.Redeem(e.ctx, subs[i], code.Code, code.Product.Code, reqs[i], clientIP)
			})
		}
		close(start)
		wg.Wait()
		ok, usedErr := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, voucher.ErrRedeemUsed):
				usedErr++
			default:
				t.Errorf("code %d: unexpected error %v", code.ID, err)
			}
		}
		if ok != 1 || usedErr != 1 {
			t.Errorf("code %d: %d succeeded, %d told the code is used; want 1 and 1", code.ID, ok, usedErr)
		}
		if n := e.int(`SELECT count(*) FROM certificate_orders WHERE voucher_code_id = $1`, code.ID); n != 1 {
			t.Errorf("code %d: %d orders", code.ID, n)
		}
		if n := e.int(`SELECT count(*) FROM audit_log WHERE action = 'voucher.code_redeemed' AND object_id = $1`, fmt.Sprint(code.ID)); n != 1 {
			t.Errorf("code %d: %d redemption entries", code.ID, n)
		}
	}
}

// TestApproveAndRejectAreValidationsAlone: partner staff and end users'
// partners cannot decide a request.
func TestApproveAndRejectAreValidationsAlone(t *testing.T) {
	e := newEnv(t)
	id := e.redeem(e.subscriber(), e.buyOne(), threeAndAWildcard(t))
	before := e.fingerprint()
	for _, actor := range []auth.Actor{acmeAdmin, globexAdmin, demo.Actor("op-sales"), {}} {
		if err := e.svc.Approve(e.ctx, id, actor); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Approve as %v: %v, want forbidden", actor.Principal, err)
		}
		if err := e.svc.Reject(e.ctx, id, "no", actor); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Reject as %v: %v, want forbidden", actor.Principal, err)
		}
		if _, err := e.svc.Queue(e.ctx, 0, actor); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("Queue as %v: %v, want forbidden", actor.Principal, err)
		}
	}
	if e.fingerprint() != before {
		t.Error("a refused decision wrote to the database")
	}
	if page, err := e.svc.Queue(e.ctx, 0, validation); err != nil || len(page.Orders) != 1 || page.Orders[0].ID != id {
		t.Errorf("Validation's queue %+v (%v)", page.Orders, err)
	}
}

// sumOf is the sum of ledger amounts matched by where.
func (e *env) sumOf(where string, args ...any) money.Yen {
	e.t.Helper()
	return money.Yen(e.int(`SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE `+where, args...))
}

// waitForLockWaiters waits until n statements of the test's database wait
// for a lock.
func (e *env) waitForLockWaiters(n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := e.int(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d statements wait for a lock, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRedeemingWhileThePartnerCancelsTheVoucherOrder: an end user redeems
// a code while the partner cancels the code's voucher order. Either the
// redemption wins (the cancellation is refused: a code is no longer
// Active) or the cancellation does (the code is cancelled); never both, a
// live certificate order from a code whose price was credited back.
//
// The interleaving is made deterministic by holding the code's row lock:
// the redemption queues for it first, then the cancellation, which holds
// the partner's row lock and has already read every code as Active,
// queues behind it at its UPDATE of the codes; the redemption's INSERT
// then needs a key-share lock on the partner's row (the foreign key).
func TestRedeemingWhileThePartnerCancelsTheVoucherOrder(t *testing.T) {
	e := newEnv(t)
	orderID, codes := e.buy(dv, 1, 3, 1, 1)
	code := codes[0]

	hold, err := e.pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(e.ctx)
	if _, err := hold.Exec(e.ctx, `SELECT 1 FROM voucher_codes WHERE id = $1 FOR UPDATE`, code.ID); err != nil {
		t.Fatal(err)
	}
	var redeemErr, cancelErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		_, redeemErr = e.svc.Redeem(e.ctx, e.subscriber(), code.Code, dv, threeAndAWildcard(t), clientIP)
	})
	e.waitForLockWaiters(1)
	wg.Go(func() { cancelErr = e.svc.Vouchers.Cancel(e.ctx, acme, orderID, acmeAdmin) })
	e.waitForLockWaiters(2)
	if err := hold.Rollback(e.ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	live := e.int(`SELECT count(*) FROM certificate_orders WHERE voucher_code_id = $1 AND status IN ('pending', 'issued')`, code.ID)
	credited := e.int(`SELECT count(*) FROM ledger_entries WHERE voucher_order_id = $1 AND kind = 'cancellation_credit'`, orderID)
	if live > 0 && credited > 0 {
		t.Errorf("both happened: a live certificate order from code %s (status %s) and the voucher order credited back "+
			"(redeem: %v, cancel: %v)", code.Code, e.codeStatus(code.ID), redeemErr, cancelErr)
	}
	// The loser gets the refusal that says why, not an internal error (a
	// deadlock is a 500 page).
	switch {
	case redeemErr == nil && errors.Is(cancelErr, voucher.ErrNotCancellable):
	case errors.Is(redeemErr, voucher.ErrRedeemCancelled) && cancelErr == nil:
	default:
		t.Errorf("want one to succeed and the other refused: redeem %v, cancel %v", redeemErr, cancelErr)
	}
}
