package app

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/workflows"
)

func TestRefundBecomesOneCreditNote(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	res := placeOrder(t, st.ps, "vipps", 2)
	id := strconv.Itoa(res.ID)
	st.signal(t, id, "a", time.Hour)
	booked := st.waitState(t, id, workflows.StateSettled)

	var rr prestashopsim.RefundRequest
	rr.Lines = append(rr.Lines, struct {
		Reference string `json:"reference"`
		Quantity  int    `json:"quantity"`
	}{"KOPP-1", 1})
	slip, err := st.ps.Refund(res.ID, rr)
	if err != nil {
		t.Fatal(err)
	}
	// The shop's webhook arrives three times.
	for range 3 {
		st.signal(t, id, "slip-"+strconv.Itoa(slip), time.Hour)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if s := st.status(t, id); len(s.Credited) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("refund not credited: %+v", st.status(t, id))
		}
		time.Sleep(200 * time.Millisecond)
	}
	fc := st.fikenClient(t)
	inv, err := fc.GetInvoice(ctx, mustInt(t, booked.LedgerDocID))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.AssociatedCreditNotes) != 1 {
		t.Fatalf("%d credit notes, want exactly 1", len(inv.AssociatedCreditNotes))
	}
	cn, err := fc.GetCreditNote(ctx, inv.AssociatedCreditNotes[0])
	if err != nil {
		t.Fatal(err)
	}
	// One cup at 199.00 incl. 25 % VAT: 159.20 net, 39.80 VAT.
	if cn.Gross != money.MustParse("199.00") {
		t.Fatalf("credit note gross %s, want 199.00", cn.Gross)
	}
	if cn.OrderReference != activities.CreditReference("demo", id, strconv.Itoa(slip)) {
		t.Fatalf("credit note reference %q", cn.OrderReference)
	}
}
