package layout

import "github.com/ccp-partner/portal/internal/valid"

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
