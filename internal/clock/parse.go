package clock

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a business time typed by a person: RFC 3339, or
// "2006-01-02 15:04", "2006-01-02T15:04" or "2006-01-02" in Japan time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, Tokyo); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("clock: %q is not a time (try 2026-12-01 00:00 or RFC 3339)", s)
}

// ParseDuration reads a Go duration with an optional leading day count:
// "30m", "36h", "3d", "-1d12h".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return 0, fmt.Errorf("clock: empty duration")
	}
	var d time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("clock: %q is not a duration", s)
		}
		d, s = time.Duration(n)*24*time.Hour, rest
	}
	if s != "" {
		rest, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("clock: %q is not a duration (try 30m, 36h, 3d)", s)
		}
		d += rest
	}
	if neg {
		d = -d
	}
	return d, nil
}
