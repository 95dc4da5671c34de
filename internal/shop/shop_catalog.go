package shop

import (
	"context"

	"github.com/bokfor/bokfor/internal/domain"
)

// ProductChange lists the product fields a sync writes to the shop; nil
// fields stay as they are.
type ProductChange struct {
	// Name sets the name in the shop's configured language.
	Name *string
	// PriceNet sets the base price excl. VAT in øre.
	PriceNet *int64
	// Active enables or disables the product.
	Active *bool
}

// NewProduct is a product the sync creates in the shop.
type NewProduct struct {
	SKU  string
	Name string
	// PriceNet is the base price excl. VAT in øre.
	PriceNet int64
	// Rate selects the shop's tax rule group with this VAT rate.
	Rate   domain.VATRate
	Active bool
}

// Catalog is what the product and stock sync need from a shop, beside
// Shop. Implementations return *apierr.Error on failure and wrap
// ErrNotFound for missing objects.
type Catalog interface {
	// ChangedProducts lists the ids of products changed after the
	// watermark ("" = every product), oldest first; it returns the next
	// watermark. Products from the overlap window may be listed again.
	ChangedProducts(ctx context.Context, watermark string) ([]string, string, error)
	// Product reads a product with its combinations and VAT rate.
	Product(ctx context.Context, productID string) (*domain.Product, error)
	// ProductIDsBySKU returns the ids of the products with this SKU
	// (product reference, not combination reference).
	ProductIDsBySKU(ctx context.Context, sku string) ([]string, error)
	// UpdateProduct changes some fields of a product and nothing else.
	UpdateProduct(ctx context.Context, productID string, c ProductChange) error
	// CreateProduct creates a simple product (single attempt: callers look
	// the SKU up first) and returns its id.
	CreateProduct(ctx context.Context, p NewProduct) (string, error)
	// StockLevels reads a product's stock rows in the configured shop.
	StockLevels(ctx context.Context, productID string) ([]domain.StockLevel, error)
	// SetStock sets a stock row's quantity.
	SetStock(ctx context.Context, stockID string, quantity int) error
}
