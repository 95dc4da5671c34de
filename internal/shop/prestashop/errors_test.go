package prestashop

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
)

// TestHTTPErrors maps webservice answers to typed errors with the shop's
// own message, from JSON and XML error bodies.
func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	const xmlErr = `<?xml version="1.0" encoding="UTF-8"?><prestashop><errors><error><code><![CDATA[87]]></code><message><![CDATA[Id(s) not exists: 5]]></message></error></errors></prestashop>`
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		kind       apierr.Kind
		msg        string
		retryAfter time.Duration
	}{
		{"unauthorized json", 401, `{"errors":[{"code":18,"message":"Invalid authentication key"}]}`, nil, apierr.KindAuth, "[18] Invalid authentication key", 0},
		{"not found xml", 404, xmlErr, nil, apierr.KindNotFound, "[87] Id(s) not exists: 5", 0},
		{"validation", 400, `{"errors":[{"code":"41","message":"Validation error"}]}`, nil, apierr.KindValidation, "[41] Validation error", 0},
		{"method not allowed", 405, `{"errors":[{"code":100,"message":"Method PATCH is not allowed"}]}`, nil, apierr.KindValidation, "[100] Method PATCH is not allowed", 0},
		{"rate limited", 429, `too many`, map[string]string{"Retry-After": "7"}, apierr.KindRateLimited, "too many", 7 * time.Second},
		{"server error html", 500, `<html>Fatal error</html>`, nil, apierr.KindTransient, "<html>Fatal error</html>", 0},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range tt.header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte(tt.body))
		}))
		c, err := New(Config{BaseURL: srv.URL, Key: "K"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Tax(context.Background(), 5)
		srv.Close()
		var e *apierr.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: %v is not *apierr.Error", tt.name, err)
		}
		if e.Kind != tt.kind || e.Status != tt.status || e.Message != tt.msg || e.RetryAfter != tt.retryAfter || e.API != "prestashop" || !strings.Contains(e.Op, "/api/taxes/{id}") {
			t.Errorf("%s: %+v", tt.name, e)
		}
	}
	// No server at all: a read is transient, a write is not ambiguous when
	// the connection was refused.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := New(Config{BaseURL: url, Key: "K"})
	if _, err := c.Tax(context.Background(), 1); apierr.KindOf(err) != apierr.KindTransient {
		t.Errorf("refused read: %v", err)
	}
	if _, err := c.SetOrderState(context.Background(), 1, 2); apierr.KindOf(err) != apierr.KindTransient {
		t.Errorf("refused write: %v", err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg Config
		ok  bool
	}{
		{Config{BaseURL: "https://shop.example", Key: "K"}, true},
		{Config{BaseURL: "https://shop.example", Key: "K", Version: "1.7"}, true},
		{Config{BaseURL: "https://shop.example", Key: "K", Version: "9"}, false},
		{Config{BaseURL: "https://shop.example"}, false},
		{Config{BaseURL: "shop.example", Key: "K"}, false},
	}
	for i, tt := range tests {
		if _, err := New(tt.cfg); (err == nil) != tt.ok {
			t.Errorf("case %d: err %v, want ok=%v", i, err, tt.ok)
		}
	}
}
