package ledgerdoc

import (
	"testing"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/tenant"
)

// benchSettings is the example tenant's settings, parsed once per benchmark.
func benchSettings(b *testing.B) *tenant.Settings {
	b.Helper()
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		b.Fatal(err)
	}
	return &tn.Settings
}

// BenchmarkBuild measures the pure ledger-document builder on the order
// shapes of the golden tests: one line, mixed VAT with an invoice fee, a
// discount spread over rates, and a 40-line order.
func BenchmarkBuild(b *testing.B) {
	s := benchSettings(b)
	many := make([]domain.Line, 0, 40)
	var total money.Ore
	for i := range 40 {
		rate := domain.VAT25
		if i%3 == 0 {
			rate = domain.VAT15
		}
		l := line("SKU-"+string(rune('A'+i%26))+string(rune('0'+i/26)), "Vare", 1+i%4, "123.45", rate)
		many = append(many, l)
		total += l.TotalTaxIncl
	}
	cases := []struct {
		name  string
		order *domain.Order
	}{
		{"vipps_one_line", order("vipps",
			[]domain.Line{line("SKU-1", "Kaffekopp", 2, "199.00", domain.VAT25)}, "79.00", domain.VAT25, nil, money.MustParse("477.00"))},
		{"bankwire_mixed_vat_fee", order("ps_wirepayment",
			[]domain.Line{line("MAT-1", "Kaffebønner 1 kg", 3, "249.90", domain.VAT15), line("KOPP-2", "Termokopp", 1, "349.00", domain.VAT25)},
			"99.00", domain.VAT25, nil, money.MustParse("1197.70"))},
		{"stripe_discount_over_rates", order("stripe_official",
			[]domain.Line{line("MAT-1", "Kaffebønner 1 kg", 2, "250.00", domain.VAT15), line("KOPP-2", "Termokopp", 1, "500.00", domain.VAT25)},
			"", 0, []domain.Discount{{ID: "1", Name: "HØST10", TaxIncl: money.MustParse("100.00"), TaxExcl: money.MustParse("83.70")}},
			money.MustParse("900.00"))},
		{"vipps_40_lines", order("vipps", many, "", 0, nil, total)},
	}
	for _, c := range cases {
		if _, err := Build("demo", s, c.order); err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build("demo", s, c.order); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
