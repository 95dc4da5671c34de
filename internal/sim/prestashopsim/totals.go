package prestashopsim

// Round types as stored in an order's round_type (PS_ROUND_TYPE).
const (
	roundItem  = 1
	roundLine  = 2
	roundTotal = 3
)

// lineIn is one order line as a checkout sees it: a tax-included unit price
// and the line's VAT rate.
type lineIn struct {
	unitIncl micro // tax-included retail price
	rateBP   int
	qty      int
}

// lineOut is a computed order line, as stored in order_details.
type lineOut struct {
	unitExcl  micro // unit_price_tax_excl
	unitIncl  micro // unit_price_tax_incl
	basePrice micro // product_price: the stored tax-excluded price
	totalExcl micro // total_price_tax_excl
	totalIncl micro // total_price_tax_incl
}

// discountOut is one applied amount discount (order_cart_rules row).
type discountOut struct {
	incl micro // value
	excl micro // value_tax_excl, rounded to øre
}

// orderTotals are the order's totals as PrestaShop stores them.
type orderTotals struct {
	lines                      []lineOut
	discounts                  []discountOut
	productsExcl, productsIncl micro // total_products, total_products_wt
	discountsExcl              micro // total_discounts_tax_excl
	discountsIncl              micro // total_discounts_tax_incl
	shippingExcl, shippingIncl micro
	paidExcl, paidIncl         micro // total_paid_tax_excl, total_paid_tax_incl
}

// computeTotals computes an order's totals the way PrestaShop's cart
// calculator does (see the package documentation for the steps).
func computeTotals(roundType int, lines []lineIn, discounts []micro, shipIncl micro, shipBP int) orderTotals {
	var t orderTotals
	var sumExcl, sumIncl micro
	for _, in := range lines {
		excl := exclOf(in.unitIncl, in.rateBP) // stored price, 6 decimals
		incl := inclOf(excl, in.rateBP)        // shown price, 6 decimals
		q := micro(in.qty)
		var l lineOut
		l.basePrice = excl
		switch roundType {
		case roundItem:
			l.unitExcl, l.unitIncl = excl.round2(), incl.round2()
			l.totalExcl, l.totalIncl = l.unitExcl*q, l.unitIncl*q
		case roundTotal:
			l.unitExcl, l.unitIncl = excl, incl
			l.totalExcl, l.totalIncl = excl*q, incl*q
		default: // roundLine
			l.unitExcl, l.unitIncl = excl, incl
			l.totalExcl, l.totalIncl = (excl * q).round2(), (incl * q).round2()
		}
		sumExcl += l.totalExcl
		sumIncl += l.totalIncl
		t.lines = append(t.lines, l)
	}
	t.productsExcl, t.productsIncl = sumExcl.round2(), sumIncl.round2()

	// Amount discounts, tax included, applied one by one, each capped at
	// what remains and spread over the lines in proportion to what remains
	// of their tax-included totals; each share loses VAT at its line's rate.
	remain := make([]micro, len(lines))
	var remainSum micro
	for i, l := range t.lines {
		remain[i] = l.totalIncl
		remainSum += l.totalIncl
	}
	var discIncl, discExcl micro
	for _, d := range discounts {
		amt := d
		if amt > remainSum {
			amt = remainSum
		}
		var excl, given micro
		if amt > 0 {
			last := -1
			for i := range remain {
				if remain[i] > 0 {
					last = i
				}
			}
			for i := range remain {
				if remain[i] <= 0 {
					continue
				}
				share := mulDiv(amt, int64(remain[i]), int64(remainSum))
				if i == last {
					share = amt - given
				}
				given += share
				excl += exclOf(share, lines[i].rateBP)
				remain[i] -= share
			}
			remainSum -= amt
		}
		t.discounts = append(t.discounts, discountOut{incl: amt, excl: excl.round2()})
		discIncl += amt
		discExcl += excl
	}
	t.discountsIncl, t.discountsExcl = discIncl.round2(), discExcl.round2()

	// Shipping: the carrier's tax-included price; excl rounded to øre.
	t.shippingIncl = shipIncl
	t.shippingExcl = exclOf(shipIncl, shipBP).round2()

	t.paidIncl = (sumIncl - discIncl + t.shippingIncl).round2()
	t.paidExcl = (sumExcl - discExcl + t.shippingExcl).round2()
	return t
}
