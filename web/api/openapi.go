package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/ccp-partner/portal/web/layout"
)

// OpenAPI is the hand-written OpenAPI 3.1 description of the API, served
// at /services/v2/openapi.json without a key; a test walks it against the
// real responses (web/api_openapi_test.go).
//
//go:embed openapi.json
var OpenAPI []byte

// openAPI serves the description.
func (h *Handlers) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(OpenAPI)
}

// Operation is one endpoint of the description, for the docs page.
type Operation struct {
	Method, Path, ID string
	Body             string // an example body (POST /voucher)
	Params           []string
	NoKey            bool
}

// Operations lists the description's endpoints in its path order, GET
// before POST.
func Operations() ([]Operation, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string           `json:"operationId"`
			Security    *[]any           `json:"security"`
			Parameters  []map[string]any `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		return nil, err
	}
	var out []Operation
	for path, ops := range doc.Paths {
		for method, op := range ops {
			o := Operation{Method: strings.ToUpper(method), Path: path, ID: op.OperationID, NoKey: op.Security != nil && len(*op.Security) == 0}
			for _, p := range op.Parameters {
				if p["in"] == "query" {
					o.Params = append(o.Params, p["name"].(string))
				}
			}
			if o.ID == "createVoucherOrder" {
				o.Body = exampleOrder
			}
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out, nil
}

const exampleOrder = `{"vouchers":[{"product_name_id":"ssl_global_server_id","quantity":1,"validity_years":1,"no_of_fqdns":1}],"payment_method":"balance","name":"Customer K.K."}`

// Curl is the operation's curl example against base (scheme and host).
func (o Operation) Curl(base string) string {
	var b strings.Builder
	b.WriteString("curl")
	if o.Method != http.MethodGet {
		b.WriteString(" -X " + o.Method)
	}
	if !o.NoKey {
		b.WriteString(` -H "X-DC-DEVKEY: $KEY"`)
	}
	if o.Body != "" {
		b.WriteString(` -H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" -d '` + o.Body + `'`)
	}
	path := strings.NewReplacer("{id}", "123", "{number}", "INV-2025-04-0001").Replace(o.Path)
	b.WriteString(` "` + base + Base + path + `"`)
	return b.String()
}

// DocsPage is the view model of the API documentation page.
type DocsPage struct {
	Base       string
	Operations []Operation
}

// docs lists the endpoints with curl examples.
func (h *Handlers) docs(w http.ResponseWriter, r *http.Request) error {
	ops, err := Operations()
	if err != nil {
		return err
	}
	scheme := "https"
	if r.TLS == nil && (strings.HasPrefix(r.Host, "127.0.0.1") || strings.HasPrefix(r.Host, "localhost")) {
		scheme = "http"
	}
	return layout.Render(w, r, http.StatusOK, docsView(DocsPage{Base: scheme + "://" + r.Host, Operations: ops}))
}
