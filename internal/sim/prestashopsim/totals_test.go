package prestashopsim

import "testing"

func mustMicro(t *testing.T, s string) micro {
	t.Helper()
	m, err := parseMicro(s)
	if err != nil {
		t.Fatalf("parseMicro(%q): %v", s, err)
	}
	return m
}

// TestComputeTotals checks the cart calculator against hand-computed
// totals for each round type with mixed VAT, shipping and discounts.
func TestComputeTotals(t *testing.T) {
	t.Parallel()
	mixed := []lineIn{{19900_0000, 2500, 2}, {8990_0000, 1500, 3}}
	cheap := []lineIn{{79_0000, 2500, 250}}
	odd := []lineIn{{999_0000, 1500, 3}, {12000_0000, 1200, 1}}
	tests := []struct {
		name      string
		roundType int
		lines     []lineIn
		discounts []string
		ship      string
		shipBP    int
		// want: products excl/incl, discounts excl/incl, shipping excl, paid excl/incl
		want [7]string
		// wantLineExcl are the line totals excl VAT.
		wantLineExcl []string
	}{
		// 2×199.00@25 %: excl 159.200000. 3×89.90@15 %: excl 78.173913.
		// Discount 50 spread 398.00:269.70 → 29.803804 + 20.196196,
		// excl 23.843043 + 17.561910 = 41.404953.
		{"item mixed VAT discount shipping", roundItem, mixed, []string{"50.00"}, "79.00", 2500,
			[7]string{"552.910000", "667.700000", "41.400000", "50.000000", "63.200000", "574.710000", "696.700000"},
			[]string{"318.400000", "234.510000"}},
		{"line mixed VAT discount shipping", roundLine, mixed, []string{"50.00"}, "79.00", 2500,
			[7]string{"552.920000", "667.700000", "41.400000", "50.000000", "63.200000", "574.720000", "696.700000"},
			[]string{"318.400000", "234.520000"}},
		{"total mixed VAT discount shipping", roundTotal, mixed, []string{"50.00"}, "79.00", 2500,
			[7]string{"552.920000", "667.700000", "41.400000", "50.000000", "63.200000", "574.720000", "696.700000"},
			[]string{"318.400000", "234.521739"}},
		// 250×0.79@25 %: per item VAT 40.00, per line 39.50.
		{"item cheap quantity", roundItem, cheap, nil, "0", 2500,
			[7]string{"157.500000", "197.500000", "0.000000", "0.000000", "0.000000", "157.500000", "197.500000"},
			[]string{"157.500000"}},
		{"line cheap quantity", roundLine, cheap, nil, "0", 2500,
			[7]string{"158.000000", "197.500000", "0.000000", "0.000000", "0.000000", "158.000000", "197.500000"},
			[]string{"158.000000"}},
		// 3×9.99@15 %: excl 8.686957, incl 9.990001; 1×120@12 %: excl 107.142857.
		{"item 15 and 12", roundItem, odd, nil, "0", 2500,
			[7]string{"133.210000", "149.970000", "0.000000", "0.000000", "0.000000", "133.210000", "149.970000"},
			[]string{"26.070000", "107.140000"}},
		{"line 15 and 12", roundLine, odd, nil, "0", 2500,
			[7]string{"133.200000", "149.970000", "0.000000", "0.000000", "0.000000", "133.200000", "149.970000"},
			[]string{"26.060000", "107.140000"}},
		{"total 15 and 12", roundTotal, odd, nil, "0", 2500,
			[7]string{"133.200000", "149.970000", "0.000000", "0.000000", "0.000000", "133.200000", "149.970000"},
			[]string{"26.060871", "107.142857"}},
		// Discounts are capped at what remains: 349@0 % with 300 + 100 off
		// leaves 49 then 0; shipping 49@25 % is not discounted.
		{"capped discounts zero VAT", roundLine, []lineIn{{34900_0000, 0, 1}}, []string{"300.00", "100.00"}, "49.00", 2500,
			[7]string{"349.000000", "349.000000", "349.000000", "349.000000", "39.200000", "39.200000", "49.000000"},
			[]string{"349.000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ds []micro
			for _, d := range tt.discounts {
				ds = append(ds, mustMicro(t, d))
			}
			got := computeTotals(tt.roundType, tt.lines, ds, mustMicro(t, tt.ship), tt.shipBP)
			have := [7]string{got.productsExcl.String(), got.productsIncl.String(), got.discountsExcl.String(),
				got.discountsIncl.String(), got.shippingExcl.String(), got.paidExcl.String(), got.paidIncl.String()}
			if have != tt.want {
				t.Errorf("totals = %v\nwant     %v", have, tt.want)
			}
			for i, w := range tt.wantLineExcl {
				if g := got.lines[i].totalExcl.String(); g != w {
					t.Errorf("line %d excl = %s, want %s", i, g, w)
				}
			}
		})
	}
}
