package ledger

import (
	"context"
	"time"
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
