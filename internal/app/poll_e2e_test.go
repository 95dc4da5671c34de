package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/workflows"
)

func (st *stack) runPoll(t *testing.T, wf any) activities.PollResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := st.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: st.taskQueue}, wf, workflows.PollInput{TenantID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.PollResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPollerAloneBringsEveryOrderToTheLedger(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	var ids []string
	for range 3 {
		ids = append(ids, strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID))
	}
	res := st.runPoll(t, workflows.PollOrders)
	if res.Found < 3 || res.Handed != res.Found || res.Watermark == "" {
		t.Fatalf("poll = %+v, want ≥3 found, all handed, a watermark", res)
	}
	if !res.WebhooksSilent {
		t.Fatalf("no webhook ever arrived but the poller found orders: want the silence alarm, got %+v", res)
	}
	for _, id := range ids {
		st.waitState(t, id, workflows.StateSettled)
	}
	// Polling again hands over at most the overlap window and books nothing twice.
	st.runPoll(t, workflows.PollOrders)
	// Once the watermark has passed the orders' last change (the settled
	// state bokfor wrote), a poll re-reads them from the overlap window
	// but starts no new run of their finished workflows.
	third := st.runPoll(t, workflows.PollOrders)
	if third.Handed != 0 || third.Skipped < 3 {
		t.Fatalf("third poll = %+v: want the finished orders skipped, none handed", third)
	}
	fc := st.fikenClient(t)
	for _, id := range ids {
		invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ledgerdoc.Reference("demo", id)})
		if err != nil || len(invs) != 1 {
			t.Fatalf("order %s: %d invoices, %v; want 1", id, len(invs), err)
		}
	}
}

func TestSettlementWatcherSignalsSettledInvoices(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	paid := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
	unpaid := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
	st.signal(t, paid, "a", time.Hour)
	st.signal(t, unpaid, "b", time.Hour)
	booked := st.waitState(t, paid, workflows.StateBooked)
	st.waitState(t, unpaid, workflows.StateBooked)

	resp, err := http.Post(st.fkURL[:len(st.fkURL)-len("/api/v2")]+"/_sim/invoices/"+booked.LedgerDocID+"/settle", "application/json", nil)
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("settle: %v %v", resp, err)
	}
	resp.Body.Close()
	res := st.runPoll(t, workflows.WatchSettlements)
	if res.Handed != 1 {
		t.Fatalf("watcher handed %d settlements, want 1 (%+v)", res.Handed, res)
	}
	st.waitState(t, paid, workflows.StateSettled)
	if s := st.status(t, unpaid); s.State != workflows.StateBooked {
		t.Fatalf("unpaid order is %s, want still booked", s.State)
	}
	// The unpaid order learnt its invoice number and KID from the listing
	// and told the customer on the shop order, once.
	n, _ := strconv.Atoi(unpaid)
	var msgs []prestashop.Message
	waitFor(t, 30*time.Second, func() bool {
		msgs, _ = st.shopClient(t).OrderMessages(ctx, n)
		return len(msgs) > 0
	}, "the invoice message on the unpaid order")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "KID: ") || msgs[0].Private {
		t.Fatalf("customer messages = %+v, want one public message with the KID", msgs)
	}
	if s := st.status(t, unpaid); s.LedgerDocNo == "" || !strings.Contains(msgs[0].Text, "Faktura "+s.LedgerDocNo) {
		t.Fatalf("message %q does not name invoice %q", msgs[0].Text, s.LedgerDocNo)
	}
	// A second round does not signal the settled order again.
	if res := st.runPoll(t, workflows.WatchSettlements); res.Handed != 0 {
		t.Fatalf("second round handed %d, want 0", res.Handed)
	}
	_ = ctx
}

func TestSchedulerFollowsTenantSettings(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	s := &Scheduler{Client: st.temporal, Store: st.store, TaskQueue: st.taskQueue, Log: zaptest.NewLogger(t)}
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	every := func(id string) time.Duration { return st.scheduleEvery(t, id) }
	if got := every("poll-orders-demo"); got != 5*time.Minute {
		t.Fatalf("poll-orders-demo every %v, want 5m", got)
	}
	if got := every("watch-settlements-demo"); got != 15*time.Minute {
		t.Fatalf("watch-settlements-demo every %v, want 15m", got)
	}
	tn, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.Schedules.OrderPoll.Duration = 2 * time.Minute
	tn.Settings.Schedules.Settlement.Duration = 0
	tn.Secrets = nil
	if err := st.store.UpdateTenant(ctx, &tn.Tenant); err != nil {
		t.Fatal(err)
	}
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if got := every("poll-orders-demo"); got != 2*time.Minute {
		t.Fatalf("after update every %v, want 2m", got)
	}
	if got := every("watch-settlements-demo"); got != -1 {
		t.Fatalf("settlement schedule should be deleted, every %v", got)
	}
	// Idempotent.
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	// After a key rotation the schedules' stored inputs are rewritten
	// under the new key, which their note names.
	s.KeyID = "0badc0de"
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := st.temporal.ScheduleClient().GetHandle(ctx, "poll-orders-demo").Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(d.Schedule.State.Note, "; input sealed with key 0badc0de") || s.staleKey(d.Schedule.State.Note) {
		t.Fatalf("note after rotation %q", d.Schedule.State.Note)
	}
	if got := every("poll-orders-demo"); got != 2*time.Minute {
		t.Fatalf("after rotation every %v, want 2m", got)
	}
}

// scheduleEvery returns a schedule's interval, or -1 when the schedule
// does not exist. Describe can time out on a loaded machine; it is retried.
func (st *stack) scheduleEvery(t *testing.T, id string) time.Duration {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		d, err := st.temporal.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		cancel()
		var nf *serviceerror.NotFound
		switch {
		case err == nil:
			return d.Schedule.Spec.Intervals[0].Every
		case errors.As(err, &nf):
			return -1
		case time.Now().After(deadline):
			t.Fatalf("describe schedule %s: %v", id, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
