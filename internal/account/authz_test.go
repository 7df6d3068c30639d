package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/auth/authtest"
	"github.com/ccp-partner/portal/internal/demo"
	"github.com/ccp-partner/portal/internal/money"
)

// TestEveryActionChecksItsActor: each action of the account store requires
// its permission of the actor, whatever page or key called it, and partner
// staff change only their own partner's account.
func TestEveryActionChecksItsActor(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	signup, err := s.SubmitSignup(ctx, account.Signup{Language: "en", FirstName: "Ann", LastName: "Lee", JobTitle: "CEO",
		Email: "ann@initech.example", Phone: "+81 3-1234-5678", JobFunction: "executive", CompanyName: "Initech K.K.",
		Country: "JP", State: "東京都", City: "港区", Street: "1-1", PostalCode: "105-0001"}, auth.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	const acmeFinance, acmeGroup = 7, 1
	threshold := money.Yen(1000)
	today := time.Now()
	authtest.Check(t, s.DB, 1, s, []authtest.Action{
		{Name: "AddUser", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			_, err := s.AddUser(ctx, p, account.NewUser{Username: "new-user", DisplayName: "New", Email: "new@acme.example",
				Language: "en", Roles: []auth.Role{auth.RoleStandard}}, a)
			return err
		}},
		{Name: "SetRoles", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			return s.SetRoles(ctx, p, acmeFinance, []auth.Role{auth.RoleStandard}, a)
		}},
		{Name: "SetActive", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			return s.SetActive(ctx, p, acmeFinance, false, a)
		}},
		{Name: "CreateGroup", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			_, err := s.CreateGroup(ctx, p, "Sales", a)
			return err
		}},
		{Name: "RenameGroup", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			return s.RenameGroup(ctx, p, acmeGroup, "Renamed", a)
		}},
		{Name: "SetGroupActive", Perm: auth.ManageAccount, Do: func(p int64, a auth.Actor) error {
			return s.SetGroupActive(ctx, p, acmeGroup, false, a)
		}},
		{Name: "SaveBillingContact", Perm: auth.ManageFinance, Do: func(p int64, a auth.Actor) error {
			return s.SaveBillingContact(ctx, p, account.BillingContact{Name: "AP", Emails: []string{"ap@acme.example"}}, a)
		}},
		{Name: "SavePaymentSettings", Perm: auth.ManageFinance, Do: func(p int64, a auth.Actor) error {
			return s.SavePaymentSettings(ctx, p, account.PaymentSettings{Allowed: []string{"account_balance"}, Default: "account_balance"}, a)
		}},
		{Name: "SaveNotification", Perm: auth.ManageFinance, Do: func(p int64, a auth.Actor) error {
			return s.SaveNotification(ctx, p, account.Notification{Threshold: &threshold, Emails: []string{"ap@acme.example"}}, a)
		}},
		{Name: "RecordConsent", Perm: auth.ReviewPartners, Do: func(p int64, a auth.Actor) error {
			_, err := s.RecordConsent(ctx, p, account.Consent{SignedOn: today, ValidUntil: today.AddDate(1, 0, 0)}, a)
			return err
		}},
		{Name: "ApproveSignup", Perm: auth.ReviewPartners, Do: func(_ int64, a auth.Actor) error {
			_, err := s.ApproveSignup(ctx, signup, a)
			return err
		}},
		{Name: "RejectSignup", Perm: auth.ReviewPartners, Do: func(_ int64, a auth.Actor) error {
			return s.RejectSignup(ctx, signup, "no", a)
		}},
		{Name: "SubmitSignup", Perm: ""}, // anyone may apply
		{Name: "EnterPartner", Perm: auth.EnterPartnerAccount, Do: func(p int64, a auth.Actor) error {
			return s.EnterPartner(ctx, "token", p, a)
		}},
		{Name: "LeavePartner", Perm: auth.LeavePartnerAccount, Do: func(p int64, a auth.Actor) error {
			return s.LeavePartner(ctx, "token", p, a)
		}},
	})
	// Delivery staff inside Globex's account do not leave Acme's; a Finance
	// Manager saves the billing contact but does not manage users.
	delivering := demo.Actor("op-delivery")
	delivering.Principal.PartnerID, delivering.Principal.Roles, delivering.Principal.OnBehalf = 2, []auth.Role{auth.RoleDelivery}, true
	if err := s.LeavePartner(ctx, "token", 1, delivering); !errors.Is(err, auth.ErrOtherPartner) {
		t.Errorf("leaving another partner's account: %v", err)
	}
	if err := s.SetActive(ctx, 1, 8, false, demo.Actor("acme-finance")); auth.Missing(err) != auth.ManageAccount {
		t.Errorf("a Finance Manager deactivating a user: %v", err)
	}
	if err := s.SaveNotification(ctx, 1, account.Notification{}, demo.Actor("acme-finance")); err != nil {
		t.Errorf("a Finance Manager saving the notification: %v", err)
	}
}
