package domain

import (
	"testing"

	"github.com/bokfor/bokfor/internal/money"
)

func TestParseVATRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want VATRate
		str  string
	}{
		{"25", VAT25, "25%"},
		{"25.000", VAT25, "25%"},
		{"15.000000", VAT15, "15%"},
		{"12", VAT12, "12%"},
		{"0.000", VAT0, "0%"},
		{"12.5", 1250, "12.5%"},
	}
	for _, tt := range tests {
		got, err := ParseVATRate(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseVATRate(%q) = %v (%s), %v; want %v (%s)", tt.in, int(got), got, err, tt.want, tt.str)
		}
	}
	if _, err := ParseVATRate("x"); err == nil {
		t.Error("ParseVATRate(x): want error")
	}
}

func TestVATOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		incl money.Ore
		rate VATRate
		want money.Ore
	}{
		{12500, VAT25, 2500},
		{11500, VAT15, 1500},
		{11200, VAT12, 1200},
		{19900, VAT25, 3980},
		{100, VAT0, 0},
		{-12500, VAT25, -2500},
	}
	for _, tt := range tests {
		if got := VATOf(tt.incl, tt.rate); got != tt.want {
			t.Errorf("VATOf(%v, %v) = %v, want %v", tt.incl, tt.rate, got, tt.want)
		}
	}
}

func TestConversionRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   ConversionRate
		amount money.Ore
		toDef  money.Ore
	}{
		{"1.000000", 1_000_000, 12345, 12345},
		{"1.0", 1_000_000, 100, 100},
		{"0.085000", 85_000, 8500, 100000},
		{"0.0851234", 85_123, 100, 1175},
	}
	for _, tt := range tests {
		got, err := ParseConversionRate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseConversionRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			continue
		}
		if d := got.ToDefault(tt.amount); d != tt.toDef {
			t.Errorf("%s.ToDefault(%v) = %v, want %v", got, tt.amount, d, tt.toDef)
		}
	}
}

func TestRoundingDifference(t *testing.T) {
	t.Parallel()
	o := &Order{
		Lines: []Line{
			{TotalTaxIncl: 33333},
			{TotalTaxIncl: 10001},
		},
		Shipping:  Shipping{TaxIncl: 7900},
		Discounts: []Discount{{TaxIncl: 5000}},
		Totals:    Totals{PaidTaxIncl: 46235},
	}
	if got := o.RoundingDifference(); got != 1 {
		t.Errorf("RoundingDifference = %v, want 0.01", got)
	}
}

func TestCustomerName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    Customer
		want string
	}{
		{Customer{FirstName: "Kari", LastName: "Nordmann"}, "Kari Nordmann"},
		{Customer{FirstName: "Kari", LastName: "Nordmann", Company: "Nordmann AS"}, "Nordmann AS"},
		{Customer{LastName: "Nordmann"}, "Nordmann"},
		{Customer{FirstName: "Kari"}, "Kari"},
	}
	for _, tt := range tests {
		if got := tt.c.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}
