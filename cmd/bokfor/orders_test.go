package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/temporalclient"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// fakeOrderInput starts fakeOrder.
type fakeOrderInput struct {
	Status workflows.OrderStatus
	// Complete ends the workflow at once with Status as its result.
	Complete bool
}

// fakeOrder stands in for workflows.Order under the same type name: it
// answers the status query with its input and records every operator
// action in the timeline; cancel ends it.
func fakeOrder(ctx workflow.Context, in fakeOrderInput) (*workflows.OrderStatus, error) {
	st := in.Status
	if in.Complete {
		return &st, nil
	}
	if err := workflow.SetQueryHandler(ctx, workflows.QueryStatus, func() (workflows.OrderStatus, error) { return st, nil }); err != nil {
		return nil, err
	}
	ops := workflow.GetSignalChannel(ctx, workflows.SignalOperator)
	for {
		var a workflows.OperatorAction
		ops.Receive(ctx, &a)
		st.History = append(st.History, workflows.Transition{At: workflow.Now(ctx), State: st.State, Note: a.Action + ": " + a.Note})
		if a.Action == workflows.ActionCancel {
			st.State = workflows.StateCancelled
			return &st, nil
		}
	}
}

type fakeOrderSpec struct {
	tenant, order string
	status        workflows.OrderStatus
	complete      bool
	// noWorker starts it on a task queue nobody polls.
	noWorker bool
}

// codecOptions returns client options that encrypt payloads with the key
// in envv, as bokfor's worker and commands do.
func codecOptions(t *testing.T, envv map[string]string) client.Options {
	t.Helper()
	c, err := temporalclient.PayloadCodec(&config.Config{SecretKey: envv["BOKFOR_SECRET_KEY"]})
	if err != nil || c == nil {
		t.Fatalf("payload codec: %v", err)
	}
	return client.Options{DataConverter: c.DataConverter(), FailureConverter: c.FailureConverter()}
}

// startFakeOrders starts a Temporal dev server with a worker for
// fakeOrder and the given order workflows, all with payloads encrypted
// under envv's secret key; it returns the environment for commands.
func startFakeOrders(t *testing.T, envv map[string]string, specs []fakeOrderSpec) (map[string]string, client.Client) {
	t.Helper()
	srv := devserver.ForTest(t, codecOptions(t, envv))
	c := srv.Client()
	const tq = "orders-cmd-test"
	w := worker.New(c, tq, worker.Options{})
	w.RegisterWorkflowWithOptions(fakeOrder, workflow.RegisterOptions{Name: orderWorkflowType})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	ctx := context.Background()
	for _, sp := range specs {
		st := sp.status
		st.TenantID, st.ShopOrderID = sp.tenant, sp.order
		attrs := []temporal.SearchAttributeUpdate{
			workflows.AttrTenantID.ValueSet(sp.tenant), workflows.AttrShopOrderRef.ValueSet(sp.order),
			workflows.AttrOrderState.ValueSet(string(st.State)),
			workflows.AttrNeedsAttention.ValueSet(st.State == workflows.StateNeedsAttention),
		}
		if st.LedgerDocNo != "" {
			attrs = append(attrs, workflows.AttrLedgerDocNo.ValueSet(st.LedgerDocNo))
		}
		queue := tq
		if sp.noWorker {
			queue = "nobody-polls-this"
		}
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: workflows.OrderWorkflowID(sp.tenant, sp.order), TaskQueue: queue,
			TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
		}, orderWorkflowType, fakeOrderInput{Status: st, Complete: sp.complete})
		if err != nil {
			t.Fatal(err)
		}
		if sp.complete {
			if err := run.Get(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	return map[string]string{"TEMPORAL_ADDRESS": srv.FrontendHostPort()}, c
}

// waitListed polls `orders list` until it shows n workflows of tenant.
func waitListed(t *testing.T, envv map[string]string, tenantID string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := runCmd(t, envv, "", "orders", "list", "--tenant", tenantID)
		if r.code == 0 && strings.Count(r.stdout, "order-"+tenantID+"-") == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("visibility never listed %d orders of %s: %+v", n, tenantID, r)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var parkedStatus = workflows.OrderStatus{
	State: workflows.StateNeedsAttention, Step: "post document", Reason: "Fiken 400: account 3000 is closed", Events: 2,
	History: []workflows.Transition{
		{At: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), State: workflows.StateBooking},
		{At: time.Date(2026, 11, 25, 10, 0, 5, 0, time.UTC), State: workflows.StateNeedsAttention, Note: "post document: Fiken 400: account 3000 is closed"},
	},
}

func TestOrdersListShowAndOperatorSignals(t *testing.T) {
	t.Parallel()
	envv, s := migratedStore(t)
	tenv, tc := startFakeOrders(t, envv, []fakeOrderSpec{
		{tenant: "demo", order: "1", status: parkedStatus},
		{tenant: "demo", order: "2", status: workflows.OrderStatus{State: workflows.StateBooked, LedgerDocID: "9001", LedgerDocNo: "10002",
			Credited: []string{"cs-7"}, History: []workflows.Transition{{At: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC), State: workflows.StateBooked, Note: "invoice 10002 posted, 1145.80"}}}},
		{tenant: "other", order: "3", status: workflows.OrderStatus{State: workflows.StateWaiting}},
		{tenant: "demo", order: "4", complete: true, status: workflows.OrderStatus{State: workflows.StateDone, LedgerDocNo: "10004",
			History: []workflows.Transition{{At: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), State: workflows.StateDone, Note: "no events for 720h0m0s"}}}},
		{tenant: "demo", order: "5", noWorker: true, status: workflows.OrderStatus{State: workflows.StateBooked}},
	})
	for k, v := range tenv {
		envv[k] = v
	}
	ctx := context.Background()
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	for _, rec := range []store.OrderRecord{
		{TenantID: "demo", ShopOrderID: "1", WorkflowID: "order-demo-1", State: "needs_attention", Reason: "post document: Fiken 400"},
		{TenantID: "demo", ShopOrderID: "4", WorkflowID: "order-demo-4", State: "done", LedgerDocID: "9004", LedgerDocNo: "10004"},
		{TenantID: "demo", ShopOrderID: "6", WorkflowID: "order-demo-6", State: "settled", LedgerDocID: "9006", LedgerDocNo: "10006"},
	} {
		if err := s.PutOrder(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	waitListed(t, envv, "demo", 4)
	waitListed(t, envv, "other", 1)

	type check struct {
		name     string
		args     []string
		wantCode int
		want     []string // in stdout (code 0) or stderr
		not      []string
	}
	run := func(t *testing.T, tt check) {
		t.Helper()
		r := runCmd(t, envv, "", tt.args...)
		if r.code != tt.wantCode {
			t.Fatalf("%v: exit %d, want %d; stdout %q stderr %q", tt.args, r.code, tt.wantCode, r.stdout, r.stderr)
		}
		out := r.stdout
		if tt.wantCode != 0 {
			out = r.stderr
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tt.args, w, out)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(out, w) {
				t.Errorf("%v: output has %q:\n%s", tt.args, w, out)
			}
		}
	}

	t.Run("list", func(t *testing.T) {
		for _, tt := range []check{
			{"tenant", []string{"orders", "list", "--tenant", "demo"}, 0,
				[]string{"WORKFLOW ID", "order-demo-1", "needs_attention", "order-demo-2", "10002", "Running", "order-demo-4", "Completed", "10004", "order-demo-5"},
				[]string{"order-other-3"}},
			{"needs attention", []string{"orders", "list", "--needs-attention"}, 0,
				[]string{"order-demo-1"}, []string{"order-demo-2", "order-other-3", "order-demo-4"}},
			{"state", []string{"orders", "list", "--tenant", "demo", "--state", "booked"}, 0,
				[]string{"order-demo-2", "order-demo-5"}, []string{"order-demo-1", "order-demo-4"}},
			{"other tenant", []string{"orders", "list", "--tenant", "other", "--state", "waiting"}, 0,
				[]string{"order-other-3", "waiting"}, []string{"order-demo-"}},
			{"nothing matches", []string{"orders", "list", "--tenant", "nobody"}, 0, []string{"no order workflows match"}, []string{"WORKFLOW ID"}},
			{"bad state", []string{"orders", "list", "--state", "paid"}, 1, []string{"--state", "needs_attention"}, nil},
			{"quote in tenant", []string{"orders", "list", "--tenant", "x' OR TenantID!='"}, 1, []string{"--tenant"}, nil},
			{"bad limit", []string{"orders", "list", "--limit", "0"}, 1, []string{"--limit"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) { run(t, tt) })
		}
		// --limit cuts the table: a header and exactly two rows.
		r := runCmd(t, envv, "", "orders", "list", "--limit", "2")
		if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != 3 {
			t.Fatalf("--limit 2: code %d, %d lines: %q", r.code, len(lines), r.stdout)
		}
	})

	t.Run("show", func(t *testing.T) {
		for _, tt := range []check{
			{"parked", []string{"orders", "show", "demo", "1"}, 0,
				[]string{"order-demo-1", "Running", "needs_attention", "post document", "Fiken 400: account 3000 is closed",
					"Timeline", "2026-11-25 10:00:05", "Stored record", "post document: Fiken 400"}, nil},
			{"booked", []string{"orders", "show", "demo", "2"}, 0,
				[]string{"booked", "9001", "10002", "cs-7", "invoice 10002 posted, 1145.80", "Stored record\n  none"}, nil},
			{"completed: the result", []string{"orders", "show", "demo", "4"}, 0,
				[]string{"Completed", "closed", "done", "10004", "no events for 720h0m0s", "9004"}, nil},
			{"only in the store", []string{"orders", "show", "demo", "6"}, 0,
				[]string{"no workflow in Temporal", "settled", "9006", "10006"}, nil},
			{"no worker", []string{"orders", "show", "demo", "5", "--query-timeout", "500ms"}, 0,
				[]string{"order-demo-5", "Running", "status query failed"}, nil},
			{"unknown", []string{"orders", "show", "demo", "7"}, 1,
				[]string{"order 7 of tenant demo", "no stored record"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) { run(t, tt) })
		}
	})

	t.Run("secret key", func(t *testing.T) {
		without := map[string]string{"DATABASE_URL": envv["DATABASE_URL"], "TEMPORAL_ADDRESS": envv["TEMPORAL_ADDRESS"]}
		other := map[string]string{"DATABASE_URL": envv["DATABASE_URL"], "TEMPORAL_ADDRESS": envv["TEMPORAL_ADDRESS"], "BOKFOR_SECRET_KEY": secrets.GenerateKey()}
		// Listing reads only search attributes: no key needed.
		if r := runCmd(t, without, "", "orders", "list", "--tenant", "demo"); r.code != 0 || !strings.Contains(r.stdout, "order-demo-1") {
			t.Fatalf("list without a key: %+v", r)
		}
		// Payloads are encrypted: show and signals need the worker's key.
		if r := runCmd(t, without, "", "orders", "show", "demo", "1"); r.code == 0 || !strings.Contains(r.stderr, "BOKFOR_SECRET_KEY") {
			t.Fatalf("show without a key: %+v", r)
		}
		if r := runCmd(t, other, "", "orders", "show", "demo", "1"); r.code != 0 || !strings.Contains(r.stdout, "status query") || strings.Contains(r.stdout, "Fiken 400: account 3000 is closed") {
			t.Fatalf("show with another key: %+v", r)
		}
		if r := runCmd(t, other, "", "orders", "retry", "demo", "1"); r.code == 0 || !strings.Contains(r.stderr, "cannot check its state") {
			t.Fatalf("retry with another key: %+v", r)
		}
	})

	t.Run("signals", func(t *testing.T) {
		for _, tt := range []check{
			{"retry a booked order", []string{"orders", "retry", "demo", "2"}, 1, []string{"retry does not apply", "it is booked, not needs_attention", "--force"}, nil},
			{"skip a waiting order", []string{"orders", "skip", "other", "3"}, 1, []string{"skip does not apply"}, nil},
			{"mark-settled without a document", []string{"orders", "mark-settled", "demo", "1"}, 1, []string{"no ledger document"}, nil},
			{"mark-settled", []string{"orders", "mark-settled", "demo", "2", "--note", "paid in cash"}, 0, []string{"mark-settled sent to order-demo-2"}, nil},
			{"retry", []string{"orders", "retry", "demo", "1", "--note", "account reopened"}, 0, []string{"retry sent to order-demo-1 (state needs_attention)"}, nil},
			{"resync", []string{"orders", "resync", "other", "3"}, 0, []string{"resync sent to order-other-3"}, nil},
			{"cancel a completed order", []string{"orders", "cancel", "demo", "4"}, 1, []string{"order-demo-4 is Completed"}, nil},
			{"no such workflow", []string{"orders", "cancel", "demo", "6"}, 1, []string{"order-demo-6", "no workflow in Temporal"}, nil},
			{"state unknown", []string{"orders", "cancel", "demo", "5", "--query-timeout", "500ms"}, 1, []string{"cannot check its state", "--force"}, nil},
			{"state unknown, forced", []string{"orders", "cancel", "demo", "5", "--force", "--note", "stuck"}, 0, []string{"cancel sent to order-demo-5 (state not checked)"}, nil},
			{"cancel", []string{"orders", "cancel", "demo", "1", "--note", "booked by hand"}, 0, []string{"cancel sent"}, nil},
		} {
			t.Run(tt.name, func(t *testing.T) { run(t, tt) })
		}
		// The workflows received exactly what was sent, notes included.
		run(t, check{"demo 2 after", []string{"orders", "show", "demo", "2"}, 0, []string{"mark-settled: paid in cash"}, []string{"retry:"}})
		run(t, check{"other 3 after", []string{"orders", "show", "other", "3"}, 0, []string{"resync: "}, []string{"skip:"}})
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		var st *workflows.OrderStatus
		if err := tc.GetWorkflow(dctx, "order-demo-1", "").Get(dctx, &st); err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, h := range st.History {
			notes = append(notes, h.Note)
		}
		if got := strings.Join(notes[2:], "|"); st.State != workflows.StateCancelled || got != "retry: account reopened|cancel: booked by hand" {
			t.Fatalf("order-demo-1 ended %s with actions %q", st.State, got)
		}
		// The forced signal reached the workflow nobody runs.
		iter := tc.GetWorkflowHistory(dctx, "order-demo-5", "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		signalled := false
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			if a := ev.GetWorkflowExecutionSignaledEventAttributes(); a != nil && a.GetSignalName() == workflows.SignalOperator {
				signalled = true
			}
		}
		if !signalled {
			t.Fatal("the forced cancel did not reach order-demo-5")
		}
	})
}
