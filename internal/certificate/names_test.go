package certificate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestCheckNamesAccepts(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	cases := []struct {
		name        string
		cn          string
		names       []string
		fqdns, wild int
		want        Names
	}{
		{"3 FQDNs and 1 wildcard within 3/1", "www.example.com", []string{"example.com", "mail.example.com", "*.example.com"}, 3, 1,
			Names{CommonName: "www.example.com", SANs: []string{"www.example.com", "example.com", "mail.example.com", "*.example.com"}, FQDNs: 3, Wildcards: 1}},
		{"the common name repeated in the SANs counts once", "www.example.com", []string{"example.com", "www.example.com"}, 2, 0,
			Names{CommonName: "www.example.com", SANs: []string{"www.example.com", "example.com"}, FQDNs: 2}},
		{"a common name missing from the list is added and counted", "shop.example.com", []string{"example.com"}, 2, 0,
			Names{CommonName: "shop.example.com", SANs: []string{"shop.example.com", "example.com"}, FQDNs: 2}},
		{"no common name: the first name is", "", []string{"example.com", "www.example.com"}, 2, 0,
			Names{CommonName: "example.com", SANs: []string{"example.com", "www.example.com"}, FQDNs: 2}},
		{"case and the trailing dot", "EXAMPLE.com.", []string{"example.com", " Example.COM "}, 1, 0,
			Names{CommonName: "example.com", SANs: []string{"example.com"}, FQDNs: 1}},
		{"IDN to punycode", "例え.jp", nil, 1, 0,
			Names{CommonName: "xn--r8jz45g.jp", SANs: []string{"xn--r8jz45g.jp"}, FQDNs: 1}},
		{"IDN given in punycode and in Unicode counts once", "XN--R8JZ45G.JP", []string{"例え.jp"}, 1, 0,
			Names{CommonName: "xn--r8jz45g.jp", SANs: []string{"xn--r8jz45g.jp"}, FQDNs: 1}},
		{"full-width input from a Japanese keyboard", "ＷＷＷ．例え。ＪＰ", []string{"＊．例え．jp"}, 1, 1,
			Names{CommonName: "www.xn--r8jz45g.jp", SANs: []string{"www.xn--r8jz45g.jp", "*.xn--r8jz45g.jp"}, FQDNs: 1, Wildcards: 1}},
		{"a wildcard common name", "*.example.com", []string{"example.com"}, 1, 1,
			Names{CommonName: "*.example.com", SANs: []string{"*.example.com", "example.com"}, FQDNs: 1, Wildcards: 1}},
		{"wildcards only", "", []string{"*.example.com", "*.example.net"}, 0, 2,
			Names{CommonName: "*.example.com", SANs: []string{"*.example.com", "*.example.net"}, Wildcards: 2}},
		{"63-character label, digits and hyphens", label63 + ".example.com", []string{"a-1.2b.example.com", "xn--r8jz45g.example.com"}, 3, 0,
			Names{CommonName: label63 + ".example.com", SANs: []string{label63 + ".example.com", "a-1.2b.example.com", "xn--r8jz45g.example.com"}, FQDNs: 3}},
		{"a wildcard on a private public suffix", "*.myname.github.io", nil, 0, 1,
			Names{CommonName: "*.myname.github.io", SANs: []string{"*.myname.github.io"}, Wildcards: 1}},
		{"250 names", "", manyNames(250), 250, 0,
			Names{CommonName: "n0.example.com", SANs: manyNames(250), FQDNs: 250}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckNames("names", c.cn, c.names, c.fqdns, c.wild)
			if err != nil {
				t.Fatal(err)
			}
			if got.CommonName != c.want.CommonName || !slices.Equal(got.SANs, c.want.SANs) || got.FQDNs != c.want.FQDNs || got.Wildcards != c.want.Wildcards {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func manyNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("n%d.example.com", i)
	}
	return names
}

func TestCheckNamesRefusals(t *testing.T) {
	label64 := strings.Repeat("a", 64)
	long := strings.Repeat(strings.Repeat("a", 60)+".", 4) + "example.com" // 255 characters
	type data = map[string]any
	cases := []struct {
		name        string
		cn          string
		names       []string
		fqdns, wild int
		id          string
		data        data
	}{
		{"no name", "", nil, 1, 0, "names.required", nil},
		{"blank names", " ", []string{"", "\t"}, 1, 0, "names.required", nil},

		{"*.*.example.com", "", []string{"*.*.example.com"}, 1, 1, "names.bad_wildcard", data{"Name": "*.*.example.com"}},
		{"a*.example.com", "", []string{"a*.example.com"}, 1, 1, "names.bad_wildcard", data{"Name": "a*.example.com"}},
		{"*example.com", "", []string{"*example.com"}, 1, 1, "names.bad_wildcard", data{"Name": "*example.com"}},
		{"www.*.example.com", "", []string{"www.*.example.com"}, 1, 1, "names.bad_wildcard", data{"Name": "www.*.example.com"}},
		{"a lone *", "*", nil, 1, 1, "names.bad_wildcard", data{"Name": "*"}},
		{"*.com", "*.com", nil, 1, 1, "names.bad_wildcard", data{"Name": "*.com"}},
		{"*.co.jp (a public suffix)", "*.co.jp", nil, 1, 1, "names.bad_wildcard", data{"Name": "*.co.jp"}},
		{"co.jp (a public suffix itself)", "co.jp", nil, 1, 1, "names.bad_hostname", data{"Name": "co.jp"}},
		{"the bad name as given, trimmed", " *.*.Example.COM ", nil, 1, 1, "names.bad_wildcard", data{"Name": "*.*.Example.COM"}},

		{"an IPv4 address", "192.168.0.1", nil, 1, 0, "names.bad_hostname", data{"Name": "192.168.0.1"}},
		{"an IPv6 address", "", []string{"2001:db8::1"}, 1, 0, "names.bad_hostname", data{"Name": "2001:db8::1"}},
		{"leading hyphen", "-a.example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "-a.example.com"}},
		{"trailing hyphen", "a-.example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "a-.example.com"}},
		{"a single label", "localhost", nil, 1, 0, "names.bad_hostname", data{"Name": "localhost"}},
		{"a 64-character label", label64 + ".example.com", nil, 1, 0, "names.bad_hostname", data{"Name": label64 + ".example.com"}},
		{"longer than 253", long, nil, 1, 0, "names.bad_hostname", data{"Name": long}},
		{"an all-numeric TLD", "example.123", nil, 1, 0, "names.bad_hostname", data{"Name": "example.123"}},
		{"an underscore", "my_host.example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "my_host.example.com"}},
		{"an empty label", "www..example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "www..example.com"}},
		{"two trailing dots", "example.com..", nil, 1, 0, "names.bad_hostname", data{"Name": "example.com.."}},
		{"a reserved ab-- label", "ab--cd.example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "ab--cd.example.com"}},
		{"a URL", "https://example.com/", nil, 1, 0, "names.bad_hostname", data{"Name": "https://example.com/"}},
		{"an email address", "info@example.com", nil, 1, 0, "names.bad_hostname", data{"Name": "info@example.com"}},
		{"a bad name under a wildcard", "*.-a.example.com", nil, 1, 1, "names.bad_hostname", data{"Name": "*.-a.example.com"}},
		{"an organization as common name", "Example K.K.", nil, 1, 0, "names.bad_hostname", data{"Name": "Example K.K."}},

		{"the first bad name is reported", "www.example.com", []string{"ok.example.com", "bad_one.example.com", "*.*.example.com"}, 5, 5,
			"names.bad_hostname", data{"Name": "bad_one.example.com"}},
		{"validity before the count", "", append(manyNames(251), "-x.example.com"), 250, 0,
			"names.bad_hostname", data{"Name": "-x.example.com"}},

		{"251 names", "", manyNames(251), 250, 0, "names.too_many", data{"Max": 250}},
		{"251 names with the common name", "www.example.com", manyNames(250), 250, 0, "names.too_many", data{"Max": 250}},
		{"2 wildcards, 1 allowed", "", []string{"*.example.com", "*.example.net", "example.com"}, 1, 1,
			"names.too_many_wildcards", data{"Allowed": 1, "Count": 2}},
		{"a wildcard, none allowed", "", []string{"example.com", "*.example.com"}, 3, 0,
			"names.too_many_wildcards", data{"Allowed": 0, "Count": 1}},
		{"4 FQDNs, 3 allowed", "", []string{"a.example.com", "b.example.com", "c.example.com", "d.example.com"}, 3, 1,
			"names.too_many_fqdns", data{"Allowed": 3, "Count": 4}},
		{"the added common name is counted", "shop.example.com", []string{"example.com"}, 1, 0,
			"names.too_many_fqdns", data{"Allowed": 1, "Count": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckNames("names", c.cn, c.names, c.fqdns, c.wild)
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			p := problem(t, err, "names")
			if p.ID != c.id || !maps.Equal(p.Data, c.data) {
				t.Errorf("problem %s %v, want %s %v", p.ID, p.Data, c.id, c.data)
			}
		})
	}
}

func TestNamesUnicode(t *testing.T) {
	n, err := CheckNames("names", "例え.jp", []string{"*.例え.jp", "www.example.com"}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.Unicode(), []string{"例え.jp", "*.例え.jp", "www.example.com"}; !slices.Equal(got, want) {
		t.Errorf("Unicode() = %q, want %q", got, want)
	}
	if got := UnicodeName("xn--abc-.example.com"); got != "xn--abc-.example.com" {
		t.Errorf("a name that does not convert is shown as it is, got %q", got)
	}
}

func TestSplitNames(t *testing.T) {
	in := "a.example.com, b.example.com\nc.example.com\r\n\r\n d.example.com\te.example.com;f.example.com　g.example.com、h.example.com，i.example.com,,"
	want := []string{"a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com", "f.example.com", "g.example.com", "h.example.com", "i.example.com"}
	if got := SplitNames(in); !slices.Equal(got, want) {
		t.Errorf("SplitNames = %q", got)
	}
	if got := SplitNames(" \n "); len(got) != 0 {
		t.Errorf("SplitNames of blanks = %q", got)
	}
}
