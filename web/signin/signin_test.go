package signin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/audit"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/web/httpx"
	"github.com/ccp-partner/portal/web/webtest"
)

func login(c *webtest.Client, user, pw string) *webtest.Response {
	return c.PostForm("/login", url.Values{"username": {user}, "password": {pw}})
}

func TestLoginSucceedsAndRenewsTheSessionToken(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	first := c.Cookie(httpx.SessionCookie)
	if res := c.Get("/dashboard"); res.Status != http.StatusOK || !strings.Contains(res.Doc.Find("#welcome").Text(), "Acme Administrator") {
		t.Fatalf("dashboard after login: %d", res.Status)
	}
	if res := login(c, "acme-admin", "ccp-demo-2026"); res.Status != http.StatusSeeOther {
		t.Fatalf("second login: %d", res.Status)
	}
	second := c.Cookie(httpx.SessionCookie)
	if first == "" || second == first {
		t.Fatalf("session token not renewed at login: %q → %q", first, second)
	}
	// The previous token no longer works.
	old := env.Client(t)
	u, _ := url.Parse(env.URL)
	old.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: httpx.SessionCookie, Value: first}})
	if res := old.Get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Errorf("old token still valid: %d", res.Status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		base   string
		secure bool
	}{{"", false}, {"PORTAL_BASE_URL=https://portal.example.jp", true}} {
		var env *webtest.Env
		if tc.base == "" {
			env = webtest.Start(t)
		} else {
			env = webtest.Start(t, tc.base)
		}
		res := env.Client(t).PostForm("/login", url.Values{"username": {"acme-user"}, "password": {"ccp-demo-2026"}})
		sc := res.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("cookie %q lacks HttpOnly or SameSite=Lax", sc)
		}
		if strings.Contains(sc, "Secure") != tc.secure {
			t.Errorf("base %q: cookie %q, want Secure=%v", tc.base, sc, tc.secure)
		}
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/language", strings.NewReader("lang=ja&back=/dashboard"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res := c.Do(req)
	if res.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", res.Status)
	}
	if res.Doc.Find(".request-id code").Text() == "" {
		t.Error("403 page shows no request id")
	}
	if lang := c.Get("/dashboard").Doc.Find("html").AttrOr("lang", ""); lang != "en" {
		t.Errorf("the refused request changed the language to %q", lang)
	}
}

func TestSixthAttemptIsLockedUntilTheLockEnds(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	for i := 1; i <= auth.MaxFailuresPerUsername; i++ {
		if res := login(c, "acme-user", "wrong password"); res.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i, res.Status)
		}
	}
	res := login(c, "acme-user", "wrong password")
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Doc.Find(".form-error").Text(), "locked") {
		t.Fatalf("sixth attempt: status %d %q, want 429 with the lock message", res.Status, res.Doc.Find(".form-error").Text())
	}
	if res := login(c, "acme-user", "ccp-demo-2026"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("right password during the lock: status %d, want 429", res.Status)
	}
	// Another user is not affected.
	env.Login(t, "acme-admin")

	ctx := context.Background()
	if err := env.App.TestClock.Advance(ctx, auth.LockDuration-time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if res := login(c, "acme-user", "ccp-demo-2026"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("one minute before the lock ends: status %d, want 429", res.Status)
	}
	if err := env.App.TestClock.Advance(ctx, 2*time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if res := login(c, "acme-user", "ccp-demo-2026"); res.Status != http.StatusSeeOther {
		t.Fatalf("after the lock: status %d, want 303", res.Status)
	}
	counts := auditCounts(t, env)
	if counts[audit.LoginFailed] != 5 || counts[audit.LoginRefused] != 3 || counts[audit.LoginSucceeded] != 2 {
		t.Errorf("audit counts %v, want 5 failed, 3 refused, 2 succeeded", counts)
	}
}

func TestFailuresAreLimitedPerClientAddress(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	// Spread over usernames so that no username lock applies.
	for i := range auth.MaxFailuresPerAddress {
		user := []string{"acme-admin", "acme-user", "acme-finance", "globex-admin", "globex-user", "globex-finance", "nobody", "op-sales"}[i%8]
		if res := login(c, user, "wrong password"); res.Status != http.StatusUnauthorized && res.Status != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: %d", i, res.Status)
		}
	}
	res := login(c, "op-finance", "ccp-demo-2026")
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "network") {
		t.Fatalf("after %d failures from one address: status %d", auth.MaxFailuresPerAddress, res.Status)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "globex-admin")
	if res := c.PostForm("/logout", nil); res.Status != http.StatusSeeOther || res.Location != "/login" {
		t.Fatalf("logout: %d → %s", res.Status, res.Location)
	}
	if res := c.Get("/dashboard"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login") {
		t.Fatalf("after logout: %d → %s", res.Status, res.Location)
	}
	if auditCounts(t, env)[audit.Logout] != 1 {
		t.Error("logout not audited")
	}
}

func TestSessionExpiresAfterIdleTimeoutAndAbsoluteLifetime(t *testing.T) {
	env := webtest.Start(t)
	ctx := context.Background()
	c := env.Login(t, "acme-finance")
	// Activity every 29 minutes keeps the session alive...
	for range 3 {
		if err := env.App.TestClock.Advance(ctx, auth.IdleTimeout-time.Minute, nil); err != nil {
			t.Fatal(err)
		}
		if res := c.Get("/dashboard"); res.Status != http.StatusOK {
			t.Fatalf("active session refused: %d", res.Status)
		}
	}
	// ...31 idle minutes end it.
	if err := env.App.TestClock.Advance(ctx, auth.IdleTimeout+time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Fatalf("after idle timeout: %d, want redirect to sign-in", res.Status)
	}

	// A busy session still ends after 12 hours.
	c = env.Login(t, "acme-finance")
	for elapsed := time.Duration(0); elapsed < auth.AbsoluteLifetime-20*time.Minute; elapsed += 20 * time.Minute {
		if err := env.App.TestClock.Advance(ctx, 20*time.Minute, nil); err != nil {
			t.Fatal(err)
		}
		if res := c.Get("/dashboard"); res.Status != http.StatusOK {
			t.Fatalf("refused after %v: %d", elapsed, res.Status)
		}
	}
	if err := env.App.TestClock.Advance(ctx, 21*time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Fatalf("after 12 hours: %d, want redirect to sign-in", res.Status)
	}
}

var linkRE = regexp.MustCompile(`http://\S+/password/reset\?token=\S+`)

func TestPasswordResetWithA25CharacterJapanesePassword(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	if res := c.PostForm("/password/forgot", url.Values{"login": {"acme-user@acme.example"}}); res.Status != http.StatusOK {
		t.Fatalf("forgot: %d", res.Status)
	}
	// An unknown login gets the same answer and no mail.
	if res := c.PostForm("/password/forgot", url.Values{"login": {"nobody"}}); res.Status != http.StatusOK {
		t.Fatalf("forgot unknown: %d", res.Status)
	}
	msgs := env.Outbox(t)
	if len(msgs) != 1 || msgs[0].To[0] != "acme-user@acme.example" {
		t.Fatalf("outbox: %+v", msgs)
	}
	link := linkRE.FindString(msgs[0].BodyText)
	if link == "" {
		t.Fatalf("no link in %q", msgs[0].BodyText)
	}
	token := strings.SplitN(link, "token=", 2)[1]
	tok, _ := url.QueryUnescape(token)

	const pw = "日本語のパスワードは二十五文字でも正しく使えます。"
	if n := len([]rune(pw)); n != 25 {
		t.Fatalf("fixture has %d characters", n)
	}
	if res := c.Get("/password/reset?token=" + token); res.Status != http.StatusOK {
		t.Fatalf("reset form: %d", res.Status)
	}
	if res := c.PostForm("/password/reset", url.Values{"token": {tok}, "password": {"短い"}, "confirm": {"短い"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", res.Status)
	}
	if res := c.PostForm("/password/reset", url.Values{"token": {tok}, "password": {pw}, "confirm": {pw}}); res.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %s", res.Status, res.Doc.Find(".field-error").Text())
	}
	env.Login(t, "acme-user", pw)
	if res := login(env.Client(t), "acme-user", "ccp-demo-2026"); res.Status != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", res.Status)
	}
	// The link is single-use.
	if res := c.PostForm("/password/reset", url.Values{"token": {tok}, "password": {pw + "x"}, "confirm": {pw + "x"}}); res.Status != http.StatusNotFound {
		t.Errorf("second use of the link: %d, want 404", res.Status)
	}
	if auditCounts(t, env)[audit.PasswordChanged] != 1 {
		t.Error("password change not audited")
	}
}

func TestPasswordLinkExpiresAfterAnHour(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	c.PostForm("/password/forgot", url.Values{"login": {"globex-user"}})
	link := linkRE.FindString(env.Outbox(t)[0].BodyText)
	if err := env.App.TestClock.Advance(context.Background(), auth.ResetLinkLifetime+time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	res := c.Get(strings.TrimPrefix(link, env.URL))
	if res.Status != http.StatusNotFound || res.Doc.Find(".form-error").Length() == 0 {
		t.Errorf("expired link: %d", res.Status)
	}
}

func TestLanguageSwitchPersistsOnTheUser(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	if res := c.PostForm("/language", url.Values{"lang": {"ja"}, "back": {"/dashboard"}}); res.Status != http.StatusSeeOther || res.Location != "/dashboard" {
		t.Fatalf("switch: %d → %s", res.Status, res.Location)
	}
	// A new browser signing in as the same user sees Japanese.
	res := env.Login(t, "acme-admin").Get("/dashboard")
	if lang := res.Doc.Find("html").AttrOr("lang", ""); lang != "ja" {
		t.Fatalf("html lang = %q, want ja", lang)
	}
	if got := res.Doc.Find(`a[data-nav="nav.dashboard"]`).Text(); got != "ダッシュボード" {
		t.Errorf("nav shows %q", got)
	}
	// An open redirect is not possible through "back".
	if res := c.PostForm("/language", url.Values{"lang": {"en"}, "back": {"//evil.example/"}}); res.Location != "/" {
		t.Errorf("back=//evil.example redirected to %q", res.Location)
	}
	if auditCounts(t, env)[audit.LanguageChanged] != 2 {
		t.Error("language changes not audited")
	}
}

func TestAnonymousLanguageFollowsCookieThenAcceptLanguage(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/login", nil)
	req.Header.Set("Accept-Language", "ja-JP,ja;q=0.9,en;q=0.5")
	if lang := c.Do(req).Doc.Find("html").AttrOr("lang", ""); lang != "ja" {
		t.Errorf("Accept-Language ja: html lang %q", lang)
	}
	c.PostForm("/language", url.Values{"lang": {"en"}, "back": {"/login"}})
	req, _ = http.NewRequest(http.MethodGet, env.URL+"/login", nil)
	req.Header.Set("Accept-Language", "ja")
	if lang := c.Do(req).Doc.Find("html").AttrOr("lang", ""); lang != "en" {
		t.Errorf("cookie en beats Accept-Language ja: html lang %q", lang)
	}
}

func auditCounts(t *testing.T, env *webtest.Env) map[audit.Action]int {
	t.Helper()
	entries, err := audit.List(context.Background(), env.App.Pool, audit.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[audit.Action]int{}
	for _, e := range entries {
		counts[e.Action]++
		if e.Action != audit.LoginFailed && e.Action != audit.LoginRefused && e.Action != audit.PasswordResetAsk && e.ActorUserID == 0 {
			t.Errorf("%s entry without actor: %+v", e.Action, e)
		}
		if !e.IP.IsValid() {
			t.Errorf("%s entry without IP", e.Action)
		}
	}
	return counts
}

func TestResetMailsAreCappedPerClientAddress(t *testing.T) {
	env := webtest.Start(t)
	c := env.Client(t)
	users := []string{"acme-admin", "acme-finance", "acme-user", "globex-admin", "globex-finance", "globex-user",
		"op-admin", "op-sales", "op-delivery", "op-validation", "op-finance"}
	for _, u := range users {
		if res := c.PostForm("/password/forgot", url.Values{"login": {u}}); res.Status != http.StatusOK {
			t.Fatalf("%s: %d", u, res.Status)
		}
	}
	if n := len(env.Outbox(t)); n != auth.MaxResetMailsPerHour {
		t.Errorf("%d reset mails for %d requests from one address, want %d", n, len(users), auth.MaxResetMailsPerHour)
	}
}
