package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/bokfor/bokfor/internal/logging"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// testQueue has no worker: started order workflows wait, and their
// histories show exactly which signals arrived.
const testQueue = "webhook-test-no-worker"

// newStore returns a migrated store on a fresh database.
func newStore(t *testing.T) (*store.Store, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	key, err := secrets.ParseKey(secrets.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return store.New(pool, box), pool
}

// addTenant stores the example tenant as id with the given shop kind and
// webhook secret.
func addTenant(t *testing.T, st *store.Store, id, kind, secret string, disabled bool) {
	t.Helper()
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	tn.ID, tn.Disabled = id, disabled
	tn.Settings.Shop.Kind = kind
	tn.Secrets[SecretWebhook] = secret
	if err := st.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
}

// flakySignaler delegates to next unless it is down (for all tenants, or
// for the tenants in downFor), and records what it delivered, in order.
type flakySignaler struct {
	next  Signaler
	delay time.Duration

	mu        sync.Mutex
	down      bool
	downFor   map[string]bool
	delivered []string // tenant/order
	calls     int
}

func (f *flakySignaler) SignalOrder(ctx context.Context, tenantID, orderID string, ev workflows.ShopEvent) error {
	f.mu.Lock()
	f.calls++
	down := f.down || f.downFor[tenantID]
	f.mu.Unlock()
	if down {
		return errors.New("temporal: connection refused (test)")
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if err := f.next.SignalOrder(ctx, tenantID, orderID, ev); err != nil {
		return err
	}
	f.mu.Lock()
	f.delivered = append(f.delivered, tenantID+"/"+orderID)
	f.mu.Unlock()
	return nil
}

func (f *flakySignaler) TriggerSync(ctx context.Context, tenantID, kind string) error {
	return f.next.TriggerSync(ctx, tenantID, kind)
}

func (f *flakySignaler) set(down bool, downFor ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
	f.downFor = map[string]bool{}
	for _, t := range downFor {
		f.downFor[t] = true
	}
}

func (f *flakySignaler) deliveredList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.delivered...)
}

// edge is a running webhook handler, behind the access log, on httptest.
type edge struct {
	t    *testing.T
	st   *store.Store
	srv  *httptest.Server
	m    *metrics.Metrics
	logs *observer.ObservedLogs
}

func newEdge(t *testing.T, st *store.Store, sig Signaler) *edge {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	log := zap.New(core)
	m := metrics.New()
	t.Cleanup(func() { _ = m.Close() })
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/{tenant}/{source}", NewHandler(Deps{Store: st, Signaler: sig, Log: log, Metrics: m}))
	srv := httptest.NewServer(logging.AccessLog(log.Named("http"), mux))
	t.Cleanup(srv.Close)
	return &edge{t: t, st: st, srv: srv, m: m, logs: logs}
}

// post sends one delivery and returns the status and the decoded answer.
func (e *edge) post(path string, h http.Header, body []byte) (int, answer) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a answer
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, &a); err != nil {
			e.t.Fatalf("answer %q: %v", raw, err)
		}
	}
	return resp.StatusCode, a
}

// inboxCount returns how many events the tenant has in the inbox.
func inboxCount(t *testing.T, st *store.Store, tenantID string) int {
	t.Helper()
	es, err := st.InboxList(context.Background(), tenantID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// signalsOf returns the shop events signalled to a workflow, from its
// history; nil when the workflow does not exist.
func signalsOf(t *testing.T, c client.Client, workflowID string) []workflows.ShopEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []workflows.ShopEvent
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			if isNotFound(err) {
				return nil
			}
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		if ev.GetEventType() != enums.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			continue
		}
		a := ev.GetWorkflowExecutionSignaledEventAttributes()
		if a.GetSignalName() != workflows.SignalShopEvent {
			continue
		}
		var se workflows.ShopEvent
		if err := converter.GetDefaultDataConverter().FromPayloads(a.GetInput(), &se); err != nil {
			t.Fatal(err)
		}
		out = append(out, se)
	}
	return out
}

// value reads a counter or gauge.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

// isNotFound reports a Temporal "workflow not found" error.
func isNotFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

// triggerRecorder records TriggerSync calls and passes signals on.
type triggerRecorder struct {
	Signaler
	mu       sync.Mutex
	triggers []string
}

func (r *triggerRecorder) TriggerSync(_ context.Context, tenantID, kind string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.triggers = append(r.triggers, tenantID+"/"+kind)
	return nil
}

func (r *triggerRecorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.triggers...)
}
