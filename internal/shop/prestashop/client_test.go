package prestashop_test

import (
	"fmt"
	"testing"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

func TestOrderMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	o, err := e.c.Order(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", o.ID, fmt.Sprint(p.ID)},
		{"reference", o.Reference, p.Reference},
		{"state", o.StateID, "2"},
		{"valid", o.Valid, true},
		{"currency", o.Currency, "NOK"},
		{"rate", o.ConversionRate, domain.ConversionRate(1_000_000)},
		{"payment", o.PaymentMethod, "Vipps"},
		{"module", o.PaymentModule, "vipps"},
		{"round type", o.RoundType, domain.RoundPerLine},
		{"customer email", o.Customer.Email, "ola@example.no"},
		{"customer org", o.Customer.OrgNumber, "987654321"},
		{"customer company", o.Customer.Name(), "Ola AS"},
		{"billing city", o.Billing.City, "Trondheim"},
		{"billing country", o.Billing.Country, "NO"},
		{"billing vat", o.Billing.VATNumber, "NO987654321MVA"},
		{"delivery = billing id", o.Delivery.ID, o.Billing.ID},
		{"lines", len(o.Lines), 2},
		{"line 1 sku", o.Lines[0].SKU, "SKU-1"},
		{"line 1 rate", o.Lines[0].TaxRate, domain.VAT25},
		{"line 1 qty", o.Lines[0].Quantity, 2},
		{"line 1 unit incl", o.Lines[0].UnitPriceTaxIncl, money.MustParse("199.00")},
		{"line 1 unit excl", o.Lines[0].UnitPriceTaxExcl, money.MustParse("159.20")},
		{"line 1 total excl", o.Lines[0].TotalTaxExcl, money.MustParse("318.40")},
		{"line 2 rate", o.Lines[1].TaxRate, domain.VAT15},
		{"line 2 tax name", o.Lines[1].TaxName, "MVA 15%"},
		{"line 2 total excl", o.Lines[1].TotalTaxExcl, money.MustParse("234.52")},
		{"line 2 total incl", o.Lines[1].TotalTaxIncl, money.MustParse("269.70")},
		{"shipping carrier", o.Shipping.Carrier, "Posten"},
		{"shipping incl", o.Shipping.TaxIncl, money.MustParse("79.00")},
		{"shipping excl", o.Shipping.TaxExcl, money.MustParse("63.20")},
		{"shipping rate", o.Shipping.TaxRate, domain.VAT25},
		{"discounts", len(o.Discounts), 1},
		{"discount name", o.Discounts[0].Name, "Velkommen"},
		{"discount incl", o.Discounts[0].TaxIncl, money.MustParse("50.00")},
		{"discount excl", o.Discounts[0].TaxExcl, money.MustParse("41.40")},
		{"paid incl", o.Totals.PaidTaxIncl, money.MustParse("696.70")},
		{"paid excl", o.Totals.PaidTaxExcl, money.MustParse("574.72")},
		{"paid real", o.Totals.PaidReal, money.MustParse("696.70")},
		{"payments", len(o.Payments), 1},
		{"payment amount", o.Payments[0].Amount, money.MustParse("696.70")},
		{"payment currency", o.Payments[0].Currency, "NOK"},
		{"payment reference", o.Payments[0].OrderReference, p.Reference},
		{"rounding difference", o.RoundingDifference(), money.Ore(0)},
		{"invoice number", o.InvoiceNumber != "", true},
		{"refunds", len(o.Refunds), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	// A known e-mail reuses the customer; the unknown SKU-1 now exists.
	p2 := e.place(t, fmt.Sprintf(mixedOrder, 2))
	o2, err := e.c.Order(ctx(t), p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o2.Customer.ID != o.Customer.ID {
		t.Errorf("second order customer %s, want reused %s", o2.Customer.ID, o.Customer.ID)
	}
	ids, err := e.c.ProductIDsByReference(ctx(t), "SKU-1")
	if err != nil || len(ids) != 1 {
		t.Errorf("SKU-1 products = %v, %v; want one created from the line", ids, err)
	}
	same, err := e.c.OrderIDsByReference(ctx(t), p.Reference)
	if err != nil || len(same) != 1 || same[0] != p.ID {
		t.Errorf("OrderIDsByReference = %v, %v", same, err)
	}
}

// TestRounding places the same orders with each round_type and checks the
// totals the client reads, to the øre, against hand-computed values.
func TestRounding(t *testing.T) {
	t.Parallel()
	// 3×9.99 @15 %: stored excl 8.686957, shown incl 9.990001;
	// 1×120 @12 %: excl 107.142857; 250×0.79 @25 %: excl 0.632000;
	// 1×349 @0 %; shipping 49 @25 % → excl 39.20; discount 100 spread
	// over the lines by their tax-included totals.
	const order = `{"customer":{"email":"r%d@example.no","firstname":"R","lastname":"T"},
	  "address":{"address1":"Gate 1","postcode":"0150","city":"Oslo","country":"NO"},
	  "payment":"Kort","module":"stripe","state":2,"round_type":%d,
	  "lines":[{"reference":"SKU-ODD","name":"Odd","quantity":3,"unit_price_tax_incl":"9.99","tax_rate":"15"},
	           {"reference":"SKU-KINO","quantity":1,"unit_price_tax_incl":"120.00","tax_rate":"12"},
	           {"reference":"SKU-KOPP","quantity":250,"unit_price_tax_incl":"0.79","tax_rate":"25"},
	           {"reference":"SKU-BOK","quantity":1,"unit_price_tax_incl":"349.00","tax_rate":"0"}],
	  "shipping":{"price_tax_incl":"49.00","tax_rate":"25"},
	  "discounts":[{"name":"Hundrelapp","value_tax_incl":"100.00"}]}`
	tests := []struct {
		roundType int
		// lines excl in øre, then products excl, discount excl, paid excl, paid incl
		lineExcl              [4]string
		products, disc, paidX string
		paidI                 string
	}{
		// Per item: 3×8.69, 107.14, 250×0.63, 349.00.
		// Discount shares of 100 by incl totals 29.97:120:197.5:349 (696.47):
		// 4.303129 + 17.229744 + 28.357287 + 50.109840 (the remainder),
		// excl 91.921221 in all; paid excl round2(639.71 − 91.921221 + 39.20).
		{1, [4]string{"26.07", "107.14", "157.50", "349.00"}, "639.71", "91.92", "586.99", "645.47"},
		// Per line: round2(26.060871), 107.14, 158.00, 349.00.
		{2, [4]string{"26.06", "107.14", "158.00", "349.00"}, "640.20", "91.92", "587.48", "645.47"},
		// Per total: lines at six decimals (26.060871 + 107.142857 + 158 +
		// 349 = 640.203728); paid excl round2(640.203728 − 91.921221 + 39.20) = 587.48.
		{3, [4]string{"26.06", "107.14", "158.00", "349.00"}, "640.20", "91.92", "587.48", "645.47"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("round_type_%d", tt.roundType), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
			p := e.place(t, fmt.Sprintf(order, tt.roundType, tt.roundType))
			o, err := e.c.Order(ctx(t), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.lineExcl {
				if got := o.Lines[i].TotalTaxExcl; got != money.MustParse(w) {
					t.Errorf("line %d excl = %v, want %s", i, got, w)
				}
			}
			got := [4]money.Ore{o.Totals.ProductsTaxExcl, o.Totals.DiscountsTaxExcl, o.Totals.PaidTaxExcl, o.Totals.PaidTaxIncl}
			want := [4]money.Ore{money.MustParse(tt.products), money.MustParse(tt.disc), money.MustParse(tt.paidX), money.MustParse(tt.paidI)}
			if got != want {
				t.Errorf("products/discount/paid excl/paid incl = %v, want %v", got, want)
			}
			if o.Totals.ProductsTaxIncl != money.MustParse("696.47") {
				t.Errorf("products incl = %v, want 696.47", o.Totals.ProductsTaxIncl)
			}
			if d := o.RoundingDifference(); d != 0 {
				t.Errorf("rounding difference = %v, want 0", d)
			}
		})
	}
}
