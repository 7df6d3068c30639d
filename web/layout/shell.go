// Package layout is the page shell shared by every area: the header with
// the account and language menus, the navigation of the partner portal or
// the operator console (only what the user may open), flash messages, form
// fields and the translated error pages.
package layout

import (
	"context"
	"net/http"
	"strings"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
)

// NavItem is a link in a navigation group, shown when Allowed says so.
type NavItem struct {
	LabelID string
	Href    string
	Allowed func(*auth.Principal) bool
}

// NavGroup is a titled group of links; a group with no visible link is hidden.
type NavGroup struct {
	LabelID string
	Items   []NavItem
}

// Nav is the navigation of both sides; web areas add the pages they serve,
// so that it shows only what exists.
type Nav struct {
	Partner  []NavGroup
	Operator []NavGroup
}

// Add appends item to the group labelled group on the given side, creating
// the group in order of first use.
func (n *Nav) Add(operator bool, group string, item NavItem) {
	side := &n.Partner
	if operator {
		side = &n.Operator
	}
	for i := range *side {
		if (*side)[i].LabelID == group {
			(*side)[i].Items = append((*side)[i].Items, item)
			return
		}
	}
	*side = append(*side, NavGroup{LabelID: group, Items: []NavItem{item}})
}

// Visible returns the groups and links p may see.
func (n *Nav) Visible(p *auth.Principal) []NavGroup {
	if p == nil {
		return nil
	}
	side := n.Partner
	if p.IsOperator() {
		side = n.Operator
	}
	var out []NavGroup
	for _, g := range side {
		vis := NavGroup{LabelID: g.LabelID}
		for _, it := range g.Items {
			if it.Allowed == nil || it.Allowed(p) {
				vis.Items = append(vis.Items, it)
			}
		}
		if len(vis.Items) > 0 {
			out = append(out, vis)
		}
	}
	return out
}

// Shell is the per-request state of the page shell.
type Shell struct {
	Nav       *Nav
	Path      string
	Page      string // the path with its query: where a language switch returns
	Flash     string // message id shown once
	RequestID string
	DevClock  bool // show the test-clock banner
}

// Secure reports whether the page is in the end users' area (/secure),
// which has a home, a sign-in and a language setting of its own.
func (s *Shell) Secure() bool { return strings.HasPrefix(s.Path, "/secure/") || s.Path == "/secure" }

// Home is where the brand and "back to the top" lead: the end users'
// start page in their area, else the staff's.
func (s *Shell) Home() string {
	if s.Secure() {
		return "/secure/"
	}
	return "/"
}

// LanguageAction is where the language switch posts: the end users' own
// in their area (it keeps their choice and their return path there).
func (s *Shell) LanguageAction() string {
	if s.Secure() {
		return "/secure/language"
	}
	return "/language"
}

// pageOf is where a language switch returns: the page shown
// (httpx.ShownPage), else the request's path.
func pageOf(r *http.Request) string {
	if p := httpx.ShownPage(r); p != "" {
		return p
	}
	return r.URL.Path
}

type shellKey struct{}

// Middleware puts the shell state into each request's context. A pending
// flash message is taken by GET requests, which render pages.
func Middleware(nav *Nav, devClock bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := &Shell{Nav: nav, Path: r.URL.Path, Page: pageOf(r), RequestID: httpx.RequestID(r.Context()), DevClock: devClock}
			if r.Method == http.MethodGet {
				s.Flash = httpx.TakeFlash(w, r)
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), shellKey{}, s)))
		})
	}
}

func shellFrom(ctx context.Context) *Shell {
	if s, ok := ctx.Value(shellKey{}).(*Shell); ok {
		return s
	}
	return &Shell{Nav: &Nav{}}
}

// current reports whether href is the navigation link of the page being
// shown: the longest link that is the path or one of its parents, so that
// "/operator" is not marked on "/operator/partners".
func current(ctx context.Context, href string) bool {
	s := shellFrom(ctx)
	best := ""
	for _, side := range [][]NavGroup{s.Nav.Partner, s.Nav.Operator} {
		for _, g := range side {
			for _, it := range g.Items {
				if covers(it.Href, s.Path) && len(it.Href) > len(best) {
					best = it.Href
				}
			}
		}
	}
	return href == best
}

func covers(href, path string) bool {
	return path == href || (href != "/" && strings.HasPrefix(path, href+"/"))
}
