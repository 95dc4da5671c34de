package ledger

import (
	"context"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
)

// CatalogProduct is a ledger product as the product and stock sync see it.
type CatalogProduct struct {
	// ID is the ledger's product id.
	ID string
	// SKU is the product number (our SKU); products without one are not
	// synced.
	SKU  string
	Name string
	// UnitNet is the price excl. VAT in øre.
	UnitNet int64
	VATType string
	Account string
	Active  bool
	// Note is the product's description in the ledger.
	Note string
	// Stock is the ledger's stock, nil when the ledger keeps none.
	Stock *float64
	// Modified is the last-modified date (yyyy-mm-dd) as the ledger
	// reports it.
	Modified string
}

// Catalog is what the product and stock sync need from a ledger, beside
// Ledger. Implementations return *apierr.Error on failure.
type Catalog interface {
	// ChangedProducts lists products modified on or after since's date
	// (every product when since is zero); ledgers filter by date only, so
	// callers compare content.
	ChangedProducts(ctx context.Context, since time.Time) ([]CatalogProduct, error)
	// CatalogProduct reads one product; ErrNotFound if it is gone.
	CatalogProduct(ctx context.Context, id string) (*CatalogProduct, error)
	// ProductBySKU finds a product by its product number; ErrNotFound if
	// none.
	ProductBySKU(ctx context.Context, sku string) (*CatalogProduct, error)
	// CreateCatalogProduct creates a product (single attempt; callers look
	// the SKU up first) and returns its id.
	CreateCatalogProduct(ctx context.Context, p CatalogProduct) (string, error)
	// UpdateCatalogProduct replaces the product p.ID with p. A nil Stock
	// keeps the ledger's current stock.
	UpdateCatalogProduct(ctx context.Context, p CatalogProduct) error
}

// CatalogCustomer is a ledger customer as the customer sync sees it.
type CatalogCustomer struct {
	ID        string
	Name      string
	Email     string
	OrgNumber string
	Phone     string
	// MemberNumber is the shop customer id the ledger holds, if any.
	MemberNumber string
	// Address has an ISO country code.
	Address  domain.Address
	Inactive bool
}

// CustomerChange lists the customer fields a sync writes; nil fields stay.
type CustomerChange struct {
	Name, Email, OrgNumber *string
}

// CustomerCatalog is what the customer sync needs from a ledger.
type CustomerCatalog interface {
	// ChangedCustomers lists customers modified on or after since's date
	// (all when since is zero).
	ChangedCustomers(ctx context.Context, since time.Time) ([]CatalogCustomer, error)
	// CatalogCustomer reads one customer; ErrNotFound if gone.
	CatalogCustomer(ctx context.Context, id string) (*CatalogCustomer, error)
	// UpdateCatalogCustomer changes some fields and keeps every other.
	UpdateCatalogCustomer(ctx context.Context, id string, c CustomerChange) error
}
