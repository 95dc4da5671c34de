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
	// Products reads several products as Product does, in as few
	// requests as the shop allows; products it does not have are left out.
	Products(ctx context.Context, productIDs []string) ([]*domain.Product, error)
	// ProductIDsBySKU returns the ids of the products with this SKU as
	// their reference or as one of their combinations' reference.
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

// NewCustomer is a customer the sync imports into the shop.
type NewCustomer struct {
	Email     string
	FirstName string
	LastName  string
	Company   string
	OrgNumber string
	// Address is added to the account when it has a street address.
	Address domain.Address
}

// CustomerChange lists the customer fields a sync writes; nil fields stay.
type CustomerChange struct {
	FirstName, LastName, Company, Email, OrgNumber *string
}

// CustomerCatalog is what the customer sync needs from a shop.
type CustomerCatalog interface {
	// ChangedCustomers lists the ids of customers changed after the
	// watermark ("" = all), oldest first, and the next watermark.
	ChangedCustomers(ctx context.Context, watermark string) ([]string, string, error)
	// Customer reads a customer.
	Customer(ctx context.Context, customerID string) (*domain.Customer, error)
	// CustomersByEmail and CustomersByOrgNumber find customers (accounts
	// and guests, deleted ones included).
	CustomersByEmail(ctx context.Context, email string) ([]domain.Customer, error)
	CustomersByOrgNumber(ctx context.Context, org string) ([]domain.Customer, error)
	// CreateCustomer creates an account (single attempt: callers look the
	// e-mail up first) with its address, and returns its id.
	CreateCustomer(ctx context.Context, c NewCustomer) (string, error)
	// UpdateCustomer changes some fields of a customer.
	UpdateCustomer(ctx context.Context, customerID string, c CustomerChange) error
}
