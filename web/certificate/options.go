package certificate

import (
	"context"
	"strconv"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/web/layout"
)

// groupOptions are the partner's active management groups.
func groupOptions(groups []account.Group) []layout.Option {
	out := make([]layout.Option, len(groups))
	for i, g := range groups {
		out[i] = layout.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name}
	}
	return out
}

// productOptions are the contract's products that take host names, with
// each validity.
func productOptions(ctx context.Context, options []Option) []layout.Option {
	l := i18n.From(ctx)
	out := make([]layout.Option, len(options))
	for i, o := range options {
		out[i] = layout.Option{Value: o.Value, Label: o.Product.Name(l.Lang()) + " — " + l.T("voucher.years_n", map[string]any{"Years": o.Years})}
	}
	return out
}

// formError is the form's summary message when a field was refused.
func formError(errs valid.Errors) string {
	if len(errs) > 0 {
		return "form.fix_below"
	}
	return ""
}
