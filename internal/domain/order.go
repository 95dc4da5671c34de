package domain

import (
	"time"

	"github.com/bokfor/bokfor/internal/money"
)

// RoundType is how the shop rounded the order's amounts.
type RoundType int

const (
	// RoundUnknown means the shop did not say.
	RoundUnknown RoundType = 0
	// RoundPerItem rounds each unit price to øre, then multiplies by the
	// quantity (PrestaShop round_type 1).
	RoundPerItem RoundType = 1
	// RoundPerLine rounds each line total (PrestaShop round_type 2).
	RoundPerLine RoundType = 2
	// RoundPerTotal keeps lines unrounded and rounds only the order totals
	// (PrestaShop round_type 3); line amounts in øre may then not add up to
	// the order total.
	RoundPerTotal RoundType = 3
)

// Order is one shop order with everything needed to book it. All amounts
// are in Currency.
type Order struct {
	// ID is the shop's order id.
	ID string
	// Reference is the shop's order reference (PrestaShop: 9 letters, shared
	// by orders split from one cart).
	Reference string
	// ShopID is the shop (store view) id in a multishop installation, or "".
	ShopID string
	// StateID is the shop's current order state id.
	StateID string
	// Valid reports whether the shop counts the order as a valid sale
	// (PrestaShop: the current state is "logable").
	Valid bool
	// Currency is the ISO 4217 code of the order's currency, e.g. "NOK".
	Currency string
	// ConversionRate is the rate from the shop's default currency to
	// Currency at the time of the order.
	ConversionRate ConversionRate
	// CreatedAt is when the order was placed (shop-local wall time).
	CreatedAt time.Time
	// UpdatedAt is when the order last changed (shop-local wall time).
	UpdatedAt time.Time
	// InvoiceNumber is the shop's invoice number, or "" when none was issued.
	InvoiceNumber string
	// Customer is the buyer. For guest checkouts Customer.Guest is true.
	Customer Customer
	// Billing is the invoice address stored on the order.
	Billing Address
	// Delivery is the delivery address stored on the order.
	Delivery Address
	// Lines are the ordered products.
	Lines []Line
	// Shipping is the shipping charge.
	Shipping Shipping
	// Discounts are the order-level discounts (vouchers, cart rules).
	Discounts []Discount
	// WrappingTaxExcl is the gift-wrapping charge excluding VAT.
	WrappingTaxExcl money.Ore
	// WrappingTaxIncl is the gift-wrapping charge including VAT.
	WrappingTaxIncl money.Ore
	// PaymentMethod is the payment label shown to the buyer, e.g. "Vipps".
	PaymentMethod string
	// PaymentModule is the technical payment module name, e.g. "vipps".
	PaymentModule string
	// Payments are the payments recorded against the order's reference.
	// Split orders share them.
	Payments []Payment
	// Refunds are the credit slips issued for the order.
	Refunds []Refund
	// Totals are the shop's own totals.
	Totals Totals
	// RoundType is how the shop rounded the amounts.
	RoundType RoundType
	// RoundMode is the shop's rounding mode code (PrestaShop: 0 up, 1 down,
	// 2 half up, 3 half down, 4 half even, 5 half odd).
	RoundMode int
}

// Totals are an order's totals as the shop computed them.
type Totals struct {
	// ProductsTaxExcl is the sum of the lines before discounts, excl. VAT.
	ProductsTaxExcl money.Ore
	// ProductsTaxIncl is the sum of the lines before discounts, incl. VAT.
	ProductsTaxIncl money.Ore
	// DiscountsTaxExcl is the sum of the discounts, excl. VAT (positive).
	DiscountsTaxExcl money.Ore
	// DiscountsTaxIncl is the sum of the discounts, incl. VAT (positive).
	DiscountsTaxIncl money.Ore
	// ShippingTaxExcl is the shipping charge excl. VAT.
	ShippingTaxExcl money.Ore
	// ShippingTaxIncl is the shipping charge incl. VAT.
	ShippingTaxIncl money.Ore
	// PaidTaxExcl is the order total excl. VAT.
	PaidTaxExcl money.Ore
	// PaidTaxIncl is the order total incl. VAT: what the buyer pays.
	PaidTaxIncl money.Ore
	// PaidReal is what the shop has recorded as actually paid.
	PaidReal money.Ore
}

// Line is one ordered product.
type Line struct {
	// ID is the shop's id of the line (PrestaShop: order_detail id).
	ID string
	// ProductID is the shop's product id.
	ProductID string
	// VariantID is the shop's combination/variant id, or "" for none.
	VariantID string
	// SKU is the product (or combination) reference.
	SKU string
	// EAN13 is the barcode, if any.
	EAN13 string
	// Name is the product name as ordered.
	Name string
	// Quantity is the number of units ordered.
	Quantity int
	// QuantityRefunded is the number of units refunded so far.
	QuantityRefunded int
	// UnitPriceTaxExcl is the unit price excl. VAT, rounded to øre.
	UnitPriceTaxExcl money.Ore
	// UnitPriceTaxIncl is the unit price incl. VAT, rounded to øre.
	UnitPriceTaxIncl money.Ore
	// TaxRate is the line's VAT rate.
	TaxRate VATRate
	// TaxName is the shop's name of the tax, e.g. "MVA 25%".
	TaxName string
	// TotalTaxExcl is the line total excl. VAT as the shop computed it.
	TotalTaxExcl money.Ore
	// TotalTaxIncl is the line total incl. VAT as the shop computed it.
	TotalTaxIncl money.Ore
}

// VAT returns the line's VAT amount: TotalTaxIncl − TotalTaxExcl.
func (l Line) VAT() money.Ore { return l.TotalTaxIncl - l.TotalTaxExcl }

// Shipping is an order's shipping charge.
type Shipping struct {
	// CarrierID is the shop's carrier id.
	CarrierID string
	// Carrier is the carrier's name.
	Carrier string
	// TaxExcl is the charge excl. VAT.
	TaxExcl money.Ore
	// TaxIncl is the charge incl. VAT.
	TaxIncl money.Ore
	// TaxRate is the shipping VAT rate.
	TaxRate VATRate
}

// Discount is an order-level discount. Amounts are positive. The VAT of a
// discount spans every rate in the order; TaxIncl − TaxExcl is its total VAT.
type Discount struct {
	// ID is the shop's id of the applied discount (order_cart_rule).
	ID string
	// RuleID is the shop's discount rule id (cart_rule).
	RuleID string
	// Name is the discount's name.
	Name string
	// TaxExcl is the discount excl. VAT.
	TaxExcl money.Ore
	// TaxIncl is the discount incl. VAT.
	TaxIncl money.Ore
	// FreeShipping reports that the discount is a free-shipping rule.
	FreeShipping bool
}

// RoundingDifference returns the shop's tax-included total minus what its
// lines, shipping, wrapping and discounts add up to in øre. It is nonzero
// when the shop rounded per total; the ledger posts it on a rounding account.
func (o *Order) RoundingDifference() money.Ore {
	var sum money.Ore
	for _, l := range o.Lines {
		sum += l.TotalTaxIncl
	}
	sum += o.Shipping.TaxIncl + o.WrappingTaxIncl
	for _, d := range o.Discounts {
		sum -= d.TaxIncl
	}
	return o.Totals.PaidTaxIncl - sum
}
