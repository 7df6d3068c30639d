package httpx_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// directFormRead matches the ways of reading a request's form that bypass
// httpx.Form and its check of the bytes.
var directFormRead = regexp.MustCompile(`\b(r|req)\.(FormValue|PostFormValue|ParseForm|ParseMultipartForm|MultipartForm|PostForm|Form)\b`)

// TestHandlersReadFormsOnlyThroughForm keeps the bad-bytes rule in one
// place: no web code but httpx/form.go reads a request's form itself.
func TestHandlersReadFormsOnlyThroughForm(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.HasSuffix(path, "_templ.go") || filepath.ToSlash(path) == "../httpx/form.go" || strings.Contains(path, "webtest") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if directFormRead.MatchString(line) {
				t.Errorf("%s:%d reads the form directly; use httpx.ReadForm: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
