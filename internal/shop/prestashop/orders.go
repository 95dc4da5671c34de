package prestashop

import (
	"context"
	"fmt"
	"net/url"
	"sort"

	"github.com/bokfor/bokfor/internal/domain"
)

// Order reads an order with everything needed to book it: its lines from
// order_details with each line's tax rate, the customer and the two
// addresses stored on the order, the currency and rate, the carrier, the
// discounts (order_cart_rules), the payments recorded against its reference
// and its credit slips.
func (c *Client) Order(ctx context.Context, orderID int) (*domain.Order, error) {
	o, err := c.get(ctx, "orders", "order", orderID)
	if err != nil {
		return nil, err
	}
	r := &reader{loc: c.cfg.Location}
	ord := &domain.Order{
		ID:             o.str("id"),
		Reference:      o.str("reference"),
		ShopID:         id(o, "id_shop"),
		StateID:        o.str("current_state"),
		Valid:          r.bool(o, "valid"),
		ConversionRate: r.conv(o, "conversion_rate"),
		CreatedAt:      r.time(o, "date_add"),
		UpdatedAt:      r.time(o, "date_upd"),
		InvoiceNumber:  id(o, "invoice_number"),
		PaymentMethod:  o.str("payment"),
		PaymentModule:  o.str("module"),
		RoundType:      domain.RoundType(r.int(o, "round_type")),
		RoundMode:      r.int(o, "round_mode"),
		Shipping: domain.Shipping{
			CarrierID: id(o, "id_carrier"),
			TaxExcl:   r.money(o, "total_shipping_tax_excl"),
			TaxIncl:   r.money(o, "total_shipping_tax_incl"),
			TaxRate:   r.rate(o, "carrier_tax_rate"),
		},
		WrappingTaxExcl: r.money(o, "total_wrapping_tax_excl"),
		WrappingTaxIncl: r.money(o, "total_wrapping_tax_incl"),
		Totals: domain.Totals{
			ProductsTaxExcl:  r.money(o, "total_products"),
			ProductsTaxIncl:  r.money(o, "total_products_wt"),
			DiscountsTaxExcl: r.money(o, "total_discounts_tax_excl"),
			DiscountsTaxIncl: r.money(o, "total_discounts_tax_incl"),
			ShippingTaxExcl:  r.money(o, "total_shipping_tax_excl"),
			ShippingTaxIncl:  r.money(o, "total_shipping_tax_incl"),
			PaidTaxExcl:      r.money(o, "total_paid_tax_excl"),
			PaidTaxIncl:      r.money(o, "total_paid_tax_incl"),
			PaidReal:         r.money(o, "total_paid_real"),
		},
	}
	// Read the ids of the related objects before checking: an id that is
	// no number must fail here, not turn into a lookup of object 0.
	currencyID, customerID := r.int(o, "id_currency"), r.int(o, "id_customer")
	invoiceAddr, deliveryAddr, carrierID := r.int(o, "id_address_invoice"), r.int(o, "id_address_delivery"), r.int(o, "id_carrier")
	if r.err != nil {
		return nil, decodeErr("GET /api/orders/{id}", r.err)
	}
	if ord.Currency, err = c.currencyISO(ctx, currencyID); err != nil {
		return nil, fmt.Errorf("order %d currency: %w", orderID, err)
	}
	if ord.Lines, err = c.OrderLines(ctx, orderID); err != nil {
		return nil, err
	}
	if cust, err := c.Customer(ctx, customerID); err != nil {
		return nil, fmt.Errorf("order %d customer: %w", orderID, err)
	} else {
		ord.Customer = *cust
	}
	if a, err := c.Address(ctx, invoiceAddr); err != nil {
		return nil, fmt.Errorf("order %d invoice address: %w", orderID, err)
	} else {
		ord.Billing = *a
	}
	if a, err := c.Address(ctx, deliveryAddr); err != nil {
		return nil, fmt.Errorf("order %d delivery address: %w", orderID, err)
	} else {
		ord.Delivery = *a
	}
	if carrierID != 0 {
		car, err := c.Carrier(ctx, carrierID)
		if err != nil {
			return nil, fmt.Errorf("order %d carrier: %w", orderID, err)
		}
		ord.Shipping.Carrier = car.Name
	}
	if ord.Discounts, err = c.OrderDiscounts(ctx, orderID); err != nil {
		return nil, err
	}
	if ord.Payments, err = c.Payments(ctx, ord.Reference); err != nil {
		return nil, err
	}
	if ord.Refunds, err = c.Refunds(ctx, orderID); err != nil {
		return nil, err
	}
	return ord, nil
}

// OrderIDsByReference returns the ids of the orders sharing a reference
// (split orders), in id order.
func (c *Client) OrderIDsByReference(ctx context.Context, reference string) ([]int, error) {
	objs, err := c.list(ctx, "orders", url.Values{"display": {"[id,reference]"}, "filter[reference]": {filterValue(reference)}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var ids []int
	for _, o := range objs {
		ids = append(ids, r.int(o, "id"))
	}
	sort.Ints(ids)
	return ids, r.err
}

// OrderCurrentState returns an order's current state id with one small read,
// e.g. to check whether a state change whose answer was lost went through.
func (c *Client) OrderCurrentState(ctx context.Context, orderID int) (int, error) {
	objs, err := c.list(ctx, "orders", url.Values{"display": {"[id,current_state]"}, "filter[id]": {filterValue(itoa(orderID))}})
	if err != nil {
		return 0, err
	}
	if len(objs) == 0 {
		return 0, notFound("GET /api/orders", fmt.Sprintf("order %d", orderID))
	}
	r := &reader{}
	st := r.int(objs[0], "current_state")
	return st, r.err
}

// OrderLines reads an order's lines from order_details, with each line's
// VAT rate from its taxes association (no tax means 0 %).
func (c *Client) OrderLines(ctx context.Context, orderID int) ([]domain.Line, error) {
	objs, err := c.list(ctx, "order_details", url.Values{"filter[id_order]": {filterValue(itoa(orderID))}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	taxes := map[int]Tax{}
	r := &reader{}
	var lines []domain.Line
	for _, o := range objs {
		l := domain.Line{
			ID:               o.str("id"),
			ProductID:        id(o, "product_id"),
			VariantID:        id(o, "product_attribute_id"),
			SKU:              o.str("product_reference"),
			EAN13:            o.str("product_ean13"),
			Name:             o.str("product_name"),
			Quantity:         r.int(o, "product_quantity"),
			QuantityRefunded: r.int(o, "product_quantity_refunded"),
			UnitPriceTaxExcl: r.money(o, "unit_price_tax_excl"),
			UnitPriceTaxIncl: r.money(o, "unit_price_tax_incl"),
			TotalTaxExcl:     r.money(o, "total_price_tax_excl"),
			TotalTaxIncl:     r.money(o, "total_price_tax_incl"),
		}
		for _, t := range o.assoc("taxes") {
			tid := r.int(t, "id")
			if tid == 0 {
				continue
			}
			tax, ok := taxes[tid]
			if !ok {
				if tax, err = c.Tax(ctx, tid); err != nil {
					return nil, fmt.Errorf("order %d line %s tax: %w", orderID, l.ID, err)
				}
				taxes[tid] = tax
			}
			l.TaxRate += tax.Rate
			if l.TaxName == "" {
				l.TaxName = tax.Name
			}
		}
		lines = append(lines, l)
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/order_details", r.err)
	}
	return lines, nil
}

// OrderDiscounts reads the discounts applied to an order (order_cart_rules).
func (c *Client) OrderDiscounts(ctx context.Context, orderID int) ([]domain.Discount, error) {
	objs, err := c.list(ctx, "order_cart_rules", url.Values{"filter[id_order]": {filterValue(itoa(orderID))}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var ds []domain.Discount
	for _, o := range objs {
		if r.bool(o, "deleted") {
			continue
		}
		ds = append(ds, domain.Discount{
			ID:           o.str("id"),
			RuleID:       id(o, "id_cart_rule"),
			Name:         o.str("name"),
			TaxIncl:      r.money(o, "value"),
			TaxExcl:      r.money(o, "value_tax_excl"),
			FreeShipping: r.bool(o, "free_shipping"),
		})
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/order_cart_rules", r.err)
	}
	return ds, nil
}
