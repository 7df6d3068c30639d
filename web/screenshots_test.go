package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMakeScreenshotsRunsEveryBrowserTest: `make screenshots` runs the
// tests named TestBrowser… with PORTAL_SCREENSHOTS set to the absolute path
// of docs/screenshots (go test runs in web/, so a relative one would land
// in web/docs/screenshots); every test that starts Chromium has such a name,
// so none is left out; the folder is kept in git and its PNGs are not.
func TestMakeScreenshotsRunsEveryBrowserTest(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Browser" {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "webtest" && !strings.HasPrefix(fn.Name.Name, "TestBrowser") {
						t.Errorf("%s: %s starts Chromium but make screenshots runs only TestBrowser…", name, fn.Name.Name)
					}
				}
				return true
			})
		}
	}

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "docs", "screenshots", ".gitkeep")); err != nil {
		t.Errorf("docs/screenshots is not kept: %v", err)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	cmd := exec.Command("make", "-n", "screenshots") // prints the commands, runs none
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n screenshots: %v\n%s", err, out)
	}
	dir := regexp.QuoteMeta(filepath.Join(root, "docs", "screenshots"))
	for _, want := range []string{`PORTAL_SCREENSHOTS="` + dir + `"`, `PORTAL_SKIP_BROWSER= `, `test -count=1 -run '\^TestBrowser' \./web/`, `rm -f docs/screenshots/\*\.png`} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("make screenshots lacks %s:\n%s", want, out)
		}
	}
	if _, err := exec.LookPath("git"); err == nil {
		check := func(p string) bool { return exec.Command("git", "-C", root, "check-ignore", "-q", p).Run() == nil }
		if !check("docs/screenshots/login-en.png") || check("docs/screenshots/.gitkeep") {
			t.Error("docs/screenshots: the PNGs must be git-ignored, .gitkeep not")
		}
	}
}
