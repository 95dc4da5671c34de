// Package shop defines what bokfor needs from a webshop, so that workflows
// and activities work the same against PrestaShop, WooCommerce and Shopify.
// Implementations live in subpackages and return *apierr.Error on failure.
package shop

import (
	"context"
	"errors"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
)

// ErrNotFound is returned when the shop has no such object.
var ErrNotFound = errors.New("shop: not found")

// Change is one order that changed, for the poller.
type Change struct {
	OrderID   string
	UpdatedAt time.Time
	// Seen reports a change at or before the watermark the listing
	// started from, re-read from the listing's overlap window: it was
	// handed over already, when that watermark was stored.
	Seen bool
}

// Shop is one tenant's webshop.
type Shop interface {
	// Kind names the platform ("prestashop", …).
	Kind() string
	// Order reads an order with its lines, customer, addresses, payments
	// and refunds.
	Order(ctx context.Context, orderID string) (*domain.Order, error)
	// StateID returns the shop's id of the order state with this name,
	// creating the state if the shop lacks it.
	StateID(ctx context.Context, stateName string) (string, error)
	// SetOrderState moves an order to the state with this name, creating
	// the state if the shop lacks it. It does nothing when the order is
	// already in that state.
	SetOrderState(ctx context.Context, orderID, stateName string) error
	// NotifyCustomer writes a message the customer sees on the order
	// (e.g. the invoice number and KID of a ledger-sent invoice); a message
	// with the same text already there is not written again.
	NotifyCustomer(ctx context.Context, orderID, text string) error
	// ChangedOrders lists orders changed after the watermark, oldest
	// first, at most limit; it returns the next watermark.
	ChangedOrders(ctx context.Context, watermark string, limit int) ([]Change, string, error)
}
