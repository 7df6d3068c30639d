package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ccp-partner/portal/internal/valid"
)

// BadCharacters is the message for a value holding bytes the portal does
// not store: invalid UTF-8, NUL or another control character.
const BadCharacters = "form.bad_characters"

// Form is a posted form whose values are read through the portal's one
// rule for text: invalid UTF-8, NUL and other control characters (newline
// and tab only in multi-line fields) are refused with the field's message.
// Handlers read every value through a Form and call the domain through Do,
// so that a refused value writes nothing.
type Form struct {
	values url.Values
	files  map[string][]*multipart.FileHeader
	// Errs holds the fields whose values were refused.
	Errs valid.Errors
}

// ReadForm parses the request's form (URL-encoded or multipart). A body
// that cannot be parsed is ErrBadInput.
func ReadForm(r *http.Request) (*Form, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(nil, r.Body, MaxUpload)
		if err := r.ParseMultipartForm(MaxUpload); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return nil, ErrTooLarge
			}
			return nil, ErrBadInput
		}
		return &Form{values: r.PostForm, files: r.MultipartForm.File, Errs: valid.Errors{}}, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, ErrBadInput
	}
	return &Form{values: r.PostForm, Errs: valid.Errors{}}, nil
}

// MaxUpload is the largest multipart form the portal reads (files included).
const MaxUpload = 1 << 20

// File returns the content of the file uploaded as name (nil when none was
// chosen). A file larger than max is refused with form.file_too_large.
func (f *Form) File(name string, max int64) []byte {
	list := f.files[name]
	if len(list) == 0 || list[0].Size == 0 {
		return nil
	}
	if list[0].Size > max {
		f.Errs.Add(name, "form.file_too_large", map[string]any{"KB": max / 1024})
		return nil
	}
	file, err := list[0].Open()
	if err != nil {
		f.Errs.Add(name, BadCharacters)
		return nil
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, max))
	if err != nil {
		f.Errs.Add(name, BadCharacters)
		return nil
	}
	return b
}

// Text returns the single-line value of name ("" when absent).
func (f *Form) Text(name string) string { return f.check(name, f.values.Get(name), false) }

// Lines returns the multi-line value of name: newlines and tabs are kept.
func (f *Form) Lines(name string) string { return f.check(name, f.values.Get(name), true) }

// List returns every single-line value posted under name (check boxes,
// multiple selects).
func (f *Form) List(name string) []string {
	vs := f.values[name]
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = f.check(name, v, false)
	}
	return out
}

// All returns every posted value checked as Text (as Lines for the names
// in multiLine), for forms whose fields are not known in advance.
func (f *Form) All(multiLine ...string) url.Values {
	out := make(url.Values, len(f.values))
	for name, vs := range f.values {
		for _, v := range vs {
			out[name] = append(out[name], f.check(name, v, slices.Contains(multiLine, name)))
		}
	}
	return out
}

// Has reports whether name was posted at all.
func (f *Form) Has(name string) bool {
	_, ok := f.values[name]
	return ok
}

// Checked reports whether the box name was posted with value.
func (f *Form) Checked(name, value string) bool { return f.Text(name) == value }

// OK reports whether every value read so far was accepted.
func (f *Form) OK() bool { return len(f.Errs) == 0 }

// Do runs action when every value read so far was accepted; otherwise it
// returns the refused fields as valid.Errors without running it. Problems
// that action returns as valid.Errors are returned as they are.
func (f *Form) Do(action func() error) error {
	if !f.OK() {
		return f.Errs
	}
	return action()
}

// check returns v when it is acceptable text; otherwise it records the
// problem for name and returns v without the offending bytes, so that the
// form can show the rest of the user's input again.
func (f *Form) check(name, v string, multiLine bool) string {
	if AcceptableText(v, multiLine) {
		return v
	}
	f.Errs.Add(name, BadCharacters)
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !allowedRune(r, multiLine) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(v, ""))
}

// AcceptableText reports whether s is valid UTF-8 without control
// characters; multi-line text may hold newlines, carriage returns and tabs.
func AcceptableText(s string, multiLine bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !allowedRune(r, multiLine) {
			return false
		}
	}
	return true
}

func allowedRune(r rune, multiLine bool) bool {
	if !unicode.IsControl(r) {
		return true
	}
	return multiLine && (r == '\n' || r == '\r' || r == '\t')
}

// FormKey is a new form's idempotency key, carried by a hidden field so
// that submitting the same form twice makes one order (or quote).
func FormKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// WithoutPrivateKey is a value to show again in a refused form: empty when
// it holds a private key (pasted by mistake for a CSR), which the portal
// never sends back.
func WithoutPrivateKey(v string) string {
	if strings.Contains(v, "PRIVATE KEY") {
		return ""
	}
	return v
}
