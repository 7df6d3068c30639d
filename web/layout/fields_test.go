package layout

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/valid"
)

func TestFieldErrorsMapsPathsToTheFormsFields(t *testing.T) {
	errs := valid.Errors{
		"customer":          {ID: "form.too_long"},
		"lines[2].quantity": {ID: "form.int_range"},
		"entries[0]":        {ID: "contract.unknown_product"},
		"entries[0].base":   {ID: "form.int_range"},
		"lines[x].quantity": {ID: "form.choose"},
		"others[1].name":    {ID: "form.required"},
	}
	got := FieldErrors(errs, func(list string, i int, member string) string {
		switch {
		case list == "lines":
			return fmt.Sprintf("line%d_%s", i, member)
		case list == "entries" && (member == "" || member == "base"):
			return fmt.Sprintf("e%d_base", i)
		}
		return ""
	})
	want := map[string]string{"customer": "form.too_long", "line2_quantity": "form.int_range",
		"e0_base": "contract.unknown_product", "lines[x].quantity": "form.choose", "others[1].name": "form.required"}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for field, id := range want {
		if got.ID(field) != id {
			t.Errorf("%s: %q, want %q", field, got.ID(field), id)
		}
	}
}

// TestEveryAddressRequiresItsState: the state/prefecture input is required
// (and marked so) even when the form forgets to say it.
func TestEveryAddressRequiresItsState(t *testing.T) {
	var b strings.Builder
	if err := StateInput(Field{Name: "state", LabelID: "address.state"}).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if html := b.String(); !strings.Contains(html, " required") || !strings.Contains(html, `<span class="req" aria-hidden="true">*</span>`) {
		t.Errorf("the state input is not required: %s", html)
	}
}
