package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/web/webtest"
)

// badValues are what no browser form sends but a script can: a NUL byte,
// invalid UTF-8 (a lone 0xFF, a truncated sequence) and an escape sequence.
var badValues = []string{"Ac\x00me", "Pa\xffris", "\xc3\x28", "red\x1b[31m"}

// probeUsers are the sessions every route is tried with ("" is anonymous).
var probeUsers = []string{"", "acme-admin", "op-admin", "op-sales", "op-finance", "op-delivery"}

// TestEveryPostRouteRefusesBadBytes posts bad values to every POST route the
// router knows (so that routes added later are covered too), one field at a
// time into the form the page offers, as every user who may use the route:
// no answer is a server error, and a refused value writes nothing.
func TestEveryPostRouteRefusesBadBytes(t *testing.T) {
	env := webtest.Start(t)
	env.Client(t).PostForm("/signup", signupForm())
	placeOrder(t, env.Login(t, "acme-admin"), [4]string{"1:1", "2", "1", "0"})
	ids := sampleIDs(t, env)
	gets, posts := routes(t, env)
	forms := discoverForms(t, env, gets, ids)
	tried := 0
	clients := map[string]*webtest.Client{}
	for _, route := range posts {
		path := fillPath(route, ids)
		for _, user := range probeUsers {
			c := clients[user]
			if c == nil || strings.HasSuffix(route, "/logout") || strings.HasSuffix(route, "/leave") {
				c = env.Client(t)
				if user != "" {
					c = env.Login(t, user)
				}
				clients[user] = c
			}
			base, known := forms[user+" "+path]
			fields := slices.Sorted(func(yield func(string) bool) {
				for k := range base {
					if !yield(k) {
						return
					}
				}
			})
			if len(fields) == 0 {
				fields = []string{"name"}
			}
			for _, field := range fields {
				for _, bad := range badValues {
					before := env.Fingerprint(t)
					res := c.PostForm(path, with(base, field, bad))
					tried++
					if res.Status >= 500 {
						t.Errorf("%s as %q with %s=%q: status %d", path, user, field, bad, res.Status)
					}
					if res.Status == http.StatusForbidden || strings.HasPrefix(res.Location, "/login") {
						break // this user may not use the route
					}
					if _, offered := base[field]; known && offered && env.Fingerprint(t) != before {
						t.Errorf("%s as %q with %s=%q (status %d) wrote to the database: %s", path, user, field, bad, res.Status,
							changedTables(before, env.Fingerprint(t)))
					}
				}
			}
		}
	}
	if len(posts) < 25 || tried < 200 {
		t.Fatalf("only %d POST routes and %d requests: the walk missed the router", len(posts), tried)
	}
}

// TestQueryStringsWithBadBytesAreRefused checks the same rule for links and
// filters: a GET whose query holds such bytes is a 400, never a 500.
func TestQueryStringsWithBadBytesAreRefused(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	for _, path := range []string{"/finance/vouchers?customer=Ac%00me", "/finance/vouchers.csv?customer=%FF",
		"/finance/balance?from=%1B", "/account/audit?action=%C3%28", "/login?next=%00"} {
		if res := c.Get(path); res.Status != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", path, res.Status)
		}
	}
}

// routes lists the router's GET and POST patterns; POST routes that end
// the session come last.
func routes(t *testing.T, env *webtest.Env) (gets, posts []string) {
	t.Helper()
	r, ok := env.App.Handler.(chi.Routes)
	if !ok {
		t.Fatalf("the handler is a %T, not a chi router", env.App.Handler)
	}
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		switch {
		case strings.Contains(route, "*"):
		case method == http.MethodGet:
			gets = append(gets, route)
		case method == http.MethodPost:
			posts = append(posts, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	endsSession := func(r string) bool { return strings.HasSuffix(r, "/logout") || strings.HasSuffix(r, "/leave") }
	sort.SliceStable(posts, func(i, j int) bool { return !endsSession(posts[i]) && endsSession(posts[j]) })
	return gets, posts
}

var routeParam = regexp.MustCompile(`([a-z]+)/\{([a-z]+)(:[^}]*)?\}`)

// fillPath puts a sample id into each parameter, chosen by the path segment
// before it (an unknown one gets 1).
func fillPath(route string, ids map[string]int64) string {
	return routeParam.ReplaceAllStringFunc(route, func(m string) string {
		sub := routeParam.FindStringSubmatch(m)
		key := sub[1]
		if sub[2] != "id" {
			key = sub[2]
		}
		id, ok := ids[key]
		if !ok {
			id = 1
		}
		return sub[1] + "/" + strconv.FormatInt(id, 10)
	})
}

// sampleIDs returns an existing object of Acme's (or of the operator's) for
// each kind of path parameter.
func sampleIDs(t *testing.T, env *webtest.Env) map[string]int64 {
	t.Helper()
	queries := map[string]string{
		"partners":  `SELECT id FROM partners WHERE name LIKE 'Acme%'`,
		"delivery":  `SELECT id FROM partners WHERE name LIKE 'Acme%'`,
		"vouchers":  `SELECT max(id) FROM voucher_orders`,
		"codes":     `SELECT max(id) FROM voucher_codes`,
		"users":     `SELECT id FROM users WHERE username = 'acme-user'`,
		"groups":    `SELECT min(g.id) FROM management_groups g JOIN partners p ON p.id = g.partner_id WHERE p.name LIKE 'Acme%'`,
		"signups":   `SELECT max(id) FROM signups`,
		"products":  `SELECT min(id) FROM products`,
		"vid":       `SELECT max(v.id) FROM contract_versions v JOIN partners p ON p.id = v.partner_id WHERE p.name LIKE 'Acme%'`,
		"audit":     `SELECT max(id) FROM audit_log`,
		"consents":  `SELECT max(id) FROM proxy_consents`,
		"contracts": `SELECT max(id) FROM contract_versions`,
	}
	ids := map[string]int64{}
	for key, q := range queries {
		var id *int64
		if err := env.App.Pool.QueryRow(context.Background(), q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if id != nil {
			ids[key] = *id
		}
	}
	return ids
}

// discoverForms opens every GET page as every probe user and keeps the
// values of each POST form, by user and action.
func discoverForms(t *testing.T, env *webtest.Env, gets []string, ids map[string]int64) map[string]url.Values {
	t.Helper()
	forms := map[string]url.Values{}
	for _, user := range probeUsers {
		c := env.Client(t)
		if user != "" {
			c = env.Login(t, user)
		}
		for _, route := range gets {
			res := c.Get(fillPath(route, ids))
			if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			res.Doc.Find(`form[method="post"]`).Each(func(i int, f *goquery.Selection) {
				action := f.AttrOr("action", "")
				if _, seen := forms[user+" "+action]; !seen && action != "" {
					forms[user+" "+action] = webtest.FormValues(res.Doc, `form[method="post"][action="`+action+`"]`)
				}
			})
		}
	}
	return forms
}

// changedTables names the tables whose fingerprints differ.
func changedTables(before, after string) []string {
	var out []string
	was := strings.Fields(before)
	for i, part := range strings.Fields(after) {
		if i >= len(was) || was[i] != part {
			out = append(out, strings.SplitN(part, "=", 2)[0])
		}
	}
	return out
}
