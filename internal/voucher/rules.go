// Package voucher owns voucher orders and their codes (V-1 … V-8): placing
// an order against the contract and the account balance, listing and
// searching orders and codes, every state change of a code (use,
// reactivation, cancellation, reissue), and the voucher PDF and CSV exports.
package voucher

import (
	"crypto/rand"
	"encoding/base32"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
)

// Code states as stored; Expired is derived from the order's expiry.
const (
	CodeActive    = "active"
	CodeUsed      = "used"
	CodeCancelled = "cancelled"
	CodeReissued  = "reissued" // replaced by a new code; hidden from lists and search
	CodeExpired   = "expired"  // shown, never stored
)

// Order states.
const (
	OrderCompleted = "completed"
	OrderCancelled = "cancelled"
)

// CancelWindow is how long after its creation an order may be cancelled (V-6).
const CancelWindow = 30 * 24 * time.Hour

// NewCode returns 32 characters of the base32 alphabet (A-Z, 2-7) from the
// cryptographic random source: 160 random bits.
func NewCode() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base32.StdEncoding.EncodeToString(b), nil
}

// Mask shows a code as its first five characters and *****.
func Mask(code string) string {
	if len(code) < 5 {
		return "*****"
	}
	return code[:5] + "*****"
}

// ExpiresOn is the last day a voucher ordered on orderDate can be used: the
// order date (Japan time) plus one year minus one day (ordered 2020-07-28,
// usable until 2021-07-27).
func ExpiresOn(orderedAt time.Time) time.Time {
	return clock.Date(orderedAt).AddDate(1, 0, -1)
}

// The expiry rule: a voucher can be used through its expiry date and is
// Expired from the next day, in Japan time. It is decided here only:
// expiryCutoff says from which expiry date a voucher is still usable at a
// moment, and Go (expired) and SQL (expiredSQL) both compare with it.

// expiryCutoff is the earliest expiry date (midnight in Japan) of a voucher
// still usable at now: today in Japan. An earlier expiry date has passed.
func expiryCutoff(now time.Time) time.Time { return clock.Date(now) }

// expired reports whether a voucher expiring on expiresOn (a calendar date,
// as read from a DATE column) has expired, given expiryCutoff's answer.
func expired(expiresOn, cutoff time.Time) bool { return clock.SameDay(expiresOn).Before(cutoff) }

// expiredSQL is the rule as a SQL condition on the DATE column col, with a
// ? for its argument: what expired says in Go.
func expiredSQL(col string, now time.Time) (cond string, arg string) {
	return col + " < ?", expiryCutoff(now).Format(time.DateOnly)
}

// Expired reports whether a voucher expiring on expiresOn has expired at now.
func Expired(expiresOn, now time.Time) bool { return expired(expiresOn, expiryCutoff(now)) }

// DisplayStatus is a code's status as users see it: an Active code is
// Expired from the day after its expiry (Japan time).
func DisplayStatus(stored string, expiresOn, now time.Time) string {
	if stored == CodeActive && Expired(expiresOn, now) {
		return CodeExpired
	}
	return stored
}

// CancellableUntil is the last moment an order created at createdAt may be cancelled.
func CancellableUntil(createdAt time.Time) time.Time { return createdAt.Add(CancelWindow) }

// Cancellable reports whether an order may be cancelled at now: completed,
// within 30 × 24 hours of its creation, and every current code Active.
func Cancellable(status string, createdAt, now time.Time, codeStatuses []string) bool {
	if status != OrderCompleted || now.After(CancellableUntil(createdAt)) {
		return false
	}
	for _, s := range codeStatuses {
		if s != CodeActive && s != CodeReissued {
			return false
		}
	}
	return true
}
