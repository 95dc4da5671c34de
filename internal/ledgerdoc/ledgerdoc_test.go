package ledgerdoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/tenant"
)

var update = flag.Bool("update", false, "rewrite golden files")

func settings(t *testing.T) *tenant.Settings {
	t.Helper()
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	return &tn.Settings
}

// line builds a shop line the way PrestaShop stores it: tax-included unit
// price, tax-excluded total derived at the line's rate.
func line(sku, name string, qty int, unitIncl string, rate domain.VATRate) domain.Line {
	ui := money.MustParse(unitIncl)
	incl := ui * money.Ore(qty)
	excl := incl - domain.VATOf(incl, rate)
	return domain.Line{ID: sku, ProductID: "p-" + sku, SKU: sku, Name: name, Quantity: qty, UnitPriceTaxIncl: ui,
		UnitPriceTaxExcl: money.MulRate(excl, 1, int64(qty)), TaxRate: rate, TotalTaxIncl: incl, TotalTaxExcl: excl}
}

func order(module string, lines []domain.Line, ship string, shipRate domain.VATRate, discounts []domain.Discount, total money.Ore) *domain.Order {
	o := &domain.Order{ID: "1001", Reference: "XKBKNABJK", Currency: "NOK", ConversionRate: domain.RateScale,
		CreatedAt: time.Date(2026, 11, 20, 14, 3, 0, 0, time.UTC), PaymentModule: module, Lines: lines, Discounts: discounts}
	if ship != "" {
		si := money.MustParse(ship)
		o.Shipping = domain.Shipping{Carrier: "Posten", TaxIncl: si, TaxExcl: si - domain.VATOf(si, shipRate), TaxRate: shipRate}
	}
	o.Totals.PaidTaxIncl = total
	return o
}

func TestGoldenDocuments(t *testing.T) {
	t.Parallel()
	s := settings(t)
	long := strings.Repeat("Håndlaget ullteppe i norsk villsau med frynser ", 6)
	tests := []struct {
		name  string
		order *domain.Order
	}{
		{"vipps_single_rate", order("vipps",
			[]domain.Line{line("SKU-1", "Kaffekopp", 2, "199.00", domain.VAT25)}, "79.00", domain.VAT25, nil, money.MustParse("477.00"))},
		{"bankwire_mixed_vat_with_fee", order("ps_wirepayment",
			[]domain.Line{line("MAT-1", "Kaffebønner 1 kg", 3, "249.90", domain.VAT15), line("KOPP-2", "Termokopp", 1, "349.00", domain.VAT25)},
			"99.00", domain.VAT25, nil, money.MustParse("1197.70"))},
		{"discount_spread_over_rates", order("stripe_official",
			[]domain.Line{line("MAT-1", "Kaffebønner 1 kg", 2, "250.00", domain.VAT15), line("KOPP-2", "Termokopp", 1, "500.00", domain.VAT25)},
			"", 0, []domain.Discount{{ID: "1", Name: "HØST10", TaxIncl: money.MustParse("100.00"), TaxExcl: money.MustParse("83.70")}},
			money.MustParse("900.00"))},
		{"odd_quantity_rounding_line", order("vipps",
			[]domain.Line{line("BILL-3", "Kinobillett", 3, "33.33", domain.VAT12)}, "", 0, nil, money.MustParse("100.00"))},
		{"long_name_truncated", order("vipps",
			[]domain.Line{line("TEPPE", long, 1, "1299.00", domain.VAT25)}, "0.00", domain.VAT25, nil, money.MustParse("1299.00"))},
		{"zero_rated_export", order("vipps",
			[]domain.Line{line("BOK-1", "Bok", 1, "300.00", domain.VAT0)}, "50.00", domain.VAT0, nil, money.MustParse("350.00"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := Build("demo", s, tt.order)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, d)
			got, _ := json.MarshalIndent(d, "", "  ")
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("document differs from %s:\n%s", path, got)
			}
		})
	}
}

// checkInvariants holds for every document: the ledger's predicted total
// equals the shop's total (plus any invoice fee) to the øre, line amounts
// are consistent, and descriptions fit.
func checkInvariants(t *testing.T, d *Document) {
	t.Helper()
	var net, vat, gross, fee money.Ore
	for _, l := range d.Lines {
		if l.Net != l.UnitNet*money.Ore(l.Quantity) || l.Gross != l.Net+l.VAT {
			t.Errorf("line %q amounts inconsistent: %+v", l.Description, l)
		}
		if l.Kind != LineRounding && l.VAT != LineVAT(l.Net, l.Rate) {
			t.Errorf("line %q VAT %d, ledger would compute %d", l.Description, l.VAT, LineVAT(l.Net, l.Rate))
		}
		if utf8.RuneCountInString(l.Description) > MaxDescription || len(l.Description) > MaxDescription {
			t.Errorf("description too long: %d runes, %d bytes", utf8.RuneCountInString(l.Description), len(l.Description))
		}
		if l.VATType == "" || l.Account == "" {
			t.Errorf("line %q lacks VAT type or account", l.Description)
		}
		if l.Kind == LineFee {
			fee += l.Gross
		}
		net, vat, gross = net+l.Net, vat+l.VAT, gross+l.Gross
	}
	if net != d.Net || vat != d.VAT || gross != d.Gross {
		t.Errorf("totals %d/%d/%d, lines sum to %d/%d/%d", d.Net, d.VAT, d.Gross, net, vat, gross)
	}
	if d.Gross-fee != d.ShopTotal {
		t.Errorf("ledger total %s − fee %s ≠ shop total %s", d.Gross, fee, d.ShopTotal)
	}
}

func TestBuildRefusesWhatItCannotMap(t *testing.T) {
	t.Parallel()
	s := settings(t)
	tests := []struct {
		name  string
		order *domain.Order
		want  error
	}{
		{"unknown payment module", order("klarna", []domain.Line{line("A", "A", 1, "10.00", domain.VAT25)}, "", 0, nil, 1000), ErrNoPaymentMethod},
		{"unmapped vat rate", order("vipps", []domain.Line{line("A", "A", 1, "10.00", 1111)}, "", 0, nil, 1000), tenant.ErrNoVATRule},
		{"no lines", order("vipps", nil, "", 0, nil, 0), ErrInvalidOrder},
		{"zero quantity", order("vipps", []domain.Line{{Name: "x", Quantity: 0, TaxRate: domain.VAT25}}, "", 0, nil, 0), ErrInvalidOrder},
	}
	for _, tt := range tests {
		if _, err := Build("demo", s, tt.order); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"kort", 10, "kort"},
		{"  trimmed  ", 10, "trimmed"},
		{"ullteppe med frynser", 12, "ullteppe…"},
		{"øøøøøøøøøøøø", 12, "øøøø…"},
		{"ullteppe", 8, "ullteppe"},
		{"日本語の長い商品名です", 12, "日本語…"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q,%d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func FuzzBuildTotalsMatch(f *testing.F) {
	f.Add(int64(19900), 3, int64(7900), int64(5000), uint8(0))
	f.Add(int64(3333), 7, int64(0), int64(0), uint8(2))
	rates := []domain.VATRate{domain.VAT25, domain.VAT15, domain.VAT12, domain.VAT0}
	f.Fuzz(func(t *testing.T, unitIncl int64, qty int, ship int64, disc int64, r uint8) {
		if qty <= 0 || qty > 1000 || unitIncl < 0 || unitIncl > 1e8 || ship < 0 || ship > 1e7 || disc < 0 {
			return
		}
		rate := rates[int(r)%len(rates)]
		l := line("F", "Fuzz", qty, money.Ore(unitIncl).String(), rate)
		other := line("G", "Other", 1, "100.00", domain.VAT25)
		total := l.TotalTaxIncl + other.TotalTaxIncl + money.Ore(ship)
		if disc > int64(total) {
			return
		}
		var ds []domain.Discount
		if disc > 0 {
			ds = []domain.Discount{{Name: "d", TaxIncl: money.Ore(disc)}}
		}
		o := order("vipps", []domain.Line{l, other}, money.Ore(ship).String(), domain.VAT25, ds, total-money.Ore(disc))
		d, err := Build("demo", settings(t), o)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, d)
	})
}
