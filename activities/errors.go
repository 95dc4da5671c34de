package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
)

// Error types of the application errors activities return; workflows
// decide on them (e.g. park an order for an operator).
const (
	ErrTypeAuth        = "auth"
	ErrTypeValidation  = "validation"
	ErrTypeNotFound    = "not_found"
	ErrTypeConflict    = "conflict"
	ErrTypeConfig      = "config"
	ErrTypeRateLimited = "rate_limited"
	ErrTypeTransient   = "transient"
	ErrTypeAmbiguous   = "ambiguous"
)

// classify turns a client or store error into a Temporal application
// error: non-retryable where retrying the same call cannot help (auth,
// validation, not found, conflict, configuration), retryable otherwise,
// with the API's Retry-After as the next delay on 429.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf("%s: %v", op, err)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ledger.ErrNotFound), errors.Is(err, shop.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeNotFound, err)
	}
	switch apierr.KindOf(err) {
	case apierr.KindAuth:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeAuth, err)
	case apierr.KindValidation:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeValidation, err)
	case apierr.KindNotFound:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeNotFound, err)
	case apierr.KindConflict:
		return temporal.NewNonRetryableApplicationError(msg, ErrTypeConflict, err)
	case apierr.KindRateLimited:
		return temporal.NewApplicationErrorWithOptions(msg, ErrTypeRateLimited, temporal.ApplicationErrorOptions{
			Cause: err, NextRetryDelay: apierr.RetryAfterOf(err)})
	case apierr.KindAmbiguous:
		return temporal.NewApplicationErrorWithCause(msg, ErrTypeAmbiguous, err)
	default:
		return temporal.NewApplicationErrorWithCause(msg, ErrTypeTransient, err)
	}
}

// lockLost names a lost lock as the cause of a failed step that ran under
// it (store.Lock): the step's context ended because the lock could no
// longer be vouched for, not because the activity was cancelled. A
// retry takes the lock again and looks before it creates.
func lockLost(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, store.ErrLockLost) {
		return fmt.Errorf("%w (%w)", cause, err)
	}
	return err
}

// configError is a non-retryable problem with the tenant's settings or
// data that an operator must fix (e.g. an unmapped VAT rate).
func configError(msg string, err error) error {
	return temporal.NewNonRetryableApplicationError(msg, ErrTypeConfig, err)
}
