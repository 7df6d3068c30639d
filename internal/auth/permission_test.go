package auth_test

import (
	"testing"

	"github.com/ccp-partner/portal/internal/auth"
)

func TestWhoMayDoWhat(t *testing.T) {
	admin := &auth.Principal{PartnerID: 1, Roles: []auth.Role{auth.RoleAdmin}}
	finance := &auth.Principal{PartnerID: 1, Roles: []auth.Role{auth.RoleFinanceManager}}
	standard := &auth.Principal{PartnerID: 1, Roles: []auth.Role{auth.RoleStandard}}
	delivering := &auth.Principal{PartnerID: 1, Roles: []auth.Role{auth.RoleDelivery}, OnBehalf: true}
	sales := &auth.Principal{Roles: []auth.Role{auth.RoleSales}}
	opAdmin := &auth.Principal{Roles: []auth.Role{auth.RoleOpAdmin}}
	opDelivery := &auth.Principal{Roles: []auth.Role{auth.RoleDelivery}}
	cases := []struct {
		who  *auth.Principal
		perm auth.Permission
		want bool
	}{
		{admin, auth.ManageAccount, true},
		{finance, auth.ManageAccount, false},
		{finance, auth.ManageFinance, true},
		{finance, auth.ChangeVouchers, true},
		{standard, auth.OrderVouchers, false},
		{standard, auth.UsePartnerPages, true},
		{delivering, auth.OrderVouchers, true},
		{delivering, auth.ChangeVouchers, false},
		{delivering, auth.ManageFinance, false},
		{delivering, auth.LeavePartnerAccount, true},
		{opDelivery, auth.LeavePartnerAccount, false}, // not inside an account
		{admin, auth.LeavePartnerAccount, false},
		{opDelivery, auth.OrderVouchers, false}, // not inside an account
		{opDelivery, auth.EnterPartnerAccount, true},
		{sales, auth.ReviewPartners, true},
		{sales, auth.UsePartnerPages, false},
		{sales, auth.AdministerOperator, false},
		{opAdmin, auth.AdministerOperator, true},
		{opAdmin, auth.UseConsole, true},
		{admin, auth.UseConsole, false},
		{nil, auth.UsePartnerPages, false},
		{admin, auth.Permission("no.such"), false},
	}
	for _, c := range cases {
		if got := c.who.Can(c.perm); got != c.want {
			t.Errorf("%+v Can(%s) = %v, want %v", c.who, c.perm, got, c.want)
		}
	}
}
