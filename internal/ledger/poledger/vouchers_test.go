package poledger_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/posim"
)

// newVoucherLedger returns a ledger of a tenant with a self-invoiced
// payment method on a fresh simulator (rate limit off).
func newVoucherLedger(t *testing.T, opts posim.Options) (*poledger.Ledger, *posim.Server) {
	t.Helper()
	opts.DisableRateLimits = true
	sim := posim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := poweroffice.New(poweroffice.Config{BaseURL: srv.URL + "/v2", ApplicationKey: "app", ClientKey: "client",
		SubscriptionKey: "sub", Limiter: ratelimit.NewLocal(1)})
	if err != nil {
		t.Fatal(err)
	}
	return poledger.New(c, poledger.Options{FeeAccounts: map[string]string{"1905": "7770"}, SelfInvoiced: true}), sim
}

// statement is every customer ledger entry of the client.
func statement(t *testing.T, l *poledger.Ledger) []poweroffice.CustomerLedgerEntry {
	t.Helper()
	es, err := l.Client().CustomerLedgerStatement(context.Background(), poweroffice.LedgerFilter{FromDate: "2020-01-01", ToDate: "2030-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// manualEntries are the manual journal entries with import reference ref.
func manualEntries(t *testing.T, l *poledger.Ledger, ref string) []poweroffice.CustomerLedgerEntry {
	t.Helper()
	var out []poweroffice.CustomerLedgerEntry
	for _, e := range statement(t, l) {
		if e.VoucherType == poweroffice.VoucherManualJournal && e.ExternalImportReference == ref {
			out = append(out, e)
		}
	}
	return out
}

// voucher reads the manual voucher of a posted id.
func voucher(t *testing.T, l *poledger.Ledger, id string) poweroffice.ManualVoucher {
	t.Helper()
	vid, ok := strings.CutPrefix(id, poledger.VoucherPrefix)
	if !ok {
		t.Fatalf("id %q is not a voucher id", id)
	}
	v, err := l.Client().GetManualVoucher(context.Background(), vid)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSaleVoucherIsPostedOnceAndSettledThroughTheCustomerLedger(t *testing.T) {
	t.Parallel()
	l, _ := newVoucherLedger(t, posim.Options{})
	ctx := context.Background()
	d := order(ledgerdoc.KindInvoiceVoucher, "bokfor-demo-v1")
	cust, pids := setup(t, l, d)
	if _, err := l.FindDocument(ctx, d.Reference, d.Kind); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("before posting: %v", err)
	}
	p, err := l.PostDocument(ctx, d, cust, pids)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.ID, poledger.VoucherPrefix) || p.Number == "" || p.Gross != int64(d.Gross) || p.Settled || p.DueDate != mustDay("2026-12-04") {
		t.Fatalf("posted %+v; want a voucher id, a number, gross %s, open, due 2026-12-04", p, d.Gross)
	}
	// A repeated post (an attempt whose answer was lost) adopts it.
	again, err := l.PostDocument(ctx, d, cust, pids)
	if err != nil || again.ID != p.ID {
		t.Fatalf("second post: %+v %v", again, err)
	}

	// One voucher: the sub-ledger debited with the total, each line's
	// gross credited on its sales account with the account's VAT code.
	v := voucher(t, l, p.ID)
	if v.ExternalImportReference != d.Reference || v.VoucherDate != d.IssueDate || len(v.VoucherLines) != len(d.Lines)+1 {
		t.Fatalf("voucher %+v", v)
	}
	var sum money.Ore
	for i, ln := range v.VoucherLines {
		sum += ln.CurrencyAmount.Ore()
		if i == 0 {
			if ln.CurrencyAmount.Ore() != d.Gross || ln.CustomMatchingReference != d.Reference {
				t.Fatalf("sub-ledger line %+v; want %s with our reference", ln, d.Gross)
			}
			continue
		}
		if want := -d.Lines[i-1].Gross; ln.CurrencyAmount.Ore() != want || ln.CustomMatchingReference != "" {
			t.Fatalf("line %d: %+v; want %s", i, ln, want)
		}
	}
	if sum != 0 {
		t.Fatalf("voucher lines sum to %s", sum)
	}
	if es := manualEntries(t, l, d.Reference); len(es) != 1 || es[0].Amount.Ore() != d.Gross || !es[0].Open() {
		t.Fatalf("customer ledger %+v; want one open entry of %s", es, d.Gross)
	}
	if invs := invoicesFor(t, l, d.Reference); len(invs) != 0 {
		t.Fatalf("a voucher made outgoing invoices: %+v", invs)
	}
	if own, _ := l.Client().ListOwnSalesOrders(ctx, ""); len(own) != 0 {
		t.Fatalf("a voucher made sales orders: %+v", own)
	}
	// Nothing to send: the shop invoiced the customer.
	if err := l.SendInvoice(ctx, *p, "email"); err != nil {
		t.Fatal(err)
	}
	f, err := l.FindDocument(ctx, d.Reference, d.Kind)
	if err != nil || f.ID != p.ID || f.Number != p.Number || f.Gross != p.Gross || f.Settled {
		t.Fatalf("find: %+v %v; want %+v", f, err, p)
	}
	ch, err := l.ChangedDocuments(ctx, mustDay("2026-01-01"))
	if err != nil || len(ch) != 1 || ch[0].Reference != d.Reference || ch[0].ID != p.ID || ch[0].Settled || ch[0].Gross != int64(d.Gross) {
		t.Fatalf("changed before payment: %+v %v", ch, err)
	}

	// A card payment with fee clears the entry, once.
	pay := ledgerdoc.Payment{Date: "2026-11-21", Account: "1905", Amount: d.Gross, Fee: money.MustParse("28.32")}
	for range 2 {
		if err := l.PostPayment(ctx, *p, pay); err != nil {
			t.Fatal(err)
		}
	}
	if f, err := l.FindDocument(ctx, d.Reference, d.Kind); err != nil || !f.Settled {
		t.Fatalf("after payment: %+v %v", f, err)
	}
	ch, err = l.ChangedDocuments(ctx, mustDay("2026-01-01"))
	if err != nil || len(ch) != 1 || !ch[0].Settled || ch[0].SettledDate == "" {
		t.Fatalf("changed after payment: %+v %v", ch, err)
	}
	var payments int
	for _, e := range statement(t, l) {
		if e.VoucherType == poweroffice.VoucherBankJournal {
			payments++
			if e.Amount.Ore() != -d.Gross || e.Open() || e.CustomMatchingReference != d.Reference {
				t.Fatalf("payment entry %+v", e)
			}
		}
	}
	if payments != 1 {
		t.Fatalf("%d payment entries, want 1", payments)
	}
	// Once the chart is loaded, a sale is one call.
	before := l.Client().Requests()
	if _, err := l.PostDocument(ctx, order(ledgerdoc.KindInvoiceVoucher, "bokfor-demo-v1b"), cust, pids); err != nil {
		t.Fatal(err)
	}
	if n := l.Client().Requests() - before; n != 1 {
		t.Fatalf("posting took %d calls, want 1", n)
	}
}

// TestOnlySelfInvoicingTenantsReadTheCustomerLedger: the watcher's tick
// costs one call unless the tenant posts vouchers.
func TestOnlySelfInvoicingTenantsReadTheCustomerLedger(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		self  bool
		calls int64
	}{{"invoices only", false, 1}, {"self-invoiced method", true, 2}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var l *poledger.Ledger
			if tc.self {
				l, _ = newVoucherLedger(t, posim.Options{})
			} else {
				l, _ = newLedger(t)
			}
			ctx := context.Background()
			if _, err := l.ChangedDocuments(ctx, mustDay("2026-01-01")); err != nil {
				t.Fatal(err)
			}
			before := l.Client().Requests()
			if _, err := l.ChangedDocuments(ctx, mustDay("2026-01-01")); err != nil {
				t.Fatal(err)
			}
			if got := l.Client().Requests() - before; got != tc.calls {
				t.Fatalf("%d calls per tick, want %d", got, tc.calls)
			}
		})
	}
}

func TestSaleVoucherCreditNotes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		full bool
		// credited is the credit note's gross; saleSettled whether the
		// sale's entry is matched out by it.
		credited    money.Ore
		saleSettled bool
	}{
		{"cancellation", true, 0, true},
		{"one cup returned", false, money.MustParse("199.00"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, sim := newVoucherLedger(t, posim.Options{})
			ctx := context.Background()
			d := order(ledgerdoc.KindInvoiceVoucher, "bokfor-demo-v2")
			cust, pids := setup(t, l, d)
			p, err := l.PostDocument(ctx, d, cust, pids)
			if err != nil {
				t.Fatal(err)
			}
			cn := ledger.CreditNote{Reference: d.Reference + "-k1", InvoiceID: p.ID, IssueDate: "2026-11-23", Full: tc.full}
			want := -d.Gross
			if !tc.full {
				cn.Lines = []ledgerdoc.Line{line(ledgerdoc.LineProduct, "Retur KOPP", 1, "159.20", domain.VAT25, "3000")}
				want = -tc.credited
			}
			if _, err := l.FindCreditNote(ctx, p.ID, cn.Reference); !errors.Is(err, ledger.ErrNotFound) {
				t.Fatalf("before: %v", err)
			}
			// The first answer is lost after PowerOffice posted it.
			sim.SetFaults(posim.Faults{DropAfterCommitRate: 1, MaxFaults: 1})
			if _, err := l.PostCreditNote(ctx, cn); !apierr.Is(err, apierr.KindAmbiguous) {
				t.Fatalf("lost answer: %v", err)
			}
			note, err := l.PostCreditNote(ctx, cn)
			if err != nil || !strings.HasPrefix(note.ID, poledger.VoucherPrefix) || note.Gross != int64(want) {
				t.Fatalf("credit note %+v %v; want a voucher of %s", note, err, want)
			}
			if f, err := l.FindCreditNote(ctx, p.ID, cn.Reference); err != nil || f.ID != note.ID {
				t.Fatalf("find credit note: %+v %v", f, err)
			}
			notes := manualEntries(t, l, cn.Reference)
			if len(notes) != 1 || notes[0].Amount.Ore() != want || notes[0].CustomMatchingReference != d.Reference {
				t.Fatalf("credit entries %+v; want exactly one of %s with the sale's matching reference", notes, want)
			}
			v := voucher(t, l, note.ID)
			var sum money.Ore
			for _, ln := range v.VoucherLines {
				sum += ln.CurrencyAmount.Ore()
			}
			if sum != 0 || (tc.full && len(v.VoucherLines) != len(d.Lines)+1) {
				t.Fatalf("credit voucher %+v", v)
			}
			sale, err := l.FindDocument(ctx, d.Reference, d.Kind)
			if err != nil || sale.ID != p.ID || sale.Settled != tc.saleSettled {
				t.Fatalf("sale after credit: %+v %v; want settled %v", sale, err, tc.saleSettled)
			}
		})
	}
}

func TestSaleVoucherSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	l, sim := newVoucherLedger(t, posim.Options{})
	ctx := context.Background()
	d := order(ledgerdoc.KindInvoiceVoucher, "bokfor-demo-v3")
	cust, pids := setup(t, l, d)
	if _, err := l.FindDocument(ctx, "warm-up", d.Kind); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatal(err)
	}
	sim.SetFaults(posim.Faults{DropAfterCommitRate: 1, MaxFaults: 1})
	if _, err := l.PostDocument(ctx, d, cust, pids); !apierr.Is(err, apierr.KindAmbiguous) {
		t.Fatalf("lost answer: %v", err)
	}
	// The activity's protocol: look up, then post.
	p, err := l.FindDocument(ctx, d.Reference, d.Kind)
	if err != nil || p.Gross != int64(d.Gross) {
		t.Fatalf("find after the lost answer: %+v %v", p, err)
	}
	if es := manualEntries(t, l, d.Reference); len(es) != 1 {
		t.Fatalf("%d vouchers, want 1", len(es))
	}
}

func TestSaleVoucherNeedsItsPrivileges(t *testing.T) {
	t.Parallel()
	l, _ := newVoucherLedger(t, posim.Options{InvalidPrivileges: []string{"ManualVoucher_Full"}})
	_, err := l.FindDocument(context.Background(), "bokfor-demo-v4", ledgerdoc.KindInvoiceVoucher)
	if !apierr.Is(err, apierr.KindAuth) || !strings.Contains(err.Error(), "ManualVoucher_Full") {
		t.Fatalf("want an auth error naming ManualVoucher_Full, got %v", err)
	}
}
