package money

import "testing"

// BenchmarkParse measures decimal parsing of the shapes shops send:
// PrestaShop's six decimals, plain two decimals, a comma separator and a
// negative amount.
func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"1234.560000", "199.00", "249,90", "-83.700000", "1"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkString measures formatting øre back to a decimal string.
func BenchmarkString(b *testing.B) {
	b.ReportAllocs()
	o := MustParse("-1234.56")
	for b.Loop() {
		_ = o.String()
	}
}

// BenchmarkAllocate measures spreading a discount over four VAT bases.
func BenchmarkAllocate(b *testing.B) {
	b.ReportAllocs()
	w := []Ore{123456, 7890, 45600, 1}
	for b.Loop() {
		_ = Allocate(10001, w)
	}
}
