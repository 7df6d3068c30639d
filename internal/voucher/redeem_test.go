package voucher

import (
	"errors"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/catalog"
	"github.com/ccp-partner/portal/internal/clock"
)

func TestRedemptionRuleSaysWhyACodeCannotBeUsed(t *testing.T) {
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, time.UTC)
	today := clock.Date(now)
	code := func(status string, expiresOn time.Time) Code {
		return Code{Status: status, ExpiresOn: expiresOn, Product: catalog.Product{Code: "dv-single"}}
	}
	for _, tc := range []struct {
		name    string
		c       Code
		product string
		want    error
	}{
		{"active, last day", code(CodeActive, today), "dv-single", nil},
		{"product case", code(CodeActive, today), "DV-Single", nil},
		{"expired yesterday", code(CodeActive, today.AddDate(0, 0, -1)), "dv-single", ErrRedeemExpired},
		{"used", code(CodeUsed, today), "dv-single", ErrRedeemUsed},
		{"cancelled", code(CodeCancelled, today), "dv-single", ErrRedeemCancelled},
		{"reissued away", code(CodeReissued, today), "dv-single", ErrRedeemReissued},
		{"other product", code(CodeActive, today), "ev-single", ErrRedeemOtherProduct},
		{"used beats other product", code(CodeUsed, today), "ev-single", ErrRedeemUsed},
	} {
		if got := redemptionRule(tc.c, tc.product, now); !errors.Is(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
