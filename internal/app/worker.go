// Package app assembles bokfor's processes — worker and starter — from
// configuration, so that `bokfor worker`, `bokfor starter` and `bokfor dev`
// run the same code.
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
)

// WorkerDeps are what a worker needs, already connected.
type WorkerDeps struct {
	Log      *zap.Logger
	Temporal client.Client
	Store    *store.Store
	Metrics  *metrics.Metrics
	// Connectors build the tenants' shop and ledger clients.
	Connectors *Connectors
	TaskQueue  string
	// MetricsAddr serves /metrics when not empty.
	MetricsAddr string
	// Ready, if set, is called once the worker polls and serves metrics.
	Ready func()
	// ScheduleEvery is how often the worker reconciles the tenants'
	// schedules; 0 turns reconciliation off (tests).
	ScheduleEvery time.Duration
	// KeyID is the payload codec's sealing key id ("" without a codec);
	// schedules sealed with another key are rewritten (Scheduler.KeyID).
	KeyID string
	// WorkflowCacheSize is how many workflows the worker keeps in memory
	// between their tasks (the SDK's sticky cache); 0 keeps the SDK's
	// default of 10 000. A waiting order that falls out of the cache is
	// replayed from its history on its next signal, so size it above the
	// number of orders waiting for settlement where memory allows
	// (docs/operations.md).
	WorkflowCacheSize int
}

// Register adds every workflow and activity of bokfor to w.
func Register(w worker.Registry, d WorkerDeps) {
	w.RegisterActivity(&activities.Store{Store: d.Store})
	w.RegisterActivity(&activities.Orders{Store: d.Store, Connectors: d.Connectors})
	w.RegisterActivity(&activities.Pollers{Store: d.Store, Connectors: d.Connectors,
		Starter: &OrderStarter{Client: d.Temporal, TaskQueue: d.TaskQueue}})
	w.RegisterActivity(&activities.Syncs{Store: d.Store, Connectors: d.Connectors})
	registerWorkflows(w)
}

// RunWorker polls the task queue until ctx is done.
func RunWorker(ctx context.Context, d WorkerDeps) error {
	if d.WorkflowCacheSize > 0 {
		// The SDK keeps one cache per process, sized when its first
		// worker starts.
		worker.SetStickyWorkflowCacheSize(d.WorkflowCacheSize)
	}
	w := worker.New(d.Temporal, d.TaskQueue, worker.Options{
		MaxConcurrentWorkflowTaskPollers: 4,
		MaxConcurrentActivityTaskPollers: 4,
		WorkerStopTimeout:                10 * time.Second,
	})
	Register(w, d)
	var srvErr chan error
	if d.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", d.Metrics.Handler())
		srv, errc, err := serve(d.MetricsAddr, mux)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		srvErr = errc
		defer shutdown(srv)
		d.Log.Info("metrics", zap.String("url", "http://"+srv.Addr+"/metrics"))
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	d.Log.Info("worker started", zap.String("task_queue", d.TaskQueue))
	if d.Ready != nil {
		d.Ready()
	}
	if d.ScheduleEvery > 0 {
		sched := &Scheduler{Client: d.Temporal, Store: d.Store, TaskQueue: d.TaskQueue, Log: d.Log.Named("schedules"), KeyID: d.KeyID}
		go sched.Run(ctx, d.ScheduleEvery)
	}
	select {
	case <-ctx.Done():
		d.Log.Info("worker stopping")
		return nil
	case err := <-srvErr:
		return err
	}
}

// serve listens on addr and serves h in the background; the channel gets
// the server's error if it stops on its own.
func serve(addr string, h http.Handler) (*http.Server, chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv, errc, nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
