// Package i18n translates the portal: the go-i18n bundle built from
// locales/, a Localizer per request carried in the context, and yen and
// date formatting per language.
package i18n

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/internal/money"
	"github.com/ccp-partner/portal/locales"
)

// Languages the portal speaks; the first is the default.
var Languages = []string{"en", "ja"}

// Default is the language of a visitor who has not chosen one.
const Default = "en"

// Bundle holds every message in every language.
type Bundle struct{ b *goi18n.Bundle }

// Load parses locales/*.toml. It returns an error for a malformed file.
func Load() (*Bundle, error) { return LoadFS(locales.FS) }

// LoadFS parses every message file of every language from fsys: <lang>.toml
// and the files of one area each, <area>.<lang>.toml.
func LoadFS(fsys fs.FS) (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		files, err := MessageFiles(fsys, lang)
		if err != nil {
			return nil, err
		}
		for _, name := range files {
			if _, err := b.LoadMessageFileFS(fsys, name); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
		}
	}
	return &Bundle{b: b}, nil
}

// MessageFiles lists lang's message files in fsys: <lang>.toml first, then
// <area>.<lang>.toml in name order.
func MessageFiles(fsys fs.FS, lang string) ([]string, error) {
	areas, err := fs.Glob(fsys, "*."+lang+".toml")
	if err != nil {
		return nil, err
	}
	return append([]string{lang + ".toml"}, areas...), nil
}

// Localizer returns the localizer for lang (the default when unsupported).
func (b *Bundle) Localizer(lang string) *Localizer {
	if !Supported(lang) {
		lang = Default
	}
	return &Localizer{lang: lang, l: goi18n.NewLocalizer(b.b, lang)}
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// MatchAcceptLanguage picks a supported language from an Accept-Language header.
func MatchAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages[i]
}

// Localizer translates into one language.
type Localizer struct {
	lang string
	l    *goi18n.Localizer
}

// Lang is the localizer's language code ("en" or "ja").
func (l *Localizer) Lang() string { return l.lang }

// T returns the message id in the localizer's language, with data filled
// into its {{.Placeholders}}. A missing id is returned as itself, which the
// translation tests catch.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Yen formats an amount: ¥1,234,567 in both languages.
func (l *Localizer) Yen(y money.Yen) string { return y.String() }

var monthsEN = strings.Fields("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")

// Date formats the Japan-time calendar date of t: 23 Nov 2026 or 2026年11月23日.
func (l *Localizer) Date(t time.Time) string {
	t = t.In(clock.Tokyo)
	if l.lang == "ja" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsEN[t.Month()-1], t.Year())
}

// DateTime formats t in Japan time with hours and minutes.
func (l *Localizer) DateTime(t time.Time) string {
	return l.Date(t) + t.In(clock.Tokyo).Format(" 15:04 MST")
}

type ctxKey struct{}

// WithLocalizer returns ctx carrying l.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the request's localizer; an English one without messages if
// none was set (only in code paths that never render pages).
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return fallback
}

var fallback = &Localizer{lang: Default, l: goi18n.NewLocalizer(goi18n.NewBundle(language.English), Default)}

// T translates id with the request's localizer.
func T(ctx context.Context, id string, data ...map[string]any) string {
	return From(ctx).T(id, data...)
}

// Month formats t's month: 2026年10月 in Japanese, October 2026 in English.
func (l *Localizer) Month(t time.Time) string {
	t = t.In(clock.Tokyo)
	if l.lang == "ja" {
		return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
	}
	return t.Format("January 2006")
}

// Number formats an integer with thousands separators.
func (l *Localizer) Number(n int64) string {
	s := money.Yen(n).String()
	return strings.Replace(s, "¥", "", 1)
}
