package app

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/workflows"
)

// startStarter runs the starter (webhook edge and relay) of st and returns
// its base URL and metrics.
func (st *stack) startStarter(t *testing.T) (string, *metrics.Metrics) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := metrics.New()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- RunStarter(ctx, StarterDeps{Log: zaptest.NewLogger(t), Temporal: st.temporal, Store: st.store, Metrics: m,
			Addr: "127.0.0.1:0", TaskQueue: st.taskQueue, RelayInterval: 100 * time.Millisecond, Ready: func(a string) { addr <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Log("starter did not stop in time")
		}
		_ = m.Close()
	})
	select {
	case a := <-addr:
		return "http://" + a, m
	case err := <-done:
		t.Fatalf("starter: %v", err)
	case <-time.After(15 * time.Second):
		t.Fatal("starter did not start")
	}
	return "", nil
}

// TestWebhooksDeliveredThreeTimesOutOfOrderBookOnce sends every webhook the
// shop emitted three times, shuffled, through the running starter: each
// order is booked exactly once and the inbox keeps one row per event.
func TestWebhooksDeliveredThreeTimesOutOfOrderBookOnce(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	base, m := st.startStarter(t)
	ctx := context.Background()

	var mu sync.Mutex
	var bodies [][]byte
	capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	t.Cleanup(capture.Close)
	st.ps.SetWebhook(capture.URL, "")
	var ids []string
	for range 3 {
		ids = append(ids, strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID))
	}
	st.ps.SetWebhook("", "")
	mu.Lock()
	deliveries := make([][]byte, 0, 3*len(bodies))
	for range 3 {
		deliveries = append(deliveries, bodies...)
	}
	distinct := len(bodies)
	mu.Unlock()
	if distinct < 3 {
		t.Fatalf("the shop emitted %d webhooks for 3 orders", distinct)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
	url := base + "/webhooks/demo/prestashop?token=demo-webhook-secret"
	for _, b := range deliveries {
		resp, err := http.Post(url, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("delivery answered %d, want 202", resp.StatusCode)
		}
	}
	for _, id := range ids {
		st.waitState(t, id, workflows.StateSettled)
	}
	fc := st.fikenClient(t)
	for _, id := range ids {
		invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ledgerdoc.Reference("demo", id)})
		if err != nil || len(invs) != 1 {
			t.Fatalf("order %s: %d invoices, %v; want exactly 1", id, len(invs), err)
		}
	}
	es, err := st.store.InboxList(ctx, "demo", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != distinct {
		t.Fatalf("%d inbox rows for %d distinct webhooks", len(es), distinct)
	}
	waitFor(t, 10*time.Second, func() bool {
		pending, err := st.store.Undelivered(ctx, 10)
		return err == nil && len(pending) == 0
	}, "every inbox event delivered")

	// The starter serves the webhook counters and the relay's gauge.
	waitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(text), `bokfor_webhooks_received_total{outcome="duplicate",source="prestashop"} `+strconv.Itoa(2*distinct)) &&
			strings.Contains(string(text), "bokfor_inbox_oldest_undelivered_age_seconds 0")
	}, "webhook metrics on /metrics")
	_ = m
}

// TestSignedShopWebhooksReachTheStarter points the shop's (signing) webhook
// module at the running starter: a placed order is booked with no other
// hint, and a forged delivery is refused.
func TestSignedShopWebhooksReachTheStarter(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	base, _ := st.startStarter(t)
	st.ps.SetWebhook(base+"/webhooks/demo/prestashop", "demo-webhook-secret")
	id := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
	st.waitState(t, id, workflows.StateSettled)
	if s := st.ps.Stats(); s.WebhooksSent == 0 || s.WebhooksFailed != 0 {
		t.Fatalf("shop webhook stats %+v", s)
	}
	st.ps.SetWebhook(base+"/webhooks/demo/prestashop", "a-guessed-secret")
	placeOrder(t, st.ps, "vipps", 2)
	if s := st.ps.Stats(); s.WebhooksFailed == 0 {
		t.Fatalf("forged deliveries were accepted: %+v", s)
	}
}
