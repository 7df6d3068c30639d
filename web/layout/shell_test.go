package layout

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
)

func TestNavShowsOnlyAllowedLinksAndMarksTheLongestMatch(t *testing.T) {
	nav := &Nav{Operator: []NavGroup{{LabelID: "nav.console"}, {LabelID: "nav.empty"}}}
	admin := func(p *auth.Principal) bool { return p.HasAny(auth.RoleOpAdmin) }
	nav.Add(true, "nav.console", NavItem{LabelID: "nav.overview", Href: "/operator"})
	nav.Add(true, "nav.console", NavItem{LabelID: "nav.partners", Href: "/operator/partners"})
	nav.Add(true, "nav.admin", NavItem{LabelID: "nav.staff", Href: "/operator/staff", Allowed: admin})

	sales := &auth.Principal{Roles: []auth.Role{auth.RoleSales}}
	groups := nav.Visible(sales)
	if len(groups) != 1 || len(groups[0].Items) != 2 {
		t.Fatalf("sales sees %+v", groups)
	}
	if got := nav.Visible(&auth.Principal{PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}}); len(got) != 0 {
		t.Errorf("a partner sees operator links: %+v", got)
	}
	ctx := context.WithValue(context.Background(), shellKey{}, &Shell{Nav: nav, Path: "/operator/partners/3"})
	if current(ctx, "/operator") || !current(ctx, "/operator/partners") {
		t.Error("the longest matching link is not the current one")
	}
}

func TestTheLanguageSwitchReturnsToThePageThatPosted(t *testing.T) {
	get := httptest.NewRequest(http.MethodGet, "http://portal.test/finance/vouchers?status=active", nil)
	post := httptest.NewRequest(http.MethodPost, "http://portal.test/operator/validation/8/reject", nil)
	post.Header.Set("Referer", "http://portal.test/operator/validation/8?x=1")
	foreign := httptest.NewRequest(http.MethodPost, "http://portal.test/certificates/5/reissue", nil)
	foreign.Header.Set("Referer", "http://evil.example/x")
	for r, want := range map[*http.Request]string{get: "/finance/vouchers?status=active", post: "/operator/validation/8?x=1",
		foreign: "/certificates/5/reissue"} {
		if got := pageOf(r); got != want {
			t.Errorf("%s %s: %q, want %q", r.Method, r.URL, got, want)
		}
	}
}
