package contract

import (
	"errors"
	"testing"

	"github.com/ccp-partner/portal/internal/money"
)

var (
	globalServerID1y = Prices{Base: 995, AdditionalFQDN: 995, Wildcard: 5000}
	ssl              = Names{FQDNs: true, Wildcards: true}
	noWildcards      = Names{FQDNs: true}
	codeSigning      = Names{}
)

func TestUnitPrice(t *testing.T) {
	cases := []struct {
		name string
		p    Prices
		n    Names
		f, w int
		want money.Yen
		err  error
	}{
		{"manual: Global Server ID 1y, 5 FQDNs", globalServerID1y, ssl, 5, 0, 4975, nil},
		{"1 FQDN is the base", globalServerID1y, ssl, 1, 0, 995, nil},
		{"wildcard only: no base", globalServerID1y, ssl, 0, 1, 5000, nil},
		{"4 FQDNs + 1 wildcard", globalServerID1y, ssl, 4, 1, 995*4 + 5000, nil},
		{"different per-name price", Prices{Base: 17600, AdditionalFQDN: 26400, Wildcard: 93120}, ssl, 3, 2, 17600 + 2*26400 + 2*93120, nil},
		{"250 names allowed", globalServerID1y, ssl, 200, 50, 995*200 + 50*5000, nil},
		{"250 FQDNs allowed", globalServerID1y, ssl, 250, 0, 995 * 250, nil},
		{"251 names refused", globalServerID1y, ssl, 201, 50, 0, ErrTooManyNames},
		{"251 FQDNs refused", globalServerID1y, ssl, 251, 0, 0, ErrTooManyNames},
		{"251 wildcards refused", globalServerID1y, ssl, 0, 251, 0, ErrTooManyNames},
		{"no names refused", globalServerID1y, ssl, 0, 0, 0, ErrNoNames},
		{"negative refused", globalServerID1y, ssl, -1, 2, 0, ErrNegativeNames},
		{"wildcard on a product without", globalServerID1y, noWildcards, 1, 1, 0, ErrNoWildcards},
		{"code signing costs base", Prices{Base: 72000}, codeSigning, 0, 0, 72000, nil},
		{"code signing takes no names", Prices{Base: 72000}, codeSigning, 1, 0, 0, ErrNamesNotTaken},
		{"negative price refused", Prices{Base: -1}, codeSigning, 0, 0, 0, ErrPriceNegative},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := UnitPrice(c.p, c.n, c.f, c.w)
			if !errors.Is(err, c.err) || got != c.want {
				t.Errorf("UnitPrice(f=%d, w=%d) = %v, %v; want %v, %v", c.f, c.w, got, err, c.want, c.err)
			}
		})
	}
}

func TestLinePrice(t *testing.T) {
	cases := []struct {
		q    int
		want money.Yen
		err  error
	}{{1, 4975, nil}, {2, 9950, nil}, {1000, 4975000, nil}, {0, 0, ErrQuantity}, {1001, 0, ErrQuantity}}
	for _, c := range cases {
		got, err := LinePrice(globalServerID1y, ssl, c.q, 5, 0)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("LinePrice(q=%d) = %v, %v; want %v, %v", c.q, got, err, c.want, c.err)
		}
	}
}

func TestOfferedBaseRoundsDown(t *testing.T) {
	cases := []struct {
		list money.Yen
		bp   int
		want money.Yen
	}{{219000, 3000, 153300}, {995, 0, 995}, {999, 3333, 666}, {100, 10000, 0}, {1, 5000, 0}, {3, 5000, 1}}
	for _, c := range cases {
		if got := OfferedBase(c.list, c.bp); got != c.want {
			t.Errorf("OfferedBase(%v, %d) = %v, want %v", c.list, c.bp, got, c.want)
		}
	}
}

// FuzzLinePrice checks that a price is never negative and never decreases
// as FQDNs, wildcards or the quantity grow.
func FuzzLinePrice(f *testing.F) {
	f.Add(int64(995), int64(995), int64(5000), 1, 5, 0)
	f.Add(int64(0), int64(10), int64(0), 3, 0, 2)
	f.Add(int64(100000000), int64(100000000), int64(100000000), 1000, 125, 125)
	f.Fuzz(func(t *testing.T, base, add, wild int64, q, fq, wc int) {
		p := Prices{Base: money.Yen(base % 100_000_001), AdditionalFQDN: money.Yen(add % 100_000_001), Wildcard: money.Yen(wild % 100_000_001)}
		got, err := LinePrice(p, ssl, q, fq, wc)
		if err != nil {
			return
		}
		if got < 0 {
			t.Fatalf("negative price %v for %+v q=%d f=%d w=%d", got, p, q, fq, wc)
		}
		for _, next := range [][3]int{{q + 1, fq, wc}, {q, fq + 1, wc}, {q, fq, wc + 1}} {
			more, err := LinePrice(p, ssl, next[0], next[1], next[2])
			if err == nil && more < got {
				t.Fatalf("price fell from %v to %v going from %v to %v", got, more, [3]int{q, fq, wc}, next)
			}
		}
	})
}
