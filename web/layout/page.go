package layout

import (
	"bytes"
	"context"
	"io"

	"github.com/a-h/templ"
)

// Page is the shell of every page: header, navigation, flash, the title,
// then the page's own content (the children). It renders the content
// first, so that a page with a required field (RequiredMark) explains the
// mark under its title, whichever form the field is in.
func Page(titleID string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		content := templ.GetChildren(ctx)
		ctx = templ.ClearChildren(ctx)
		marks := &pageMarks{}
		var buf bytes.Buffer
		if err := content.Render(context.WithValue(ctx, pageMarksKey{}, marks), &buf); err != nil {
			return err
		}
		return shell(titleID, marks.required).Render(templ.WithChildren(ctx, templ.Raw(buf.String())), w)
	})
}

// pageMarks is what the content of a page asks of its shell.
type pageMarks struct {
	required bool // a field is marked required: show the legend
}

type pageMarksKey struct{}

// RequiredMark is the * after the label of a required field, hidden from
// screen readers (the field itself carries the required attribute). The
// page then shows the legend that explains it.
func RequiredMark() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if m, ok := ctx.Value(pageMarksKey{}).(*pageMarks); ok {
			m.required = true
		}
		_, err := io.WriteString(w, `<span class="req" aria-hidden="true">*</span>`)
		return err
	})
}
