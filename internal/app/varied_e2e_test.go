package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

type buyer struct {
	email, first, last, company, siret string
	guest                              bool
}

var buyers = []buyer{
	{"kari@example.no", "Kari", "Nordmann", "", "", false},
	{"ola@example.no", "Ola", "Hansen", "Hansen Rør AS", "NO 987 654 321 MVA", false},
	{"oyvind@example.no", "Øyvind", "Ærlig-Åsen", "", "", false},
	{"lukasz@example.pl", "Łukasz", "Żółć", "", "", false},
	{"wang@example.cn", "小明", "王", "", "", false},
	{"gjest@example.no", "Gjest", "Gjestesen", "", "", true},
	{"bedrift@example.no", "Berit", "Berg", strings.Repeat("Langt Firmanavn Med Mange Ord ", 9), "912345678", false},
	{"gjest2@example.no", "Gunn", "Gjest", "", "", true},
}

type sku struct {
	ref, name, price, rate string
}

var catalogue = []sku{
	{"KOPP-1", "Kaffekopp", "199.00", "25"},
	{"MAT-1", "Kaffebønner 1 kg", "249.90", "15"},
	{"MAT-2", "Te 200 g", "89.50", "15"},
	{"BILL-1", "Kinobillett", "133.33", "12"},
	{"BOK-1", "Bok om kaffe", "349.00", "0"},
	{"KANNE-1", "Kaffekanne 1,5 l", "549.00", "25"},
	{"TEPPE-1", strings.Repeat("Håndlaget ullteppe i norsk villsau ", 8), "1299.00", "25"},
	{"JP-1", "日本茶セット", "420.00", "15"},
	{"FILTER-1", "Kaffefilter 100 stk", "39.90", "25"},
	{"BUSS-1", "Bussbillett", "45.00", "12"},
	{"AVIS-1", "Avis", "30.00", "0"},
	{"KVERN-1", "Kaffekvern", "899.00", "25"},
}

var modules = []string{"vipps", "stripe_official", "ps_wirepayment", "ps_selfinvoice"}

func variedOrder(r *rand.Rand, i int) prestashopsim.PlaceOrder {
	var in prestashopsim.PlaceOrder
	b := buyers[i%len(buyers)]
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = b.email, b.first, b.last
	in.Customer.Company, in.Customer.Siret, in.Customer.Guest = b.company, b.siret, b.guest
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata "+strconv.Itoa(i), "0155", "Oslo", "NO"
	in.Module = modules[i%len(modules)]
	in.Payment = in.Module
	in.State = 2
	in.Currency = "NOK"
	if i%9 == 4 {
		in.Currency, in.ConversionRate = "EUR", "0.085000"
	}
	n := 1 + r.IntN(4)
	if i == 7 {
		n = 150
	}
	for j := range n {
		s := catalogue[(i+j*5)%len(catalogue)]
		in.Lines = append(in.Lines, prestashopsim.PlaceOrderLine{Reference: s.ref, Name: s.name, Quantity: 1 + r.IntN(4), UnitPriceTaxIncl: s.price, TaxRate: s.rate})
	}
	if i%3 != 0 {
		in.Shipping = &struct {
			PriceTaxIncl string `json:"price_tax_incl"`
			TaxRate      string `json:"tax_rate"`
			Carrier      int    `json:"carrier"`
		}{PriceTaxIncl: "79.00", TaxRate: "25"}
	}
	if i%4 == 1 {
		in.Discounts = append(in.Discounts, struct {
			Name         string `json:"name"`
			ValueTaxIncl string `json:"value_tax_incl"`
		}{Name: "HØST" + strconv.Itoa(i), ValueTaxIncl: "50.00"})
	}
	in.RoundType = 1 + i%3
	return in
}

// TestVariedOrdersEndToEnd places 36 varied orders — mixed VAT, discounts,
// free and paid shipping, EUR, guests, companies with organisation
// numbers, repeat customers, a 150-line order, long and non-Latin names,
// every payment mode — and checks each document in the ledger; then
// settles the unpaid invoices, refunds and cancels some, and checks the
// shop states and credit notes.
func TestVariedOrdersEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("long end-to-end run")
	}
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()

	// A self-invoicing payment method: the shop issues the invoice, the
	// ledger gets an invoice voucher.
	tn, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.PaymentMethods = append(tn.Settings.PaymentMethods, tenant.PaymentMethod{Module: "ps_selfinvoice", SelfInvoiced: true, DueDays: 10})
	tn.Secrets = nil
	if err := st.store.UpdateTenant(ctx, &tn.Tenant); err != nil {
		t.Fatal(err)
	}
	tn, _ = st.store.Tenant(ctx, "demo")

	r := rand.New(rand.NewPCG(7, 11))
	type placed struct {
		id     string
		module string
	}
	var orders []placed
	for i := range 36 {
		in := variedOrder(r, i)
		res, err := st.ps.PlaceOrder(in)
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		orders = append(orders, placed{strconv.Itoa(res.ID), in.Module})
	}
	for _, o := range orders {
		st.signal(t, o.id, "w1", time.Hour)
		st.signal(t, o.id, "w1", time.Hour) // a duplicate delivery
	}
	want := map[string]workflows.OrderState{"vipps": workflows.StateSettled, "stripe_official": workflows.StateSettled,
		"ps_wirepayment": workflows.StateBooked, "ps_selfinvoice": workflows.StateBooked}
	for _, o := range orders {
		st.waitStateFor(t, o.id, want[o.module], 4*time.Minute)
	}

	fc := st.fikenClient(t)
	sc := st.shopClient(t)
	for _, o := range orders {
		n, _ := strconv.Atoi(o.id)
		order, err := sc.Order(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ledgerdoc.Build("demo", &tn.Settings, order)
		if err != nil {
			t.Fatalf("order %s: %v", o.id, err)
		}
		ref := ledgerdoc.Reference("demo", o.id)
		if o.module == "ps_selfinvoice" {
			sales, err := fc.ListSales(ctx, fiken.SaleFilter{SaleNumber: ref})
			if err != nil || len(sales) != 1 {
				t.Fatalf("order %s: %d sales (%v), want exactly 1", o.id, len(sales), err)
			}
			if got := sales[0].NetAmount + sales[0].VatAmount; got != order.Totals.PaidTaxIncl {
				t.Errorf("order %s: voucher total %s ≠ shop total %s", o.id, got, order.Totals.PaidTaxIncl)
			}
			continue
		}
		invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ref})
		if err != nil || len(invs) != 1 {
			t.Fatalf("order %s: %d invoices (%v), want exactly 1", o.id, len(invs), err)
		}
		inv, err := fc.GetInvoice(ctx, invs[0].InvoiceID)
		if err != nil {
			t.Fatal(err)
		}
		wantGross := order.Totals.PaidTaxIncl
		if o.module == "ps_wirepayment" {
			wantGross += money.MustParse("39.00")
		}
		if inv.Gross != wantGross {
			t.Errorf("order %s (%s, %s): invoice gross %s ≠ %s", o.id, o.module, order.Currency, inv.Gross, wantGross)
		}
		if inv.Currency != "" && inv.Currency != order.Currency {
			t.Errorf("order %s: invoice currency %s, order %s", o.id, inv.Currency, order.Currency)
		}
		// VAT per rate is what the document predicted, and the document's
		// net per rate is the shop's.
		got := map[string]money.Ore{}
		for _, l := range inv.Lines {
			got[l.VatType] += l.Vat
			if l.ProductID == 0 && isProductLine(doc, l.Description) {
				t.Errorf("order %s: line %q is not linked to a product", o.id, l.Description)
			}
		}
		wantVAT := map[string]money.Ore{}
		for _, l := range doc.Lines {
			wantVAT[l.VATType] += l.VAT
		}
		for k, v := range wantVAT {
			if got[k] != v {
				t.Errorf("order %s: VAT %s = %s, document predicted %s", o.id, k, got[k], v)
			}
		}
		var shopNet money.Ore
		for _, l := range order.Lines {
			shopNet += l.TotalTaxExcl
		}
		var docNet money.Ore
		for _, l := range doc.Lines {
			if l.Kind == ledgerdoc.LineProduct {
				docNet += l.Net
			}
		}
		if docNet != shopNet {
			t.Errorf("order %s: product net %s ≠ shop %s", o.id, docNet, shopNet)
		}
	}

	// No duplicate contacts or products.
	contacts, err := fc.ListContacts(ctx, fiken.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range contacts {
		seen[c.Email]++
	}
	for e, n := range seen {
		if n > 1 {
			t.Errorf("%d contacts with e-mail %s", n, e)
		}
	}
	products, err := fc.ListProducts(ctx, fiken.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	pseen := map[string]int{}
	for _, p := range products {
		pseen[p.ProductNumber]++
	}
	for k, n := range pseen {
		if n > 1 {
			t.Errorf("%d products with number %s", n, k)
		}
	}
	if len(pseen) != len(catalogue) {
		t.Errorf("%d products in the ledger, want %d", len(pseen), len(catalogue))
	}

	// Settle the unpaid invoices; the watcher tells the workflows.
	for _, o := range orders {
		if o.module != "ps_wirepayment" {
			continue
		}
		s := st.status(t, o.id)
		st.settle(t, s.LedgerDocID)
	}
	st.runPoll(t, workflows.WatchSettlements)
	for _, o := range orders {
		if o.module == "ps_wirepayment" {
			st.waitStateFor(t, o.id, workflows.StateSettled, time.Minute)
		}
	}

	// Refund one line of two paid orders; cancel one unpaid invoice... all
	// invoices are settled now, so cancel a paid one: a full credit note.
	refunded := []placed{orders[0], orders[1]}
	for _, o := range refunded {
		n, _ := strconv.Atoi(o.id)
		order, _ := sc.Order(ctx, n)
		var rr prestashopsim.RefundRequest
		rr.Lines = append(rr.Lines, struct {
			Reference string `json:"reference"`
			Quantity  int    `json:"quantity"`
		}{order.Lines[0].SKU, 1})
		if _, err := st.ps.Refund(n, rr); err != nil {
			t.Fatal(err)
		}
		st.signal(t, o.id, "refund", time.Hour)
	}
	cancelled := orders[4]
	cn, _ := strconv.Atoi(cancelled.id)
	if _, err := st.ps.SetOrderState(cn, 6); err != nil {
		t.Fatal(err)
	}
	st.signal(t, cancelled.id, "cancel", time.Hour)
	for _, o := range refunded {
		waitFor(t, time.Minute, func() bool { return len(st.status(t, o.id).Credited) == 1 }, "refund of "+o.id+" credited")
	}
	st.waitStateFor(t, cancelled.id, workflows.StateCancelled, time.Minute)
	for _, o := range append(refunded, cancelled) {
		s := st.status(t, o.id)
		inv, err := fc.GetInvoice(ctx, mustInt(t, s.LedgerDocID))
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.AssociatedCreditNotes) != 1 {
			t.Errorf("order %s: %d credit notes, want 1", o.id, len(inv.AssociatedCreditNotes))
			continue
		}
		note, _ := fc.GetCreditNote(ctx, inv.AssociatedCreditNotes[0])
		if o == cancelled && note.Gross != inv.Gross {
			t.Errorf("cancelled order %s: credit note %s, invoice %s", o.id, note.Gross, inv.Gross)
		}
	}
	if v := st.fk.Stats().RateViolations; v != 0 {
		t.Fatalf("%d rate violations", v)
	}
	t.Logf("36 orders, %d Fiken requests", st.fk.Stats().Requests)
}

func isProductLine(d *ledgerdoc.Document, desc string) bool {
	for _, l := range d.Lines {
		if l.Description == desc {
			return l.Kind == ledgerdoc.LineProduct
		}
	}
	return false
}

func (st *stack) settle(t *testing.T, invoiceID string) {
	t.Helper()
	resp, err := httpPost(st.fkURL[:len(st.fkURL)-len("/api/v2")] + "/_sim/invoices/" + invoiceID + "/settle")
	if err != nil {
		t.Fatalf("settle %s: %v", invoiceID, err)
	}
	_ = resp
}

func (st *stack) waitStateFor(t *testing.T, orderID string, want workflows.OrderState, d time.Duration) {
	t.Helper()
	waitFor(t, d, func() bool { return st.status(t, orderID).State == want },
		fmt.Sprintf("order %s to be %s", orderID, want))
}

func waitFor(t *testing.T, d time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
