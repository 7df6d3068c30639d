package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/account"
	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/webtest"
)

func signupForm() url.Values {
	return url.Values{"first_name": {"Hanako"}, "last_name": {"Yamada"}, "job_title": {"Manager"},
		"email": {"hanako@newco.example"}, "phone": {"03-1111-2222"}, "job_function": {"it"},
		"training_opt_in": {"yes"}, "company_name": {"NewCo K.K."}, "country": {"JP"}, "state": {"大阪府"},
		"city": {"大阪市北区"}, "street": {"梅田1-1-1"}, "postal_code": {"530-0001"}}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// submitSignup posts a valid application and returns its id.
func submitSignup(t *testing.T, env *webtest.Env, form url.Values) int64 {
	t.Helper()
	if res := env.Client(t).PostForm("/signup", form); res.Status != http.StatusSeeOther {
		t.Fatalf("signup: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	var id int64
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT max(id) FROM signups`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestEveryFormRefusesBadInputWithTranslatedMessagesAndWritesNothing(t *testing.T) {
	env := webtest.Start(t)
	pending := submitSignup(t, env, signupForm())
	contractForm := webtest.FormValues(env.Login(t, "op-sales").Get("/operator/partners/1/contract/new").Doc, "#contract-form")
	yesterday := clock.Date(env.App.Clock.Now()).AddDate(0, 0, -1).Format(time.DateOnly)

	cases := []struct {
		name, user, path string
		form             url.Values
		fields           []string
	}{
		{"sign-up", "", "/signup", with(signupForm(), "email", "nope", "postal_code", "5300001x", "first_name", "花子", "job_function", "astronaut"),
			[]string{"email", "postal_code", "first_name", "job_function"}},
		{"sign-up blank", "", "/signup", url.Values{"country": {"JP"}}, []string{"last_name", "company_name", "state", "city"}},
		{"reject without reason", "op-sales", fmt.Sprintf("/operator/signups/%d/reject", pending), url.Values{"reason": {"  "}}, []string{"reason"}},
		{"identity", "op-admin", "/operator/identity", url.Values{"registration_number": {"T8010001078217"}, "postal_code": {"1040061x"}},
			[]string{"registration_number", "postal_code", "name_ja", "bank_branch_number", "account_type"}},
		{"product", "op-sales", "/operator/products/save", url.Values{"code": {"Bad Code"}, "max_years": {"7"}, "takes_wildcards": {"yes"}},
			[]string{"code", "max_years", "name_en", "kind"}},
		{"contract", "op-sales", "/operator/partners/1/contract", with(contractForm, "credit_limit", "-1", "effective_from", yesterday,
			"end_date", "2000-01-01", "p1_y1_base", "abc", "p1_y2_discount", "120"),
			[]string{"credit_limit", "effective_from", "p1_y1_base", "p1_y2_discount"}},
		{"consent", "op-sales", "/operator/partners/1/consents", url.Values{"signed_on": {"2026-11-01"}, "valid_until": {"2026-10-01"}}, []string{"valid_until"}},
		{"billing contact", "acme-admin", "/finance/settings/billing", url.Values{"name": {"山田"}, "country": {"JP"}, "state": {"Tokyo"},
			"postal_code": {"1234"}, "emails": {"billing@acme.example, not-an-address"}},
			[]string{"organization", "state", "postal_code", "emails"}},
		{"payment", "acme-finance", "/finance/settings/payment", url.Values{"allowed": {"account_balance", "credit_card"}, "default": {"credit_card"}},
			[]string{"allowed", "default"}},
		{"notification", "acme-admin", "/finance/settings/notification", url.Values{"threshold": {"-5"}, "notification_emails": {"x@acme.example"}},
			[]string{"threshold"}},
		{"add user", "acme-admin", "/account/users", url.Values{"username": {"A B"}, "email": {"x"}, "language": {"fr"}},
			[]string{"username", "email", "display_name", "language", "roles"}},
		{"group", "acme-admin", "/account/groups", url.Values{"name": {"   "}}, []string{"name"}},
	}
	for _, lang := range []string{"en", "ja"} {
		for _, c := range cases {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				client := env.Client(t)
				if c.user != "" {
					client = env.Login(t, c.user)
				}
				client.PostForm("/language", url.Values{"lang": {lang}})
				before := env.Fingerprint(t)
				res := client.PostForm(c.path, c.form)
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", res.Status)
				}
				for _, f := range c.fields {
					msg := res.Doc.Find("#e-" + f).Text()
					if msg == "" { // grid cells show their message under the input
						msg = res.Doc.Find(`input[name="` + f + `"]`).Parent().Find(".field-error").Text()
					}
					if !webtest.IsTranslated(msg) {
						t.Errorf("field %s: message %q", f, msg)
					}
					if lang == "ja" && !regexp.MustCompile(`[\p{Hiragana}\p{Katakana}\p{Han}]`).MatchString(msg) {
						t.Errorf("field %s: %q is not Japanese", f, msg)
					}
				}
				for name, want := range c.form { // the user's input is shown again
					if in := res.Doc.Find(`input[type="text"][name="` + name + `"], input:not([type])[name="` + name + `"]`); in.Length() == 1 && in.AttrOr("value", "") != want[0] {
						t.Errorf("field %s shows %q, want the input %q", name, in.AttrOr("value", ""), want[0])
					}
				}
				if after := env.Fingerprint(t); after != before {
					t.Errorf("a refused form changed the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
}

func TestRegistrationNumberCheckDigit(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "op-admin")
	form := webtest.FormValues(c.Get("/operator/identity").Doc, "#identity-form")
	if res := c.PostForm("/operator/identity", with(form, "registration_number", "T8010001078217")); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("T8010001078217 accepted: %d", res.Status)
	}
	if res := c.PostForm("/operator/identity", with(form, "registration_number", "t-8010001078218", "name_en", "DigiCert Japan G.K. (test)")); res.Status != http.StatusSeeOther {
		t.Fatalf("the manual's number refused: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	id, err := env.App.Issuer.Get(context.Background())
	if err != nil || id.RegistrationNumber != "T8010001078218" || id.NameEN != "DigiCert Japan G.K. (test)" {
		t.Errorf("stored: %+v %v", id, err)
	}
}

func TestSignupsAreLimitedPerClientAddress(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	for i := range 5 {
		if res := c.PostForm("/signup", with(signupForm(), "email", fmt.Sprintf("a%d@newco.example", i))); res.Status != http.StatusSeeOther {
			t.Fatalf("application %d: %d", i+1, res.Status)
		}
	}
	before := env.Fingerprint(t)
	res := c.PostForm("/signup", with(signupForm(), "email", "victim@elsewhere.example"))
	if res.Status != http.StatusTooManyRequests || !webtest.IsTranslated(res.Doc.Find(".form-error").Text()) {
		t.Errorf("sixth application in an hour: %d", res.Status)
	}
	if env.Fingerprint(t) != before {
		t.Error("the refused application wrote something (or sent mail)")
	}
	if err := env.App.TestClock.Advance(context.Background(), time.Hour+time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if res := c.PostForm("/signup", with(signupForm(), "email", "later@newco.example")); res.Status != http.StatusSeeOther {
		t.Errorf("an hour later: %d", res.Status)
	}
}

// TestConcurrentSignupsFromOneAddressKeepTheCap sends 20 applications at
// once from one address: the per-address cap holds under concurrency.
func TestConcurrentSignupsFromOneAddressKeepTheCap(t *testing.T) {
	env := webtest.Start(t)
	statuses := make([]int, 20)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = env.Client(t).PostForm("/signup", with(signupForm(), "email", fmt.Sprintf("c%d@newco.example", i))).Status
		})
	}
	wg.Wait()
	accepted := 0
	for _, s := range statuses {
		if s == http.StatusSeeOther {
			accepted++
		} else if s != http.StatusTooManyRequests {
			t.Errorf("status %d", s)
		}
	}
	var stored int
	if err := env.App.Pool.QueryRow(context.Background(), `SELECT count(*) FROM signups`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if accepted != account.MaxSignupsPerHour || stored != account.MaxSignupsPerHour {
		t.Errorf("%d accepted, %d stored; the cap is %d", accepted, stored, account.MaxSignupsPerHour)
	}
}
