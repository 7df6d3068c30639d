package voucher

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Why a code cannot be redeemed (C-1): each says which, and what to do.
var (
	ErrRedeemUnknown      = fault.New(fault.NotFound, "voucher: no such code", "redeem.unknown")
	ErrRedeemUsed         = fault.New(fault.Conflict, "voucher: the code was already used", "redeem.used")
	ErrRedeemCancelled    = fault.New(fault.Conflict, "voucher: the code was cancelled", "redeem.cancelled")
	ErrRedeemReissued     = fault.New(fault.Conflict, "voucher: the code was replaced by a new code", "redeem.reissued")
	ErrRedeemExpired      = fault.New(fault.Conflict, "voucher: the code has expired", "redeem.expired")
	ErrRedeemOtherProduct = fault.New(fault.Conflict, "voucher: the code is for another product", "redeem.other_product")
)

// NormalizeCode is a typed or linked code as stored: trimmed, upper case.
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CheckRedemption returns the code with value code if an end user may
// redeem it now for the product with code product, for any partner. The
// code is read as it is, reissued-away codes included, so that the answer
// says why it cannot be used: ErrRedeemUnknown, ErrRedeemReissued,
// ErrRedeemCancelled, ErrRedeemUsed, ErrRedeemExpired (the status rule of
// Code.Shown) or ErrRedeemOtherProduct (the code is returned with it, to
// name its product). It only reads; Use marks the code.
func (s *Service) CheckRedemption(ctx context.Context, code, product string) (Code, error) {
	code = NormalizeCode(code)
	if code == "" {
		return Code{}, ErrRedeemUnknown
	}
	c, err := oneCode(ctx, s.DB, `c.code = $1`, code)
	switch {
	case errors.Is(err, ErrCodeNotFound):
		return c, ErrRedeemUnknown
	case err != nil:
		return c, err
	}
	return c, redemptionRule(c, product, s.Clock.Now())
}

// redemptionRule is why c cannot be redeemed for product at now, or nil.
func redemptionRule(c Code, product string, now time.Time) error {
	switch c.Shown(now) {
	case CodeReissued:
		return ErrRedeemReissued
	case CodeCancelled:
		return ErrRedeemCancelled
	case CodeUsed:
		return ErrRedeemUsed
	case CodeExpired:
		return ErrRedeemExpired
	case CodeActive:
	default:
		return ErrRedeemUnknown
	}
	if !strings.EqualFold(c.Product.Code, strings.TrimSpace(product)) {
		return ErrRedeemOtherProduct
	}
	return nil
}

// Redeem marks the code with value code Used at at for the product with
// code product, inside the caller's transaction q (the certificate
// order's), and returns it. The code's row is locked first, so that of two
// redemptions of one code the second waits and then gets the reason the
// code can no longer be used (ErrRedeemUsed), as CheckRedemption would
// give it.
func (s *Service) Redeem(ctx context.Context, q postgres.Querier, code, product string, at time.Time) (Code, error) {
	c, err := oneCode(ctx, q, `c.code = $1 FOR UPDATE OF c`, NormalizeCode(code))
	switch {
	case errors.Is(err, ErrCodeNotFound):
		return c, ErrRedeemUnknown
	case err != nil:
		return c, err
	}
	if err := redemptionRule(c, product, at); err != nil {
		return c, err
	}
	c.Status, c.UsedAt = CodeUsed, &at
	return c, markUsed(ctx, q, c.ID, at)
}
