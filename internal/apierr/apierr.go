// Package apierr defines the typed errors that every shop and ledger client
// returns, so that activities can decide whether to retry, wait, look up
// before retrying, or park the order for an operator.
//
// Clients wrap their failures in *Error with one of the Kind values; callers
// inspect them with errors.As or the helper predicates (IsRetryable, ...).
package apierr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an API failure by what the caller should do about it.
type Kind int

const (
	// KindUnknown is an unclassified failure; treat it as transient.
	KindUnknown Kind = iota
	// KindAuth is a rejected credential or a missing permission/module
	// (HTTP 401/403). Retrying does not help until an operator acts.
	KindAuth
	// KindValidation is a request the API refused as malformed or invalid
	// (HTTP 400/415/422). Retrying the same request cannot succeed.
	KindValidation
	// KindNotFound is a missing resource (HTTP 404).
	KindNotFound
	// KindConflict is a request that conflicts with the resource's state
	// (HTTP 409), for example a duplicate number.
	KindConflict
	// KindRateLimited is HTTP 429; RetryAfter says when to try again.
	KindRateLimited
	// KindTransient is a failure that a later attempt may not see: HTTP 5xx,
	// a refused connection, a timeout before the request was sent.
	KindTransient
	// KindAmbiguous means the request may have been applied: a create was
	// sent but its response was lost (timeout, reset). The caller must look
	// the object up by its reference before it tries again.
	KindAmbiguous
)

// String returns the kind's lower-case name, as used in logs and metrics.
func (k Kind) String() string {
	switch k {
	case KindAuth:
		return "auth"
	case KindValidation:
		return "validation"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindRateLimited:
		return "rate_limited"
	case KindTransient:
		return "transient"
	case KindAmbiguous:
		return "ambiguous"
	default:
		return "unknown"
	}
}

// Error is a classified API failure.
type Error struct {
	// Kind says what the caller should do.
	Kind Kind
	// API names the remote system, e.g. "fiken" or "prestashop".
	API string
	// Op names the operation, e.g. "POST /companies/{slug}/invoices".
	Op string
	// Status is the HTTP status code, or 0 when no response arrived.
	Status int
	// Message is the remote system's own explanation, kept verbatim.
	Message string
	// RequestID is the request id sent or received, for support cases.
	RequestID string
	// RetryAfter is the wait the API asked for (429, 503), or 0.
	RetryAfter time.Duration
	// Err is the underlying cause, if any.
	Err error
}

// Error formats the failure as "api op: kind (status): message: cause".
func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %s", e.API, e.Op, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the first *Error in err's chain, or KindUnknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// Is reports whether err carries an *Error of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// IsRetryable reports whether repeating the same call later may succeed
// without an operator: rate limits, transient failures and unknown ones.
// Ambiguous failures are retryable only after a lookup, so they are not.
func IsRetryable(err error) bool {
	switch KindOf(err) {
	case KindRateLimited, KindTransient, KindUnknown:
		return err != nil
	default:
		return false
	}
}

// RetryAfterOf returns the wait the API asked for, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// FromStatus maps an HTTP status code to a Kind. 2xx and 3xx map to
// KindUnknown since they are not failures.
func FromStatus(status int) Kind {
	switch {
	case status == 401 || status == 403:
		return KindAuth
	case status == 404 || status == 410:
		return KindNotFound
	case status == 409:
		return KindConflict
	case status == 429:
		return KindRateLimited
	case status == 408 || status >= 500:
		return KindTransient
	case status >= 400:
		return KindValidation
	default:
		return KindUnknown
	}
}
