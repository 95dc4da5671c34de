// Package metrics owns the Prometheus registry of a bokfor process: the
// Temporal SDK metrics (through tally) and bokfor's own counters, served on
// /metrics.
package metrics

import (
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Metrics is one process's registry and bokfor's own instruments.
type Metrics struct {
	registry *prometheus.Registry
	scope    tally.Scope
	closer   io.Closer

	// WebhooksReceived counts webhook deliveries by tenant-independent
	// source and outcome (accepted, duplicate, unauthorized, bad_request ...).
	WebhooksReceived *prometheus.CounterVec
	// InboxRelayed counts inbox events delivered to Temporal by the relay.
	InboxRelayed prometheus.Counter
	// LedgerRequests counts ledger API calls by ledger, operation and outcome.
	LedgerRequests *prometheus.CounterVec
	// ShopRequests counts shop API calls by shop, operation and outcome.
	ShopRequests *prometheus.CounterVec
	// OrdersBooked counts ledger documents created, by ledger and kind.
	OrdersBooked *prometheus.CounterVec
	// NeedsAttention counts orders parked for an operator, by reason class.
	NeedsAttention *prometheus.CounterVec
}

// New creates a registry with Go and process collectors, bokfor's counters
// and a tally scope that reports the Temporal SDK metrics into it.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		registry: reg,
		WebhooksReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bokfor_webhooks_received_total", Help: "Webhook deliveries by source and outcome.",
		}, []string{"source", "outcome"}),
		InboxRelayed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bokfor_inbox_relayed_total", Help: "Inbox events delivered to Temporal by the relay.",
		}),
		LedgerRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bokfor_ledger_requests_total", Help: "Ledger API requests by ledger, operation and outcome.",
		}, []string{"ledger", "operation", "outcome"}),
		ShopRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bokfor_shop_requests_total", Help: "Shop API requests by shop, operation and outcome.",
		}, []string{"shop", "operation", "outcome"}),
		OrdersBooked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bokfor_orders_booked_total", Help: "Ledger documents created for shop orders, by ledger and kind.",
		}, []string{"ledger", "kind"}),
		NeedsAttention: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bokfor_orders_needs_attention_total", Help: "Orders parked for an operator, by reason class.",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.WebhooksReceived, m.InboxRelayed, m.LedgerRequests, m.ShopRequests, m.OrdersBooked, m.NeedsAttention)

	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       reg,
		Gatherer:         reg,
		DefaultTimerType: tallyprom.HistogramTimerType,
		OnRegisterError:  func(error) {},
	})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	m.scope = sdktally.NewPrometheusNamingScope(scope)
	m.closer = closer
	return m
}

// TemporalHandler returns the metrics handler for client.Options.
func (m *Metrics) TemporalHandler() client.MetricsHandler {
	return sdktally.NewMetricsHandler(m.scope)
}

// Registry returns the Prometheus registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Close flushes and stops the tally scope.
func (m *Metrics) Close() error { return m.closer.Close() }
