package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/locales"
)

func messageIDs(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, err := i18n.MessageFiles(locales.FS, lang)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for _, name := range files {
		var m map[string]string
		b, err := fs.ReadFile(locales.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, text := range m {
			if _, twice := all[id]; twice {
				t.Errorf("%s: %q is also in another %s file", name, id, lang)
			}
			all[id] = text
		}
	}
	return all
}

func TestBothLocaleFilesHaveTheSameKeys(t *testing.T) {
	en, ja := messageIDs(t, "en"), messageIDs(t, "ja")
	for id := range en {
		if _, ok := ja[id]; !ok {
			t.Errorf("ja.toml lacks %q", id)
		}
	}
	for id, text := range ja {
		if _, ok := en[id]; !ok {
			t.Errorf("en.toml lacks %q", id)
		}
		if strings.TrimSpace(text) == "" {
			t.Errorf("ja.toml: %q is empty", id)
		}
	}
}

// idInSource matches message ids where the code hands them to translation:
// T(ctx, "nav.users"), l.T("mail.x"), LabelID: "nav.users", ErrorID = "…",
// e.Add("field", "form.required"), layout.Page("nav.users"), SetFlash(w, r, "…").
var idInSource = regexp.MustCompile(`(?:\bT\((?:ctx, )?|(?:Message|Label|Error|Title)ID\s*[:=]\s*|\bAdd\([^,()]+(?:\([^()]*\))?, |\bPage\(|SetFlash\(w, r, )"([a-z_]+(?:\.[a-z0-9_]+)+)"`)

// pageIDInSource matches the message of a domain refusal,
// fault.New(kind, "text", "voucher.not_cancellable"): an error page, so it
// needs its "_text" too.
var pageIDInSource = regexp.MustCompile(`fault\.New\([^,]+, "[^"]*", "([a-z_]+(?:\.[a-z0-9_]+)+)"\)`)

// mailIDInSource matches mail.Translated(l, to, "mail.x", data), which
// renders "mail.x.subject" and "mail.x.body".
// objectInSource finds the object types of audit entries (Entry.Of(at,
// audit.Action, "type", id) and ObjectType: "type"): the audit log labels
// each as audit.object.<type>.
var objectInSource = regexp.MustCompile(`(?:audit\.[A-Z][A-Za-z]+, |ObjectType: )"([a-z_]+)"`)

var mailIDInSource = regexp.MustCompile(`Translated\(l, [^"]*?, "([a-z_]+(?:\.[a-z0-9_]+)+)", `)

func TestEveryMessageIDInTheCodeExists(t *testing.T) {
	en := messageIDs(t, "en")
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == ".data" || d.Name() == "node_modules") {
			if err == nil {
				return filepath.SkipDir
			}
			return err
		}
		if !strings.HasSuffix(path, ".templ") && !(strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_templ.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var ids []string
		for _, m := range idInSource.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, m[1])
		}
		for _, m := range pageIDInSource.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, m[1], m[1]+"_text")
		}
		for _, m := range objectInSource.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, "audit.object."+m[1])
		}
		for _, m := range mailIDInSource.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, m[1]+".subject", m[1]+".body")
		}
		for _, id := range ids {
			if _, ok := en[id]; !ok && !strings.HasSuffix(path, "_test.go") {
				t.Errorf("%s uses %q, which en.toml lacks", path, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestErrorPagesHaveTheirTexts(t *testing.T) {
	en := messageIDs(t, "en")
	for id := range en {
		if strings.HasPrefix(id, "error.") && !strings.HasSuffix(id, "_text") && !slices.Contains([]string{"error.request_id", "error.back_home"}, id) {
			if _, ok := en[id+"_text"]; !ok {
				t.Errorf("%s has no %s_text", id, id)
			}
		}
	}
}

func TestFormatting(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 23, 9, 5, 0, 0, clock.Tokyo)
	cases := []struct{ lang, date, dateTime, yen string }{
		{"en", "23 Nov 2026", "23 Nov 2026 09:05 JST", "¥1,234,567"},
		{"ja", "2026年11月23日", "2026年11月23日 09:05 JST", "¥1,234,567"},
	}
	for _, c := range cases {
		l := b.Localizer(c.lang)
		if got := l.Date(day); got != c.date {
			t.Errorf("%s Date = %q, want %q", c.lang, got, c.date)
		}
		if got := l.DateTime(day); got != c.dateTime {
			t.Errorf("%s DateTime = %q, want %q", c.lang, got, c.dateTime)
		}
		if got := l.Yen(money.Yen(1234567)); got != c.yen {
			t.Errorf("%s Yen = %q", c.lang, got)
		}
	}
	// A UTC instant is shown on its Japan date.
	if got := b.Localizer("en").Date(time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)); got != "1 Dec 2026" {
		t.Errorf("UTC 15:00 on 30 Nov is %q in Japan, want 1 Dec 2026", got)
	}
}

func TestTranslationAndFallbacks(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Localizer("ja").T("dashboard.welcome", map[string]any{"Name": "山田"}); got != "山田 様、ようこそ。" {
		t.Errorf("ja welcome = %q", got)
	}
	if got := b.Localizer("fr").Lang(); got != "en" {
		t.Errorf("unsupported language falls back to %q", got)
	}
	if got := b.Localizer("en").T("no.such.id"); got != "no.such.id" {
		t.Errorf("missing id gives %q", got)
	}
	for header, want := range map[string]string{"ja-JP,ja;q=0.9": "ja", "en-US": "en", "fr-FR": "en", "": "en", "de;q=0.9, ja;q=0.8": "ja"} {
		if got := i18n.MatchAcceptLanguage(header); got != want {
			t.Errorf("Accept-Language %q → %q, want %q", header, got, want)
		}
	}
}

// TestOperatorTextsDoNotCallTheReaderOkyakusama: お客様 is the partner's
// customer (or the end user); a text shown to operator staff, or about
// their own work, names them otherwise (あなた, ご利用の…).
func TestOperatorTextsDoNotCallTheReaderOkyakusama(t *testing.T) {
	operatorFacing := []string{"error.", "delivery.", "audit.", "consents.", "signups.", "identity.", "clock.",
		"ledger.", "staff.", "products.", "contract.", "partner.", "nav."}
	for id, text := range messageIDs(t, "ja") {
		for _, prefix := range operatorFacing {
			if strings.HasPrefix(id, prefix) && strings.Contains(text, "お客様") {
				t.Errorf("%s: %q", id, text)
			}
		}
	}
}
