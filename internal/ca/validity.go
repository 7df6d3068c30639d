package ca

import "time"

// The CA/Browser Forum baseline requirements' reductions of the longest
// TLS certificate validity (section 6.3.2), at 00:00 UTC.
var (
	reductionTo200Days = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	reductionTo100Days = time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	reductionTo47Days  = time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC)
)

const day = 24 * time.Hour

// MaxValidity is the longest validity period the baseline requirements
// allow for a TLS certificate issued at at: 398 days before 2026-03-15,
// 200 days from 2026-03-15, 100 days from 2027-03-15 and 47 days from
// 2029-03-15.
func MaxValidity(at time.Time) time.Duration {
	switch {
	case at.Before(reductionTo200Days):
		return 398 * day
	case at.Before(reductionTo100Days):
		return 200 * day
	case at.Before(reductionTo47Days):
		return 100 * day
	default:
		return 47 * day
	}
}

// MaxNotAfter is the latest NotAfter that Issue accepts for a certificate
// valid from notBefore. The baseline requirements count the validity
// period from notBefore through notAfter inclusive, so a certificate's
// period is NotAfter-NotBefore plus one second, and the latest NotAfter is
// one second short of notBefore+MaxValidity(notBefore).
func MaxNotAfter(notBefore time.Time) time.Time {
	nb := notBefore.UTC().Truncate(time.Second)
	return nb.Add(MaxValidity(nb) - time.Second)
}

// validityPeriod is the period from notBefore through notAfter inclusive,
// as the baseline requirements count it (times are whole seconds).
func validityPeriod(notBefore, notAfter time.Time) time.Duration {
	return notAfter.Sub(notBefore) + time.Second
}
