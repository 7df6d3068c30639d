package layout

import (
	"context"
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
