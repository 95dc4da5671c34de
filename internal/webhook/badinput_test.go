package webhook

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap/zaptest/observer"

	"github.com/bokfor/bokfor/workflows"
)

// badWebhook is one entry of testdata/badinput/webhooks.json.
type badWebhook struct {
	Name        string  `json:"name"`
	Source      string  `json:"source"`
	Path        string  `json:"path"`
	Auth        string  `json:"auth"`
	Topic       *string `json:"topic"`
	WebhookID   string  `json:"webhook_id"`
	ContentType string  `json:"content_type"`
	Body        string  `json:"body"`
	BodyB64     string  `json:"body_b64"`
	Gen         string  `json:"gen"`

	Status    int    `json:"status"`
	Outcome   string `json:"outcome"`
	Log       string `json:"log"`
	Stored    int    `json:"stored"`
	Signalled string `json:"signalled"`
}

// recordingSignaler records the order signals and sync triggers the edge
// sends, in place of Temporal.
type recordingSignaler struct {
	mu      sync.Mutex
	signals []string // tenant/order topic
}

func (r *recordingSignaler) SignalOrder(_ context.Context, tenantID, orderID string, ev workflows.ShopEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.signals = append(r.signals, tenantID+"/"+orderID+" "+ev.Topic)
	return nil
}

func (r *recordingSignaler) TriggerSync(context.Context, string, string) error { return nil }

// take returns and forgets the recorded signals.
func (r *recordingSignaler) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.signals
	r.signals = nil
	return out
}

// rawValue decodes a corpus header value: "b64:" prefixes raw bytes.
func rawValue(t *testing.T, s string) string {
	t.Helper()
	if rest, ok := strings.CutPrefix(s, "b64:"); ok {
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			t.Fatalf("bad b64 value %q: %v", s, err)
		}
		return string(b)
	}
	return s
}

// body returns the delivery's raw body.
func (c badWebhook) body(t *testing.T) []byte {
	t.Helper()
	switch {
	case c.BodyB64 != "":
		b, err := base64.StdEncoding.DecodeString(c.BodyB64)
		if err != nil {
			t.Fatalf("%s: body_b64: %v", c.Name, err)
		}
		return b
	case c.Gen == "over_limit", c.Gen == "at_limit":
		head := []byte(`{"action":"update","entity":"Order","data":{"id":"1","date_upd":"2026-11-25 10:00:00","x":"`)
		tail := []byte(`"}}`)
		n := DefaultMaxBody - len(head) - len(tail)
		if c.Gen == "over_limit" {
			n++
		}
		return append(append(head, bytes.Repeat([]byte("a"), n)...), tail...)
	case strings.HasPrefix(c.Gen, "nested:"):
		n, err := strconv.Atoi(strings.TrimPrefix(c.Gen, "nested:"))
		if err != nil {
			t.Fatalf("%s: gen %q", c.Name, c.Gen)
		}
		return fmt.Appendf(nil, `{"action":"update","entity":"Order","data":{"id":"3","date_upd":"2026-11-25 10:00:00","x":%s%s}}`,
			strings.Repeat("[", n), strings.Repeat("]", n))
	default:
		return []byte(c.Body)
	}
}

// request builds the delivery's path and headers for the tenants of
// TestBadWebhookInput.
func (c badWebhook) request(t *testing.T, body []byte) (string, http.Header) {
	t.Helper()
	path := c.Path
	if path == "" {
		path = "/webhooks/" + badTenants[c.Source] + "/" + c.Source
	}
	h := http.Header{}
	if c.ContentType != "" {
		h.Set("Content-Type", c.ContentType)
	} else {
		h.Set("Content-Type", "application/json")
	}
	source := c.Source
	if source == "" {
		source = SourcePrestaShop
	}
	secret := badSecret
	switch c.Auth {
	case "", "sign":
	case "none":
		secret = ""
	case "wrong_token", "wrong_sign":
		secret = "not-the-secret"
	case "sign_other":
		body = append([]byte(nil), append(body, ' ')...)
	case "garbage_sign":
		secret = ""
		h.Set(WooSignatureHeader, "%%%not base64%%%")
	default:
		t.Fatalf("%s: auth %q", c.Name, c.Auth)
	}
	if secret != "" {
		switch {
		case source == SourcePrestaShop && (c.Auth == "" || c.Auth == "wrong_token"):
			h.Set(TokenHeader, secret)
		case source == SourcePrestaShop:
			h.Set("X-Webhook-Signature", signPS(secret, body))
		case source == SourceWooCommerce:
			h.Set(WooSignatureHeader, signB64(secret, body))
		case source == SourceShopify:
			h.Set(ShopifySignatureHeader, signB64(secret, body))
		}
	}
	if c.Auth == "sign_other" {
		h.Set("X-Webhook-Signature", signPS(badSecret, body))
	}
	topic := map[string]string{SourceWooCommerce: "order.updated", SourceShopify: "orders/paid"}[source]
	if c.Topic != nil {
		topic = rawValue(t, *c.Topic)
	}
	switch source {
	case SourceWooCommerce:
		if topic != "" {
			h[WooTopicHeader] = []string{topic}
		}
	case SourceShopify:
		if topic != "" {
			h[ShopifyTopicHeader] = []string{topic}
		}
		wid := "w-" + c.Name
		if c.WebhookID != "" {
			wid = rawValue(t, c.WebhookID)
		}
		h[ShopifyWebhookIDHeader] = []string{wid}
	}
	return path, h
}

const badSecret = "bad-input-secret-5e1f"

// badTenants are the tenants of the corpus, by shop kind.
var badTenants = map[string]string{SourcePrestaShop: "bad-ps", SourceWooCommerce: "bad-woo", SourceShopify: "bad-shp"}

// TestBadWebhookInput runs every delivery of testdata/badinput/webhooks.json
// through the real edge against real PostgreSQL and checks the answer, the
// logged outcome and reason, what the inbox kept and what was signalled.
func TestBadWebhookInput(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/badinput/webhooks.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Cases []badWebhook `json:"cases"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Cases) < 50 {
		t.Fatalf("corpus has %d cases; it was not read completely", len(corpus.Cases))
	}
	st, _ := newStore(t)
	for kind, id := range badTenants {
		addTenant(t, st, id, kind, badSecret, false)
	}
	sig := &recordingSignaler{}
	e := newEdge(t, st, sig)
	ctx := context.Background()
	seen := map[string]bool{}
	for _, c := range corpus.Cases {
		if seen[c.Name] {
			t.Fatalf("duplicate case name %q", c.Name)
		}
		seen[c.Name] = true
		body := c.body(t)
		path, h := c.request(t, body)
		tenantID := strings.Split(path, "/")[2]
		before := 0
		if !strings.ContainsAny(tenantID, "%") && len(tenantID) < 64 {
			before = inboxCount(t, st, tenantID)
		}
		e.logs.TakeAll()
		code, a := e.post(path, h, body)
		signals := sig.take()
		outcome, reason := a.Status, ""
		if code >= 300 {
			outcome, reason = loggedRejection(e.logs.All())
		}
		if code != c.Status {
			t.Errorf("%s: status %d, want %d (outcome %q, reason %q)", c.Name, code, c.Status, outcome, reason)
			continue
		}
		if outcome != c.Outcome {
			t.Errorf("%s: outcome %q, want %q", c.Name, outcome, c.Outcome)
		}
		if c.Log != "" && !strings.Contains(reason, c.Log) {
			t.Errorf("%s: logged reason %q does not contain %q", c.Name, reason, c.Log)
		}
		if code >= 500 {
			t.Errorf("%s: a hostile delivery must never cost a 5xx (the shop retries it forever)", c.Name)
		}
		added := 0
		if before > 0 || c.Stored > 0 {
			added = inboxCount(t, st, tenantID) - before
		}
		if added != c.Stored {
			t.Errorf("%s: %d inbox rows added, want %d", c.Name, added, c.Stored)
		}
		if c.Stored > 0 {
			// What was kept is the delivery byte for byte, and it decodes
			// again for a replay.
			ev, err := st.InboxEventByID(ctx, a.InboxID)
			if err != nil {
				t.Fatalf("%s: stored event: %v", c.Name, err)
			}
			if !bytes.Equal(ev.Body, body) {
				t.Errorf("%s: stored body differs from the delivery (%d vs %d bytes)", c.Name, len(ev.Body), len(body))
			}
			if _, err := Decode(ev.Source, headerOf(ev.Headers), ev.Body); err != nil {
				t.Errorf("%s: stored event does not decode for replay: %v", c.Name, err)
			}
		}
		switch {
		case c.Signalled == "" && len(signals) > 0:
			t.Errorf("%s: signalled %v, want nothing", c.Name, signals)
		case c.Signalled != "" && (len(signals) != 1 || !strings.HasPrefix(signals[0], tenantID+"/"+c.Signalled+" ")):
			t.Errorf("%s: signalled %v, want order %s", c.Name, signals, c.Signalled)
		}
	}
}

// loggedRejection returns the outcome and error of the edge's log line
// about a rejected delivery.
func loggedRejection(entries []observer.LoggedEntry) (outcome, reason string) {
	for _, en := range entries {
		if en.Message != "webhook" {
			continue
		}
		m := en.ContextMap()
		if s, ok := m["outcome"].(string); ok {
			outcome = s
		}
		if s, ok := m["error"].(string); ok {
			reason = s
		}
	}
	return outcome, reason
}
