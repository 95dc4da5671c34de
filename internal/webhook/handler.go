package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// Defaults of Deps.
const (
	// DefaultMaxBody is the largest body accepted (413 above it).
	DefaultMaxBody = 1 << 20
	// DefaultSignalTimeout bounds the signal inside a request; shops wait
	// 3 s (ps_webhooks) to 5 s (Shopify) for the answer.
	DefaultSignalTimeout = 2 * time.Second
	// DefaultStoreTimeout bounds each database call inside a request.
	DefaultStoreTimeout = 5 * time.Second
)

// Deps are what the webhook handler needs.
type Deps struct {
	// Store is the inbox and the tenants.
	Store *store.Store
	// Signaler delivers events to order workflows (TemporalSignaler).
	Signaler Signaler
	// Log receives one line per delivery; never a secret or token.
	Log *zap.Logger
	// Metrics counts deliveries by source and outcome; may be nil.
	Metrics *metrics.Metrics
	// MaxBody limits the body; 0 means DefaultMaxBody.
	MaxBody int64
	// SignalTimeout bounds the signal; 0 means DefaultSignalTimeout.
	SignalTimeout time.Duration
}

// Handler serves POST /webhooks/{tenant}/{source}. Mount it on a pattern
// that defines the path values "tenant" and "source".
type Handler struct {
	deps Deps
	d    dispatcher
}

// NewHandler returns the webhook edge.
func NewHandler(deps Deps) *Handler {
	if deps.MaxBody <= 0 {
		deps.MaxBody = DefaultMaxBody
	}
	if deps.SignalTimeout <= 0 {
		deps.SignalTimeout = DefaultSignalTimeout
	}
	if deps.Log == nil {
		deps.Log = zap.NewNop()
	}
	return &Handler{deps: deps, d: dispatcher{store: deps.Store, signaler: deps.Signaler, log: deps.Log, signalTimeout: deps.SignalTimeout}}
}

// answer is the JSON body of 2xx answers.
type answer struct {
	Status  string `json:"status"`
	InboxID int64  `json:"inbox_id,omitempty"`
}

// ServeHTTP authenticates, stores and routes one delivery. Answers: 202
// accepted (also a duplicate, an echo, or an event left to the relay),
// 200 for the WooCommerce ping, 400 malformed, 401 bad or missing
// signature, 404 unknown or disabled tenant or unknown source, 413 too
// large, 503 database unreachable.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenantID, srcName := r.PathValue("tenant"), r.PathValue("source")
	src, ok := lookupSource(srcName)
	if !ok {
		h.reject(w, "unknown", tenantID, OutcomeNotFound, http.StatusNotFound, nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.deps.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.reject(w, srcName, tenantID, OutcomeTooLarge, http.StatusRequestEntityTooLarge, nil)
			return
		}
		h.reject(w, srcName, tenantID, OutcomeBadRequest, http.StatusBadRequest, err)
		return
	}

	if !tenant.ValidID(tenantID) {
		// No such tenant can exist; a NUL or invalid UTF-8 would also
		// make the database refuse the lookup (a 503 the sender retries).
		h.reject(w, srcName, tenantID, OutcomeNotFound, http.StatusNotFound, nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), DefaultStoreTimeout)
	defer cancel()
	t, err := h.deps.Store.Tenant(ctx, tenantID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.reject(w, srcName, tenantID, OutcomeNotFound, http.StatusNotFound, nil)
		return
	case err != nil:
		h.reject(w, srcName, tenantID, OutcomeUnavailable, http.StatusServiceUnavailable, err)
		return
	case t.Disabled || t.Settings.Shop.Kind != srcName:
		h.reject(w, srcName, tenantID, OutcomeNotFound, http.StatusNotFound, nil)
		return
	}

	if srcName == SourceWooCommerce && IsWooPing(r.Header, body) {
		h.count(srcName, OutcomePing)
		h.deps.Log.Info("webhook", zap.String("tenant", tenantID), zap.String("source", srcName), zap.String("outcome", OutcomePing))
		writeJSON(w, http.StatusOK, answer{Status: OutcomePing})
		return
	}
	secrets := tenantSecrets(t.Secrets)
	if len(secrets) == 0 {
		h.deps.Log.Warn("webhook: tenant has no webhook secret; every delivery is refused",
			zap.String("tenant", tenantID), zap.String("secret", SecretWebhook))
	}
	if !src.authenticate(r, body, secrets) {
		h.reject(w, srcName, tenantID, OutcomeUnauthorized, http.StatusUnauthorized, nil)
		return
	}
	ev, err := src.decode(r.Header, body)
	if err != nil {
		h.reject(w, srcName, tenantID, OutcomeBadRequest, http.StatusBadRequest, err)
		return
	}

	e := store.InboxEvent{
		TenantID: tenantID, Source: srcName, DeliveryKey: ev.DeliveryKey, Topic: ev.Topic, ResourceID: ev.ResourceID,
		Headers: keepHeaders(r.Header, src.headers), Body: body, ReceivedAt: time.Now().UTC(),
	}
	id, fresh, err := h.deps.Store.PutInbox(ctx, e)
	if err != nil {
		h.reject(w, srcName, tenantID, OutcomeUnavailable, http.StatusServiceUnavailable, err)
		return
	}
	e.ID = id
	outcome := OutcomeDuplicate
	if fresh {
		// Once stored, finish routing even if the shop hangs up.
		sctx, scancel := context.WithTimeout(context.WithoutCancel(r.Context()), h.deps.SignalTimeout+2*DefaultStoreTimeout)
		defer scancel()
		outcome, err = h.d.route(sctx, e, ev, true)
	}
	h.count(srcName, outcome)
	fields := []zap.Field{
		zap.String("tenant", tenantID), zap.String("source", srcName), zap.String("topic", ev.Topic),
		zap.String("kind", ev.Kind), zap.String("resource", ev.ResourceID), zap.Int64("inbox_id", id), zap.String("outcome", outcome),
	}
	switch {
	case errors.Is(err, errOlderWaiting):
		h.deps.Log.Info("webhook", append(fields, zap.String("relay_reason", err.Error()))...)
	case err != nil:
		h.deps.Log.Warn("webhook", append(fields, zap.NamedError("relay_reason", err))...)
	default:
		h.deps.Log.Info("webhook", fields...)
	}
	writeJSON(w, http.StatusAccepted, answer{Status: outcome, InboxID: id})
}

// reject answers an error status and counts and logs it; err is logged,
// never sent to the client.
func (h *Handler) reject(w http.ResponseWriter, src, tenantID, outcome string, status int, err error) {
	h.count(src, outcome)
	fields := []zap.Field{zap.String("tenant", tenantID), zap.String("source", src), zap.String("outcome", outcome), zap.Int("status", status)}
	if err != nil {
		fields = append(fields, zap.Error(err))
	}
	if status >= 500 {
		h.deps.Log.Error("webhook", fields...)
		w.Header().Set("Retry-After", "30")
	} else {
		h.deps.Log.Info("webhook", fields...)
	}
	http.Error(w, http.StatusText(status), status)
}

func (h *Handler) count(src, outcome string) {
	if h.deps.Metrics != nil {
		h.deps.Metrics.WebhooksReceived.WithLabelValues(src, outcome).Inc()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
