package app

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/workflows"
)

// Every ledger write commits and then loses its response, or fails, a
// share of the time: every order still gets exactly one invoice.
func TestLostResponsesNeverDuplicateDocuments(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	var ids []string
	for range 4 {
		ids = append(ids, strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID))
	}
	st.fk.SetFaults(fikensim.Faults{DropAfterCommitRate: 0.5, ErrorRate: 0.2, WritesOnly: true, MaxFaults: 8})
	for _, id := range ids {
		st.signal(t, id, "x", time.Hour)
	}
	for _, id := range ids {
		st.waitState(t, id, workflows.StateSettled)
	}
	fc := st.fikenClient(t)
	for _, id := range ids {
		invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ledgerdoc.Reference("demo", id)})
		if err != nil || len(invs) != 1 {
			t.Fatalf("order %s: %d invoices (%v), want exactly 1", id, len(invs), err)
		}
	}
	contacts, err := fc.ListContacts(ctx, fiken.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var kari int
	for _, c := range contacts {
		if c.Email == "kari@example.no" {
			kari++
		}
	}
	if kari != 1 {
		t.Fatalf("%d contacts for the one customer, want 1", kari)
	}
	if st.fk.Stats().RateViolations != 0 {
		t.Fatalf("rate violations: %d", st.fk.Stats().RateViolations)
	}
}
