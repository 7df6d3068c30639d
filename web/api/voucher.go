package api

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/ccp-partner/portal/internal/apikey"
	"github.com/ccp-partner/portal/internal/i18n"
	"github.com/ccp-partner/portal/internal/voucher"
	"github.com/ccp-partner/portal/web/httpx"
)

// shipToken is the shipping_method that ships a hardware token.
const shipToken = "ship_token"

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// OrderRequest is the body of POST /voucher (DigiCert's names; group_id
// is an extension: the management group, else the first active one).
type OrderRequest struct {
	Vouchers      []VoucherRequest `json:"vouchers"`
	PaymentMethod string           `json:"payment_method"`
	Name          string           `json:"name"`
	Notes         string           `json:"notes"`
	GroupID       int64            `json:"group_id"`
}

// VoucherRequest is one product configuration of an order.
type VoucherRequest struct {
	ProductNameID  string `json:"product_name_id"`
	Quantity       int    `json:"quantity"`
	ValidityYears  int    `json:"validity_years"`
	ValidityDays   int    `json:"validity_days"`
	NoOfFQDNs      int    `json:"no_of_fqdns"`
	NoOfWildcards  int    `json:"no_of_wildcards"`
	ShippingMethod string `json:"shipping_method"`
}

// createOrder places an order through the same service, checks and single
// transaction as the web form. An Idempotency-Key makes a retry answer the
// first order instead of placing a second.
func (h *Handlers) createOrder(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	var req OrderRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	partnerID := c.Principal.PartnerID
	in, err := h.input(r, partnerID, req)
	if err != nil {
		return err
	}
	id, created, err := h.Vouchers.Create(r.Context(), partnerID, in, c.Actor(httpx.ClientIP(r)))
	if err != nil {
		return err
	}
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return h.writeOrder(w, r, partnerID, id, http.StatusCreated)
}

// input maps the request to the domain's input.
func (h *Handlers) input(r *http.Request, partnerID int64, req OrderRequest) (voucher.Input, error) {
	if req.PaymentMethod != "balance" {
		return voucher.Input{}, invalid("payment_method", "api.error.payment_method")
	}
	for field, s := range map[string]string{"name": req.Name, "notes": req.Notes} {
		if !printable(s) {
			return voucher.Input{}, invalid(field, "form.bad_characters")
		}
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return voucher.Input{}, err
	}
	group, err := h.group(r, partnerID, req.GroupID)
	if err != nil {
		return voucher.Input{}, err
	}
	lines, err := h.lines(r, req.Vouchers)
	return voucher.Input{GroupID: group, Customer: req.Name, Memo: req.Notes, Lines: lines, IdempotencyKey: key}, err
}

// lines maps the product configurations to order lines; an unknown product
// becomes product 0, which the domain refuses field by field.
func (h *Handlers) lines(r *http.Request, vs []VoucherRequest) ([]voucher.LineInput, error) {
	products, err := h.Catalog.List(r.Context())
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, p := range products {
		ids[p.Code] = p.ID
	}
	out := make([]voucher.LineInput, len(vs))
	for i, v := range vs {
		years := v.ValidityYears
		if v.ValidityDays > 0 {
			years = (v.ValidityDays + 364) / 365
		}
		if v.ShippingMethod != "" && v.ShippingMethod != shipToken && v.ShippingMethod != "client_app" {
			return nil, invalid(voucher.LinePath(i, "shipping_method"), "api.error.shipping_method")
		}
		out[i] = voucher.LineInput{ProductID: ids[v.ProductNameID], Years: years, FQDNs: v.NoOfFQDNs,
			Wildcards: v.NoOfWildcards, Quantity: v.Quantity, ShipToken: v.ShippingMethod == shipToken}
	}
	return out, nil
}

// group is the management group asked for, else the partner's first active one.
func (h *Handlers) group(r *http.Request, partnerID, asked int64) (int64, error) {
	if asked != 0 {
		return asked, nil
	}
	groups, err := h.Accounts.Groups(r.Context(), partnerID)
	if err != nil {
		return 0, err
	}
	for _, g := range groups {
		if g.Active {
			return g.ID, nil
		}
	}
	return 0, invalid("group_id", "form.choose")
}

// idempotencyKey is the domain's key for the request: the Idempotency-Key
// header (at most 64 printable characters) or, without one, a fresh key.
func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		return "api-" + rand.Text(), nil
	}
	if len(k) > 64 || !printable(k) {
		return "", invalid("Idempotency-Key", "api.error.idempotency_key")
	}
	return "api:" + k, nil
}

// printable reports whether s has no control characters but newlines and tabs.
func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t' || r == unicode.ReplacementChar
	})
}

// readJSON decodes the request body into v (unknown fields are ignored,
// as DigiCert's clients may send more).
func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return errBadJSON
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errBadJSON
	}
	return nil
}

// writeOrder answers order id of partnerID with its codes.
func (h *Handlers) writeOrder(w http.ResponseWriter, r *http.Request, partnerID, id int64, status int) error {
	o, err := h.Vouchers.Order(r.Context(), partnerID, id)
	if err != nil {
		return err
	}
	codes, err := h.Vouchers.Codes(r.Context(), partnerID, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, detailJSON(o, codes, i18n.From(r.Context()).Lang(), h.Clock.Now()))
	return nil
}

// OrderList is the answer of GET /voucher.
type OrderList struct {
	VoucherOrders []OrderJSON `json:"voucher_orders"`
	Page          Page        `json:"page"`
}

// Page is a list's window. Total counts the matching entries up to
// 10,000 past the window (voucher.OrdersCountAhead, UsedCountAhead);
// total_capped says that more match.
type Page struct {
	Total       int  `json:"total"`
	TotalCapped bool `json:"total_capped"`
	Limit       int  `json:"limit"`
	Offset      int  `json:"offset"`
}

// listOrders lists orders newest first, limit (at most 200) from offset,
// optionally only filters[status] (completed, canceled).
func (h *Handlers) listOrders(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	limit, offset, err := window(r, 50, 200)
	if err != nil {
		return err
	}
	f := voucher.ListFilter{Limit: limit}
	switch s := r.URL.Query().Get("filters[status]"); s {
	case "":
	case "completed":
		f.Status = voucher.OrderCompleted
	case "canceled", "cancelled":
		f.Status = voucher.OrderCancelled
	default:
		return invalid("filters[status]", "form.choose")
	}
	win, err := h.Vouchers.OrdersWindow(r.Context(), c.Principal.PartnerID, f, offset)
	if err != nil {
		return err
	}
	out := OrderList{VoucherOrders: make([]OrderJSON, len(win.Orders)),
		Page: Page{Total: win.Total, TotalCapped: win.Capped, Limit: limit, Offset: offset}}
	for i, o := range win.Orders {
		out.VoucherOrders[i] = orderJSON(o)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// window reads limit and offset from the query string.
func window(r *http.Request, def, most int) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = def, 0
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > most {
			return 0, 0, invalid("limit", "api.error.limit")
		}
	}
	if s := q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return 0, 0, invalid("offset", "api.error.offset")
		}
	}
	return limit, offset, nil
}

// showOrder answers one order with can_cancel, validity and codes.
func (h *Handlers) showOrder(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return h.writeOrder(w, r, c.Principal.PartnerID, id, http.StatusOK)
}

// CodeList is the answer of the code downloads.
type CodeList struct {
	Codes []CodeJSON `json:"codes"`
	Page  *Page      `json:"page,omitempty"`
}

// downloadCodes answers an order's current codes as JSON, or as the CSV
// the pages export with Accept: text/csv.
func (h *Handlers) downloadCodes(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	partnerID, lang := c.Principal.PartnerID, i18n.From(r.Context()).Lang()
	if wantsCSV(r) {
		out := httpx.Attachment(w, "text/csv; charset=utf-8", "voucher-"+strconv.FormatInt(id, 10)+"-codes.csv")
		return h.Vouchers.WriteOrderCodesCSV(r.Context(), out, partnerID, id, lang, voucher.UTF8BOM)
	}
	if _, err := h.Vouchers.Order(r.Context(), partnerID, id); err != nil {
		return err
	}
	codes, err := h.Vouchers.Codes(r.Context(), partnerID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, CodeList{Codes: codesJSON(codes, lang, h.Clock.Now())})
	return nil
}

func wantsCSV(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "text/csv") }

// pathID reads {id}; anything but a positive number is "not found".
func pathID(r *http.Request) (int64, error) {
	id, err := httpx.PathID(r, "id")
	if errors.Is(err, httpx.ErrNotFound) {
		return 0, errNotFound
	}
	return id, err
}

// cancelOrder cancels an order (V-6) and answers it.
func (h *Handlers) cancelOrder(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	partnerID := c.Principal.PartnerID
	if err := h.Vouchers.Cancel(r.Context(), partnerID, id, c.Actor(httpx.ClientIP(r))); err != nil {
		return err
	}
	return h.writeOrder(w, r, partnerID, id, http.StatusOK)
}

// reissueCode replaces a code (V-7) and answers the new one.
func (h *Handlers) reissueCode(w http.ResponseWriter, r *http.Request, c apikey.Caller) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	partnerID := c.Principal.PartnerID
	newID, err := h.Vouchers.Reissue(r.Context(), partnerID, id, c.Actor(httpx.ClientIP(r)))
	if err != nil {
		return err
	}
	code, err := h.Vouchers.CodeByID(r.Context(), partnerID, newID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, codeJSON(code, i18n.From(r.Context()).Lang(), h.Clock.Now()))
	return nil
}
