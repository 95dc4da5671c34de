package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandlerServesOwnAndSDKMetrics(t *testing.T) {
	t.Parallel()
	m := New()
	defer m.Close()
	m.WebhooksReceived.WithLabelValues("prestashop", "accepted").Inc()
	m.TemporalHandler().Counter("temporal_request").Inc(3)

	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body, _ := io.ReadAll(rec.Body)
		s := string(body)
		own := strings.Contains(s, `bokfor_webhooks_received_total{outcome="accepted",source="prestashop"} 1`)
		sdk := strings.Contains(s, "temporal_request")
		if own && sdk && strings.Contains(s, "go_goroutines") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics missing (own=%v sdk=%v):\n%s", own, sdk, s)
		}
		time.Sleep(100 * time.Millisecond) // tally reports once a second
	}
}
