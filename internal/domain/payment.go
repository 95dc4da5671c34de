package domain

import (
	"time"

	"github.com/bokfor/bokfor/internal/money"
)

// Payment is a payment the shop recorded against an order reference. Split
// orders share their payments; one order may have several (partial) payments.
type Payment struct {
	// ID is the shop's payment id.
	ID string
	// OrderReference is the reference of the order(s) paid.
	OrderReference string
	// Method is the payment method label, e.g. "Vipps".
	Method string
	// Amount is the amount paid, in Currency.
	Amount money.Ore
	// Currency is the ISO 4217 code of the payment's currency.
	Currency string
	// ConversionRate is the rate from the shop's default currency.
	ConversionRate ConversionRate
	// TransactionID is the payment provider's transaction id, or "".
	TransactionID string
	// CreatedAt is when the payment was recorded (shop-local wall time).
	CreatedAt time.Time
}

// Refund is a credit slip: products and/or shipping given back on an order.
// Amounts are positive and in the order's currency.
type Refund struct {
	// ID is the shop's credit slip id.
	ID string
	// OrderID is the refunded order's id.
	OrderID string
	// Lines are the refunded products.
	Lines []RefundLine
	// ShippingTaxExcl is the refunded shipping excl. VAT (0 when none).
	ShippingTaxExcl money.Ore
	// ShippingTaxIncl is the refunded shipping incl. VAT (0 when none).
	ShippingTaxIncl money.Ore
	// ProductsTaxExcl is the refunded products' total excl. VAT.
	ProductsTaxExcl money.Ore
	// ProductsTaxIncl is the refunded products' total incl. VAT.
	ProductsTaxIncl money.Ore
	// Amount is the total refunded incl. VAT.
	Amount money.Ore
	// ConversionRate is the rate from the shop's default currency.
	ConversionRate ConversionRate
	// CreatedAt is when the slip was issued (shop-local wall time).
	CreatedAt time.Time
}

// RefundLine is one refunded product on a credit slip.
type RefundLine struct {
	// LineID is the id of the refunded order line (Line.ID).
	LineID string
	// SKU is the refunded product's reference.
	SKU string
	// Quantity is the number of units refunded.
	Quantity int
	// TaxRate is the VAT rate of the refunded line.
	TaxRate VATRate
	// TaxExcl is the refunded amount excl. VAT.
	TaxExcl money.Ore
	// TaxIncl is the refunded amount incl. VAT.
	TaxIncl money.Ore
}
