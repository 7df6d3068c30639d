package auth

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/fault"
)

// Actor is who performs a domain action: the signed-in principal (nil when
// nobody is signed in, as at sign-up) and the client address, or the system
// (the monthly close, the CLI). Every state-changing domain action takes
// one and checks it first with Require or RequirePartner, so that the pages
// and an API key acting as its user get the same answer from the same
// table (grants), whatever the caller checked before.
type Actor struct {
	Principal *Principal
	IP        netip.Addr
	system    string // set by System
}

// System is the actor of work nobody requested in a request (the monthly
// close, the portal CLI): it passes every check, and its audit entries
// carry name as the username.
func System(name string) Actor { return Actor{system: name} }

// IsSystem reports whether a is the system.
func (a Actor) IsSystem() bool { return a.system != "" }

// Refusals of Require and RequirePartner.
var (
	// ErrForbidden: the actor's roles do not allow the action (the 403 page).
	// The error returned wraps it and names the permission (Missing).
	ErrForbidden = fault.New(fault.Forbidden, "auth: not allowed", "error.forbidden")
	// ErrOtherPartner: partner staff acting on another partner's account,
	// which looks absent to them (the 404 page), as another partner's rows do.
	ErrOtherPartner = fault.New(fault.NotFound, "auth: another partner's account", "")
)

// forbidden is ErrForbidden for one permission.
type forbidden struct{ perm Permission }

func (e *forbidden) Error() string { return fmt.Sprintf("auth: not allowed (%s)", e.perm) }
func (e *forbidden) Unwrap() error { return ErrForbidden }

// Missing returns the permission whose lack refused err, or "" when err is
// not such a refusal.
func Missing(err error) Permission {
	var f *forbidden
	if errors.As(err, &f) {
		return f.perm
	}
	return ""
}

// Require returns nil when the actor holds perm (the system holds every
// permission), else an error that is ErrForbidden.
func (a Actor) Require(perm Permission) error {
	if a.IsSystem() || a.Principal.Can(perm) {
		return nil
	}
	return &forbidden{perm}
}

// RequirePartner is Require for an action on partnerID's account: partner
// staff (and operator staff working inside an account) may act only on
// their own partner's, and get ErrOtherPartner for any other; operator
// staff outside an account act on any partner whose permission they hold
// (operator Finance adjusting a partner's balance).
func (a Actor) RequirePartner(perm Permission, partnerID int64) error {
	if err := a.Require(perm); err != nil || a.IsSystem() {
		return err
	}
	if !a.Principal.IsOperator() && a.Principal.PartnerID != partnerID {
		return ErrOtherPartner
	}
	return nil
}

// UserID is the acting user's id (0 for the system and for nobody).
func (a Actor) UserID() int64 {
	if a.Principal == nil {
		return 0
	}
	return a.Principal.UserID
}

// OnBehalf reports whether operator staff act inside a partner's account.
func (a Actor) OnBehalf() bool { return a.Principal != nil && a.Principal.OnBehalf }

// Entry is the actor's part of an audit entry: the user, the client
// address and the principal's partner (naming it both ways during a
// delivery session), or the system's name. Domains complete it with In and
// Of.
func (a Actor) Entry() audit.Entry {
	e := audit.Entry{IP: a.IP, ActorUsername: a.system}
	if p := a.Principal; p != nil {
		e.ActorUserID, e.ActorUsername, e.PartnerID = p.UserID, p.Username, p.PartnerID
		if p.OnBehalf {
			e.ActingForPartnerID = p.PartnerID
		}
	}
	return e
}
