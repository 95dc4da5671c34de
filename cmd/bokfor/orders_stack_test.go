package main

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// TestOperatorFixesAParkedOrderOnTheRealWorkflow drives the real order
// workflow on a real worker (PostgreSQL, Temporal dev server, both
// simulators) through the operator commands: an order with an unmapped
// payment module parks, the operator finds it, maps the module, retries,
// marks it settled and cancels it.
func TestOperatorFixesAParkedOrderOnTheRealWorkflow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	envv, s := migratedStore(t)

	ps := prestashopsim.New(prestashopsim.Options{})
	psSrv := httptest.NewServer(ps)
	t.Cleanup(psSrv.Close)
	fkSrv := httptest.NewServer(fikensim.New(fikensim.Options{}))
	t.Cleanup(fkSrv.Close)
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.Shop.BaseURL = psSrv.URL
	tn.Settings.Ledger.BaseURL = fkSrv.URL + "/api/v2"
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}

	srv := devserver.ForTest(t, codecOptions(t, envv))
	envv["TEMPORAL_ADDRESS"] = srv.FrontendHostPort()
	log := zaptest.NewLogger(t)
	conns, err := app.PostgresConnectors(ctx, s, log)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	t.Cleanup(func() { _ = m.Close() })
	tq := "orders-stack-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	done := make(chan error, 1)
	go func() {
		done <- app.RunWorker(ctx, app.WorkerDeps{Log: log, Temporal: srv.Client(), Store: s, Metrics: m, Connectors: conns, TaskQueue: tq})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Log("worker did not stop in time")
		}
	})

	// Cash on delivery is not among the tenant's payment methods.
	id := simOrder(t, ps, "cod", "15", 2)
	wfID := workflows.OrderWorkflowID("demo", id)
	if _, err := srv.Client().SignalWithStartWorkflow(ctx, wfID, workflows.SignalShopEvent, workflows.ShopEvent{ID: "e1", Topic: "order"},
		client.StartWorkflowOptions{
			ID: wfID, TaskQueue: tq, WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrTenantID.ValueSet("demo"), workflows.AttrShopOrderRef.ValueSet(id)),
		}, workflows.Order, workflows.OrderInput{TenantID: "demo", ShopOrderID: id}); err != nil {
		t.Fatal(err)
	}

	ok := func(args ...string) string {
		t.Helper()
		r := runCmd(t, envv, "", args...)
		if r.code != 0 {
			t.Fatalf("%v: %s", args, r.stderr)
		}
		return r.stdout
	}
	fails := func(want string, args ...string) {
		t.Helper()
		r := runCmd(t, envv, "", args...)
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Fatalf("%v: exit %d, stderr %q, want failure naming %q", args, r.code, r.stderr, want)
		}
	}
	// eventually runs a command until its output has every want.
	eventually := func(want []string, args ...string) string {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			out := ok(args...)
			missing := ""
			for _, w := range want {
				if !strings.Contains(out, w) {
					missing = w
					break
				}
			}
			if missing == "" {
				return out
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v never showed %q:\n%s", args, missing, out)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}

	// The operator finds the parked order and why.
	eventually([]string{wfID, "needs_attention"}, "orders", "list", "--tenant", "demo", "--needs-attention")
	eventually([]string{"needs_attention", "build document", `no payment method configured for the order's payment module: "cod"`}, "orders", "show", "demo", id)
	fails(`"cod"`, "preview", "--tenant", "demo", "--order", id)
	fails("no ledger document", "orders", "mark-settled", "demo", id)

	// Map the module, check the preview, retry.
	tn.Settings.PaymentMethods = append(tn.Settings.PaymentMethods, tenant.PaymentMethod{Module: "cod", SendMethod: "none", DueDays: 10})
	if err := s.UpdateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if out := ok("preview", "--tenant", "demo", "--order", id); !strings.Contains(out, "not posted by bokfor yet") || !regexp.MustCompile(`Due days +10\n`).MatchString(out) {
		t.Fatalf("preview after mapping:\n%s", out)
	}
	ok("orders", "retry", "demo", id, "--note", "cod mapped")
	eventually([]string{wfID, "booked"}, "orders", "list", "--tenant", "demo", "--state", "booked")
	show := eventually([]string{"booked", "Ledger doc id", "operator retries build document: cod mapped"}, "orders", "show", "demo", id)
	if !regexp.MustCompile(`Stored record\n  State +booked\n`).MatchString(show) {
		t.Fatalf("the store's record is not booked:\n%s", show)
	}
	if out := ok("preview", "--tenant", "demo", "--order", id); !strings.Contains(out, "already posted as") {
		t.Fatalf("preview after booking:\n%s", out)
	}
	fails("it is booked, not needs_attention", "orders", "retry", "demo", id)

	// Paid in cash at the counter: the operator settles it, then ends it.
	ok("orders", "mark-settled", "demo", id, "--note", "paid in cash")
	eventually([]string{"operator marked settled: paid in cash", "settled in the ledger; shop told"}, "orders", "show", "demo", id)
	ok("orders", "cancel", "demo", id, "--note", "done here")
	eventually([]string{"Completed", "cancelled by operator: done here"}, "orders", "show", "demo", id)
	fails("is Completed", "orders", "resync", "demo", id)
}
