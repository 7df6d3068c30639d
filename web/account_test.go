package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/web/webtest"
)

func TestAnotherPartnerGets404ForUsersGroupsAndAuditEntries(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	acme := env.Login(t, "acme-admin")
	acme.PostForm("/account/groups", url.Values{"name": {"Acme West"}})
	entries, err := audit.List(ctx, env.App.Pool, audit.Filter{PartnerID: 1, Action: "group.created"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit entries: %v %v", entries, err)
	}
	env.AssertOtherPartnerGets404(t, "acme-admin", fmt.Sprintf("/account/audit/%d", entries[0].ID))
	env.AssertOtherPartnerGets404(t, "acme-admin", "/account/users/6")

	// Changing another partner's group or user is "not found" too, and writes nothing.
	groups, _ := env.App.Accounts.Groups(ctx, 1)
	globex := env.Login(t, "globex-admin")
	before := env.Fingerprint(t)
	for path, form := range map[string]url.Values{
		fmt.Sprintf("/account/groups/%d/rename", groups[0].ID): {"name": {"hijacked"}},
		fmt.Sprintf("/account/groups/%d/active", groups[0].ID): {"active": {"no"}},
		"/account/users/6/roles":                               {"roles": {"standard"}},
		"/account/users/7/active":                              {"active": {"no"}},
	} {
		if res := globex.PostForm(path, form); res.Status != http.StatusNotFound {
			t.Errorf("globex-admin POST %s: %d, want 404", path, res.Status)
		}
	}
	if env.Fingerprint(t) != before {
		t.Error("another partner's POST changed something")
	}
	// Settings are always the signed-in partner's own.
	if res := globex.Get("/finance/settings"); res.Doc.Find("#billing-not-set").Length() != 1 || strings.Contains(res.Body, "アクメ株式会社") {
		t.Error("globex-admin's settings show another partner's billing contact")
	}
	if res := globex.Get("/account/audit"); strings.Contains(res.Body, "Acme West") || res.Doc.Find(`td[data-action="group.created"]`).Length() != 0 {
		t.Error("globex-admin's audit log shows Acme's entries")
	}
}

func TestStandardUserIsRefusedFinanceSettings(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-user")
	before := env.Fingerprint(t)
	if res := c.Get("/finance/settings"); res.Status != http.StatusForbidden {
		t.Errorf("GET: %d", res.Status)
	}
	for _, path := range []string{"/finance/settings/billing", "/finance/settings/payment", "/finance/settings/notification", "/finance/settings/billing/confirm"} {
		if res := c.PostForm(path, url.Values{"threshold": {"1000"}}); res.Status != http.StatusForbidden {
			t.Errorf("POST %s: %d, want 403", path, res.Status)
		}
	}
	if env.Fingerprint(t) != before {
		t.Error("a refused request changed something")
	}
	if res := c.Get("/finance/pricing"); res.Status != http.StatusOK {
		t.Errorf("a Standard User cannot see the price table: %d", res.Status)
	}
	if env.Login(t, "acme-finance").Get("/finance/settings").Status != http.StatusOK {
		t.Error("a Finance Manager cannot open finance settings")
	}
}

// TestEveryChangeIsAuditedWithItsActor makes each kind of change once and
// finds it in the audit log with the user who made it.
func TestEveryChangeIsAuditedWithItsActor(t *testing.T) {
	env := webtest.Start(t)
	admin := env.Login(t, "acme-admin")
	finance := env.Login(t, "acme-finance")
	sales := env.Login(t, "op-sales")
	opAdmin := env.Login(t, "op-admin")
	pending := submitSignup(t, env, signupForm())
	rejected := submitSignup(t, env, with(signupForm(), "email", "other@newco.example"))

	steps := []struct {
		c        *webtest.Client
		path     string
		form     url.Values
		action   string
		actor    string
		partner1 bool // visible in Acme's log
	}{
		{admin, "/finance/settings/billing", url.Values{"name": {"佐藤 次郎"}, "organization": {"アクメ株式会社 経理部"}, "country": {"JP"}, "state": {"東京都"},
			"city": {"千代田区"}, "address1": {"丸の内1-1-1"}, "postal_code": {"100-0005"}, "emails": {"ap@acme.example"}}, "billing_contact.saved", "acme-admin", true},
		{finance, "/finance/settings/payment", url.Values{"allowed": {"account_balance"}, "default": {"account_balance"}}, "payment_settings.saved", "acme-finance", true},
		{finance, "/finance/settings/notification", url.Values{"threshold": {"500,000"}, "notification_emails": {"alerts@acme.example"}}, "notification.saved", "acme-finance", true},
		{admin, "/account/users", url.Values{"username": {"acme-new"}, "display_name": {"New Person"}, "email": {"new@acme.example"}, "language": {"ja"}, "roles": {"standard"}}, "user.created", "acme-admin", true},
		{admin, "/account/users/8/roles", url.Values{"roles": {"standard", "finance_manager"}}, "user.roles_changed", "acme-admin", true},
		{admin, "/account/users/8/active", url.Values{"active": {"no"}}, "user.deactivated", "acme-admin", true},
		{admin, "/account/groups", url.Values{"name": {"Acme West"}}, "group.created", "acme-admin", true},
		{sales, "/operator/partners/1/consents", url.Values{"signed_on": {"2026-11-01"}, "valid_until": {"2027-10-31"}}, "consent.recorded", "op-sales", true},
		{sales, "/operator/products/save", url.Values{"code": {"ssl_new"}, "name_ja": {"新製品"}, "name_en": {"New"}, "kind": {"dv"}, "max_years": {"1"}, "takes_fqdns": {"yes"}, "active": {"yes"}}, "product.saved", "op-sales", false},
		{sales, fmt.Sprintf("/operator/signups/%d/approve", pending), nil, "signup.approved", "op-sales", false},
		{sales, fmt.Sprintf("/operator/signups/%d/reject", rejected), url.Values{"reason": {"重複申請のため"}}, "signup.rejected", "op-sales", false},
		{opAdmin, "/operator/identity", nil, "issuer.saved", "op-admin", false},
	}
	for _, s := range steps {
		form := s.form
		if form == nil && s.action == "issuer.saved" {
			form = webtest.FormValues(opAdmin.Get("/operator/identity").Doc, "#identity-form")
		}
		if res := s.c.PostForm(s.path, form); res.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", s.path, res.Status, res.Doc.Find(".field-error, .form-error").Text())
		}
		entries, _ := audit.List(context.Background(), env.App.Pool, audit.Filter{Action: audit.Action(s.action)})
		if len(entries) == 0 || entries[0].ActorUsername != s.actor || !entries[0].IP.IsValid() {
			t.Errorf("%s: audit %+v, want actor %s", s.action, entries, s.actor)
		}
		if s.partner1 && entries[0].PartnerID != 1 {
			t.Errorf("%s: entry belongs to partner %d", s.action, entries[0].PartnerID)
		}
	}
	// The partner's administrator sees the account's entries, with actors, on the audit page.
	page := admin.Get("/account/audit")
	for _, s := range steps {
		if !s.partner1 {
			continue
		}
		row := page.Doc.Find(`td[data-action="` + s.action + `"]`).First().Parent()
		if row.Length() == 0 || row.Find(".actor").Text() != s.actor {
			t.Errorf("audit page lacks %s by %s", s.action, s.actor)
		}
	}
	filtered := admin.Get("/account/audit?user=op-sales")
	if n := filtered.Doc.Find("td.actor").Length(); n == 0 || filtered.Doc.Find("td.actor").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() != "op-sales" }).Length() != 0 {
		t.Errorf("filter by user: %d rows", n)
	}
}

func TestDeactivatedUsersSessionsEndAtOnce(t *testing.T) {
	env := webtest.Start(t)
	user := env.Login(t, "acme-user")
	if user.Get("/dashboard").Status != http.StatusOK {
		t.Fatal("not signed in")
	}
	admin := env.Login(t, "acme-admin")
	if res := admin.PostForm("/account/users/8/active", url.Values{"active": {"no"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.Status)
	}
	if res := user.Get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Errorf("deactivated user's session still works: %d", res.Status)
	}
	if res := env.Client(t).PostForm("/login", url.Values{"username": {"acme-user"}, "password": {"ccp-demo-2026"}}); res.Status != http.StatusUnauthorized {
		t.Errorf("deactivated user signs in: %d", res.Status)
	}
	// An Administrator cannot lock the account out.
	if res := admin.PostForm("/account/users/6/roles", url.Values{"roles": {"standard"}}); res.Status != http.StatusUnprocessableEntity || res.Doc.Find(".form-error").Length() == 0 {
		t.Errorf("removing own admin role: %d", res.Status)
	}
}

var inviteRE = regexp.MustCompile(`http://\S+/password/reset\?token=\S+`)

func TestApprovedApplicantGetsAnAccountAndALinkToSetAPassword(t *testing.T) {
	env := webtest.Start(t)
	id := submitSignup(t, env, signupForm())
	msgs := env.Outbox(t)
	if len(msgs) != 1 || msgs[0].To[0] != "hanako@newco.example" || !strings.Contains(msgs[0].Subject, "received") {
		t.Fatalf("confirmation mail: %+v", msgs)
	}
	sales := env.Login(t, "op-sales")
	if res := sales.Get("/operator/signups"); !strings.Contains(res.Doc.Find("#signups").Text(), "NewCo K.K.") {
		t.Fatal("pending list lacks the application")
	}
	if res := sales.PostForm(fmt.Sprintf("/operator/signups/%d/approve", id), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	// Approving twice creates nothing more.
	before := env.Fingerprint(t)
	if res := sales.PostForm(fmt.Sprintf("/operator/signups/%d/approve", id), nil); res.Status != http.StatusConflict {
		t.Errorf("second approval: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("second approval changed something")
	}
	msgs = env.Outbox(t)
	invite := msgs[len(msgs)-1]
	link := inviteRE.FindString(invite.BodyText)
	if invite.To[0] != "hanako@newco.example" || link == "" || !strings.Contains(invite.BodyText, "hanako") {
		t.Fatalf("invitation: %+v", invite)
	}
	c := env.Client(t)
	tok, _ := url.QueryUnescape(strings.SplitN(link, "token=", 2)[1])
	if res := c.PostForm("/password/reset", url.Values{"token": {tok}, "password": {"新しい会社のパスワード"}, "confirm": {"新しい会社のパスワード"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("set password: %d", res.Status)
	}
	admin := env.Login(t, "hanako", "新しい会社のパスワード")
	res := admin.Get("/account/groups")
	if res.Status != http.StatusOK || res.Doc.Find(`#groups input[value="NewCo K.K."]`).Length() != 1 {
		t.Errorf("the new Administrator's first management group: %d", res.Status)
	}
	// The first visit to finance settings proposes the sign-up's address.
	settings := admin.Get("/finance/settings")
	if settings.Doc.Find("#billing-not-set").Length() != 1 || !strings.Contains(settings.Doc.Find("#contact-facts").Text(), "530-0001") {
		t.Errorf("first visit: %s", settings.Doc.Find("#billing-contact").Text())
	}
	if res := admin.PostForm("/finance/settings/billing/confirm", nil); res.Status != http.StatusSeeOther {
		t.Errorf("This is correct: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
}
