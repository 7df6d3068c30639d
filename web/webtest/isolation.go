package webtest

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
)

// AssertOtherPartnerGets404 checks the rule that a partner never sees
// another partner's data: owner (a partner user) can open path, and an
// Administrator of every other demo partner gets 404 for it.
func (e *Env) AssertOtherPartnerGets404(t testing.TB, owner, path string) {
	t.Helper()
	if res := e.Login(t, owner).Get(path); res.Status != http.StatusOK {
		t.Fatalf("%s cannot open its own %s: status %d", owner, path, res.Status)
	}
	others, err := e.otherPartnerAdmins(owner)
	if err != nil {
		t.Fatal(err)
	}
	if len(others) == 0 {
		t.Fatal("no other partner's administrator to test with")
	}
	for _, other := range others {
		if res := e.Login(t, other).Get(path); res.Status != http.StatusNotFound {
			t.Errorf("%s (another partner) got status %d for %s, want 404", other, res.Status, path)
		}
	}
}

func (e *Env) otherPartnerAdmins(owner string) ([]string, error) {
	ctx := context.Background()
	partners, err := e.App.Accounts.Partners(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range partners {
		users, err := e.App.Accounts.PartnerUsers(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(users, func(u account.User) bool { return u.Username == owner }) {
			continue
		}
		for _, u := range users {
			if u.Active && slices.Contains(u.Roles, auth.RoleAdmin) {
				out = append(out, u.Username)
			}
		}
	}
	return out, nil
}
