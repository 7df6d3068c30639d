package csvout

import (
	"encoding/csv"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
)

func TestTimeFormatsMatchTheStandardLibrary(t *testing.T) {
	zones := []*time.Location{clock.Tokyo, time.UTC, time.FixedZone("minus", -(3*3600 + 30*60)), time.FixedZone("lmt", 9*3600+18*60+59)}
	r := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{time.Date(1887, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 59, 59, 999, time.UTC)}
	for range 20000 {
		times = append(times, time.Unix(r.Int64N(4_000_000_000)-1_000_000_000, r.Int64N(1e9)))
	}
	for _, tm := range times {
		for _, z := range zones {
			tz := tm.In(z)
			if got, want := string(appendRFC3339(nil, tz)), tz.Format(time.RFC3339); got != want {
				t.Fatalf("RFC 3339 of %v: %q, want %q", tz, got, want)
			}
			if got, want := string(appendDate(nil, tz)), tz.Format(time.DateOnly); got != want {
				t.Fatalf("date of %v: %q, want %q", tz, got, want)
			}
		}
	}
}

// TestCellsAreWrittenAsEncodingCSVWrites checks appendField and the
// needsCare shortcut against encoding/csv after Neutralize, cell by cell.
func TestCellsAreWrittenAsEncodingCSVWrites(t *testing.T) {
	cells := []string{"", " ", "a", `\.`, `\`, `\.x`, "a,b", `say "hi"`, "\"", "line\nbreak", "cr\rx", "\ttab", "\vvt", "\fff",
		"\u00a0nbsp", "\u0085nel", "\u3000ideographic", "=1+2", "+1", "-1", "@sum", "'quoted", "日本語", "𠮷", "ABCDEF234567", "0"}
	for _, s := range cells {
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write([]string{Neutralize(s)})
		w.Flush()
		want := strings.TrimSuffix(b.String(), "\n")
		if got := string(appendField(nil, s)); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
		if !needsCare([]byte(s)) && want != s {
			t.Errorf("%q is written as %q but needsCare says it is plain", s, want)
		}
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{`=HYPERLINK("x")`: `'=HYPERLINK("x")`, "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "株式会社": "株式会社", "": "", "a=b": "a=b"} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}
