// Package authtest checks that domain actions check their actor: the table
// test each domain runs over its state-changing actions.
package authtest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/postgres"
	"github.com/ccp-partner/portal/internal/postgres/postgrestest"
)

// Action is one domain action under test: the method's name, the
// permission it requires ("" for an action open to anyone, such as a
// sign-up, which is listed only to say so), and a call of it on
// partnerID's account (or objects) by an actor. An action that acts on no
// partner ignores partnerID.
type Action struct {
	Name string
	Perm auth.Permission
	Do   func(partnerID int64, a auth.Actor) error
}

// Check fails unless actions names every method of service (a store or
// service of a domain) that takes an actor (auth.Actor, or still an
// audit.Entry), so that a new action is not left out. Then it calls each
// action on partnerID's account as actors that hold no permission (nobody signed in, partner staff and operator staff without
// roles), which must get auth.ErrForbidden naming the action's permission,
// and — for a permission of partner staff — as another partner's
// Administrator, who must get auth.ErrOtherPartner; none of the calls may
// write anything to db.
func Check(t *testing.T, db postgres.Querier, partnerID int64, service any, actions []Action) {
	t.Helper()
	typ := reflect.TypeOf(service)
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if takesActor(m.Type) && !slices.ContainsFunc(actions, func(a Action) bool { return a.Name == m.Name }) {
			t.Errorf("%s.%s takes an actor but is not among the actions checked", typ, m.Name)
		}
	}
	unprivileged := map[string]auth.Actor{
		"nobody":                 {},
		"partner staff, no role": {Principal: &auth.Principal{UserID: 1, Username: "no-role", PartnerID: partnerID}},
		"operator, no role":      {Principal: &auth.Principal{UserID: 1, Username: "no-role"}},
	}
	other := auth.Actor{Principal: &auth.Principal{UserID: 1, Username: "other-admin", PartnerID: partnerID + 1, Roles: auth.PartnerRoles}}
	for _, a := range actions {
		if a.Perm == "" {
			continue
		}
		t.Run(a.Name, func(t *testing.T) {
			before := postgrestest.Fingerprint(t, db)
			for who, actor := range unprivileged {
				if err := a.Do(partnerID, actor); !errors.Is(err, auth.ErrForbidden) || auth.Missing(err) != a.Perm {
					t.Errorf("%s: %v, want refused for lack of %s", who, err, a.Perm)
				}
			}
			if other.Principal.Can(a.Perm) {
				if err := a.Do(partnerID, other); !errors.Is(err, auth.ErrOtherPartner) {
					t.Errorf("another partner's administrator: %v, want auth.ErrOtherPartner", err)
				}
			}
			if after := postgrestest.Fingerprint(t, db); after != before {
				t.Errorf("a refused call wrote to %v", changed(before, after))
			}
		})
	}
}

var actorTypes = []reflect.Type{reflect.TypeFor[auth.Actor](), reflect.TypeFor[audit.Entry]()}

func takesActor(f reflect.Type) bool {
	for i := range f.NumIn() {
		if slices.Contains(actorTypes, f.In(i)) {
			return true
		}
	}
	return false
}

// changed lists the tables whose part of two fingerprints differs.
func changed(before, after string) []string {
	var out []string
	was := strings.Fields(before)
	for _, f := range strings.Fields(after) {
		if !slices.Contains(was, f) {
			out = append(out, strings.SplitN(f, "=", 2)[0])
		}
	}
	return out
}
