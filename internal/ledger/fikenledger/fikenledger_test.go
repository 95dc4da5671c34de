package fikenledger_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledger/fikenledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

func newLedger(t *testing.T, company string) (*fikenledger.Ledger, *fikensim.Server) {
	t.Helper()
	sim := fikensim.New(fikensim.Options{DisableRateLimits: true})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	if company != "demo" {
		sim.AddCompany(company, "Ny AS", true, true)
	}
	c, err := fiken.New(fiken.Config{BaseURL: srv.URL + "/api/v2", CompanySlug: company, Token: fiken.PersonalToken("t"), Limiter: ratelimit.Unlimited{}})
	if err != nil {
		t.Fatal(err)
	}
	return fikenledger.New(c, ""), sim
}

func doc(kind ledgerdoc.Kind, ref string) *ledgerdoc.Document {
	d := &ledgerdoc.Document{Kind: kind, Reference: ref, ShopReference: "ABCDEFGHI", IssueDate: "2026-11-20", DueDays: 14,
		Currency: "NOK", SendMethod: "email",
		Lines: []ledgerdoc.Line{
			{Kind: ledgerdoc.LineProduct, SKU: "KOPP-1", Description: "Kaffekopp", Quantity: 2, UnitNet: 15920, Net: 31840, VAT: 7960, Gross: 39800, Rate: domain.VAT25, VATType: "HIGH", Account: "3000"},
			{Kind: ledgerdoc.LineRounding, Description: "Øreavrunding", Quantity: 1, UnitNet: 1, Net: 1, Gross: 1, VATType: "NONE", Account: "7790"},
		}}
	d.Gross = 39801
	if kind == ledgerdoc.KindCashInvoice {
		d.PaymentAccount = "1920:10001"
	}
	return d
}

func TestOrderFlowAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, sim := newLedger(t, "demo")
	cust := ledger.Customer{ShopID: "17", Name: "Kari Nordmann", Email: "kari@example.no", OrgNumber: "NO 987 654 321 MVA",
		Address: domain.Address{Address1: "Storgata 1", PostCode: "0155", City: "Oslo", Country: "NO"}}
	if _, err := l.FindCustomer(ctx, cust); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("FindCustomer on empty ledger: %v", err)
	}
	cid, err := l.CreateCustomer(ctx, cust)
	if err != nil {
		t.Fatal(err)
	}
	for _, probe := range []ledger.Customer{{ShopID: "17"}, {OrgNumber: "987654321"}, {Email: "kari@example.no"}} {
		if got, err := l.FindCustomer(ctx, probe); err != nil || got != cid {
			t.Fatalf("FindCustomer(%+v) = %q, %v; want %q", probe, got, err, cid)
		}
	}
	pid, err := l.CreateProduct(ctx, ledger.Product{SKU: "KOPP-1", Name: "Kaffekopp", UnitNet: 15920, VATType: "HIGH", Account: "3000", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := l.FindProduct(ctx, "KOPP-1"); err != nil || got != pid {
		t.Fatalf("FindProduct = %q, %v", got, err)
	}

	// Unpaid invoice: found by reference, sent, paid with a fee. The first
	// document reads the company's bank account once (unless the tenant
	// sets it); every later one costs exactly one call.
	before := sim.Stats().Requests
	d := doc(ledgerdoc.KindInvoice, "bokfor-demo-1")
	p, err := l.PostDocument(ctx, d, cid, []string{pid, ""})
	if err != nil {
		t.Fatal(err)
	}
	if calls := sim.Stats().Requests - before; calls != 2 {
		t.Fatalf("first PostDocument made %d calls, want 2 (bank account, invoice)", calls)
	}
	if p.Settled || p.DueDate.Format("2006-01-02") != "2026-12-04" || p.Gross != 39801 {
		t.Fatalf("posted = %+v", p)
	}
	found, err := l.FindDocument(ctx, "bokfor-demo-1", ledgerdoc.KindInvoice)
	if err != nil || found.ID != p.ID || found.Number == "" || found.Gross != 39801 {
		t.Fatalf("FindDocument = %+v, %v; want id %s with the ledger's gross 39801", found, err, p.ID)
	}
	if _, err := l.FindDocument(ctx, "bokfor-demo-404", ledgerdoc.KindInvoice); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("FindDocument of unknown reference: %v", err)
	}
	if err := l.SendInvoice(ctx, *p, "email"); err != nil {
		t.Fatal(err)
	}
	changed, err := l.ChangedDocuments(ctx, time.Now().AddDate(0, 0, -1))
	if err != nil || len(changed) != 1 || changed[0].Reference != "bokfor-demo-1" || changed[0].Number != found.Number || changed[0].KID == "" || changed[0].Settled {
		t.Fatalf("ChangedDocuments = %+v, %v", changed, err)
	}
	pay := ledgerdoc.Payment{Date: "2026-11-21", Account: "1920:10001", Amount: 39801, Fee: 500}
	// The invoice names the sale and lists its payments, then the payment
	// is posted; the repeat (a retried activity) adopts it from the invoice.
	for i, want := range []int64{2, 1} {
		before := sim.Stats().Requests
		if err := l.PostPayment(ctx, *p, pay); err != nil {
			t.Fatal(err)
		}
		if calls := sim.Stats().Requests - before; calls != want {
			t.Fatalf("PostPayment #%d made %d calls, want %d", i+1, calls, want)
		}
	}
	changed, _ = l.ChangedDocuments(ctx, time.Now().AddDate(0, 0, -1))
	if len(changed) != 1 || !changed[0].Settled {
		t.Fatalf("after full payment: %+v, want settled", changed)
	}

	// Credit note with our reference, found through the invoice.
	cn, err := l.PostCreditNote(ctx, ledger.CreditNote{Reference: "bokfor-demo-1-k1", InvoiceID: p.ID, IssueDate: "2026-11-22",
		Lines: d.Lines[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := l.FindCreditNote(ctx, p.ID, "bokfor-demo-1-k1"); err != nil || got.ID != cn.ID || got.Gross != 39800 {
		t.Fatalf("FindCreditNote = %+v, %v", got, err)
	}
	if _, err := l.FindCreditNote(ctx, p.ID, "bokfor-demo-1-k2"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("FindCreditNote of another reference: %v", err)
	}

	// Cash invoice: settled at once, one call. Invoice voucher: a sale by saleNumber.
	before = sim.Stats().Requests
	cash, err := l.PostDocument(ctx, doc(ledgerdoc.KindCashInvoice, "bokfor-demo-2"), cid, []string{pid, ""})
	if err != nil || !cash.Settled {
		t.Fatalf("cash invoice = %+v, %v", cash, err)
	}
	if calls := sim.Stats().Requests - before; calls != 1 {
		t.Fatalf("PostDocument made %d calls, want 1", calls)
	}
	v, err := l.PostDocument(ctx, doc(ledgerdoc.KindInvoiceVoucher, "bokfor-demo-3"), cid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := l.FindDocument(ctx, "bokfor-demo-3", ledgerdoc.KindInvoiceVoucher); err != nil || got.ID != v.ID || got.Gross != 39801 {
		t.Fatalf("voucher lookup = %+v, %v (posted %+v)", got, err, v)
	}
}

// A company's first invoice creates its number series instead of failing.
func TestFirstInvoiceCreatesTheNumberSeries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := newLedger(t, "ny")
	cid, err := l.CreateCustomer(ctx, ledger.Customer{Name: "Ola", Email: "ola@example.no"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.PostDocument(ctx, doc(ledgerdoc.KindInvoice, "bokfor-ny-1"), cid, nil)
	if err != nil {
		t.Fatalf("first invoice in a company without number series: %v", err)
	}
	found, err := l.FindDocument(ctx, "bokfor-ny-1", ledgerdoc.KindInvoice)
	if err != nil || found.ID != p.ID {
		t.Fatalf("FindDocument = %+v, %v", found, err)
	}
}
