package layout

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/valid"
)

// Option is one choice of a select; Label is shown as is unless LabelID is set.
type Option struct {
	Value   string
	Label   string
	LabelID string
}

// F builds a field named name with its value and its problem from errs.
func F(errs valid.Errors, name, labelID, value string) Field {
	return Field{Name: name, LabelID: labelID, Value: value, ErrorID: errs.ID(name), ErrorData: errs.Data(name)}
}

// Req marks the field required.
func (f Field) Req() Field { f.Required = true; return f }

// As sets the input type (email, password, date, number, tel …).
func (f Field) As(t string) Field { f.Type = t; return f }

// Countries turns ISO country codes into options labelled country.XX.
func Countries(codes []string) []Option {
	out := make([]Option, len(codes))
	for i, c := range codes {
		out[i] = Option{Value: c, LabelID: "country." + c}
	}
	return out
}

// FieldErrors keys a domain's problems by a form's field names. Domains
// name a value inside a list by its path, list[index].member
// ("lines[2].quantity", "entries[3].base_price"), or list[index] for the
// item as a whole; field gives the form's name of such a value (member ""
// for the whole item), or "" to keep the path. Other keys are kept. When
// two problems land on one field, the first path in sorted order (the
// whole item before its members) is kept.
func FieldErrors(errs valid.Errors, field func(list string, index int, member string) string) valid.Errors {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(valid.Errors, len(errs))
	for _, key := range keys {
		p, name := errs[key], key
		if list, i, member, ok := splitPath(key); ok {
			if f := field(list, i, member); f != "" {
				name = f
			}
		}
		if _, taken := out[name]; !taken {
			out[name] = p
		}
	}
	return out
}

// splitPath reads "list[index].member" or "list[index]".
func splitPath(path string) (list string, index int, member string, ok bool) {
	open, end := strings.IndexByte(path, '['), strings.IndexByte(path, ']')
	if open <= 0 || end < open {
		return "", 0, "", false
	}
	i, err := strconv.Atoi(path[open+1 : end])
	if err != nil || i < 0 {
		return "", 0, "", false
	}
	switch rest := path[end+1:]; {
	case rest == "":
		return path[:open], i, "", true
	case len(rest) > 1 && rest[0] == '.':
		return path[:open], i, rest[1:], true
	}
	return "", 0, "", false
}
