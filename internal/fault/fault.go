// Package fault is the domains' small error vocabulary. An error a domain
// returns on purpose has a kind — not found, conflict, forbidden, invalid,
// too many — and the id of the message its user is shown; the web layer
// (and later the JSON API) turns kinds into statuses through one table.
// Errors without a kind are internal: logged, never shown.
package fault

import "errors"

// Kind says what sort of refusal an error is.
type Kind uint8

// The kinds. Internal is the zero value: not a domain refusal.
const (
	Internal  Kind = iota
	NotFound       // no such object, or not the actor's to see
	Conflict       // its state no longer allows it (already reviewed, not cancellable)
	Forbidden      // the actor may not do it
	Invalid        // the input is wrong
	TooMany        // a rate limit refused it
)

// Error is a domain refusal of a kind with its user-facing message.
type Error struct {
	Kind      Kind
	Text      string // for developers and logs
	MessageID string // the page's message; its "_text" key explains it
}

func (e *Error) Error() string { return e.Text }

// New returns a refusal of kind. messageID may be empty: the kind's
// general message is shown then.
func New(kind Kind, text, messageID string) *Error {
	return &Error{Kind: kind, Text: text, MessageID: messageID}
}

// Kinded is implemented by error types that carry a kind of their own
// (valid.Errors is Invalid).
type Kinded interface{ FaultKind() Kind }

// KindOf returns the kind of the first refusal in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kinded
	if errors.As(err, &k) {
		return k.FaultKind()
	}
	return Internal
}

// MessageID returns the message id of the first *Error in err's chain ("" when none).
func MessageID(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.MessageID
	}
	return ""
}
