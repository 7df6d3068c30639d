package clock

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	cases := map[string]time.Duration{
		"30m": 30 * time.Minute, "36h": 36 * time.Hour, "3d": 72 * time.Hour,
		"1d12h": 36 * time.Hour, "-1d": -24 * time.Hour,
	}
	for in, want := range cases {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "3days", "d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestParseTimeIsJapanTime(t *testing.T) {
	got, err := ParseTime("2026-12-01 00:00")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := ParseTime("tomorrow"); err == nil {
		t.Error("accepted 'tomorrow'")
	}
}
