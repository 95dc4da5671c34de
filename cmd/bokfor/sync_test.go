package main

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/tenant"
)

// TestSyncRunAndStatusOnTheRealWorkflow runs `bokfor sync run` and
// `bokfor sync status` against a real worker (PostgreSQL, Temporal dev
// server, both simulators).
func TestSyncRunAndStatusOnTheRealWorkflow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	envv, s := migratedStore(t)
	psSrv := httptest.NewServer(prestashopsim.New(prestashopsim.Options{}))
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
	tq := "sync-cmd-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	envv["TEMPORAL_ADDRESS"] = srv.FrontendHostPort()
	envv["BOKFOR_TASK_QUEUE"] = tq
	log := zaptest.NewLogger(t)
	conns, err := app.PostgresConnectors(ctx, s, log)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	t.Cleanup(func() { _ = m.Close() })
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

	r := runCmd(t, envv, "", "sync", "run", "--tenant", "demo", "products")
	if r.code != 0 || !strings.Contains(r.stdout, "created 7,") {
		t.Fatalf("sync run products: code %d, stdout %q, stderr %q; want 7 created", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, envv, "", "sync", "run", "--tenant", "demo", "--full", "products")
	if r.code != 0 || !strings.Contains(r.stdout, "read 7, created 0, updated 0, conflicts 0") {
		t.Fatalf("sync run --full products: code %d, stdout %q, stderr %q; want 7 read and nothing written", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, envv, "", "sync", "status", "--tenant", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "products-shop=2") || !strings.Contains(r.stdout, "products-ledger=2") {
		t.Fatalf("sync status: code %d, stdout %q, stderr %q; want the product watermarks", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{
		{"sync", "run", "--tenant", "demo", "prices"},
		{"sync", "run", "products"},
		{"sync", "status"},
	} {
		if r := runCmd(t, envv, "", args...); r.code == 0 {
			t.Errorf("%v: exit 0, want a refusal", args)
		}
	}
}
