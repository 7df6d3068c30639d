package web_test

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ccp-partner/portal/internal/clock"
	"github.com/ccp-partner/portal/web/api"
	"github.com/ccp-partner/portal/web/webtest"
)

// spec is the served OpenAPI document, decoded generically.
type spec map[string]any

func (s spec) at(ref string) any {
	var v any = map[string]any(s)
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		v = v.(map[string]any)[part]
	}
	return v
}

// resolve follows $ref until v is not a reference.
func (s spec) resolve(v any) map[string]any {
	m, _ := v.(map[string]any)
	for m != nil && m["$ref"] != nil {
		m, _ = s.at(m["$ref"].(string)).(map[string]any)
	}
	return m
}

var dateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// validate checks v against schema with the JSON-Schema subset the
// description uses: $ref, type (one or a list), properties, required,
// additionalProperties: false, items, enum, minItems, and the formats
// date-time (RFC 3339) and date; it returns the problems with their paths.
func (s spec) validate(schema any, v any, path string) []string {
	sc := s.resolve(schema)
	if sc == nil {
		return []string{path + ": no schema"}
	}
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(f, a...)) }
	if t, ok := sc["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			fail("%s, want %v", jsonType(v), types)
			return errs
		}
	}
	if enum, ok := sc["enum"].([]any); ok && !slices.Contains(enum, v) {
		fail("%v is not one of %v", v, enum)
	}
	if str, ok := v.(string); ok {
		switch sc["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				fail("%q is not a date-time", str)
			}
		case "date":
			if !dateOnly.MatchString(str) {
				fail("%q is not a date", str)
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := sc["properties"].(map[string]any)
		for _, r := range asList(sc["required"]) {
			if _, ok := v[r.(string)]; !ok {
				fail("missing %s", r)
			}
		}
		for k, x := range v {
			if p, ok := props[k]; ok {
				errs = append(errs, s.validate(p, x, path+"."+k)...)
			} else if sc["additionalProperties"] == false {
				fail("undocumented property %s", k)
			}
		}
	case []any:
		if n, ok := sc["minItems"].(float64); ok && len(v) < int(n) {
			fail("%d items, want at least %v", len(v), n)
		}
		if items, ok := sc["items"]; ok {
			for i, x := range v {
				errs = append(errs, s.validate(items, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// checkResponse validates res against the operation's documented
// response for its status and content type.
func (s spec) checkResponse(t *testing.T, name string, op map[string]any, res apiResponse) {
	t.Helper()
	responses := op["responses"].(map[string]any)
	doc := s.resolve(responses[fmt.Sprint(res.Status)])
	if doc == nil {
		t.Errorf("%s: status %d is not documented (%s)", name, res.Status, res.Body)
		return
	}
	media, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	content, _ := doc["content"].(map[string]any)
	mt, ok := content[media].(map[string]any)
	if !ok {
		t.Errorf("%s: %d answers %s, documented %v", name, res.Status, media, content)
		return
	}
	if media != "application/json" {
		if len(res.Body) == 0 {
			t.Errorf("%s: empty %s", name, media)
		}
		return
	}
	var body any
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Errorf("%s: %v in %s", name, err, res.Body)
		return
	}
	for _, e := range s.validate(mt["schema"], body, "body") {
		t.Errorf("%s %d: %s", name, res.Status, e)
	}
}

// TestAPIEveryResponseMatchesTheOpenAPIDescription walks the served
// description: each operation is called for real (its success, without a
// key, with a missing entry, with CSV where documented) and each answer
// must be documented for its status and validate against its schema.
func TestAPIEveryResponseMatchesTheOpenAPIDescription(t *testing.T) {
	env := webtest.Start(t)
	served := call(t, env, "GET", "/openapi.json", "", nil)
	if served.Status != http.StatusOK || string(served.Body) != string(api.OpenAPI) {
		t.Fatalf("openapi.json: %d", served.Status)
	}
	var s spec
	served.decode(t, &s)
	if s["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", s["openapi"])
	}
	// A closed month first, so that an invoice and its PDF exist.
	placeOrder(t, env.Login(t, "acme-admin"), [4]string{"1:1", "1", "1", "0"})
	now := env.App.Clock.Now().In(clock.Tokyo)
	if err := env.App.TestClock.Set(t.Context(), time.Date(now.Year(), now.Month()+1, 1, 0, 0, 5, 0, clock.Tokyo), nil); err != nil {
		t.Fatal(err)
	}
	closeNow(t, env)
	key := apiKey(t, env, "acme-admin", "acme-admin")
	var shown, cancelled, reissued api.OrderJSON
	call(t, env, "POST", "/voucher", key, oneVoucher(2)).decode(t, &shown)
	call(t, env, "POST", "/voucher", key, oneVoucher(1)).decode(t, &cancelled)
	call(t, env, "POST", "/voucher", key, oneVoucher(1)).decode(t, &reissued)
	env.App.Pool.Exec(t.Context(), `UPDATE voucher_codes SET status = 'used', used_at = now() WHERE id = $1`, shown.Codes[1].ID)
	// fixtures: each operation's concrete path (with a query) and body.
	type request struct {
		path string
		body any
	}
	fixtures := map[string]request{
		"createVoucherOrder":   {"/voucher", oneVoucher(1)},
		"listVoucherOrders":    {"/voucher?limit=2&offset=1&filters[status]=completed", nil},
		"listUsedCodes":        {"/voucher/download/used-codes?sort=-cert_request_date&limit=10", nil},
		"getVoucherOrder":      {fmt.Sprintf("/voucher/%d", shown.ID), nil},
		"downloadVoucherCodes": {fmt.Sprintf("/voucher/%d/download", shown.ID), nil},
		"cancelVoucherOrder":   {fmt.Sprintf("/voucher/%d/cancel", cancelled.ID), nil},
		"reissueVoucherCode":   {fmt.Sprintf("/voucher/code/%d/reissue", reissued.Codes[0].ID), nil},
		"getBalance":           {"/finance/balance", nil},
		"listInvoices":         {"/finance/invoice?limit=5", nil},
		"downloadInvoicePDF":   {"/finance/invoice/INV0000001/pdf", nil},
		"getOpenAPI":           {"/openapi.json", nil},
	}
	missing := map[string]string{"{id}": "999999", "{number}": "NONE"}
	seen := map[string]bool{}
	paths := s["paths"].(map[string]any)
	for _, path := range slices.Sorted(mapKeys(paths)) {
		for method, o := range paths[path].(map[string]any) {
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			name := strings.ToUpper(method) + " " + path
			f, ok := fixtures[id]
			if !ok {
				t.Errorf("%s (%s): no request in the test", name, id)
				continue
			}
			seen[id] = true
			res := call(t, env, strings.ToUpper(method), f.path, key, f.body)
			want := map[string]int{"createVoucherOrder": 201, "reissueVoucherCode": 201}[id]
			if res.Status != max(want, 200) {
				t.Errorf("%s: %d %s, want %d", name, res.Status, res.Body, max(want, 200))
			}
			s.checkResponse(t, name, op, res)
			sec, hasSec := op["security"]
			if !hasSec || len(asList(sec)) > 0 {
				res := call(t, env, strings.ToUpper(method), f.path, "", f.body)
				if res.Status != http.StatusUnauthorized {
					t.Errorf("%s without a key: %d", name, res.Status)
				}
				s.checkResponse(t, name+" without a key", op, res)
			}
			if strings.Contains(path, "{") {
				p := path
				for k, v := range missing {
					p = strings.ReplaceAll(p, k, v)
				}
				res := call(t, env, strings.ToUpper(method), p, key, nil)
				if res.Status != http.StatusNotFound {
					t.Errorf("%s of a missing entry: %d", name, res.Status)
				}
				s.checkResponse(t, name+" missing", op, res)
			}
			if ok200 := s.resolve(op["responses"].(map[string]any)["200"]); ok200 != nil {
				if _, csv := ok200["content"].(map[string]any)["text/csv"]; csv {
					s.checkResponse(t, name+" as CSV", op, call(t, env, "GET", f.path, key, nil, "Accept", "text/csv"))
				}
			}
		}
	}
	for id := range fixtures {
		if !seen[id] {
			t.Errorf("%s is not in the description", id)
		}
	}
	// Refusals in the error shape, as documented.
	for _, c := range []struct{ method, path string }{
		{"GET", "/voucher?limit=0"}, {"GET", "/voucher/download/used-codes?sort=nope"},
		{"POST", fmt.Sprintf("/voucher/%d/cancel", cancelled.ID)}, {"GET", "/finance/invoice?before=-1"},
	} {
		p, _, _ := strings.Cut(c.path, "?")
		p = regexp.MustCompile(`/\d+/`).ReplaceAllString(p, "/{id}/")
		s.checkResponse(t, c.method+" "+c.path, paths[p].(map[string]any)[strings.ToLower(c.method)].(map[string]any),
			call(t, env, c.method, c.path, key, nil))
	}
	res := call(t, env, "POST", "/voucher", key, "{", "Idempotency-Key", "x")
	s.checkResponse(t, "bad JSON", paths["/voucher"].(map[string]any)["post"].(map[string]any), res)
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestAPIDocsPageListsEveryEndpointInBothLanguages: the page linked from
// Automation lists each operation with its curl example, translated.
func TestAPIDocsPageListsEveryEndpointInBothLanguages(t *testing.T) {
	env := webtest.Start(t)
	c := env.Login(t, "acme-admin")
	href := c.Get("/account/automation").Doc.Find("#api-docs-link").AttrOr("href", "")
	ops, err := api.Operations()
	if err != nil || len(ops) < 10 {
		t.Fatalf("%d operations, %v", len(ops), err)
	}
	for _, lang := range []string{"en", "ja"} {
		c.PostForm("/language", url.Values{"lang": {lang}})
		page := c.Get(href)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: docs page %q: %d", lang, href, page.Status)
		}
		for _, o := range ops {
			row := page.Doc.Find("#op-" + o.ID)
			curl := row.Find(".curl").Text()
			if !strings.Contains(row.Find(".endpoint").Text(), api.Base+o.Path) || !webtest.IsTranslated(row.Find("p").First().Text()) ||
				!strings.HasPrefix(curl, "curl") || strings.Contains(curl, "{") != (o.Body != "") {
				t.Errorf("%s: %s %s: %q / %q", lang, o.Method, o.Path, row.Find("p").First().Text(), curl)
			}
		}
	}
	if res := env.Login(t, "acme-user").Get(href); res.Status != http.StatusForbidden {
		t.Errorf("a user opens the docs: %d", res.Status)
	}
}

// TestAPIOpenAPIValidatorRefuses: the walk's validator finds what it must.
func TestAPIOpenAPIValidatorRefuses(t *testing.T) {
	var s spec
	if err := json.Unmarshal(api.OpenAPI, &s); err != nil {
		t.Fatal(err)
	}
	order := map[string]any{"$ref": "#/components/schemas/Order"}
	good := `{"id":1,"name":"","status":"completed","cost":1,"cost_plus_tax":1,"currency":"JPY","created_date":"2025-04-01T09:00:00+09:00",
		"expiration_date":"2026-03-31","receipt_id":1,"notes":""}`
	for body, want := range map[string]int{
		good: 0,
		strings.Replace(good, `"id":1`, `"id":"1"`, 1):                      1, // type
		strings.Replace(good, `"notes":""`, `"notes":"","extra":1`, 1):      1, // undocumented
		strings.Replace(good, `"status":"completed"`, `"status":"done"`, 1): 1, // enum
		strings.Replace(good, `2025-04-01T09:00:00+09:00`, `2025-04-01`, 1): 1, // date-time
		strings.Replace(good, `"receipt_id":1,`, ``, 1):                     1, // required
		strings.Replace(good, `"cost":1,`, `"cost":1.5,`, 1):                1, // integer
	} {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		if errs := s.validate(order, v, "body"); len(errs) != want {
			t.Errorf("%s: %v", body, errs)
		}
	}
}
