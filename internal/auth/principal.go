package auth

import (
	"context"
	"net/netip"
	"slices"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
)

// Role is a permission a user holds. Partner staff hold partner roles,
// operator staff operator roles (a person may hold several).
type Role string

// Partner roles.
const (
	RoleAdmin          Role = "admin"
	RoleFinanceManager Role = "finance_manager"
	RoleStandard       Role = "standard"
)

// Operator roles.
const (
	RoleSales      Role = "sales"
	RoleDelivery   Role = "delivery"
	RoleValidation Role = "validation"
	RoleFinance    Role = "finance"
	RoleOpAdmin    Role = "op_admin"
)

// PartnerRoles and OperatorRoles list the roles of each side, in display order.
var (
	PartnerRoles  = []Role{RoleAdmin, RoleFinanceManager, RoleStandard}
	OperatorRoles = []Role{RoleSales, RoleDelivery, RoleValidation, RoleFinance, RoleOpAdmin}
)

// Principal is who is acting in a request.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	Email       string
	PartnerID   int64 // 0 for operator staff
	PartnerName string
	Roles       []Role
	Language    string
	// OnBehalf is set while operator delivery staff work inside a partner's
	// account (D-1): PartnerID is then that partner and Roles is [delivery].
	OnBehalf bool
}

// IsOperator reports whether the principal is operator staff.
func (p *Principal) IsOperator() bool { return p.PartnerID == 0 }

// HasAny reports whether the principal holds at least one of roles.
func (p *Principal) HasAny(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// OwnEntry starts the audit entry of the principal's own affairs (signing
// out, their language): during a delivery session it goes to the staff
// member's own log, not the partner's, and names the partner they were
// working for.
func (p *Principal) OwnEntry(at time.Time, ip netip.Addr) audit.Entry {
	e := audit.Entry{At: at, ActorUserID: p.UserID, ActorUsername: p.Username, PartnerID: p.PartnerID, IP: ip}
	if p.OnBehalf {
		e.PartnerID, e.ActingForPartnerID = 0, p.PartnerID
	}
	return e
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the signed-in principal, or nil for an anonymous request.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
