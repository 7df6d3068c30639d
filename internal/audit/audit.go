// Package audit records every state change in the append-only audit log and
// reads it back for the partner's and the operator's log pages.
package audit

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ccp-partner/portal/internal/fault"
	"github.com/ccp-partner/portal/internal/postgres"
)

// Entry is one audit-log row.
type Entry struct {
	ID                 int64
	At                 time.Time
	ActorUserID        int64 // 0 when nobody was signed in (a failed login)
	ActorUsername      string
	PartnerID          int64 // the account the entry belongs to; 0 for operator-wide
	ActingForPartnerID int64 // set when operator staff acted inside a partner account
	Action             Action
	ObjectType         string
	ObjectID           string
	IP                 netip.Addr
	Details            map[string]any
}

// Action names what an entry records. Every action is one of the constants
// below, and each has the label "audit.<action>" in both languages (a test
// checks), so that the audit log can show it.
type Action string

// The actions.
const (
	LoginSucceeded          Action = "login.succeeded"
	LoginFailed             Action = "login.failed"
	LoginRefused            Action = "login.refused"
	Logout                  Action = "logout"
	PasswordChanged         Action = "password.changed"
	PasswordResetAsk        Action = "password.reset_requested"
	LanguageChanged         Action = "user.language_changed"
	UserCreated             Action = "user.created"
	UserRolesChanged        Action = "user.roles_changed"
	UserDeactivated         Action = "user.deactivated"
	UserReactivated         Action = "user.reactivated"
	GroupCreated            Action = "group.created"
	GroupRenamed            Action = "group.renamed"
	GroupDeactivated        Action = "group.deactivated"
	GroupReactivated        Action = "group.reactivated"
	BillingContactSaved     Action = "billing_contact.saved"
	PaymentSettingsSaved    Action = "payment_settings.saved"
	NotificationSaved       Action = "notification.saved"
	ConsentRecorded         Action = "consent.recorded"
	ContractVersionCreated  Action = "contract.version_created"
	SignupSubmitted         Action = "signup.submitted"
	SignupApproved          Action = "signup.approved"
	SignupRejected          Action = "signup.rejected"
	ProductSaved            Action = "product.saved"
	IssuerSaved             Action = "issuer.saved"
	ClockMoved              Action = "clock.moved"
	VoucherOrderCreated     Action = "voucher.order_created"
	VoucherOrderCancelled   Action = "voucher.order_cancelled"
	VoucherCodeReissued     Action = "voucher.code_reissued"
	LedgerAdjusted          Action = "ledger.adjusted"
	DeliveryEntered         Action = "delivery.entered"
	DeliveryLeft            Action = "delivery.left"
	MonthClosed             Action = "billing.month_closed"
	CloseRequested          Action = "billing.close_requested"
	PaymentRecorded         Action = "billing.payment_recorded"
	QuoteSaved              Action = "quote.saved"
	QuoteSent               Action = "quote.sent"
	QuoteDeleted            Action = "quote.deleted"
	QuoteOrdered            Action = "quote.ordered"
	APIKeyCreated           Action = "api_key.created"
	APIKeyRevoked           Action = "api_key.revoked"
	WebhookCreated          Action = "webhook.created"
	WebhookDisabled         Action = "webhook.disabled"
	SubscriberSignedUp      Action = "subscriber.signed_up"
	SubscriberVerified      Action = "subscriber.verified"
	SubscriberLogin         Action = "subscriber.login_succeeded"
	SubscriberLoginFailed   Action = "subscriber.login_failed"
	SubscriberLoginRefused  Action = "subscriber.login_refused"
	SubscriberLogout        Action = "subscriber.logout"
	SubscriberLanguage      Action = "subscriber.language_changed"
	SubscriberResetAsk      Action = "subscriber.reset_requested"
	SubscriberPasswordReset Action = "subscriber.password_reset"
	CertificateRequested    Action = "certificate.requested"
	VoucherCodeRedeemed     Action = "voucher.code_redeemed"
	CertificateRejected     Action = "certificate.rejected"
	CertificateIssued       Action = "certificate.issued"
	CertificateReissued     Action = "certificate.reissued"
	CertificateCancelled    Action = "certificate.cancelled"
)

// AllActions lists every action.
var AllActions = []Action{
	LoginSucceeded, LoginFailed, LoginRefused, Logout, PasswordChanged, PasswordResetAsk,
	LanguageChanged, UserCreated, UserRolesChanged, UserDeactivated, UserReactivated, GroupCreated,
	GroupRenamed, GroupDeactivated, GroupReactivated, BillingContactSaved, PaymentSettingsSaved,
	NotificationSaved, ConsentRecorded, ContractVersionCreated, SignupSubmitted, SignupApproved,
	SignupRejected, ProductSaved, IssuerSaved, ClockMoved, VoucherOrderCreated, VoucherOrderCancelled,
	VoucherCodeReissued, LedgerAdjusted, DeliveryEntered, DeliveryLeft, MonthClosed, CloseRequested, PaymentRecorded,
	QuoteSaved, QuoteSent, QuoteDeleted, QuoteOrdered, APIKeyCreated, APIKeyRevoked, WebhookCreated, WebhookDisabled,
	SubscriberSignedUp, SubscriberVerified, SubscriberLogin, SubscriberLoginFailed, SubscriberLoginRefused, SubscriberLogout,
	SubscriberLanguage, SubscriberResetAsk, SubscriberPasswordReset, CertificateRequested, VoucherCodeRedeemed, CertificateRejected, CertificateIssued, CertificateReissued,
	CertificateCancelled,
}

// Of completes e, the actor's part of an entry, as the record of action on
// the object of type objectType and id objectID at at.
func (e Entry) Of(at time.Time, action Action, objectType string, objectID any) Entry {
	e.At, e.Action, e.ObjectType, e.ObjectID = at, action, objectType, fmt.Sprint(objectID)
	return e
}

// In returns e as an entry of partnerID's account.
func (e Entry) In(partnerID int64) Entry {
	e.PartnerID = partnerID
	return e
}

// Record appends e inside the caller's transaction (or on its own with a
// pool). It returns the database error if the row cannot be written.
func Record(ctx context.Context, q postgres.Querier, e Entry) error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	var ip *netip.Addr
	if e.IP.IsValid() {
		ip = &e.IP
	}
	_, err := q.Exec(ctx, `
		INSERT INTO audit_log (at, actor_user_id, actor_username, partner_id, acting_for_partner_id,
		                       action, object_type, object_id, ip, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.At, postgres.NullID(e.ActorUserID), e.ActorUsername, postgres.NullID(e.PartnerID), postgres.NullID(e.ActingForPartnerID),
		e.Action, e.ObjectType, e.ObjectID, ip, e.Details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Filter narrows a listing; zero fields do not filter.
type Filter struct {
	PartnerID int64 // required for partner pages; 0 lists every entry (operator admins)
	Action    Action
	Actor     string    // actor username
	From      time.Time // at or after
	To        time.Time // before
	Limit     int
}

const columns = `id, at, coalesce(actor_user_id, 0), actor_username, coalesce(partner_id, 0),
	coalesce(acting_for_partner_id, 0), action, object_type, object_id, ip, details`

// ErrNotFound means no such entry in the caller's scope.
var ErrNotFound = fault.New(fault.NotFound, "audit: entry not found", "")

// Get returns entry id of partnerID (any partner when 0), or ErrNotFound.
func Get(ctx context.Context, q postgres.Querier, partnerID, id int64) (Entry, error) {
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM audit_log WHERE id = $2 AND ($1 = 0 OR partner_id = $1)`, partnerID, id)
	if err != nil {
		return Entry{}, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEntry)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// List returns entries newest first.
func List(ctx context.Context, q postgres.Querier, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := q.Query(ctx, `
		SELECT `+columns+`
		FROM audit_log
		WHERE ($1 = 0 OR partner_id = $1) AND ($2 = '' OR action = $2) AND ($4 = '' OR actor_username = $4)
		  AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)
		ORDER BY id DESC LIMIT $3`, f.PartnerID, f.Action, f.Limit, f.Actor, postgres.NullTime(f.From), postgres.NullTime(f.To))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEntry)
}

func scanEntry(r pgx.CollectableRow) (Entry, error) {
	var e Entry
	var ip *netip.Addr
	err := r.Scan(&e.ID, &e.At, &e.ActorUserID, &e.ActorUsername, &e.PartnerID,
		&e.ActingForPartnerID, &e.Action, &e.ObjectType, &e.ObjectID, &ip, &e.Details)
	if ip != nil {
		e.IP = *ip
	}
	return e, err
}

// Actions lists the distinct actions recorded for partnerID (all when 0),
// for the filter of the audit-log page.
func Actions(ctx context.Context, q postgres.Querier, partnerID int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT action FROM audit_log WHERE $1 = 0 OR partner_id = $1 ORDER BY action`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Actors lists the distinct actor usernames recorded for partnerID.
func Actors(ctx context.Context, q postgres.Querier, partnerID int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT actor_username FROM audit_log
		WHERE ($1 = 0 OR partner_id = $1) AND actor_username <> '' ORDER BY 1`, partnerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
