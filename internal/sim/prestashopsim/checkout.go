package prestashopsim

import (
	"errors"
	"fmt"
	"strings"
)

// PlaceOrder is the body of POST /_sim/orders: an order as a checkout
// would place it.
type PlaceOrder struct {
	// Customer is the buyer; a known e-mail reuses the existing customer.
	Customer struct {
		Email     string `json:"email"`
		Firstname string `json:"firstname"`
		Lastname  string `json:"lastname"`
		Company   string `json:"company"`
		Siret     string `json:"siret"`
		Guest     bool   `json:"guest"`
	} `json:"customer"`
	// Address is used for both invoice and delivery.
	Address struct {
		Address1  string `json:"address1"`
		Postcode  string `json:"postcode"`
		City      string `json:"city"`
		Country   string `json:"country"`
		VATNumber string `json:"vat_number"`
	} `json:"address"`
	// Currency is an ISO code the shop knows ("NOK", "EUR"); default NOK.
	Currency string `json:"currency"`
	// ConversionRate overrides the currency's rate, e.g. "1.0".
	ConversionRate string `json:"conversion_rate"`
	// Payment is the payment label, e.g. "Vipps".
	Payment string `json:"payment"`
	// Module is the payment module name, e.g. "vipps".
	Module string `json:"module"`
	// State is the initial order state; default 2 (payment accepted).
	State int `json:"state"`
	// Lines are the products; unknown references are created.
	Lines []PlaceOrderLine `json:"lines"`
	// Shipping is the shipping charge, if any.
	Shipping *struct {
		PriceTaxIncl string `json:"price_tax_incl"`
		TaxRate      string `json:"tax_rate"`
		Carrier      int    `json:"carrier"`
	} `json:"shipping"`
	// Discounts are amount cart rules, tax included, applied in order.
	Discounts []struct {
		Name         string `json:"name"`
		ValueTaxIncl string `json:"value_tax_incl"`
	} `json:"discounts"`
	// RoundType is 1 (item), 2 (line) or 3 (total); default Options.RoundType.
	RoundType int `json:"round_type"`
	// Shop is the id_shop of a multishop installation; default the first.
	Shop int `json:"shop"`
	// Reference, if set, is used instead of a new one: an existing
	// reference makes this order part of a split cart (several orders, one
	// reference, one payment covering them all).
	Reference string `json:"reference"`
}

// PlaceOrderLine is one product line of PlaceOrder.
type PlaceOrderLine struct {
	// Reference is the product's SKU; an unknown one creates the product.
	Reference string `json:"reference"`
	// Name is the product name on the order (default the catalogue's).
	Name string `json:"name"`
	// Quantity is the number of units, at least 1.
	Quantity int `json:"quantity"`
	// UnitPriceTaxIncl is the tax-included unit price, e.g. "199.00".
	UnitPriceTaxIncl string `json:"unit_price_tax_incl"`
	// TaxRate is the VAT percentage, e.g. "25"; default the product's.
	TaxRate string `json:"tax_rate"`
}

// PlaceOrderResult is the answer to POST /_sim/orders.
type PlaceOrderResult struct {
	// ID is the new order's id.
	ID int `json:"id"`
	// Reference is its 9-letter reference.
	Reference string `json:"reference"`
}

// RefundRequest is the body of POST /_sim/orders/{id}/refund.
type RefundRequest struct {
	// Lines are the refunded products by SKU and quantity.
	Lines []struct {
		Reference string `json:"reference"`
		Quantity  int    `json:"quantity"`
	} `json:"lines"`
	// Shipping refunds the whole shipping charge too.
	Shipping bool `json:"shipping"`
}

// PaymentRequest is the body of POST /_sim/orders/{id}/payment: a payment
// (possibly partial) recorded against the order's reference.
type PaymentRequest struct {
	// Amount is the amount paid in the order's currency, e.g. "100.00".
	Amount string `json:"amount"`
	// Method is the payment method label; default the order's.
	Method string `json:"method"`
	// TransactionID is the provider's id; default a random one.
	TransactionID string `json:"transaction_id"`
}

// PlaceOrder places an order as PaymentModule::validateOrder would and
// delivers the webhooks it causes.
func (s *Server) PlaceOrder(in PlaceOrder) (PlaceOrderResult, error) {
	s.mu.Lock()
	res, events, err := s.placeOrderLocked(in)
	s.mu.Unlock()
	if err != nil {
		return PlaceOrderResult{}, err
	}
	s.deliver(events)
	return res, nil
}

func (s *Server) placeOrderLocked(in PlaceOrder) (PlaceOrderResult, []webhookEvent, error) {
	var events []webhookEvent
	if len(in.Lines) == 0 {
		return PlaceOrderResult{}, nil, errors.New("an order needs at least one line")
	}
	if in.Customer.Email == "" {
		return PlaceOrderResult{}, nil, errors.New("customer.email is required")
	}
	roundType := in.RoundType
	if roundType == 0 {
		roundType = s.opts.RoundType
	}
	if roundType < roundItem || roundType > roundTotal {
		return PlaceOrderResult{}, nil, fmt.Errorf("round_type %d: want 1, 2 or 3", roundType)
	}
	shop := in.Shop
	if shop == 0 {
		shop = s.opts.Shops[0]
	}
	if !s.knownShop(shop) {
		return PlaceOrderResult{}, nil, fmt.Errorf("unknown shop %d", shop)
	}
	state := in.State
	if state == 0 {
		state = 2
	}
	if s.db.get("order_states", state) == nil {
		return PlaceOrderResult{}, nil, fmt.Errorf("unknown order state %d", state)
	}
	iso := strings.ToUpper(in.Currency)
	if iso == "" {
		iso = "NOK"
	}
	curs := s.db.find("currencies", "iso_code", iso)
	if len(curs) == 0 {
		return PlaceOrderResult{}, nil, fmt.Errorf("unknown currency %q", in.Currency)
	}
	cur := curs[0]
	rate := cur.fields["conversion_rate"]
	if in.ConversionRate != "" {
		m, err := parseMicro(in.ConversionRate)
		if err != nil || m <= 0 {
			return PlaceOrderResult{}, nil, fmt.Errorf("conversion_rate %q: not a positive decimal", in.ConversionRate)
		}
		rate = m.String()
	}
	country := strings.ToUpper(in.Address.Country)
	if country == "" {
		country = "NO"
	}
	countries := s.db.find("countries", "iso_code", country)
	if len(countries) == 0 {
		return PlaceOrderResult{}, nil, fmt.Errorf("unknown country %q", in.Address.Country)
	}

	// Validate lines and resolve products before touching anything.
	type resolved struct {
		in      PlaceOrderLine
		incl    micro
		bp      int
		product *record
		taxID   int
		group   int
	}
	var lines []resolved
	for i, l := range in.Lines {
		if l.Reference == "" || l.Quantity <= 0 {
			return PlaceOrderResult{}, nil, fmt.Errorf("line %d: reference and a positive quantity are required", i)
		}
		incl, err := parseMicro(l.UnitPriceTaxIncl)
		if err != nil || incl < 0 {
			return PlaceOrderResult{}, nil, fmt.Errorf("line %d: unit_price_tax_incl %q", i, l.UnitPriceTaxIncl)
		}
		var prod *record
		if ps := s.db.find("products", "reference", l.Reference); len(ps) > 0 {
			prod = ps[0]
		}
		bp := -1
		if l.TaxRate != "" {
			if bp, err = parseRateBP(l.TaxRate); err != nil {
				return PlaceOrderResult{}, nil, fmt.Errorf("line %d: tax_rate %q", i, l.TaxRate)
			}
		} else if prod != nil {
			if t := s.taxFor(atoi(prod.fields["id_tax_rules_group"])); t != nil {
				bp, _ = parseRateBP(t.fields["rate"])
			}
		}
		if bp < 0 {
			bp = 2500
		}
		group := s.taxGroupFor(bp)
		tax := s.taxFor(group)
		if tax == nil {
			return PlaceOrderResult{}, nil, fmt.Errorf("line %d: the shop has no tax at %s %%", i, rateString(bp))
		}
		lines = append(lines, resolved{in: l, incl: incl, bp: bp, product: prod, taxID: tax.id, group: group})
	}
	var shipIncl micro
	shipBP := 2500
	carrierID := 1
	if in.Shipping != nil {
		var err error
		if in.Shipping.PriceTaxIncl != "" {
			if shipIncl, err = parseMicro(in.Shipping.PriceTaxIncl); err != nil || shipIncl < 0 {
				return PlaceOrderResult{}, nil, fmt.Errorf("shipping.price_tax_incl %q", in.Shipping.PriceTaxIncl)
			}
		}
		if in.Shipping.TaxRate != "" {
			if shipBP, err = parseRateBP(in.Shipping.TaxRate); err != nil {
				return PlaceOrderResult{}, nil, fmt.Errorf("shipping.tax_rate %q", in.Shipping.TaxRate)
			}
		}
		if in.Shipping.Carrier != 0 {
			carrierID = in.Shipping.Carrier
		}
	}
	if s.db.get("carriers", carrierID) == nil {
		return PlaceOrderResult{}, nil, fmt.Errorf("unknown carrier %d", carrierID)
	}
	var discounts []micro
	for i, d := range in.Discounts {
		v, err := parseMicro(d.ValueTaxIncl)
		if err != nil || v < 0 {
			return PlaceOrderResult{}, nil, fmt.Errorf("discount %d: value_tax_incl %q", i, d.ValueTaxIncl)
		}
		discounts = append(discounts, v)
	}

	// Customer: reuse a known e-mail, else create (a guest if asked).
	var cust *record
	for _, c := range s.db.find("customers", "email", in.Customer.Email) {
		if c.fields["deleted"] != "1" {
			cust = c
			break
		}
	}
	if cust == nil {
		guest := "0"
		if in.Customer.Guest {
			guest = "1"
		}
		cust = s.mk("customers", map[string]string{
			"email": in.Customer.Email, "firstname": in.Customer.Firstname, "lastname": in.Customer.Lastname,
			"company": in.Customer.Company, "siret": in.Customer.Siret, "is_guest": guest,
			"passwd": "$2y$10$" + s.randHex(20), "active": "1", "id_default_group": "3", "id_lang": "1",
			"id_shop": itoa(shop), "id_shop_group": "1", "secure_key": s.randHex(32),
		}, nil)
		if err := s.valid.validateRecord(s.db.tables["customers"].def, cust); err != nil {
			delete(s.db.tables["customers"].rows, cust.id)
			return PlaceOrderResult{}, nil, errors.New(err.msg)
		}
		events = append(events, s.eventFor("customers", "add", cust)...)
	}
	addr := s.mk("addresses", map[string]string{
		"id_customer": itoa(cust.id), "id_country": itoa(countries[0].id), "alias": "Adresse",
		"company": in.Customer.Company, "vat_number": in.Address.VATNumber,
		"firstname": cust.fields["firstname"], "lastname": cust.fields["lastname"],
		"address1": in.Address.Address1, "postcode": in.Address.Postcode, "city": in.Address.City,
	}, nil)

	// Unknown products are created from the line.
	var ins []lineIn
	for i := range lines {
		l := &lines[i]
		if l.product == nil {
			name := l.in.Name
			if name == "" {
				name = l.in.Reference
			}
			l.product = s.createProduct(l.in.Reference, name, exclOf(l.incl, l.bp), l.bp, 0)
			events = append(events, s.eventFor("products", "add", l.product)...)
		}
		ins = append(ins, lineIn{unitIncl: l.incl, rateBP: l.bp, qty: l.in.Quantity})
	}
	t := computeTotals(roundType, ins, discounts, shipIncl, shipBP)

	reference := s.newReference()
	split := false
	if in.Reference != "" {
		if len(in.Reference) > 9 {
			return PlaceOrderResult{}, nil, fmt.Errorf("reference %q: at most 9 characters", in.Reference)
		}
		reference = strings.ToUpper(in.Reference)
		split = len(s.db.find("orders", "reference", reference)) > 0
	}
	orderTable := s.db.tables["orders"]
	order := s.mk("orders", map[string]string{
		"id_address_delivery": itoa(addr.id), "id_address_invoice": itoa(addr.id), "id_cart": itoa(orderTable.next),
		"id_currency": itoa(cur.id), "id_lang": "1", "id_customer": itoa(cust.id), "id_carrier": itoa(carrierID),
		"current_state": "0", "module": in.Module, "payment": in.Payment, "valid": "0",
		"id_shop_group": "1", "id_shop": itoa(shop), "secure_key": cust.fields["secure_key"],
		"total_discounts": t.discountsIncl.String(), "total_discounts_tax_incl": t.discountsIncl.String(),
		"total_discounts_tax_excl": t.discountsExcl.String(),
		"total_paid":               t.paidIncl.String(), "total_paid_tax_incl": t.paidIncl.String(), "total_paid_tax_excl": t.paidExcl.String(),
		"total_paid_real": "0.000000", "total_products": t.productsExcl.String(), "total_products_wt": t.productsIncl.String(),
		"total_shipping": t.shippingIncl.String(), "total_shipping_tax_incl": t.shippingIncl.String(),
		"total_shipping_tax_excl": t.shippingExcl.String(), "carrier_tax_rate": rateString(shipBP),
		"round_mode": "2", "round_type": itoa(roundType), "conversion_rate": rate, "reference": reference,
		"invoice_number": "0", "delivery_number": "0",
	}, nil)
	if order.fields["module"] == "" {
		order.fields["module"] = "ps_checkpayment"
	}
	if order.fields["payment"] == "" {
		order.fields["payment"] = "Sjekk"
	}
	for i, l := range lines {
		lo := t.lines[i]
		d := s.mk("order_details", map[string]string{
			"id_order": itoa(order.id), "product_id": itoa(l.product.id), "product_attribute_id": "0",
			"id_warehouse": "0", "id_shop": itoa(shop), "product_name": l.product.lang["name"][1],
			"product_quantity": itoa(l.in.Quantity), "product_quantity_in_stock": itoa(l.in.Quantity),
			"product_price": lo.basePrice.String(), "product_reference": l.in.Reference,
			"tax_computation_method": "0", "id_tax_rules_group": itoa(l.group),
			"unit_price_tax_incl": lo.unitIncl.String(), "unit_price_tax_excl": lo.unitExcl.String(),
			"total_price_tax_incl": lo.totalIncl.String(), "total_price_tax_excl": lo.totalExcl.String(),
			"original_product_price": lo.basePrice.String(), "total_refunded_tax_excl": "0.000000", "total_refunded_tax_incl": "0.000000",
		}, nil)
		if l.in.Name != "" {
			d.fields["product_name"] = l.in.Name
		}
		d.assoc["taxes"] = []map[string]string{{"id": itoa(l.taxID)}}
		order.assoc["order_rows"] = append(order.assoc["order_rows"], map[string]string{
			"id": itoa(d.id), "product_id": itoa(l.product.id), "product_attribute_id": "0",
			"product_quantity": itoa(l.in.Quantity), "product_name": d.fields["product_name"],
			"product_reference": l.in.Reference, "product_ean13": "", "product_isbn": "", "product_upc": "",
			"product_price": lo.basePrice.String(), "id_customization": "0",
			"unit_price_tax_incl": lo.unitIncl.String(), "unit_price_tax_excl": lo.unitExcl.String(),
		})
	}
	s.mk("order_carriers", map[string]string{
		"id_order": itoa(order.id), "id_carrier": itoa(carrierID), "id_order_invoice": "0", "weight": "0",
		"shipping_cost_tax_excl": t.shippingExcl.String(), "shipping_cost_tax_incl": t.shippingIncl.String(),
	}, nil)
	for i, d := range in.Discounts {
		name := d.Name
		if name == "" {
			name = fmt.Sprintf("Rabatt %d", i+1)
		}
		now := s.nowString()
		cr := s.mk("cart_rules", map[string]string{
			"id_customer": itoa(cust.id), "date_from": now, "date_to": now, "quantity": "0", "quantity_per_user": "1",
			"priority": "1", "reduction_amount": discounts[i].String(), "reduction_tax": "1",
			"reduction_currency": itoa(cur.id), "active": "1",
		}, map[string]string{"name": name})
		s.mk("order_cart_rules", map[string]string{
			"id_order": itoa(order.id), "id_cart_rule": itoa(cr.id), "id_order_invoice": "0", "name": name,
			"value": t.discounts[i].incl.String(), "value_tax_excl": t.discounts[i].excl.String(),
			"free_shipping": "0", "deleted": "0",
		}, nil)
	}
	events = append(events, s.eventFor("orders", "add", order)...)
	for _, l := range lines {
		events = append(events, s.moveStock(l.product, shop, -l.in.Quantity)...)
	}
	_, hev, werr := s.addOrderHistory(order.id, state, 0, false)
	if werr != nil {
		return PlaceOrderResult{}, nil, errors.New(werr.msg)
	}
	events = append(events, hev...)
	if split && s.db.get("order_states", state).fields["paid"] == "1" {
		// One payment covers the whole cart: add this order's total to it.
		if ps := s.db.find("order_payments", "order_reference", reference); len(ps) > 0 && order.fields["total_paid_real"] == "0.000000" {
			a, _ := parseMicro(ps[0].fields["amount"])
			ps[0].fields["amount"] = (a + t.paidIncl).String()
			order.fields["total_paid_real"] = t.paidIncl.String()
		}
	}
	return PlaceOrderResult{ID: order.id, Reference: reference}, events, nil
}

// moveStock changes a product's aggregate stock in one shop by delta.
func (s *Server) moveStock(product *record, shop, delta int) []webhookEvent {
	for _, sa := range s.db.find("stock_availables", "id_product", itoa(product.id)) {
		if sa.fields["id_product_attribute"] == "0" && sa.fields["id_shop"] == itoa(shop) {
			sa.fields["quantity"] = itoa(atoi(sa.fields["quantity"]) + delta)
			product.fields["quantity"] = sa.fields["quantity"]
			return s.eventFor("stock_availables", "update", sa)
		}
	}
	return nil
}

// Refund issues a credit slip for some lines and optionally the shipping.
func (s *Server) Refund(orderID int, in RefundRequest) (int, error) {
	s.mu.Lock()
	id, events, err := s.refundLocked(orderID, in)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	s.deliver(events)
	return id, nil
}

func (s *Server) refundLocked(orderID int, in RefundRequest) (int, []webhookEvent, error) {
	order := s.db.get("orders", orderID)
	if order == nil {
		return 0, nil, fmt.Errorf("order %d not found", orderID)
	}
	if len(in.Lines) == 0 && !in.Shipping {
		return 0, nil, errors.New("nothing to refund")
	}
	details := s.db.find("order_details", "id_order", itoa(orderID))
	type part struct {
		d          *record
		qty        int
		excl, incl micro
	}
	var parts []part
	for _, l := range in.Lines {
		var d *record
		for _, x := range details {
			if x.fields["product_reference"] == l.Reference {
				d = x
			}
		}
		if d == nil {
			return 0, nil, fmt.Errorf("order %d has no line %q", orderID, l.Reference)
		}
		left := atoi(d.fields["product_quantity"]) - atoi(d.fields["product_quantity_refunded"])
		if l.Quantity <= 0 || l.Quantity > left {
			return 0, nil, fmt.Errorf("line %q: can refund 1..%d, not %d", l.Reference, left, l.Quantity)
		}
		ue, _ := parseMicro(d.fields["unit_price_tax_excl"])
		ui, _ := parseMicro(d.fields["unit_price_tax_incl"])
		q := micro(l.Quantity)
		parts = append(parts, part{d, l.Quantity, (ue * q).round2(), (ui * q).round2()})
	}
	var pe, pi micro
	for _, p := range parts {
		pe += p.excl
		pi += p.incl
	}
	var se, si micro
	shipping := "0"
	if in.Shipping {
		se, _ = parseMicro(order.fields["total_shipping_tax_excl"])
		si, _ = parseMicro(order.fields["total_shipping_tax_incl"])
		shipping = "1"
	}
	slip := s.mk("order_slip", map[string]string{
		"id_customer": order.fields["id_customer"], "id_order": itoa(orderID), "conversion_rate": order.fields["conversion_rate"],
		"total_products_tax_excl": pe.String(), "total_products_tax_incl": pi.String(),
		"total_shipping_tax_excl": se.String(), "total_shipping_tax_incl": si.String(),
		"amount": (pi + si).String(), "shipping_cost": shipping, "shipping_cost_amount": si.String(),
		"partial": "0", "order_slip_type": "0",
	}, nil)
	var events []webhookEvent
	shop := atoi(order.fields["id_shop"])
	for _, p := range parts {
		slip.assoc["order_slip_details"] = append(slip.assoc["order_slip_details"], map[string]string{
			"id": itoa(p.d.id), "id_order_detail": itoa(p.d.id), "product_quantity": itoa(p.qty),
			"amount_tax_excl": p.excl.String(), "amount_tax_incl": p.incl.String(),
		})
		p.d.fields["product_quantity_refunded"] = itoa(atoi(p.d.fields["product_quantity_refunded"]) + p.qty)
		te, _ := parseMicro(p.d.fields["total_refunded_tax_excl"])
		ti, _ := parseMicro(p.d.fields["total_refunded_tax_incl"])
		p.d.fields["total_refunded_tax_excl"] = (te + p.excl).String()
		p.d.fields["total_refunded_tax_incl"] = (ti + p.incl).String()
		if prod := s.db.get("products", atoi(p.d.fields["product_id"])); prod != nil {
			events = append(events, s.moveStock(prod, shop, p.qty)...)
		}
	}
	order.fields["date_upd"] = s.nowString()
	events = append(events, s.eventFor("order_slip", "add", slip)...)
	events = append(events, s.eventFor("orders", "update", order)...)
	return slip.id, events, nil
}

// SetOrderState changes an order's state as the back office would (an
// order_histories row, no customer e-mail) and returns the history id.
func (s *Server) SetOrderState(orderID, state int) (int, error) {
	s.mu.Lock()
	h, events, werr := s.addOrderHistory(orderID, state, 1, false)
	s.mu.Unlock()
	if werr != nil {
		return 0, errors.New(werr.msg)
	}
	s.deliver(events)
	return h.id, nil
}

// AddPayment records a payment against an order's reference (e.g. a partial
// payment) and returns its id.
func (s *Server) AddPayment(orderID int, in PaymentRequest) (int, error) {
	s.mu.Lock()
	order := s.db.get("orders", orderID)
	if order == nil {
		s.mu.Unlock()
		return 0, fmt.Errorf("order %d not found", orderID)
	}
	amt, err := parseMicro(in.Amount)
	if err != nil || amt <= 0 {
		s.mu.Unlock()
		return 0, fmt.Errorf("amount %q: not a positive decimal", in.Amount)
	}
	method := in.Method
	if method == "" {
		method = order.fields["payment"]
	}
	tx := in.TransactionID
	if tx == "" {
		tx = "SIM-" + s.randHex(12)
	}
	p := s.mk("order_payments", map[string]string{
		"order_reference": order.fields["reference"], "id_currency": order.fields["id_currency"],
		"amount": amt.String(), "payment_method": method, "conversion_rate": order.fields["conversion_rate"],
		"transaction_id": tx,
	}, nil)
	paid, _ := parseMicro(order.fields["total_paid_real"])
	order.fields["total_paid_real"] = (paid + amt).String()
	order.fields["date_upd"] = s.nowString()
	events := append(s.eventFor("order_payments", "add", p), s.eventFor("orders", "update", order)...)
	s.mu.Unlock()
	s.deliver(events)
	return p.id, nil
}
