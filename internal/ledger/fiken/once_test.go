package fiken_test

import (
	"context"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

// seedCustomer creates an invoiceable customer.
func seedCustomer(t *testing.T, c *fiken.Client) int64 {
	t.Helper()
	id, err := c.CreateContact(context.Background(), fiken.ContactRequest{Name: "Per Hansen", Email: "per@example.no", Customer: true})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func invoiceFor(customerID int64, ref string) fiken.InvoiceRequest {
	return fiken.InvoiceRequest{IssueDate: "2026-11-20", DueDate: "2026-12-04", CustomerID: customerID,
		BankAccountCode: "1920:10001", OrderReference: ref,
		Lines: []fiken.InvoiceLineRequest{{Description: "Vare", UnitPrice: ptr(money.Ore(10000)), Quantity: 1, VatType: "HIGH", IncomeAccount: "3000"}}}
}

// TestCreateInvoiceOnceUnderFaults: whatever happens to the first attempt,
// exactly one invoice carries the order reference.
func TestCreateInvoiceOnceUnderFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		faults fikensim.Faults
	}{
		{"drop after commit on the first write", fikensim.Faults{DropAfterCommitRate: 1, MaxFaults: 1}},
		{"drop after commit on every write", fikensim.Faults{DropAfterCommitRate: 1}},
		{"server error on the first write", fikensim.Faults{ErrorRate: 1, MaxFaults: 1, WritesOnly: true}},
		{"timeout on the first write", fikensim.Faults{TimeoutRate: 1, MaxFaults: 1, WritesOnly: true}},
		{"server error on the first lookup", fikensim.Faults{ErrorRate: 1, MaxFaults: 1}},
		{"no fault", fikensim.Faults{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{timeout: 500 * time.Millisecond, sim: fikensim.Options{FaultTimeout: 5 * time.Second}})
			ctx := context.Background()
			cust := seedCustomer(t, e.client)
			e.sim.SetFaults(tc.faults)
			inv, _, err := e.client.CreateInvoiceOnce(ctx, invoiceFor(cust, "order-7"))
			if err != nil {
				t.Fatalf("CreateInvoiceOnce: %v", err)
			}
			// A retried activity calls the helper again: still one invoice.
			again, created, err := e.client.CreateInvoiceOnce(ctx, invoiceFor(cust, "order-7"))
			if err != nil || created || again.InvoiceID != inv.InvoiceID {
				t.Fatalf("second call: id=%d created=%v err=%v, want %d", again.InvoiceID, created, err, inv.InvoiceID)
			}
			e.sim.SetFaults(fikensim.Faults{})
			all, err := e.client.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: "order-7"})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 1 || all[0].InvoiceID != inv.InvoiceID || inv.InvoiceNumber == 0 {
				t.Fatalf("invoices with order-7 = %d (%+v), want exactly the one returned (%d)", len(all), all, inv.InvoiceID)
			}
			if tc.faults != (fikensim.Faults{}) && e.sim.Stats().FaultsInjected == 0 {
				t.Errorf("no fault was injected; the case proves nothing")
			}
		})
	}
}

// TestCreateSaleOnceUnderDrop: one sale per saleNumber when the first
// create's answer is lost.
func TestCreateSaleOnceUnderDrop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	e.sim.SetFaults(fikensim.Faults{DropAfterCommitRate: 1, MaxFaults: 1})
	req := fiken.SaleRequest{SaleNumber: "WS-9", Date: "2026-11-20", Kind: fiken.SaleKindCash, Paid: true, Currency: "NOK",
		PaymentAccount: "1920:10002", Lines: []fiken.OrderLine{{Description: "Kassesalg", NetPrice: 800, Vat: 200, VatType: "HIGH", Account: "3000"}}}
	s, created, err := e.client.CreateSaleOnce(ctx, req)
	if err != nil || !created {
		t.Fatalf("CreateSaleOnce: created=%v err=%v", created, err)
	}
	all, err := e.client.ListSales(ctx, fiken.SaleFilter{SaleNumber: "WS-9"})
	if err != nil || len(all) != 1 || all[0].SaleID != s.SaleID {
		t.Fatalf("sales WS-9 = %+v, %v", all, err)
	}
}

// TestPlainCreateIsAmbiguousWhenDropped: the non-idempotent create
// reports that it may have been applied, and it was.
func TestPlainCreateIsAmbiguousWhenDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	cust := seedCustomer(t, e.client)
	e.sim.SetFaults(fikensim.Faults{DropAfterCommitRate: 1})
	_, err := e.client.CreateInvoice(ctx, invoiceFor(cust, "order-8"))
	if !apierr.Is(err, apierr.KindAmbiguous) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	all, err := e.client.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: "order-8"})
	if err != nil || len(all) != 1 {
		t.Fatalf("the dropped create was not applied: %d invoices, %v", len(all), err)
	}
}

// TestCreateInvoicePaymentOnceUnderFaults: whatever happens to the first
// attempt, the invoice's sale carries exactly one payment, a repeated call
// adopts it, and without faults the payment costs two requests (the
// invoice, then the POST).
func TestCreateInvoicePaymentOnceUnderFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		faults fikensim.Faults
		// calls is the exact request count of the first call, 0: not checked.
		calls int64
	}{
		{"no fault", fikensim.Faults{}, 2},
		{"drop after commit on the first write", fikensim.Faults{DropAfterCommitRate: 1, MaxFaults: 1}, 3},
		{"drop after commit on every write", fikensim.Faults{DropAfterCommitRate: 1}, 3},
		{"server error on the first write", fikensim.Faults{ErrorRate: 1, MaxFaults: 1, WritesOnly: true}, 4},
		{"timeout on the first write", fikensim.Faults{TimeoutRate: 1, MaxFaults: 1, WritesOnly: true}, 0},
		{"server error on the first lookup", fikensim.Faults{ErrorRate: 1, MaxFaults: 1}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{timeout: 500 * time.Millisecond, sim: fikensim.Options{FaultTimeout: 5 * time.Second}})
			ctx := context.Background()
			cust := seedCustomer(t, e.client)
			invID, err := e.client.CreateInvoice(ctx, invoiceFor(cust, "order-pay"))
			if err != nil {
				t.Fatal(err)
			}
			req := fiken.PaymentRequest{Date: "2026-11-21", Account: "1920:10001", Amount: 12500, Fee: ptr(money.Ore(300))}
			e.sim.SetFaults(tc.faults)
			before := e.sim.Stats().Requests
			pay, created, err := e.client.CreateInvoicePaymentOnce(ctx, invID, req)
			if err != nil || !created || pay.PaymentID == 0 || pay.Fee != 300 {
				t.Fatalf("CreateInvoicePaymentOnce = %+v, created=%v, err=%v", pay, created, err)
			}
			if calls := e.sim.Stats().Requests - before; tc.calls != 0 && calls != tc.calls {
				t.Errorf("first call made %d requests, want %d", calls, tc.calls)
			}
			// A retried activity calls the helper again: still one payment.
			again, created, err := e.client.CreateInvoicePaymentOnce(ctx, invID, req)
			if err != nil || created || again.PaymentID != pay.PaymentID {
				t.Fatalf("second call: %+v created=%v err=%v, want payment %d adopted", again, created, err, pay.PaymentID)
			}
			e.sim.SetFaults(fikensim.Faults{})
			inv, err := e.client.GetInvoice(ctx, invID)
			if err != nil {
				t.Fatal(err)
			}
			if ps := inv.Sale.SalePayments; len(ps) != 1 || ps[0].PaymentID != pay.PaymentID || ps[0].Fee != 300 {
				t.Fatalf("sale payments = %+v, want exactly payment %d with fee 300", ps, pay.PaymentID)
			}
			if !inv.Sale.Settled {
				t.Errorf("invoice of 125.00 paid 125.00 is not settled: %+v", inv.Sale)
			}
			if tc.faults != (fikensim.Faults{}) && e.sim.Stats().FaultsInjected == 0 {
				t.Errorf("no fault was injected; the case proves nothing")
			}
		})
	}
}

// TestCreateInvoicePaymentOnceRefusesUnknownInvoice: an id that is not an
// invoice is refused before anything is posted.
func TestCreateInvoicePaymentOnceRefusesUnknownInvoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	_, _, err := e.client.CreateInvoicePaymentOnce(context.Background(), 999999, fiken.PaymentRequest{Date: "2026-11-21", Account: "1920:10001", Amount: 100})
	if !apierr.Is(err, apierr.KindNotFound) {
		t.Fatalf("err = %v, want not found", err)
	}
	if n := e.sim.Stats().ByStatus["201"]; n != 0 {
		t.Fatalf("%d creates answered 201, want none", n)
	}
}
