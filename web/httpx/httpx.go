// Package httpx is the small toolkit every web area uses: handlers that
// return errors, one adapter that turns errors into translated pages, role
// checks, the request id, the client address and flash messages.
package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ccp-partner/portal/internal/auth"
	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/valid"
)

// Handler is an HTTP handler that returns its failure instead of writing it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// StatusError is a failure with the status and the translated message the
// user sees.
type StatusError struct {
	Status    int
	MessageID string
}

func (e *StatusError) Error() string { return http.StatusText(e.Status) }

// Common failures.
var (
	ErrNotFound  = &StatusError{http.StatusNotFound, "error.not_found"}
	ErrForbidden = &StatusError{http.StatusForbidden, "error.forbidden"}
	ErrBadInput  = &StatusError{http.StatusBadRequest, "error.bad_request"}
	// ErrTooLarge is a posted form over MaxUpload (a file too large to read).
	ErrTooLarge = &StatusError{http.StatusRequestEntityTooLarge, "error.too_large"}
)

// ErrorRenderer writes the error page for status with a message id.
type ErrorRenderer func(w http.ResponseWriter, r *http.Request, status int, messageID string)

// Adapter turns Handlers into http.Handlers: a StatusError becomes its page,
// anything else is logged with the request id and shown as a generic 500.
type Adapter struct {
	Log    *slog.Logger
	Render ErrorRenderer
}

// H adapts h.
func (a *Adapter) H(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.Error(w, r, err)
		}
	}
}

// Error writes the page for err.
func (a *Adapter) Error(w http.ResponseWriter, r *http.Request, err error) {
	var se *StatusError
	if errors.As(err, &se) {
		a.Render(w, r, se.Status, se.MessageID)
		return
	}
	if kind := fault.KindOf(err); kind != fault.Internal {
		a.Render(w, r, Status(kind), pageMessage(kind, fault.MessageID(err)))
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	a.Log.ErrorContext(r.Context(), "request failed", "request_id", RequestID(r.Context()),
		"method", r.Method, "path", r.URL.Path, "err", err)
	a.Render(w, r, http.StatusInternalServerError, "error.internal")
}

// statusOf is the one table from a domain refusal's kind to its HTTP
// status; pages and the JSON API both answer through it.
var statusOf = map[fault.Kind]int{
	fault.NotFound:  http.StatusNotFound,
	fault.Conflict:  http.StatusConflict,
	fault.Forbidden: http.StatusForbidden,
	fault.Invalid:   http.StatusUnprocessableEntity,
	fault.TooMany:   http.StatusTooManyRequests,
}

// Status returns the HTTP status of a refusal of kind (500 for Internal).
func Status(kind fault.Kind) int {
	if s, ok := statusOf[kind]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// kindMessage is each kind's general page, shown when the refusal names none.
var kindMessage = map[fault.Kind]string{
	fault.NotFound:  "error.not_found",
	fault.Conflict:  "error.conflict",
	fault.Forbidden: "error.forbidden",
	fault.Invalid:   "error.invalid_input",
	fault.TooMany:   "error.too_many",
}

func pageMessage(kind fault.Kind, messageID string) string {
	if messageID != "" {
		return messageID
	}
	return kindMessage[kind]
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ClientIP is the client's address as the server saw it.
func ClientIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// Redirect answers a form post with 303 See Other to path.
func Redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// LocalPath returns p, cleaned of dot segments, when it is a path on this
// site, otherwise fallback, so that a "next" parameter cannot send users
// elsewhere. The path is cleaned before the caller checks where it leads
// (http.Redirect would clean "/secure/../x" to "/x" after the check), and
// a backslash anywhere, raw or encoded, is refused: browsers read "/\\x"
// as "//x", another host.
func LocalPath(p, fallback string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") || !AcceptableText(p, false) {
		return fallback
	}
	u, err := url.Parse(p)
	if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil || strings.Contains(u.Path, "\\") {
		return fallback
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	u.Path, u.RawPath = clean, ""
	return u.String()
}

// Actor is who acts in the request, for the domain's checks and its audit
// entries: the signed-in principal (nil if none) and the client address.
func Actor(r *http.Request) auth.Actor {
	return auth.Actor{Principal: auth.PrincipalFrom(r.Context()), IP: ClientIP(r)}
}

// Invalid returns the field problems in err, if err is valid.Errors.
func Invalid(err error) (valid.Errors, bool) {
	var e valid.Errors
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// PathID reads the route parameter name as an id; anything else is "not found".
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrNotFound
	}
	return id, nil
}

// ShownPage is the page of this site a request belongs to: the page itself
// for a GET, or for a post (whose address may answer only posts) the
// page that posted it, from a same-host Referer; "" when unknown.
func ShownPage(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return ref.RequestURI()
	}
	return ""
}
