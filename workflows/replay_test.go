package workflows

import (
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/activities"
)

// The recorded histories: completed runs of real scenarios on the real
// stack, written by TestRecordHistories in internal/app
// (make record-histories). Every change to workflow code must replay them;
// a change that does not needs workflow.GetVersion (docs/operations.md).
const historiesDir = "testdata/histories"

// loadHistories reads every recorded history, subdirectories included
// (archived recordings of older code), keyed by path below historiesDir.
func loadHistories(t *testing.T) map[string]*historypb.History {
	t.Helper()
	hs := map[string]*historypb.History{}
	err := filepath.WalkDir(historiesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		r, err := os.Open(path)
		if err != nil {
			return err
		}
		defer r.Close()
		h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(h.Events) == 0 {
			return fmt.Errorf("%s: empty history", path)
		}
		rel, _ := filepath.Rel(historiesDir, path)
		hs[filepath.ToSlash(rel)] = h
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) == 0 {
		t.Fatalf("no histories in %s: run make record-histories", historiesDir)
	}
	return hs
}

// workflowType is the type of the workflow a history is of.
func workflowType(h *historypb.History) string {
	return h.Events[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowType().GetName()
}

// replayLogger keeps the replayer's info lines out of the test output.
func replayLogger(t *testing.T) sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// replayer registers the workflows as the worker does (app.registerWorkflows),
// with order in place of Order when not nil.
func replayer(order func(workflow.Context, OrderInput) (*OrderStatus, error)) worker.WorkflowReplayer {
	r := worker.NewWorkflowReplayer()
	if order == nil {
		r.RegisterWorkflow(Order)
	} else {
		r.RegisterWorkflowWithOptions(order, workflow.RegisterOptions{Name: "Order"})
	}
	for _, wf := range []any{PollOrders, WatchSettlements, SyncProducts, SyncStock, SyncCustomers} {
		r.RegisterWorkflow(wf)
	}
	return r
}

// Every recorded history replays on the current workflow code.
func TestReplayRecordedHistories(t *testing.T) {
	hs := loadHistories(t)
	types := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(hs)) {
		h := hs[name]
		types[workflowType(h)] = true
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			if err := replayer(nil).ReplayWorkflowHistory(replayLogger(t), h); err != nil {
				t.Fatalf("%s (%s) does not replay on this code: %v\n"+
					"A change to workflow code that changes the commands of a running "+
					"workflow must be guarded by workflow.GetVersion (docs/operations.md).", name, workflowType(h), err)
			}
		})
	}
	for _, wt := range []string{"Order", "PollOrders", "WatchSettlements", "SyncProducts", "SyncStock", "SyncCustomers"} {
		if !types[wt] {
			t.Errorf("no recorded history of %s in %s", wt, historiesDir)
		}
	}
}

// orderWithCustomerFirst is Order with a new first step, added the wrong way:
// without workflow.GetVersion.
func orderWithCustomerFirst(ctx workflow.Context, in OrderInput) (*OrderStatus, error) {
	if err := resolveCustomerFirst(ctx, in); err != nil {
		return nil, err
	}
	return Order(ctx, in)
}

// orderWithCustomerFirstVersioned is the same change guarded by GetVersion:
// runs that started before it keep the old command sequence.
func orderWithCustomerFirstVersioned(ctx workflow.Context, in OrderInput) (*OrderStatus, error) {
	if workflow.GetVersion(ctx, "resolve-customer-first", workflow.DefaultVersion, 1) == 1 {
		if err := resolveCustomerFirst(ctx, in); err != nil {
			return nil, err
		}
	}
	return Order(ctx, in)
}

func resolveCustomerFirst(ctx workflow.Context, in OrderInput) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	ref := activities.OrderRef{TenantID: in.TenantID, ShopOrderID: in.ShopOrderID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	return workflow.ExecuteActivity(actx, orderActs.ResolveCustomer, activities.ResolveCustomerInput{OrderRef: ref}).Get(ctx, nil)
}

// The replay test catches a change that breaks running orders, and lets
// the same change through once it is guarded by GetVersion.
func TestReplayCatchesUnversionedChange(t *testing.T) {
	hs := loadHistories(t)
	const name = "order-paid-at-checkout.json"
	h, ok := hs[name]
	if !ok {
		t.Fatalf("%s missing: run make record-histories", name)
	}
	// The expected failure logs a panic with a stack trace: keep it out.
	quiet := sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))
	err := replayer(orderWithCustomerFirst).ReplayWorkflowHistory(quiet, h)
	if err == nil {
		t.Fatal("a new first activity without GetVersion replayed without error")
	}
	if !strings.Contains(err.Error(), "TMPRL1100") {
		t.Fatalf("replay failed, but not with a non-determinism error: %v", err)
	}
	t.Logf("caught as expected: %v", err)

	for name, h := range hs {
		if workflowType(h) != "Order" {
			continue
		}
		if err := replayer(orderWithCustomerFirstVersioned).ReplayWorkflowHistory(replayLogger(t), h); err != nil {
			t.Errorf("%s: the GetVersion-guarded change does not replay: %v", name, err)
		}
	}
}

// The current recordings of waiting orders (runs with "send-with-post")
// keep one settlement-backstop timer across the signals of the wait and
// cancel it when the deadline moves: no timer is left to fire later for
// nothing. Before, every wait ended by a signal left its timer running.
func TestRecordedWaitsLeaveNoTimerBehind(t *testing.T) {
	t.Parallel()
	hs := loadHistories(t)
	for _, name := range []string{"order-number-learned.json", "order-settled-by-watcher.json", "before-send-with-post/order-number-learned.json"} {
		h, ok := hs[name]
		if !ok {
			t.Fatalf("%s: not recorded", name)
		}
		pending := map[int64]bool{}
		for _, e := range h.Events {
			switch {
			case e.GetTimerStartedEventAttributes() != nil:
				pending[e.GetEventId()] = true
			case e.GetTimerFiredEventAttributes() != nil:
				delete(pending, e.GetTimerFiredEventAttributes().GetStartedEventId())
			case e.GetTimerCanceledEventAttributes() != nil:
				delete(pending, e.GetTimerCanceledEventAttributes().GetStartedEventId())
			}
		}
		left := len(pending)
		if strings.HasPrefix(name, "before-") {
			if left == 0 {
				t.Errorf("%s: the old code left timers behind; the recording shows none", name)
			}
			continue
		}
		if left != 0 {
			t.Errorf("%s: %d timers still running when the run completed", name, left)
		}
	}
}
