package domain

import (
	"time"

	"github.com/bokfor/bokfor/internal/money"
)

// Product is a catalogue product in the shop's default currency.
type Product struct {
	// ID is the shop's product id.
	ID string
	// SKU is the product reference.
	SKU string
	// EAN13 is the barcode, if any.
	EAN13 string
	// Name is the product name in the requested language.
	Name string
	// PriceTaxExcl is the base price excl. VAT, rounded to øre.
	PriceTaxExcl money.Ore
	// TaxRate is the product's VAT rate, when the shop could resolve it.
	TaxRate VATRate
	// TaxGroupID is the shop's tax rule group id.
	TaxGroupID string
	// Active reports whether the product is for sale.
	Active bool
	// Variants are the product's combinations, if any.
	Variants []Variant
	// UpdatedAt is when the product last changed (shop-local wall time).
	UpdatedAt time.Time
}

// Variant is a product combination (size, colour, ...).
type Variant struct {
	// ID is the shop's combination id.
	ID string
	// ProductID is the parent product's id.
	ProductID string
	// SKU is the combination reference.
	SKU string
	// EAN13 is the barcode, if any.
	EAN13 string
	// PriceImpact is added to the product's tax-excluded price.
	PriceImpact money.Ore
	// Default reports the product's default combination.
	Default bool
}

// StockLevel is the quantity available of a product or one combination in
// one shop.
type StockLevel struct {
	// ID is the shop's id of the stock row (PrestaShop stock_available id);
	// writes address this id.
	ID string
	// ProductID is the product's id.
	ProductID string
	// VariantID is the combination id, or "" for a product without
	// combinations or the product's aggregate row.
	VariantID string
	// ShopID is the shop id in a multishop installation, or "".
	ShopID string
	// Quantity is the available quantity (may be negative).
	Quantity int
	// DependsOnStock reports that the shop computes the quantity itself
	// (advanced stock management); writes will be overwritten.
	DependsOnStock bool
}
