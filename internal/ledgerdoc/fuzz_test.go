package ledgerdoc

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/tenant"
)

// FuzzBuild builds documents from orders with fuzzed numbers: Build either
// refuses with one of its errors, or returns a document whose lines sum to
// its totals, each line being quantity × unit price with the ledger's VAT,
// and whose total is the shop's (plus the invoice fee).
func FuzzBuild(f *testing.F) {
	f.Add(2, int64(31840), int64(39800), 0, int64(7900), int64(0), int64(47700), 0, "Kaffekopp")
	f.Add(3, int64(8929), int64(10000), 2, int64(0), int64(0), int64(10000), 0, "Kinobillett")
	f.Add(1, int64(40000), int64(50000), 0, int64(0), int64(10000), int64(40000), 1, "x")
	f.Add(-1, int64(100), int64(125), 0, int64(0), int64(0), int64(125), 2, "")
	f.Add(1, int64(1<<62), int64(1<<62), 3, int64(-1<<62), int64(1<<62), int64(1<<62), 0, "\xff")
	f.Add(1000000, int64(1), int64(1), 3, int64(0), int64(0), int64(1), 0, "Skrue")
	f.Add(7, int64(-700), int64(-875), 0, int64(0), int64(0), int64(-875), 1, "retur")
	f.Add(1, int64(10000), int64(10000), 0, int64(0), int64(0), int64(10000), 0, "tax missing")
	f.Fuzz(func(t *testing.T, qty int, excl, incl int64, rateIdx int, ship, discount, total int64, module int, name string) {
		tn, err := tenant.Parse(tenant.ExampleYAML())
		if err != nil {
			t.Fatal(err)
		}
		rates := []domain.VATRate{domain.VAT25, domain.VAT15, domain.VAT12, domain.VAT0, 1111}
		rate := rates[(rateIdx%len(rates)+len(rates))%len(rates)]
		modules := []string{"vipps", "stripe_official", "ps_wirepayment", "klarna"}
		o := &domain.Order{ID: "1", Currency: "NOK", ConversionRate: domain.RateScale, PaymentModule: modules[(module%4+4)%4],
			Lines:    []domain.Line{{Name: name, Quantity: qty, TaxRate: rate, TotalTaxExcl: money.Ore(excl), TotalTaxIncl: money.Ore(incl)}},
			Shipping: domain.Shipping{TaxIncl: money.Ore(ship), TaxExcl: money.Ore(ship) - domain.VATOf(money.Ore(ship), domain.VAT25), TaxRate: domain.VAT25}}
		if discount != 0 {
			o.Discounts = []domain.Discount{{Name: "rabatt", TaxIncl: money.Ore(discount)}}
		}
		o.Totals.PaidTaxIncl = money.Ore(total)
		d, err := Build("demo", &tn.Settings, o)
		if err != nil {
			if !errors.Is(err, ErrInvalidOrder) && !errors.Is(err, ErrNoPaymentMethod) && !errors.Is(err, tenant.ErrNoVATRule) {
				t.Fatalf("unexpected kind of error: %v", err)
			}
			return
		}
		var net, vat, gross, fee money.Ore
		for _, l := range d.Lines {
			if l.Quantity <= 0 || l.Net != l.UnitNet*money.Ore(l.Quantity) || l.Gross != l.Net+l.VAT {
				t.Fatalf("inconsistent line %+v", l)
			}
			if l.Kind != LineRounding && l.VAT != LineVAT(l.Net, l.Rate) {
				t.Fatalf("line VAT %s is not the ledger's %s: %+v", l.VAT, LineVAT(l.Net, l.Rate), l)
			}
			if utf8.RuneCountInString(l.Description) > MaxDescription || len(l.Description) > MaxDescription {
				t.Fatalf("description too long: %q", l.Description)
			}
			if l.Kind == LineFee {
				fee += l.Gross
			}
			net, vat, gross = net+l.Net, vat+l.VAT, gross+l.Gross
		}
		if net != d.Net || vat != d.VAT || gross != d.Gross {
			t.Fatalf("lines sum to %s/%s/%s, document says %s/%s/%s", net, vat, gross, d.Net, d.VAT, d.Gross)
		}
		if d.Gross-fee != o.Totals.PaidTaxIncl {
			t.Fatalf("document total %s (fee %s) is not the shop's %s", d.Gross, fee, o.Totals.PaidTaxIncl)
		}
		if d.Rounding < -maxRounding(d.Lines) || d.Rounding > maxRounding(d.Lines) {
			t.Fatalf("rounding %s beyond what rounding explains", d.Rounding)
		}
	})
}
