package auth_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
)

func TestActorChecks(t *testing.T) {
	actor := func(p *auth.Principal) auth.Actor { return auth.Actor{Principal: p} }
	acmeAdmin := actor(&auth.Principal{UserID: 6, PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}})
	acmeUser := actor(&auth.Principal{UserID: 8, PartnerID: 1, Roles: []auth.Role{auth.RoleStandard}})
	delivering := actor(&auth.Principal{UserID: 4, PartnerID: 1, Roles: []auth.Role{auth.RoleDelivery}, OnBehalf: true})
	opFinance := actor(&auth.Principal{UserID: 3, Roles: []auth.Role{auth.RoleFinance}})
	cases := []struct {
		name    string
		who     auth.Actor
		perm    auth.Permission
		partner int64
		want    fault.Kind // Internal: allowed
	}{
		{"admin, own partner", acmeAdmin, auth.ManageAccount, 1, fault.Internal},
		{"admin, another partner", acmeAdmin, auth.ManageAccount, 2, fault.NotFound},
		{"standard user", acmeUser, auth.ManageAccount, 1, fault.Forbidden},
		{"standard user, another partner", acmeUser, auth.ManageAccount, 2, fault.Forbidden},
		{"delivery inside the account", delivering, auth.OrderVouchers, 1, fault.Internal},
		{"delivery inside another account", delivering, auth.OrderVouchers, 2, fault.NotFound},
		{"delivery cancelling", delivering, auth.ChangeVouchers, 1, fault.Forbidden},
		{"operator finance, any partner", opFinance, auth.AdjustBalances, 2, fault.Internal},
		{"operator finance ordering", opFinance, auth.OrderVouchers, 1, fault.Forbidden},
		{"nobody", auth.Actor{}, auth.UsePartnerPages, 1, fault.Forbidden},
		{"the system", auth.System("cli"), auth.AdjustBalances, 2, fault.Internal},
	}
	for _, c := range cases {
		err := c.who.RequirePartner(c.perm, c.partner)
		if got := fault.KindOf(err); got != c.want || (err == nil) != (c.want == fault.Internal) {
			t.Errorf("%s: %v (kind %d), want kind %d", c.name, err, got, c.want)
		}
		if c.want == fault.Forbidden && (!errors.Is(err, auth.ErrForbidden) || auth.Missing(err) != c.perm || fault.MessageID(err) != "error.forbidden") {
			t.Errorf("%s: %v does not name %s as ErrForbidden", c.name, err, c.perm)
		}
		if c.want == fault.NotFound && !errors.Is(err, auth.ErrOtherPartner) {
			t.Errorf("%s: %v", c.name, err)
		}
		if (c.who.Require(c.perm) == nil) != (c.want != fault.Forbidden) {
			t.Errorf("%s: Require disagrees with RequirePartner", c.name)
		}
	}
}

func TestActorEntry(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.1")
	p := &auth.Principal{UserID: 4, Username: "op-delivery", PartnerID: 1, Roles: []auth.Role{auth.RoleDelivery}, OnBehalf: true}
	if e := (auth.Actor{Principal: p, IP: ip}).Entry(); e.ActorUserID != 4 || e.ActorUsername != "op-delivery" || e.PartnerID != 1 || e.ActingForPartnerID != 1 || e.IP != ip {
		t.Errorf("delivery: %+v", e)
	}
	if e := (auth.Actor{IP: ip}).Entry(); e.ActorUserID != 0 || e.ActorUsername != "" || e.PartnerID != 0 || e.IP != ip {
		t.Errorf("nobody: %+v", e)
	}
	if e := auth.System("cli").Entry(); e.ActorUsername != "cli" || e.ActorUserID != 0 || e.PartnerID != 0 {
		t.Errorf("the system: %+v", e)
	}
}
