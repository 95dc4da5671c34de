package app

import (
	"context"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/logging"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
)

// StarterDeps are what the starter needs, already connected.
type StarterDeps struct {
	Log      *zap.Logger
	Temporal client.Client
	Store    *store.Store
	Metrics  *metrics.Metrics
	Addr     string
	// Ready, if set, receives the bound address once listening.
	Ready func(addr string)
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
	return logging.AccessLog(d.Log.Named("http"), mux)
}

// RunStarter serves the starter until ctx is done.
func RunStarter(ctx context.Context, d StarterDeps) error {
	srv, errc, err := serve(d.Addr, StarterHandler(d))
	if err != nil {
		return err
	}
	defer shutdown(srv)
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
