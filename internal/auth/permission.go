package auth

import "slices"

// Permission is something a principal may do. The table below is the one
// place that says who may do what: the web guards and navigation read it,
// and so will the JSON API for a key acting as its user, so that every way
// in gets the same answer.
type Permission string

// The permissions.
const (
	// Partner staff.
	UsePartnerPages Permission = "partner.pages"    // dashboard, profile, pricing: any partner role
	OrderVouchers   Permission = "vouchers.order"   // see, order and export vouchers, the balance
	ChangeVouchers  Permission = "vouchers.change"  // cancel orders, reissue codes
	ManageFinance   Permission = "finance.settings" // billing contact, payment, notification
	SeeInvoices     Permission = "finance.invoices" // invoices, statements, credit notes
	MakeQuotes      Permission = "finance.quotes"   // save, print, send and delete quotes
	ManageAccount   Permission = "account.manage"   // users, management groups, the audit log
	// OrderCertificates: see the account's certificate orders, order a
	// certificate without a voucher (C-5) and cancel certificate orders.
	OrderCertificates Permission = "certificates.order"
	// Operator delivery staff inside a partner's account (partner staff
	// with the delivery role).
	LeavePartnerAccount Permission = "delivery.leave" // back to the console
	// Operator staff.
	UseConsole          Permission = "console"         // the overview and the partner list: any operator role
	ReviewPartners      Permission = "partners.review" // sign-ups, products, contracts, consents
	EnterPartnerAccount Permission = "delivery.enter"  // delivery on a partner's behalf (D-1)
	AdjustBalances      Permission = "ledger.adjust"   // manual adjustments of a partner's balance
	ManageBilling       Permission = "billing.manage"  // the finance console: invoices, payments, the close
	AdministerOperator  Permission = "operator.admin"  // staff, the operator's details, the test clock
	// ValidateCertificates: the validation queue, approve and reject (C-3).
	ValidateCertificates Permission = "certificates.validate"
)

// grant is who holds a permission: partner or operator staff (operator
// staff acting in a partner's account count as partner staff with the
// delivery role), and which roles; no roles means any role of that side.
type grant struct {
	operator bool
	roles    []Role
}

var grants = map[Permission]grant{
	UsePartnerPages:      {roles: nil},
	OrderVouchers:        {roles: []Role{RoleAdmin, RoleFinanceManager, RoleDelivery}},
	ChangeVouchers:       {roles: []Role{RoleAdmin, RoleFinanceManager}},
	ManageFinance:        {roles: []Role{RoleAdmin, RoleFinanceManager}},
	SeeInvoices:          {roles: []Role{RoleAdmin, RoleFinanceManager}},
	MakeQuotes:           {roles: []Role{RoleAdmin, RoleFinanceManager}},
	ManageAccount:        {roles: []Role{RoleAdmin}},
	OrderCertificates:    {roles: []Role{RoleAdmin, RoleFinanceManager}},
	LeavePartnerAccount:  {roles: []Role{RoleDelivery}},
	UseConsole:           {operator: true},
	ReviewPartners:       {operator: true, roles: []Role{RoleSales}},
	EnterPartnerAccount:  {operator: true, roles: []Role{RoleDelivery}},
	AdjustBalances:       {operator: true, roles: []Role{RoleFinance}},
	ManageBilling:        {operator: true, roles: []Role{RoleFinance}},
	AdministerOperator:   {operator: true, roles: []Role{RoleOpAdmin}},
	ValidateCertificates: {operator: true, roles: []Role{RoleValidation}},
}

// Can reports whether p holds perm (false for nil: nobody signed in).
func (p *Principal) Can(perm Permission) bool {
	g, ok := grants[perm]
	if p == nil || !ok || p.IsOperator() != g.operator {
		return false
	}
	return len(g.roles) == 0 || slices.ContainsFunc(g.roles, func(r Role) bool { return slices.Contains(p.Roles, r) })
}

// Allows returns the check of perm, for navigation links.
func Allows(perm Permission) func(*Principal) bool {
	return func(p *Principal) bool { return p.Can(perm) }
}
