// Package ledgerdoc builds the ledger document for a shop order — a pure
// function of the order and the tenant's settings, with no I/O — so that
// what is posted can be previewed, golden-tested and reasoned about.
//
// # Money rules
//
// Every line is expressed the way the ledger computes it: an integer
// quantity, a net unit price in øre, and VAT that the ledger computes per
// line as round-half-away-from-zero(net × rate). The builder predicts that
// computation (LineVAT), so it knows the ledger's total before posting.
// Product lines take the shop's tax-excluded line total; shipping and gift
// wrapping their own rate; order-level discounts are spread over the VAT
// rates in proportion to each rate's tax-included product total (the tax
// base) and become one negative line per rate. Whatever difference remains
// between the shop's tax-included total and the ledger's predicted total is
// posted on an explicit rounding line on the tenant's rounding account — the
// document always equals the shop order to the øre, and the difference is
// shown, never dropped.
//
// # Text
//
// Ledger descriptions are limited (Fiken: 200 characters). Longer names are
// cut at a word boundary where possible and end in "…"; they are never
// rejected.
package ledgerdoc

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/tenant"
)

// MaxDescription is the longest line description ledgers accept.
const MaxDescription = 200

// Kind is the kind of ledger document.
type Kind string

const (
	// KindInvoice is an unpaid invoice the ledger sends to the customer.
	KindInvoice Kind = "invoice"
	// KindCashInvoice is an invoice paid at checkout (card, Vipps, Stripe),
	// booked together with its payment to the payment method's account.
	KindCashInvoice Kind = "cash_invoice"
	// KindInvoiceVoucher is a sale whose invoice the shop issued itself
	// (fakturabilag): the ledger records it without creating an invoice.
	KindInvoiceVoucher Kind = "invoice_voucher"
)

// LineKind says what a document line stands for.
type LineKind string

// Line kinds.
const (
	LineProduct  LineKind = "product"
	LineShipping LineKind = "shipping"
	LineWrapping LineKind = "wrapping"
	LineDiscount LineKind = "discount"
	LineFee      LineKind = "fee"
	LineRounding LineKind = "rounding"
)

// RoundingVATType is the VAT type of the rounding line: no VAT.
const RoundingVATType = "NONE"

// Document is a ledger-neutral invoice or invoice voucher for one order.
type Document struct {
	// Kind is invoice, cash invoice or invoice voucher.
	Kind Kind `json:"kind"`
	// Reference is bokfor's unique reference of the order in the ledger
	// (Fiken orderReference / saleNumber, PowerOffice ExternalImportReference).
	Reference string `json:"reference"`
	// ShopReference is the shop's own order reference, printed on the document.
	ShopReference string `json:"shop_reference"`
	// ShopOrderID is the shop's order id.
	ShopOrderID string `json:"shop_order_id"`
	// IssueDate is the document date (the order's date, yyyy-mm-dd).
	IssueDate string `json:"issue_date"`
	// DueDays is the payment term for unpaid invoices.
	DueDays int `json:"due_days"`
	// Currency is the ISO 4217 currency of all amounts.
	Currency string `json:"currency"`
	// ConversionRate is the shop's rate of Currency (scaled by domain.RateScale).
	ConversionRate domain.ConversionRate `json:"conversion_rate"`
	// Lines are the document lines, in order: products, shipping, wrapping,
	// discounts, fee, rounding.
	Lines []Line `json:"lines"`
	// Net, VAT and Gross are the document totals as the ledger will compute them.
	Net   money.Ore `json:"net"`
	VAT   money.Ore `json:"vat"`
	Gross money.Ore `json:"gross"`
	// ShopTotal is the shop's tax-included total (Gross − fee lines).
	ShopTotal money.Ore `json:"shop_total"`
	// Rounding is the amount on the rounding line (0 when none).
	Rounding money.Ore `json:"rounding"`
	// PerRate sums the lines by VAT rate.
	PerRate []RateTotal `json:"per_rate"`
	// PaymentModule is the shop's payment module.
	PaymentModule string `json:"payment_module"`
	// PaymentAccount is where a cash invoice's money went.
	PaymentAccount string `json:"payment_account,omitempty"`
	// SendMethod is how the ledger sends an unpaid invoice.
	SendMethod string `json:"send_method,omitempty"`
	// Payment, when set, is posted against the invoice once it exists.
	Payment *Payment `json:"payment,omitempty"`
}

// Payment is a shop payment posted against the invoice's receivable.
type Payment struct {
	// Date is the payment date (yyyy-mm-dd).
	Date string `json:"date"`
	// Account is the payment method's clearing account.
	Account string `json:"account"`
	// Amount is what the customer paid; Fee what the provider kept.
	Amount money.Ore `json:"amount"`
	Fee    money.Ore `json:"fee"`
}

// Line is one document line.
type Line struct {
	Kind LineKind `json:"kind"`
	// ShopProductID and SKU identify the shop product of a product line.
	ShopProductID string `json:"shop_product_id,omitempty"`
	ShopVariantID string `json:"shop_variant_id,omitempty"`
	SKU           string `json:"sku,omitempty"`
	// Description is the printed text, at most MaxDescription characters.
	Description string `json:"description"`
	// Quantity is the number of units.
	Quantity int `json:"quantity"`
	// UnitNet is the net price per unit in øre.
	UnitNet money.Ore `json:"unit_net"`
	// Net = UnitNet × Quantity; VAT = LineVAT(Net, Rate); Gross = Net + VAT.
	Net   money.Ore `json:"net"`
	VAT   money.Ore `json:"vat"`
	Gross money.Ore `json:"gross"`
	// Rate is the VAT rate; VATType and Account its ledger mapping.
	Rate    domain.VATRate `json:"rate"`
	VATType string         `json:"vat_type"`
	Account string         `json:"account"`
}

// RateTotal is the sum of the lines at one VAT rate.
type RateTotal struct {
	Rate  domain.VATRate `json:"rate"`
	Net   money.Ore      `json:"net"`
	VAT   money.Ore      `json:"vat"`
	Gross money.Ore      `json:"gross"`
}

// ErrNoPaymentMethod means the tenant does not configure the order's
// payment module.
var ErrNoPaymentMethod = errors.New("no payment method configured for the order's payment module")

// ErrInvalidOrder means the order cannot be booked as it stands.
var ErrInvalidOrder = errors.New("order cannot be booked")

// Reference returns bokfor's ledger reference of a shop order.
func Reference(tenantID, shopOrderID string) string {
	return "bokfor-" + tenantID + "-" + shopOrderID
}

// LineVAT is the VAT a ledger computes for a line's net amount:
// net × rate, rounded half away from zero.
func LineVAT(net money.Ore, rate domain.VATRate) money.Ore {
	return money.MulRate(net, int64(rate), 10000)
}

// Build turns a shop order into the document to post for tenant t.
func Build(tenantID string, s *tenant.Settings, o *domain.Order) (*Document, error) {
	pm, ok := s.PaymentMethodFor(o.PaymentModule)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoPaymentMethod, o.PaymentModule)
	}
	if len(o.Lines) == 0 {
		return nil, fmt.Errorf("%w: it has no lines", ErrInvalidOrder)
	}
	if o.Currency == "" {
		return nil, fmt.Errorf("%w: it has no currency", ErrInvalidOrder)
	}
	if !knownCurrency(o.Currency) {
		return nil, fmt.Errorf("%w: currency %q is not an ISO 4217 code", ErrInvalidOrder, o.Currency)
	}
	if err := checkRanges(o); err != nil {
		return nil, err
	}
	d := &Document{
		Reference:      Reference(tenantID, o.ID),
		ShopReference:  o.Reference,
		ShopOrderID:    o.ID,
		IssueDate:      dateOf(o.CreatedAt),
		Currency:       o.Currency,
		ConversionRate: o.ConversionRate,
		PaymentModule:  o.PaymentModule,
		ShopTotal:      o.Totals.PaidTaxIncl,
	}
	switch {
	case pm.SelfInvoiced:
		d.Kind = KindInvoiceVoucher
		d.DueDays = pm.DueDays
	case pm.PaidAtCheckout:
		d.Kind = KindCashInvoice
		d.PaymentAccount = pm.Account
	case pm.PostPayment:
		d.Kind = KindInvoice
		d.DueDays = pm.DueDays
	default:
		d.Kind = KindInvoice
		d.DueDays = pm.DueDays
		d.SendMethod = pm.SendMethod
	}
	b := builder{s: s, d: d}

	// Products, with each rate's tax-included total as the discount base.
	base := map[domain.VATRate]money.Ore{}
	var rates []domain.VATRate
	for _, l := range o.Lines {
		if l.Quantity <= 0 {
			return nil, fmt.Errorf("%w: line %q has quantity %d", ErrInvalidOrder, l.Name, l.Quantity)
		}
		if _, err := s.VATRuleFor(int64(l.TaxRate)); err != nil {
			return nil, err
		}
		// The shop's own VAT on the line must be the line's rate: a tax
		// missing from the shop's answer would otherwise book the line at
		// 0 % and hide its VAT in the rounding line.
		if shopVAT, ours := l.TotalTaxIncl-l.TotalTaxExcl, LineVAT(l.TotalTaxExcl, l.TaxRate); absOre(shopVAT-ours) > money.Ore(l.Quantity)+1 {
			return nil, fmt.Errorf("%w: line %q has VAT %s in the shop, not %s of %s (%s); is a tax missing on the line?",
				ErrInvalidOrder, l.Name, shopVAT, l.TaxRate, l.TotalTaxExcl, ours)
		}
		if _, seen := base[l.TaxRate]; !seen {
			rates = append(rates, l.TaxRate)
		}
		base[l.TaxRate] += l.TotalTaxIncl
		// The ledger computes net = unit price × quantity. When the shop's
		// net does not divide by the quantity, the last unit goes on a line
		// of its own with the remainder, so the net is exact.
		pl := Line{Kind: LineProduct, ShopProductID: l.ProductID, ShopVariantID: l.VariantID, SKU: l.SKU,
			Description: l.Name, Quantity: l.Quantity, UnitNet: l.TotalTaxExcl / money.Ore(l.Quantity), Rate: l.TaxRate}
		if rest := l.TotalTaxExcl - pl.UnitNet*money.Ore(l.Quantity); rest != 0 {
			pl.Quantity--
			if err := b.add(pl); err != nil {
				return nil, err
			}
			pl.Quantity, pl.UnitNet = 1, pl.UnitNet+rest
		}
		if err := b.add(pl); err != nil {
			return nil, err
		}
	}
	if o.Shipping.TaxIncl != 0 || o.Shipping.TaxExcl != 0 {
		name := "Frakt"
		if o.Shipping.Carrier != "" {
			name = "Frakt: " + o.Shipping.Carrier
		}
		if err := b.add(Line{Kind: LineShipping, Description: name, Quantity: 1, UnitNet: o.Shipping.TaxExcl, Rate: o.Shipping.TaxRate}); err != nil {
			return nil, err
		}
	}
	if o.WrappingTaxIncl != 0 {
		rate := rateOf(o.WrappingTaxExcl, o.WrappingTaxIncl)
		if err := b.add(Line{Kind: LineWrapping, Description: "Gaveinnpakning", Quantity: 1, UnitNet: o.WrappingTaxExcl, Rate: rate}); err != nil {
			return nil, err
		}
	}
	// Discounts: spread the tax-included total over the rates by tax base.
	var discountIncl money.Ore
	var names []string
	for _, disc := range o.Discounts {
		discountIncl += disc.TaxIncl
		names = append(names, disc.Name)
	}
	if discountIncl != 0 {
		weights := make([]money.Ore, len(rates))
		for i, r := range rates {
			weights[i] = max(base[r], 0)
		}
		parts := allocate(discountIncl, weights)
		label := "Rabatt"
		if len(names) > 0 {
			label = "Rabatt: " + strings.Join(names, ", ")
		}
		for i, r := range rates {
			if parts[i] == 0 {
				continue
			}
			gross := -parts[i]
			net := gross - domain.VATOf(gross, r)
			desc := label
			if len(rates) > 1 {
				desc = fmt.Sprintf("%s (%s MVA)", label, r)
			}
			if err := b.add(Line{Kind: LineDiscount, Description: desc, Quantity: 1, UnitNet: net, Rate: r}); err != nil {
				return nil, err
			}
		}
	}
	// Rounding: whatever the ledger's lines miss of the shop's total. More
	// than rounding can explain means the shop's totals do not add up.
	if diff, limit := o.Totals.PaidTaxIncl-d.Gross, maxRounding(d.Lines); absOre(diff) > limit {
		return nil, fmt.Errorf("%w: the shop's total %s differs from the sum of its lines %s by %s, more than rounding explains (%s)",
			ErrInvalidOrder, o.Totals.PaidTaxIncl, d.Gross, diff, limit)
	}
	if diff := o.Totals.PaidTaxIncl - d.Gross; diff != 0 {
		d.Rounding = diff
		d.Lines = append(d.Lines, Line{Kind: LineRounding, Description: "Øreavrunding", Quantity: 1, UnitNet: diff,
			Net: diff, Gross: diff, VATType: RoundingVATType, Account: s.RoundingAccount})
		d.Net += diff
		d.Gross += diff
	}
	if pm.PostPayment {
		p, err := payment(pm, d, o)
		if err != nil {
			return nil, err
		}
		d.Payment = p
	}
	// The invoice fee is added on top of the shop's total.
	if d.Kind == KindInvoice && !pm.PostPayment && pm.InvoiceFee != "" {
		fee, err := money.Parse(pm.InvoiceFee)
		if err != nil {
			return nil, fmt.Errorf("invoice fee %q: %w", pm.InvoiceFee, err)
		}
		if fee != 0 {
			net := fee - domain.VATOf(fee, domain.VAT25)
			if err := b.add(Line{Kind: LineFee, Description: "Fakturagebyr", Quantity: 1, UnitNet: net, Rate: domain.VAT25}); err != nil {
				return nil, err
			}
		}
	}
	d.PerRate = perRate(d.Lines)
	return d, nil
}

// MaxAmount bounds every amount of an order (10 billion in the order's
// currency), and MaxQuantity every line's quantity, so that no sum or VAT
// computation can overflow.
const (
	MaxAmount   money.Ore = 1_000_000_000_000
	MaxQuantity int       = 1_000_000
)

// checkRanges refuses an order with an amount or quantity no shop order
// has: beyond them the arithmetic could overflow.
func checkRanges(o *domain.Order) error {
	amounts := []money.Ore{o.Totals.PaidTaxIncl, o.Shipping.TaxIncl, o.Shipping.TaxExcl, o.WrappingTaxIncl, o.WrappingTaxExcl}
	for _, l := range o.Lines {
		if l.Quantity > MaxQuantity {
			return fmt.Errorf("%w: line %q has quantity %d, over %d", ErrInvalidOrder, l.Name, l.Quantity, MaxQuantity)
		}
		amounts = append(amounts, l.TotalTaxIncl, l.TotalTaxExcl)
	}
	for _, disc := range o.Discounts {
		amounts = append(amounts, disc.TaxIncl)
	}
	// The sum of all amounts is bounded, so every sum of them is too.
	var sum money.Ore
	for _, a := range amounts {
		if a > MaxAmount || a < -MaxAmount {
			return fmt.Errorf("%w: amount %s is out of range", ErrInvalidOrder, a)
		}
		if sum += absOre(a); sum > MaxAmount {
			return fmt.Errorf("%w: its amounts add up to more than %s", ErrInvalidOrder, MaxAmount)
		}
	}
	return nil
}

// allocate is money.Allocate with the weights halved until total × their
// sum cannot overflow, which only orders near MaxAmount need (their split
// is then proportional to within a few øre, and still sums to total).
func allocate(total money.Ore, weights []money.Ore) []money.Ore {
	ws := slices.Clone(weights)
	for {
		var sum uint64
		for _, w := range ws {
			sum += uint64(w)
		}
		hi, lo := bits.Mul64(uint64(absOre(total)), sum)
		if hi == 0 && lo < 1<<62 {
			return money.Allocate(total, ws)
		}
		for i, w := range ws {
			if w > 0 {
				ws[i] = max(w/2, 1)
			}
		}
	}
}

// maxRounding is the largest difference between the shop's total and the
// document's lines that rounding explains: the shop may round VAT per unit
// where the ledger rounds per line (half an øre per unit), and each line
// and rate by one øre more; at least one krone.
func maxRounding(lines []Line) money.Ore {
	limit := money.Ore(100)
	for _, l := range lines {
		limit += money.Ore(l.Quantity) + 1
	}
	return limit
}

// isoCurrencies are the active ISO 4217 currency codes.
const isoCurrencies = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
	"CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD " +
	"HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD " +
	"MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG " +
	"QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD " +
	"TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"

// knownCurrency reports whether code is an active ISO 4217 code.
func knownCurrency(code string) bool {
	return len(code) == 3 && strings.Contains(" "+isoCurrencies+" ", " "+code+" ")
}

// payment is the shop payment to post: the order's total, paid on the
// order date, less the provider's fee (percent of the amount plus a fixed
// part, rounded half away from zero).
func payment(pm tenant.PaymentMethod, d *Document, o *domain.Order) (*Payment, error) {
	p := &Payment{Date: d.IssueDate, Account: pm.Account, Amount: d.Gross}
	if len(o.Payments) > 0 && !o.Payments[0].CreatedAt.IsZero() {
		p.Date = dateOf(o.Payments[0].CreatedAt)
	}
	if pm.FeePercent != "" {
		bp, err := money.ParseUnits(pm.FeePercent, 2)
		if err != nil {
			return nil, fmt.Errorf("fee_percent %q: %w", pm.FeePercent, err)
		}
		p.Fee += money.MulRate(p.Amount, bp, 10000)
	}
	if pm.FeeFixed != "" {
		f, err := money.Parse(pm.FeeFixed)
		if err != nil {
			return nil, fmt.Errorf("fee_fixed %q: %w", pm.FeeFixed, err)
		}
		p.Fee += f
	}
	return p, nil
}

type builder struct {
	s *tenant.Settings
	d *Document
}

// add completes a line's amounts and ledger mapping and appends it.
func (b *builder) add(l Line) error {
	rule, err := b.s.VATRuleFor(int64(l.Rate))
	if err != nil {
		return err
	}
	l.VATType, l.Account = rule.VATType, rule.IncomeAccount
	l.Description = Truncate(l.Description, MaxDescription)
	l.Net = l.UnitNet * money.Ore(l.Quantity)
	l.VAT = LineVAT(l.Net, l.Rate)
	l.Gross = l.Net + l.VAT
	b.d.Lines = append(b.d.Lines, l)
	b.d.Net += l.Net
	b.d.VAT += l.VAT
	b.d.Gross += l.Gross
	return nil
}

// rateOf infers a VAT rate from a tax-excluded and tax-included amount,
// snapped to the nearest Norwegian rate.
func rateOf(excl, incl money.Ore) domain.VATRate {
	if excl == 0 {
		return domain.VAT0
	}
	bp := money.MulRate(incl-excl, 10000, int64(excl))
	best := domain.VAT25
	for _, r := range []domain.VATRate{domain.VAT25, domain.VAT15, domain.VAT12, domain.VAT0} {
		if absOre(money.Ore(r)-bp) < absOre(money.Ore(best)-bp) {
			best = r
		}
	}
	return best
}

func absOre(o money.Ore) money.Ore {
	if o < 0 {
		return -o
	}
	return o
}

func perRate(lines []Line) []RateTotal {
	var out []RateTotal
	idx := map[domain.VATRate]int{}
	for _, l := range lines {
		if l.Kind == LineRounding {
			continue
		}
		i, ok := idx[l.Rate]
		if !ok {
			i = len(out)
			idx[l.Rate] = i
			out = append(out, RateTotal{Rate: l.Rate})
		}
		out[i].Net += l.Net
		out[i].VAT += l.VAT
		out[i].Gross += l.Gross
	}
	return out
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Truncate shortens s to at most n characters and n bytes of UTF-8 (the
// ledgers' limits are not clear on which they count), cutting at the last
// space in the final fifth where there is one, and ending in "…".
func Truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n && len(s) <= n {
		return s
	}
	const ellipsis = "…"
	var r []rune
	size := len(ellipsis)
	for _, c := range s {
		if len(r)+1 > n-1 || size+utf8.RuneLen(c) > n {
			break
		}
		r = append(r, c)
		size += utf8.RuneLen(c)
	}
	cut := len(r)
	for i := len(r) - 1; i >= len(r)*4/5; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,.;:-") + ellipsis
}
