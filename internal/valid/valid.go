// Package valid collects what is wrong with a form's input, field by field,
// as translatable message ids. Domains validate their own input and return
// Errors; the web layer shows each message next to its field.
package valid

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ccp-partner/portal/internal/fault"
)

// Problem is one field's message id with its template data.
type Problem struct {
	ID   string
	Data map[string]any
}

// Errors maps field names to their problems. A nil or empty Errors means
// the input is valid.
type Errors map[string]Problem

func (e Errors) Error() string {
	fields := make([]string, 0, len(e))
	for f, p := range e {
		fields = append(fields, f+": "+p.ID)
	}
	return "invalid input: " + strings.Join(fields, ", ")
}

// Add records a problem for field unless it already has one.
func (e Errors) Add(field, id string, data ...map[string]any) {
	if _, ok := e[field]; ok {
		return
	}
	p := Problem{ID: id}
	if len(data) > 0 {
		p.Data = data[0]
	}
	e[field] = p
}

// FaultKind makes input problems refusals of kind Invalid.
func (e Errors) FaultKind() fault.Kind { return fault.Invalid }

// Err returns e as an error, or nil when there is no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// ID returns the message id for field ("" when it is fine); for templates.
func (e Errors) ID(field string) string { return e[field].ID }

// Data returns the template data of field's message.
func (e Errors) Data(field string) map[string]any { return e[field].Data }

// Required checks that value is not blank.
func (e Errors) Required(field, value string) bool {
	if strings.TrimSpace(value) == "" {
		e.Add(field, "form.required")
		return false
	}
	return true
}

// MaxLen checks that value has at most n characters.
func (e Errors) MaxLen(field, value string, n int) bool {
	if utf8.RuneCountInString(value) > n {
		e.Add(field, "form.too_long", map[string]any{"Max": n})
		return false
	}
	return true
}

// Text checks a required text field of at most n characters.
func (e Errors) Text(field, value string, n int) {
	if e.Required(field, value) {
		e.MaxLen(field, value, n)
	}
}

// Email checks a single email address.
func (e Errors) Email(field, value string) bool {
	if !e.Required(field, value) {
		return false
	}
	if !IsEmail(value) {
		e.Add(field, "form.email")
		return false
	}
	return true
}

// MaxEmailLen is the longest address the portal accepts (RFC 5321's limit
// on a forward path, less its angle brackets).
const MaxEmailLen = 254

// IsEmail reports whether s is one plain address (no display name) of at
// most MaxEmailLen bytes.
func IsEmail(s string) bool {
	if len(s) > MaxEmailLen {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// Int parses value (as ParseNumber reads it) as an integer in [min, max];
// on failure it records "not a number" or the range, and returns 0, false.
func (e Errors) Int(field, value string, min, max int64) (int64, bool) {
	n, ok := ParseNumber(value)
	if !ok {
		e.Add(field, "form.not_a_number")
		return 0, false
	}
	return n, e.Range(field, n, min, max)
}

// Number parses value as ParseNumber reads it, recording "not a number"
// otherwise; the domain checks the range.
func (e Errors) Number(field, value string) (int64, bool) {
	n, ok := ParseNumber(value)
	if !ok {
		e.Add(field, "form.not_a_number")
	}
	return n, ok
}

// Range checks that n is in [min, max], recording the range (written with
// thousands separators) as the field's problem otherwise.
func (e Errors) Range(field string, n, min, max int64) bool {
	if n < min || n > max {
		e.Add(field, "form.int_range", map[string]any{"Min": Grouped(min), "Max": Grouped(max)})
		return false
	}
	return true
}

// Grouped writes n with thousands separators (10,000,000,000), as limits are
// shown in messages.
func Grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// EmailList splits a list of addresses separated by commas, semicolons,
// spaces or new lines, and checks each; at least one is required.
func (e Errors) EmailList(field, value string) []string {
	parts := strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if len(parts) == 0 {
		e.Add(field, "form.required")
		return nil
	}
	for _, p := range parts {
		if !IsEmail(p) {
			e.Add(field, "form.email_list", map[string]any{"Address": p})
			return nil
		}
	}
	return parts
}

// Merge adds other's problems for fields that have none yet, and returns e.
func (e Errors) Merge(other Errors) Errors {
	for f, p := range other {
		if _, ok := e[f]; !ok {
			e[f] = p
		}
	}
	return e
}
