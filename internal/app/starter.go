package app

import (
	"context"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/logging"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/webhook"
)

// StarterDeps are what the starter needs, already connected.
type StarterDeps struct {
	Log      *zap.Logger
	Temporal client.Client
	Store    *store.Store
	Metrics  *metrics.Metrics
	Addr     string
	// TaskQueue is where started order workflows run; empty means
	// config.DefaultTaskQueue.
	TaskQueue string
	// RelayInterval is the pause between inbox relay rounds; 0 means
	// webhook.DefaultRelayInterval.
	RelayInterval time.Duration
	// Ready, if set, receives the bound address once listening.
	Ready func(addr string)
	// Codec, if set, is the payload codec endpoint served under /codec/
	// (codec.Handler) for the Temporal Web UI.
	Codec http.Handler
}

// StarterHandler returns the starter's HTTP routes: health, readiness and
// metrics, and the webhook edge.
func StarterHandler(d StarterDeps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.Store.Pool().Ping(ctx); err != nil {
			http.Error(w, "database: unavailable", http.StatusServiceUnavailable)
			return
		}
		if _, err := d.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			http.Error(w, "temporal: unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", d.Metrics.Handler())
	if d.Codec != nil {
		mux.Handle("/codec/", http.StripPrefix("/codec", d.Codec))
	}
	mux.Handle("POST /webhooks/{tenant}/{source}", webhook.NewHandler(webhook.Deps{
		Store: d.Store, Signaler: d.signaler(), Log: d.Log.Named("webhook"), Metrics: d.Metrics,
	}))
	return logging.AccessLog(d.Log.Named("http"), mux)
}

// signaler returns the Temporal signal-with-start of the order workflows.
func (d StarterDeps) signaler() webhook.TemporalSignaler {
	tq := d.TaskQueue
	if tq == "" {
		tq = config.DefaultTaskQueue
	}
	return webhook.TemporalSignaler{Client: d.Temporal, TaskQueue: tq}
}

// RunStarter serves the starter, and runs the inbox relay, until ctx is
// done.
func RunStarter(ctx context.Context, d StarterDeps) error {
	srv, errc, err := serve(d.Addr, StarterHandler(d))
	if err != nil {
		return err
	}
	defer shutdown(srv)
	relayCtx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	go func() {
		defer close(relayDone)
		r := &webhook.Relay{Store: d.Store, Signaler: d.signaler(), Log: d.Log.Named("relay"), Metrics: d.Metrics, Interval: d.RelayInterval}
		_ = r.Run(relayCtx)
	}()
	defer func() { stopRelay(); <-relayDone }()
	d.Log.Info("starter listening", zap.String("url", "http://"+srv.Addr))
	if d.Ready != nil {
		d.Ready(srv.Addr)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}
