package account

import (
	"slices"
	"strings"

	"github.com/ccp-partner/portal/internal/jp"
	"github.com/ccp-partner/portal/internal/valid"
)

// Address is a postal address; for Japan (country "JP") the state is one of
// the 47 prefectures and the postal code NNN-NNNN.
type Address struct {
	Country    string // ISO 3166-1 alpha-2
	State      string // prefecture / state / province
	City       string
	Line1      string
	Line2      string
	PostalCode string
}

// address checks a's country, state and postal code (the fields every
// address form requires); callers check their other lines.
func address(e valid.Errors, a Address) {
	if !slices.Contains(Countries, a.Country) {
		e.Add("country", "form.choose")
	}
	if a.Country == "JP" {
		if !jp.IsPrefecture(a.State) {
			e.Add("state", "form.prefecture")
		}
		if !jp.ValidPostalCode(a.PostalCode) {
			e.Add("postal_code", "form.postal_code")
		}
	} else {
		e.Text("state", a.State, 100)
		e.Text("postal_code", a.PostalCode, 20)
	}
}

// Countries offered by address forms (ISO 3166-1 alpha-2), Japan first.
var Countries = []string{"JP", "US", "GB", "DE", "FR", "SG", "KR", "TW", "CN", "HK", "AU", "CA", "IN", "TH", "VN", "PH", "ID", "MY"}

// Lines is the address as a Japanese document prints it, without the postal
// code: the prefecture and city, then the street and building lines, empty
// ones left out.
func (a Address) Lines() []string {
	var out []string
	for _, s := range []string{a.State + a.City, a.Line1, a.Line2} {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
