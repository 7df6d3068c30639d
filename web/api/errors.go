package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/valid"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// Problem is one entry of DigiCert's error shape.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the request field it concerns (an extension)
}

// ErrorBody is DigiCert's error shape: {"errors":[{"code","message"}]}.
type ErrorBody struct {
	Errors []Problem `json:"errors"`
}

// apiError is a refusal only the API knows, with its status and code.
type apiError struct {
	status    int
	code      string
	messageID string
	field     string
}

func (e *apiError) Error() string { return e.code }

// The API's own refusals.
var (
	errUnauthenticated = &apiError{http.StatusUnauthorized, "invalid_api_key", "api.error.invalid_key", ""}
	errReadOnly        = &apiError{http.StatusForbidden, "access_denied", "api.error.read_only", ""}
	errNotFound        = &apiError{http.StatusNotFound, "not_found", "error.not_found", ""}
	errBadJSON         = &apiError{http.StatusBadRequest, "invalid_json", "api.error.bad_json", ""}
)

func invalid(field, messageID string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "invalid_input", messageID, field}
}

// codeOfKind names each fault kind's error code; the status comes from
// httpx.Status, the one table pages use too.
var codeOfKind = map[fault.Kind]string{
	fault.NotFound:  "not_found",
	fault.Conflict:  "conflict",
	fault.Forbidden: "access_denied",
	fault.Invalid:   "invalid_input",
	fault.TooMany:   "rate_limited",
}

// writeError answers err in DigiCert's error shape, translated into the
// request's language; an internal error is logged and answered 500.
func (h *Handlers) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := h.describe(r, err)
	var rl *apikey.RateLimited
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds()+0.999)))
	}
	if status == http.StatusInternalServerError {
		h.Adapter.Log.ErrorContext(r.Context(), "api request failed", "request_id", httpx.RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, body)
}

// describe maps err to its status and body.
func (h *Handlers) describe(r *http.Request, err error) (int, ErrorBody) {
	l := i18n.From(r.Context())
	one := func(status int, code, id string, data map[string]any, field string) (int, ErrorBody) {
		return status, ErrorBody{Errors: []Problem{{Code: code, Message: l.T(id, data), Field: field}}}
	}
	var ae *apiError
	var refusal *voucher.Refusal
	var fields valid.Errors
	switch {
	case errors.As(err, &ae):
		return one(ae.status, ae.code, ae.messageID, nil, ae.field)
	case errors.Is(err, apikey.ErrUnauthenticated):
		return one(http.StatusUnauthorized, errUnauthenticated.code, errUnauthenticated.messageID, nil, "")
	case errors.As(err, &refusal):
		return one(http.StatusUnprocessableEntity, strings.TrimPrefix(refusal.MessageID, "voucher."), refusal.MessageID, refusal.Data, "")
	case errors.As(err, &fields):
		return http.StatusUnprocessableEntity, ErrorBody{Errors: fieldProblems(l, fields)}
	case errors.Is(err, auth.ErrForbidden):
		return one(http.StatusForbidden, "access_denied", "error.forbidden", nil, "")
	}
	kind := fault.KindOf(err)
	if kind == fault.Internal {
		return one(http.StatusInternalServerError, "internal_error", "error.internal", nil, "")
	}
	id := fault.MessageID(err)
	if id == "" {
		id = map[fault.Kind]string{fault.NotFound: "error.not_found", fault.Conflict: "error.conflict",
			fault.Forbidden: "error.forbidden", fault.TooMany: "error.too_many"}[kind]
	}
	return one(httpx.Status(kind), codeOfKind[kind], id, nil, "")
}

// fieldProblems lists valid.Errors with the API's field names, sorted.
func fieldProblems(l *i18n.Localizer, e valid.Errors) []Problem {
	out := make([]Problem, 0, len(e))
	for path, p := range e {
		out = append(out, Problem{Code: "invalid_input", Message: l.T(p.ID, p.Data), Field: apiField(path)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// apiField renames the domain's paths ("lines[0].fqdns") to the request's
// ("vouchers[0].no_of_fqdns").
func apiField(path string) string {
	r := strings.NewReplacer("lines[", "vouchers[", ".product", ".product_name_id", ".fqdns", ".no_of_fqdns",
		".wildcards", ".no_of_wildcards", ".ship_token", ".shipping_method")
	switch path {
	case "customer":
		return "name"
	case "memo":
		return "notes"
	case "lines":
		return "vouchers"
	}
	return r.Replace(path)
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
