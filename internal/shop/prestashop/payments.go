package prestashop

import (
	"context"
	"net/url"

	"github.com/bokfor/bokfor/internal/domain"
)

// Payments reads the payments recorded against an order reference
// (order_payments is keyed by reference, not by order id; split orders share
// them and partial payments give several rows).
func (c *Client) Payments(ctx context.Context, reference string) ([]domain.Payment, error) {
	objs, err := c.list(ctx, "order_payments", url.Values{"filter[order_reference]": {filterValue(reference)}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{loc: c.cfg.Location}
	isos := map[int]string{}
	var out []domain.Payment
	for _, o := range objs {
		p := domain.Payment{
			ID:             o.str("id"),
			OrderReference: o.str("order_reference"),
			Method:         o.str("payment_method"),
			Amount:         r.money(o, "amount"),
			ConversionRate: r.conv(o, "conversion_rate"),
			TransactionID:  o.str("transaction_id"),
			CreatedAt:      r.time(o, "date_add"),
		}
		cid := r.int(o, "id_currency")
		if _, ok := isos[cid]; !ok && cid != 0 {
			iso, err := c.currencyISO(ctx, cid)
			if err != nil {
				return nil, err
			}
			isos[cid] = iso
		}
		p.Currency = isos[cid]
		out = append(out, p)
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/order_payments", r.err)
	}
	return out, nil
}

// Refunds reads an order's credit slips (order_slip) with their lines,
// each tied to its order line and VAT rate.
func (c *Client) Refunds(ctx context.Context, orderID int) ([]domain.Refund, error) {
	objs, err := c.list(ctx, "order_slip", url.Values{"filter[id_order]": {filterValue(itoa(orderID))}, "sort": {"[id_ASC]"}})
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	lines, err := c.OrderLines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	byID := map[string]domain.Line{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	r := &reader{loc: c.cfg.Location}
	var out []domain.Refund
	for _, o := range objs {
		rf := domain.Refund{
			ID:              o.str("id"),
			OrderID:         o.str("id_order"),
			ProductsTaxExcl: r.money(o, "total_products_tax_excl"),
			ProductsTaxIncl: r.money(o, "total_products_tax_incl"),
			ShippingTaxExcl: r.money(o, "total_shipping_tax_excl"),
			ShippingTaxIncl: r.money(o, "total_shipping_tax_incl"),
			Amount:          r.money(o, "amount"),
			ConversionRate:  r.conv(o, "conversion_rate"),
			CreatedAt:       r.time(o, "date_add"),
		}
		for _, d := range o.assoc("order_slip_details") {
			lid := d.str("id_order_detail")
			if lid == "" {
				lid = d.str("id")
			}
			l := byID[lid]
			rf.Lines = append(rf.Lines, domain.RefundLine{
				LineID:   lid,
				SKU:      l.SKU,
				Quantity: r.int(d, "product_quantity"),
				TaxRate:  l.TaxRate,
				TaxExcl:  r.money(d, "amount_tax_excl"),
				TaxIncl:  r.money(d, "amount_tax_incl"),
			})
		}
		out = append(out, rf)
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/order_slip", r.err)
	}
	return out, nil
}
