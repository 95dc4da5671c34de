package app

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"run the workflow scenarios on the real stack and write their histories to workflows/testdata/histories (make record-histories)")

// historiesDir is where workflows/replay_test.go reads the recorded
// histories from.
var historiesDir = filepath.Join("..", "..", "workflows", "testdata", "histories")

// TestRecordHistories runs each workflow scenario to completion on the real
// stack and writes the completed run's history for the replay test. It is
// not a test of bokfor's behaviour (the e2e tests are); it fails if a
// scenario does not reach its expected end or its history does not replay
// on the code that recorded it.
func TestRecordHistories(t *testing.T) {
	if !*recordHistories {
		t.Skip("records replay histories only with -record-histories (make record-histories)")
	}
	if err := os.MkdirAll(historiesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	st := startStack(t)
	t.Run("orders", func(t *testing.T) {
		t.Run("order-paid-at-checkout", func(t *testing.T) {
			t.Parallel()
			id := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
			st.signal(t, id, "e1", 3*time.Second)
			st.waitState(t, id, workflows.StateSettled)
			st.record(t, "order-paid-at-checkout", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
		t.Run("order-returning-customer", func(t *testing.T) {
			t.Parallel()
			// The second order of a customer whose products are linked:
			// booked without the resolve activities (links-from-load).
			first := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
			st.signal(t, first, "e1", 3*time.Second)
			st.waitState(t, first, workflows.StateSettled)
			id := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
			st.signal(t, id, "e1", 3*time.Second)
			st.waitState(t, id, workflows.StateSettled)
			st.record(t, "order-returning-customer", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
		t.Run("order-card-payment-posted", func(t *testing.T) {
			t.Parallel()
			// Stripe: invoice on the receivable, then the payment with its fee.
			id := strconv.Itoa(placeOrder(t, st.ps, "stripe_official", 2).ID)
			st.signal(t, id, "e1", 3*time.Second)
			st.record(t, "order-card-payment-posted", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
		t.Run("order-unpaid-invoice-settled", func(t *testing.T) {
			t.Parallel()
			id := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
			st.signal(t, id, "e1", 3*time.Second)
			booked := st.waitState(t, id, workflows.StateBooked)
			st.settleInSim(t, booked.LedgerDocID)
			if err := st.temporal.SignalWorkflow(context.Background(), workflows.OrderWorkflowID("demo", id), "", workflows.SignalSettled,
				workflows.SettledEvent{DocumentID: booked.LedgerDocID}); err != nil {
				t.Fatal(err)
			}
			st.record(t, "order-unpaid-invoice-settled", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
		t.Run("order-waits-for-transfer-state", func(t *testing.T) {
			t.Parallel()
			res := placeOrder(t, st.ps, "vipps", 1) // awaiting payment
			id := strconv.Itoa(res.ID)
			st.signal(t, id, "e1", 3*time.Second)
			st.waitTransition(t, id, workflows.StateWaiting)
			if _, err := st.ps.SetOrderState(res.ID, 2); err != nil { // payment accepted
				t.Fatal(err)
			}
			st.signal(t, id, "e2", 3*time.Second)
			st.waitState(t, id, workflows.StateSettled)
			st.record(t, "order-waits-for-transfer-state", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
		t.Run("order-cancelled-before-transfer", func(t *testing.T) {
			t.Parallel()
			res := placeOrder(t, st.ps, "vipps", 1)
			id := strconv.Itoa(res.ID)
			st.signal(t, id, "e1", 3*time.Second)
			st.waitTransition(t, id, workflows.StateWaiting)
			if _, err := st.ps.SetOrderState(res.ID, 6); err != nil { // cancelled
				t.Fatal(err)
			}
			st.signal(t, id, "e2", 3*time.Second)
			st.record(t, "order-cancelled-before-transfer", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateCancelled, 0))
		})
		t.Run("order-refund-credited", func(t *testing.T) {
			t.Parallel()
			res := placeOrder(t, st.ps, "vipps", 2)
			id := strconv.Itoa(res.ID)
			// Long enough a quiet period that the refund reaches this run.
			st.signal(t, id, "e1", 15*time.Second)
			st.waitState(t, id, workflows.StateSettled)
			var rr prestashopsim.RefundRequest
			rr.Lines = append(rr.Lines, struct {
				Reference string `json:"reference"`
				Quantity  int    `json:"quantity"`
			}{"KOPP-1", 1})
			slip, err := st.ps.Refund(res.ID, rr)
			if err != nil {
				t.Fatal(err)
			}
			st.signal(t, id, "slip-"+strconv.Itoa(slip), 15*time.Second)
			st.record(t, "order-refund-credited", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 1))
		})
		t.Run("order-needs-attention-retry", func(t *testing.T) {
			t.Parallel()
			// The shop has no 11.11 % tax, so take the 12 % rule out of the
			// tenant's VAT rules (no other scenario sells at 12 %): the order
			// parks until an operator puts the rule back and retries.
			var low tenant.VATRule
			st.editVATRules(t, func(rules []tenant.VATRule) []tenant.VATRule {
				i := slices.IndexFunc(rules, func(r tenant.VATRule) bool { return r.Rate == "12" })
				if i < 0 {
					t.Fatalf("the example tenant has no 12 %% rule: %+v", rules)
				}
				low = rules[i]
				return slices.Delete(rules, i, i+1)
			})
			res := placeOrderLines(t, st.ps, "vipps", 2, []prestashopsim.PlaceOrderLine{
				{Reference: "TE-1", Name: "Te, økologisk", Quantity: 2, UnitPriceTaxIncl: "89.00", TaxRate: "12"},
			})
			id := strconv.Itoa(res.ID)
			st.signal(t, id, "e1", 3*time.Second)
			if s := st.waitState(t, id, workflows.StateNeedsAttention); !strings.Contains(s.Reason, "no VAT rule") {
				t.Fatalf("parked for %q, want a missing VAT rule", s.Reason)
			}
			st.editVATRules(t, func(rules []tenant.VATRule) []tenant.VATRule { return append(rules, low) })
			if err := st.temporal.SignalWorkflow(context.Background(), workflows.OrderWorkflowID("demo", id), "", workflows.SignalOperator,
				workflows.OperatorAction{Action: workflows.ActionRetry, Note: "added the 12 % rule back"}); err != nil {
				t.Fatal(err)
			}
			st.record(t, "order-needs-attention-retry", workflows.OrderWorkflowID("demo", id), expectOrder(workflows.StateDone, 0))
		})
	})
	// The pollers last: they signal every open order of the tenant, which
	// would add events to the scenarios above.
	t.Run("watcher", func(t *testing.T) {
		// Two unpaid invoices, one of them paid in the ledger: the
		// settlement watcher tells that order it is settled (with its
		// number) and the other its document number only.
		paid := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
		unpaid := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
		st.signal(t, paid, "e1", 3*time.Second)
		st.signal(t, unpaid, "e1", 3*time.Second)
		booked := st.waitState(t, paid, workflows.StateBooked)
		open := st.waitState(t, unpaid, workflows.StateBooked)
		st.settleInSim(t, booked.LedgerDocID)
		st.startAndRecord(t, "watch-settlements", workflows.WatchSettlements)
		st.record(t, "order-settled-by-watcher", workflows.OrderWorkflowID("demo", paid), expectOrder(workflows.StateDone, 0))

		deadline := time.Now().Add(30 * time.Second)
		for st.status(t, unpaid).LedgerDocNo == "" {
			if time.Now().After(deadline) {
				t.Fatalf("order %s never learnt its document number: %+v", unpaid, st.status(t, unpaid))
			}
			time.Sleep(100 * time.Millisecond)
		}
		st.settleInSim(t, open.LedgerDocID)
		if err := st.temporal.SignalWorkflow(context.Background(), workflows.OrderWorkflowID("demo", unpaid), "", workflows.SignalSettled,
			workflows.SettledEvent{DocumentID: open.LedgerDocID}); err != nil {
			t.Fatal(err)
		}
		st.record(t, "order-number-learned", workflows.OrderWorkflowID("demo", unpaid), expectOrder(workflows.StateDone, 0))
	})
	t.Run("poller", func(t *testing.T) {
		st.startAndRecord(t, "poll-orders", workflows.PollOrders)
	})
	t.Run("syncs", func(t *testing.T) {
		st.startAndRecord(t, "sync-products", workflows.SyncProducts)
		st.startAndRecord(t, "sync-stock", workflows.SyncStock)
		st.startAndRecord(t, "sync-customers", workflows.SyncCustomers)
	})
}

// Every workflow type the worker registers has a recorded history, so the
// replay test covers it. Runs without a server.
func TestEveryWorkflowTypeHasARecordedHistory(t *testing.T) {
	var reg typeNames
	registerWorkflows(&reg)
	if len(reg.names) == 0 {
		t.Fatal("registerWorkflows registered nothing")
	}
	files, err := filepath.Glob(filepath.Join(historiesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(h.Events) > 0 {
			recorded[h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()] = true
		}
	}
	for _, n := range reg.names {
		if !recorded[n] {
			t.Errorf("workflow %s has no recorded history in %s: add a scenario to TestRecordHistories and run make record-histories", n, historiesDir)
		}
	}
}

// replayRegistry registers workflows with a replayer the way the worker
// registers them.
type replayRegistry struct {
	worker.Registry // nil: any other method panics
	r               worker.WorkflowReplayer
}

func (g replayRegistry) RegisterWorkflow(w any) { g.r.RegisterWorkflow(w) }

func (g replayRegistry) RegisterWorkflowWithOptions(w any, o workflow.RegisterOptions) {
	g.r.RegisterWorkflowWithOptions(w, o)
}

// typeNames is a worker.Registry that only notes the names of the
// workflows registered with it.
type typeNames struct {
	worker.Registry // nil: any other method panics
	names           []string
}

func (r *typeNames) RegisterWorkflow(w any) {
	name := runtime.FuncForPC(reflect.ValueOf(w).Pointer()).Name()
	r.names = append(r.names, name[strings.LastIndex(name, ".")+1:])
}

func (r *typeNames) RegisterWorkflowWithOptions(w any, o workflow.RegisterOptions) {
	if o.Name != "" {
		r.names = append(r.names, o.Name)
		return
	}
	r.RegisterWorkflow(w)
}

// startAndRecord runs a periodic workflow for the demo tenant once and
// records it.
func (st *stack) startAndRecord(t *testing.T, name string, wf any) {
	t.Helper()
	id := "record-" + name
	if _, err := st.temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: st.taskQueue}, wf,
		workflows.PollInput{TenantID: "demo"}); err != nil {
		t.Fatal(err)
	}
	st.record(t, name, id, nil)
}

// expectOrder checks an order run's result: its final state and how many
// refunds it credited.
func expectOrder(state workflows.OrderState, credited int) func(t *testing.T, run client.WorkflowRun) {
	return func(t *testing.T, run client.WorkflowRun) {
		t.Helper()
		var s workflows.OrderStatus
		if err := run.Get(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
		if s.State != state || len(s.Credited) != credited {
			t.Fatalf("run ended %s with %d credited, want %s with %d; history %+v", s.State, len(s.Credited), state, credited, s.History)
		}
	}
}

// record waits until the workflow's current run has completed (only closed
// runs replay reliably, sdk-go#1670), checks it with check, replays it on
// the current code and writes its history to historiesDir/name.json.
func (st *stack) record(t *testing.T, name, workflowID string, check func(*testing.T, client.WorkflowRun)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := st.temporal.GetWorkflow(ctx, workflowID, "")
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	desc, err := st.temporal.DescribeWorkflow(ctx, workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	info := desc.RawResponse.GetWorkflowExecutionInfo()
	if info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("%s: run %s is %s, want completed", name, info.GetExecution().GetRunId(), info.GetStatus())
	}
	runID := info.GetExecution().GetRunId()
	if check != nil {
		check(t, st.temporal.GetWorkflow(ctx, workflowID, runID))
	}

	hist := &historypb.History{}
	iter := st.temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		hist.Events = append(hist.Events, ev)
	}
	if n := len(hist.Events); n == 0 || hist.Events[n-1].GetEventType() != enums.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED {
		t.Fatalf("%s: history of %d events does not end with the run's completion", name, n)
	}

	r := worker.NewWorkflowReplayer()
	registerWorkflows(replayRegistry{r: r})
	if err := r.ReplayWorkflowHistory(nil, hist); err != nil {
		t.Fatalf("%s: the recorded history does not replay on the code that recorded it: %v", name, err)
	}

	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(historiesDir, name+".json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d events of %s run %s → %s", name, len(hist.Events), workflowID, runID, path)
}

// waitTransition waits until the order workflow has recorded a transition
// to state. Unlike waitState it does not take the initial "waiting" of a
// run that has not read the order yet.
func (st *stack) waitTransition(t *testing.T, orderID string, state workflows.OrderState) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := st.status(t, orderID)
		if slices.ContainsFunc(s.History, func(tr workflows.Transition) bool { return tr.State == state }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s: no transition to %s; history %+v", orderID, state, s.History)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// settleInSim marks a ledger invoice paid in the Fiken simulator.
func (st *stack) settleInSim(t *testing.T, docID string) {
	t.Helper()
	resp, err := http.Post(st.fkURL[:len(st.fkURL)-len("/api/v2")]+"/_sim/invoices/"+docID+"/settle", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("settle invoice %s: %s", docID, resp.Status)
	}
}

// editVATRules changes the demo tenant's VAT rules, as an operator would.
func (st *stack) editVATRules(t *testing.T, edit func([]tenant.VATRule) []tenant.VATRule) {
	t.Helper()
	ctx := context.Background()
	tn, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.VAT = edit(tn.Settings.VAT)
	tn.Secrets = nil // UpdateTenant keeps the stored secrets
	if err := st.store.UpdateTenant(ctx, &tn.Tenant); err != nil {
		t.Fatal(err)
	}
}

// placeOrderLines places an order for Kari with the given lines.
func placeOrderLines(t *testing.T, ps *prestashopsim.Server, module string, state int, lines []prestashopsim.PlaceOrderLine) prestashopsim.PlaceOrderResult {
	t.Helper()
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "kari@example.no", "Kari", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 1", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", module, module, state
	in.Lines = lines
	res, err := ps.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
