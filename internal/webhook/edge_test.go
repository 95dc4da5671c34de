package webhook

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

const (
	psSecret   = "ps-secret-7f3a9c"
	wooSecret  = "woo-secret-1b2c3d"
	shopSecret = "shopify-secret-9e8d"
)

// psOrder is a ps_webhooks Order update for order id at a modification time.
func psOrder(id int, upd string) []byte {
	return fmt.Appendf(nil, `{"action":"update","entity":"Order","data":{"id":"%d","current_state":"2","date_upd":"%s","total_paid":"125.00"}}`, id, upd)
}

func wooOrder(id int) []byte {
	return fmt.Appendf(nil, `{"id":%d,"status":"processing","date_modified_gmt":"2026-11-25T10:00:00","total":"125.00"}`, id)
}

func shopifyOrder(id int) []byte {
	return fmt.Appendf(nil, `{"id":%d,"financial_status":"paid","total_price":"125.00"}`, id)
}

func wooHeaders(secret string, body []byte) http.Header {
	return hdr("Content-Type", "application/json", WooTopicHeader, "order.updated", "X-WC-Webhook-Delivery-ID", "d1", WooSignatureHeader, signB64(secret, body))
}

func shopifyHeaders(secret, webhookID string, body []byte) http.Header {
	return hdr("Content-Type", "application/json", ShopifyTopicHeader, "orders/paid", ShopifyWebhookIDHeader, webhookID, ShopifySignatureHeader, signB64(secret, body))
}

// TestEdge runs the webhook edge against real PostgreSQL and a real
// Temporal dev server.
func TestEdge(t *testing.T) {
	srv := devserver.ForTest(t, client.Options{})
	tc := srv.Client()
	real := TemporalSignaler{Client: tc, TaskQueue: testQueue}

	t.Run("answers", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "ans-ps", "prestashop", psSecret, false)
		addTenant(t, st, "ans-woo", "woocommerce", wooSecret, false)
		addTenant(t, st, "ans-shp", "shopify", shopSecret, false)
		addTenant(t, st, "ans-off", "prestashop", psSecret, true)
		e := newEdge(t, st, real)
		big := append(append([]byte(`{"action":"update","entity":"Order","data":{"id":"1","x":"`), make([]byte, DefaultMaxBody)...), []byte(`"}}`)...)
		form := hdr("Content-Type", "application/x-www-form-urlencoded")
		tests := []struct {
			name     string
			path     string
			h        http.Header
			body     []byte
			want     int
			outcome  string
			stored   int    // inbox rows added for the path's tenant
			signaled string // workflow that must have got exactly one signal
		}{
			{"ps token in query", "/webhooks/ans-ps/prestashop?token=" + psSecret, nil, psOrder(1, "2026-11-25 10:00:00"), 202, OutcomeAccepted, 1, "order-ans-ps-1"},
			{"ps token header", "/webhooks/ans-ps/prestashop", hdr(TokenHeader, psSecret), psOrder(2, "2026-11-25 10:00:00"), 202, OutcomeAccepted, 1, "order-ans-ps-2"},
			{"ps signature", "/webhooks/ans-ps/prestashop", hdr("X-Webhook-Signature", signPS(psSecret, psOrder(3, "t"))), psOrder(3, "t"), 202, OutcomeAccepted, 1, "order-ans-ps-3"},
			{"ps wrong token", "/webhooks/ans-ps/prestashop?token=guess", nil, psOrder(4, "t"), 401, "", 0, ""},
			{"ps forged signature", "/webhooks/ans-ps/prestashop", hdr("X-Webhook-Signature", signPS("guess", psOrder(4, "t"))), psOrder(4, "t"), 401, "", 0, ""},
			{"ps signature of another body", "/webhooks/ans-ps/prestashop", hdr("X-Webhook-Signature", signPS(psSecret, psOrder(5, "t"))), psOrder(4, "t"), 401, "", 0, ""},
			{"ps missing auth", "/webhooks/ans-ps/prestashop", nil, psOrder(4, "t"), 401, "", 0, ""},
			{"ps malformed", "/webhooks/ans-ps/prestashop?token=" + psSecret, nil, []byte(`{"action":"update","entity":"Order"`), 400, "", 0, ""},
			{"ps order without id", "/webhooks/ans-ps/prestashop?token=" + psSecret, nil, []byte(`{"action":"update","entity":"Order","data":{}}`), 400, "", 0, ""},
			{"ps too large", "/webhooks/ans-ps/prestashop?token=" + psSecret, nil, big, 413, "", 0, ""},
			{"ps customer stored, sync triggered, not signalled", "/webhooks/ans-ps/prestashop?token=" + psSecret, nil, []byte(`{"action":"update","entity":"Customer","data":{"id":"9","date_upd":"t"}}`), 202, OutcomeSync, 1, ""},
			{"unknown tenant", "/webhooks/nobody/prestashop?token=" + psSecret, nil, psOrder(6, "t"), 404, "", 0, ""},
			{"unknown source", "/webhooks/ans-ps/magento?token=" + psSecret, nil, psOrder(6, "t"), 404, "", 0, ""},
			{"source not the tenant's shop", "/webhooks/ans-ps/shopify", shopifyHeaders(psSecret, "x", shopifyOrder(6)), shopifyOrder(6), 404, "", 0, ""},
			{"disabled tenant", "/webhooks/ans-off/prestashop?token=" + psSecret, nil, psOrder(6, "t"), 404, "", 0, ""},
			{"woo ping", "/webhooks/ans-woo/woocommerce", form, []byte("webhook_id=17"), 200, OutcomePing, 0, ""},
			{"woo signed", "/webhooks/ans-woo/woocommerce", wooHeaders(wooSecret, wooOrder(7)), wooOrder(7), 202, OutcomeAccepted, 1, "order-ans-woo-7"},
			{"woo forged", "/webhooks/ans-woo/woocommerce", wooHeaders("guess", wooOrder(8)), wooOrder(8), 401, "", 0, ""},
			{"woo unsigned", "/webhooks/ans-woo/woocommerce", hdr(WooTopicHeader, "order.updated"), wooOrder(8), 401, "", 0, ""},
			{"woo token does not replace signature", "/webhooks/ans-woo/woocommerce?token=" + wooSecret, hdr(WooTopicHeader, "order.updated"), wooOrder(8), 401, "", 0, ""},
			{"woo malformed", "/webhooks/ans-woo/woocommerce", wooHeaders(wooSecret, []byte(`{"status":"x"}`)), []byte(`{"status":"x"}`), 400, "", 0, ""},
			{"shopify signed", "/webhooks/ans-shp/shopify", shopifyHeaders(shopSecret, "w-9", shopifyOrder(9)), shopifyOrder(9), 202, OutcomeAccepted, 1, "order-ans-shp-9"},
			{"shopify forged", "/webhooks/ans-shp/shopify", shopifyHeaders("guess", "w-10", shopifyOrder(10)), shopifyOrder(10), 401, "", 0, ""},
			{"shopify missing", "/webhooks/ans-shp/shopify", hdr(ShopifyTopicHeader, "orders/paid"), shopifyOrder(10), 401, "", 0, ""},
			{"shopify no topic", "/webhooks/ans-shp/shopify", hdr(ShopifySignatureHeader, signB64(shopSecret, shopifyOrder(10))), shopifyOrder(10), 400, "", 0, ""},
		}
		for _, tt := range tests {
			tenantID := strings.Split(tt.path, "/")[2]
			before := inboxCount(t, st, tenantID)
			code, a := e.post(tt.path, tt.h, tt.body)
			if code != tt.want || a.Status != tt.outcome {
				t.Fatalf("%s: answer %d %q, want %d %q", tt.name, code, a.Status, tt.want, tt.outcome)
			}
			if got := inboxCount(t, st, tenantID) - before; got != tt.stored {
				t.Fatalf("%s: %d inbox rows added, want %d", tt.name, got, tt.stored)
			}
			if tt.signaled != "" {
				if n := len(signalsOf(t, tc, tt.signaled)); n != 1 {
					t.Fatalf("%s: %s got %d signals, want 1", tt.name, tt.signaled, n)
				}
			}
		}
		if n := len(signalsOf(t, tc, "order-ans-ps-4")); n != 0 {
			t.Fatalf("a rejected delivery was signalled %d times", n)
		}
		if got := value(t, e.m.WebhooksReceived.WithLabelValues("prestashop", OutcomeUnauthorized)); got != 4 {
			t.Fatalf("unauthorized prestashop count = %v, want 4", got)
		}
		if got := value(t, e.m.WebhooksReceived.WithLabelValues("woocommerce", OutcomePing)); got != 1 {
			t.Fatalf("ping count = %v", got)
		}
	})

	t.Run("product and stock events trigger the tenant's sync", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "syn-ps", "prestashop", psSecret, false)
		rec := &triggerRecorder{Signaler: real}
		e := newEdge(t, st, rec)
		for _, body := range []string{
			`{"action":"update","entity":"Product","data":{"id":"5","date_upd":"2026-11-25 12:00:00"}}`,
			`{"action":"update","entity":"StockAvailable","data":{"id":"9","id_product":"5","date_upd":"2026-11-25 12:00:01"}}`,
			`{"action":"update","entity":"Customer","data":{"id":"3","date_upd":"2026-11-25 12:00:02"}}`,
		} {
			code, a := e.post("/webhooks/syn-ps/prestashop?token="+psSecret, nil, []byte(body))
			want := OutcomeSync
			if code != 202 || a.Status != want {
				t.Fatalf("%s: %d %q, want 202 %q", body, code, a.Status, want)
			}
		}
		want := []string{"syn-ps/" + workflows.ScheduleKindProducts, "syn-ps/" + workflows.ScheduleKindStock, "syn-ps/" + workflows.ScheduleKindCustomers}
		if got := rec.list(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("triggered %v, want %v", got, want)
		}
		// The real trigger: a missing schedule (sync off) is no error; an
		// existing one runs.
		ctx := context.Background()
		if err := real.TriggerSync(ctx, "syn-ps", workflows.ScheduleKindStock); err != nil {
			t.Fatalf("trigger of a missing schedule: %v", err)
		}
		id := workflows.ScheduleID(workflows.ScheduleKindProducts, "syn-ps")
		h, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: id,
			Spec:   client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
			Action: &client.ScheduleWorkflowAction{ID: id, Workflow: "SyncProducts", TaskQueue: testQueue}})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = h.Delete(ctx) }()
		if err := real.TriggerSync(ctx, "syn-ps", workflows.ScheduleKindProducts); err != nil {
			t.Fatalf("trigger: %v", err)
		}
	})

	t.Run("replayed deliveries are stored and signalled once", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "rep-ps", "prestashop", psSecret, false)
		addTenant(t, st, "rep-woo", "woocommerce", wooSecret, false)
		addTenant(t, st, "rep-shp", "shopify", shopSecret, false)
		e := newEdge(t, st, real)
		body := psOrder(21, "2026-11-25 11:00:00")
		// The same change three times, authenticated three ways.
		deliveries := []struct {
			path string
			h    http.Header
		}{
			{"/webhooks/rep-ps/prestashop?token=" + psSecret, nil},
			{"/webhooks/rep-ps/prestashop", hdr("X-Webhook-Signature", signPS(psSecret, body))},
			{"/webhooks/rep-ps/prestashop", hdr(TokenHeader, psSecret)},
		}
		var ids []int64
		for i, d := range deliveries {
			code, a := e.post(d.path, d.h, body)
			want := OutcomeDuplicate
			if i == 0 {
				want = OutcomeAccepted
			}
			if code != 202 || a.Status != want {
				t.Fatalf("delivery %d: %d %q, want 202 %q", i, code, a.Status, want)
			}
			ids = append(ids, a.InboxID)
		}
		if ids[0] != ids[1] || ids[1] != ids[2] {
			t.Fatalf("inbox ids %v, want one row", ids)
		}
		// WooCommerce: a new Delivery-ID (it collides anyway) does not make a new event.
		wb := wooOrder(22)
		h1, h2 := wooHeaders(wooSecret, wb), wooHeaders(wooSecret, wb)
		h2.Set("X-WC-Webhook-Delivery-ID", "d2")
		// Shopify: the retry of one webhook id.
		sb := shopifyOrder(23)
		for range 3 {
			for _, d := range []struct {
				path string
				h    http.Header
				body []byte
			}{
				{"/webhooks/rep-woo/woocommerce", h1, wb},
				{"/webhooks/rep-woo/woocommerce", h2, wb},
				{"/webhooks/rep-shp/shopify", shopifyHeaders(shopSecret, "wh-23", sb), sb},
			} {
				if code, _ := e.post(d.path, d.h, d.body); code != 202 {
					t.Fatalf("%s: %d", d.path, code)
				}
			}
		}
		for tenantID, wf := range map[string]string{"rep-ps": "order-rep-ps-21", "rep-woo": "order-rep-woo-22", "rep-shp": "order-rep-shp-23"} {
			if n := inboxCount(t, st, tenantID); n != 1 {
				t.Fatalf("%s: %d inbox rows, want 1", tenantID, n)
			}
			sigs := signalsOf(t, tc, wf)
			if len(sigs) != 1 {
				t.Fatalf("%s: %d signals, want 1: %+v", wf, len(sigs), sigs)
			}
		}
		sigs := signalsOf(t, tc, "order-rep-shp-23")
		if sigs[0].ID != "shopify:wh-23" || sigs[0].Topic != "orders/paid" || sigs[0].At.IsZero() {
			t.Fatalf("shopify signal = %+v", sigs[0])
		}
		// A later change of the same order is a new event on the same workflow.
		if code, a := e.post("/webhooks/rep-ps/prestashop?token="+psSecret, nil, psOrder(21, "2026-11-25 11:05:00")); code != 202 || a.Status != OutcomeAccepted {
			t.Fatalf("later change: %d %q", code, a.Status)
		}
		if n := len(signalsOf(t, tc, "order-rep-ps-21")); n != 2 {
			t.Fatalf("after a later change: %d signals, want 2", n)
		}
	})

	t.Run("echo of bokfor's own state write is dropped", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "echo-ps", "prestashop", psSecret, false)
		e := newEdge(t, st, real)
		ctx := context.Background()
		if err := st.ExpectEcho(ctx, "echo-ps", "31", "14", time.Minute); err != nil {
			t.Fatal(err)
		}
		path := "/webhooks/echo-ps/prestashop?token=" + psSecret
		history := []byte(`{"action":"add","entity":"OrderHistory","data":{"id":"501","id_order":"31","id_order_state":"14","id_employee":"0","date_add":"2026-11-25 12:00:00"}}`)
		order := []byte(`{"action":"update","entity":"Order","data":{"id":"31","current_state":"14","date_upd":"2026-11-25 12:00:00"}}`)
		for _, b := range [][]byte{history, order} {
			if code, a := e.post(path, nil, b); code != 202 || a.Status != OutcomeEcho {
				t.Fatalf("echo: %d %q", code, a.Status)
			}
		}
		if sigs := signalsOf(t, tc, "order-echo-ps-31"); len(sigs) != 0 {
			t.Fatalf("echo signalled: %+v", sigs)
		}
		pending, err := st.Undelivered(ctx, 10)
		if err != nil || len(pending) != 0 {
			t.Fatalf("echoes left undelivered: %+v %v", pending, err)
		}
		// Another state of the same order, or the state on another order, is real.
		other := []byte(`{"action":"add","entity":"OrderHistory","data":{"id":"502","id_order":"31","id_order_state":"6"}}`)
		otherOrder := []byte(`{"action":"add","entity":"OrderHistory","data":{"id":"503","id_order":"32","id_order_state":"14"}}`)
		for _, b := range [][]byte{other, otherOrder} {
			if code, a := e.post(path, nil, b); code != 202 || a.Status != OutcomeAccepted {
				t.Fatalf("real event: %d %q", code, a.Status)
			}
		}
		if n := len(signalsOf(t, tc, "order-echo-ps-31")); n != 1 {
			t.Fatalf("real state change: %d signals", n)
		}
		if got := value(t, e.m.WebhooksReceived.WithLabelValues("prestashop", OutcomeEcho)); got != 2 {
			t.Fatalf("echo count = %v", got)
		}
		// An expired expectation no longer drops anything.
		if err := st.ExpectEcho(ctx, "echo-ps", "33", "14", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		late := []byte(`{"action":"add","entity":"OrderHistory","data":{"id":"504","id_order":"33","id_order_state":"14"}}`)
		if code, a := e.post(path, nil, late); code != 202 || a.Status != OutcomeAccepted {
			t.Fatalf("after expiry: %d %q", code, a.Status)
		}
	})

	t.Run("database down answers 503", func(t *testing.T) {
		t.Parallel()
		closed, pool := newStore(t)
		addTenant(t, closed, "db-ps", "prestashop", psSecret, false)
		pool.Close()
		dead, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=1")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(dead.Close)
		key, _ := secrets.ParseKey(secrets.GenerateKey())
		box, _ := secrets.New(key)
		for name, st := range map[string]*store.Store{"closed pool": closed, "unreachable server": store.New(dead, box)} {
			e := newEdge(t, st, real)
			code, _ := e.post("/webhooks/db-ps/prestashop?token="+psSecret, nil, psOrder(41, "t"))
			if code != http.StatusServiceUnavailable {
				t.Fatalf("%s: %d, want 503", name, code)
			}
		}
	})

	t.Run("temporal down: 202, then the relay delivers in order", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "tdown-ps", "prestashop", psSecret, false)
		sig := &flakySignaler{next: real}
		sig.set(true)
		e := newEdge(t, st, sig)
		path := "/webhooks/tdown-ps/prestashop?token=" + psSecret
		ctx := context.Background()

		if code, a := e.post(path, nil, psOrder(51, "t1")); code != 202 || a.Status != OutcomeDeferred {
			t.Fatalf("temporal down: %d %q, want 202 deferred", code, a.Status)
		}
		ev, err := st.InboxEventByID(ctx, 1)
		if err != nil || ev.DeliveredAt != nil || ev.Attempts != 1 || !strings.Contains(ev.LastError, "connection refused") {
			t.Fatalf("stored event = %+v, %v", ev, err)
		}
		// Temporal is back, but an older event waits: this one queues behind it.
		sig.set(false)
		if code, a := e.post(path, nil, psOrder(52, "t2")); code != 202 || a.Status != OutcomeDeferred {
			t.Fatalf("behind an older event: %d %q", code, a.Status)
		}
		if got := sig.deliveredList(); len(got) != 0 {
			t.Fatalf("delivered out of order: %v", got)
		}
		sig.set(true)
		m := metrics.New()
		t.Cleanup(func() { _ = m.Close() })
		relay := &Relay{Store: st, Signaler: sig, Metrics: m, Interval: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
		if n, err := relay.RunOnce(ctx); n != 0 || err == nil {
			t.Fatalf("relay while down: %d, %v", n, err)
		}
		if age := value(t, m.InboxOldestAge()); age <= 0 {
			t.Fatalf("oldest undelivered age = %v, want > 0", age)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- relay.Run(runCtx) }()
		time.Sleep(100 * time.Millisecond) // a few failing, backing-off rounds
		sig.set(false)
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			pending, err := st.Undelivered(ctx, 10)
			if err == nil && len(pending) == 0 && value(t, m.InboxOldestAge()) == 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := sig.deliveredList(); strings.Join(got, ",") != "tdown-ps/51,tdown-ps/52" {
			t.Fatalf("relay delivered %v, want 51 then 52", got)
		}
		for _, wf := range []string{"order-tdown-ps-51", "order-tdown-ps-52"} {
			if n := len(signalsOf(t, tc, wf)); n != 1 {
				t.Fatalf("%s: %d signals, want 1", wf, n)
			}
		}
		if pending, _ := st.Undelivered(ctx, 10); len(pending) != 0 {
			t.Fatalf("still undelivered: %+v", pending)
		}
		if got := value(t, m.InboxRelayed); got != 2 {
			t.Fatalf("relayed = %v", got)
		}
		if age := value(t, m.InboxOldestAge()); age != 0 {
			t.Fatalf("oldest undelivered age = %v after delivery", age)
		}
		// Now the edge signals directly again.
		if code, a := e.post(path, nil, psOrder(53, "t3")); code != 202 || a.Status != OutcomeAccepted {
			t.Fatalf("after recovery: %d %q", code, a.Status)
		}
	})

	t.Run("relay keeps each tenant's order and lets other tenants pass", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		ctx := context.Background()
		for _, id := range []string{"ord-a", "ord-b"} {
			addTenant(t, st, id, "prestashop", psSecret, false)
		}
		put := func(tenantID string, order int) {
			body := psOrder(order, "t")
			ev, err := DecodePrestaShop(nil, body)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.PutInbox(ctx, store.InboxEvent{TenantID: tenantID, Source: SourcePrestaShop, DeliveryKey: ev.DeliveryKey,
				Topic: ev.Topic, ResourceID: ev.ResourceID, Headers: map[string]string{}, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		put("ord-a", 61)
		put("ord-b", 62)
		put("ord-a", 63)
		put("ord-b", 64)
		sig := &flakySignaler{next: real}
		sig.set(false, "ord-a")
		relay := &Relay{Store: st, Signaler: sig}
		if n, err := relay.RunOnce(ctx); n != 2 || err == nil {
			t.Fatalf("round with ord-a down: %d, %v", n, err)
		}
		if got := strings.Join(sig.deliveredList(), ","); got != "ord-b/62,ord-b/64" {
			t.Fatalf("delivered %s", got)
		}
		if sig.calls != 3 {
			t.Fatalf("%d signal attempts, want 3 (ord-a/63 must wait behind 61)", sig.calls)
		}
		sig.set(false)
		if n, err := relay.RunOnce(ctx); n != 2 || err != nil {
			t.Fatalf("round after recovery: %d, %v", n, err)
		}
		if got := strings.Join(sig.deliveredList(), ","); got != "ord-b/62,ord-b/64,ord-a/61,ord-a/63" {
			t.Fatalf("delivered %s", got)
		}
	})

	t.Run("relays on many replicas signal each event once", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		ctx := context.Background()
		addTenant(t, st, "many-ps", "prestashop", psSecret, false)
		for i := range 5 {
			body := psOrder(70+i, "t")
			ev, _ := DecodePrestaShop(nil, body)
			if _, _, err := st.PutInbox(ctx, store.InboxEvent{TenantID: "many-ps", Source: SourcePrestaShop, DeliveryKey: ev.DeliveryKey,
				Topic: ev.Topic, ResourceID: ev.ResourceID, Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		sig := &flakySignaler{next: real, delay: 30 * time.Millisecond}
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				r := &Relay{Store: st, Signaler: sig}
				if _, err := r.RunOnce(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		// Replicas that found the lock taken try again later.
		if _, err := (&Relay{Store: st, Signaler: sig}).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if sig.calls != 5 || len(sig.deliveredList()) != 5 {
			t.Fatalf("%d calls, %v delivered; want each of 5 once", sig.calls, sig.deliveredList())
		}
	})

	t.Run("secrets never reach the inbox or the logs", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "sec-ps", "prestashop", psSecret, false)
		addTenant(t, st, "sec-woo", "woocommerce", wooSecret, false)
		addTenant(t, st, "sec-shp", "shopify", shopSecret, false)
		sig := &flakySignaler{next: real}
		e := newEdge(t, st, sig)
		e.post("/webhooks/sec-ps/prestashop?token="+psSecret, hdr(TokenHeader, psSecret, "X-Webhook-Signature", signPS(psSecret, psOrder(81, "t"))), psOrder(81, "t"))
		e.post("/webhooks/sec-ps/prestashop?token="+psSecret+"x", nil, psOrder(82, "t")) // rejected, must not be logged either
		e.post("/webhooks/sec-woo/woocommerce?token="+wooSecret, wooHeaders(wooSecret, wooOrder(83)), wooOrder(83))
		e.post("/webhooks/sec-shp/shopify", shopifyHeaders(shopSecret, "w-84", shopifyOrder(84)), shopifyOrder(84))
		sig.set(true)
		e.post("/webhooks/sec-ps/prestashop?token="+psSecret, nil, psOrder(85, "t")) // Temporal error path logs too
		es, err := st.InboxList(context.Background(), "", 100)
		if err != nil || len(es) != 4 {
			t.Fatalf("inbox: %d events, %v", len(es), err)
		}
		var text strings.Builder
		for _, ev := range es {
			for k, v := range ev.Headers {
				fmt.Fprintf(&text, "%s=%s\n", k, v)
			}
			text.Write(ev.Body)
		}
		if text.Len() == 0 || strings.Contains(text.String(), TokenHeader) {
			t.Fatalf("stored headers: %s", text.String())
		}
		for _, entry := range e.logs.All() {
			text.WriteString(entry.Message)
			for k, v := range entry.ContextMap() {
				fmt.Fprintf(&text, " %s=%v", k, v)
			}
			text.WriteByte('\n')
		}
		for _, s := range []string{psSecret, wooSecret, shopSecret, "token="} {
			if strings.Contains(text.String(), s) {
				t.Fatalf("%q found in stored headers or logs:\n%s", s, text.String())
			}
		}
		if len(e.logs.All()) < 10 {
			t.Fatalf("only %d log entries: the test proves nothing", len(e.logs.All()))
		}
	})

	t.Run("replay signals a stored event again", func(t *testing.T) {
		t.Parallel()
		st, _ := newStore(t)
		addTenant(t, st, "rpl-ps", "prestashop", psSecret, false)
		e := newEdge(t, st, real)
		_, a := e.post("/webhooks/rpl-ps/prestashop?token="+psSecret, nil, psOrder(91, "t"))
		_, c := e.post("/webhooks/rpl-ps/prestashop?token="+psSecret, nil, []byte(`{"action":"update","entity":"Product","data":{"id":"5","date_upd":"t"}}`))
		res, err := Replay(context.Background(), st, real, a.InboxID)
		if err != nil || res.WorkflowID != "order-rpl-ps-91" || !strings.HasPrefix(res.Event.ID, "prestashop:") {
			t.Fatalf("Replay = %+v, %v", res, err)
		}
		sigs := signalsOf(t, tc, "order-rpl-ps-91")
		if len(sigs) != 2 || sigs[0].ID == sigs[1].ID {
			t.Fatalf("signals after replay: %+v", sigs)
		}
		if _, err := Replay(context.Background(), st, real, c.InboxID); err == nil || !strings.Contains(err.Error(), "not an order") {
			t.Fatalf("replay of a product event: %v", err)
		}
		if _, err := Replay(context.Background(), st, real, 999); err == nil {
			t.Fatal("replay of a missing event succeeded")
		}
	})
	_ = workflows.SignalShopEvent
}
