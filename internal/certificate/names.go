package certificate

// The host names of a certificate request: typed or from the CSR, checked
// as DNS host names, normalized to ASCII and counted against the voucher's
// FQDN and wildcard allowance.

import (
	"errors"
	"net/netip"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/ccp-partner/portal/internal/valid"
)

// MaxNames is the most names one certificate holds, the common name
// included.
const MaxNames = 250

// Names is a request's checked host names: the common name first, then the
// other SANs, each once, in ASCII (punycode) lower case. Unicode gives the
// display form of each.
type Names struct {
	CommonName string
	SANs       []string // all names, the common name first
	FQDNs      int      // names that are not wildcards
	Wildcards  int      // names of the form *.example.com
}

// Unicode returns the display form of each of n.SANs (例え.jp for
// xn--r8jz45g.jp), in the same order.
func (n Names) Unicode() []string {
	out := make([]string, len(n.SANs))
	for i, s := range n.SANs {
		out[i] = UnicodeName(s)
	}
	return out
}

// UnicodeName returns the display form of a checked name; a name that does
// not convert is returned as it is.
func UnicodeName(name string) string {
	base, wild := strings.CutPrefix(name, "*.")
	u, err := hostProfile.ToUnicode(base)
	if err != nil {
		return name
	}
	if wild {
		return "*." + u
	}
	return u
}

// SplitNames splits a typed list of names on line breaks, commas
// (also 、 and ，), semicolons and spaces (also the ideographic space).
func SplitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == '、' || r == '，'
	})
}

// hostProfile converts a host name (without its "*." label) to ASCII as a
// resolver would (RFC 5891 section 5, UTS #46): it maps case, width and
// compatibility forms (Ｅｘａｍｐｌｅ.ＪＰ → example.jp), allows only
// letters, digits and hyphens besides Unicode letters (STD3 rules), checks
// hyphens (no leading or trailing hyphen, no "ab--" label other than a
// valid xn-- one, as the Baseline Requirements want), joiners and the Bidi
// rule, and the DNS lengths. It is not transitional: ß and ς stay as they
// are (IDNA2008), as registries now register them. idna.Lookup would do
// most of this but checks no lengths and refuses the "*" of a wildcard,
// which CheckNames therefore takes off before converting.
var hostProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.VerifyDNSLength(true),
)

// Runes that mean "*" and "." to a Japanese keyboard (full width, the
// ideographic full stop): read before the wildcard is looked for, as the
// IDNA mapping reads them afterwards.
var wideSeparators = strings.NewReplacer("＊", "*", "。", ".", "．", ".", "｡", ".")

var (
	errBadHostname = errors.New("not a host name")
	errBadWildcard = errors.New("misplaced wildcard")
)

// CheckNames checks the common name and the other names (typed, split with
// SplitNames, or the CSR's), normalizes each (trimmed, the trailing dot
// removed, IDN converted to ASCII, lower case), drops repeats, puts the
// common name first (added to the SANs if missing; with no common name the
// first name is the common name) and counts FQDNs and wildcards (names
// starting with "*."). Refusals are valid.Errors on field: names.required
// (no name at all), names.bad_hostname and names.bad_wildcard (Name: the
// first bad name as given), then, once every name is valid,
// names.too_many (Max), names.too_many_fqdns and names.too_many_wildcards
// (Allowed, Count).
func CheckNames(field, commonName string, names []string, allowFQDNs, allowWildcards int) (Names, error) {
	e := valid.Errors{}
	given := make([]string, 0, len(names)+1)
	for _, s := range append([]string{commonName}, names...) {
		if s = strings.TrimSpace(s); s != "" {
			given = append(given, s)
		}
	}
	if len(given) == 0 {
		e.Add(field, "names.required")
		return Names{}, e
	}
	var n Names
	seen := make(map[string]bool, len(given))
	for _, s := range given {
		name, err := normalizeName(s)
		switch {
		case errors.Is(err, errBadWildcard):
			e.Add(field, "names.bad_wildcard", map[string]any{"Name": s})
			return Names{}, e
		case err != nil:
			e.Add(field, "names.bad_hostname", map[string]any{"Name": s})
			return Names{}, e
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		n.SANs = append(n.SANs, name)
		if strings.HasPrefix(name, "*.") {
			n.Wildcards++
		} else {
			n.FQDNs++
		}
	}
	n.CommonName = n.SANs[0]
	switch {
	case len(n.SANs) > MaxNames:
		e.Add(field, "names.too_many", map[string]any{"Max": MaxNames})
	case n.FQDNs > allowFQDNs:
		e.Add(field, "names.too_many_fqdns", map[string]any{"Allowed": max(allowFQDNs, 0), "Count": n.FQDNs})
	case n.Wildcards > allowWildcards:
		e.Add(field, "names.too_many_wildcards", map[string]any{"Allowed": max(allowWildcards, 0), "Count": n.Wildcards})
	}
	if err := e.Err(); err != nil {
		return Names{}, err
	}
	return n, nil
}

// normalizeName returns s (trimmed) as a checked host name in ASCII lower
// case, or errBadWildcard or errBadHostname.
func normalizeName(s string) (string, error) {
	s = strings.TrimSuffix(wideSeparators.Replace(s), ".")
	base, wild := strings.CutPrefix(s, "*.")
	if strings.Contains(base, "*") {
		return "", errBadWildcard // *.*.example.com, a*.example.com, *example.com, *
	}
	ascii, err := hostProfile.ToASCII(base)
	if err != nil {
		return "", errBadHostname
	}
	ascii = strings.ToLower(ascii)
	name := ascii
	if wild {
		name = "*." + ascii
	}
	if len(name) > 253 {
		return "", errBadHostname
	}
	if _, err := netip.ParseAddr(ascii); err == nil {
		return "", errBadHostname
	}
	labels := strings.Split(ascii, ".")
	for _, l := range labels {
		if !isLDHLabel(l) {
			return "", errBadHostname
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return "", errBadHostname // 192.168.0.1, example.123
	}
	if len(labels) < 2 {
		if wild {
			return "", errBadWildcard // *.com
		}
		return "", errBadHostname // localhost
	}
	// A public suffix itself (co.jp), or a wildcard directly on one
	// (*.co.jp), names other people's domains; only the ICANN section of
	// the list counts (github.io's users may have *.name.github.io).
	if suffix, icann := publicsuffix.PublicSuffix(ascii); icann && suffix == ascii {
		if wild {
			return "", errBadWildcard
		}
		return "", errBadHostname
	}
	return name, nil
}

// isLDHLabel reports whether l is 1 to 63 letters, digits and hyphens,
// neither starting nor ending with a hyphen.
func isLDHLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
