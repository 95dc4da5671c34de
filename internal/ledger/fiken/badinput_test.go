package fiken

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ratelimit"
)

// badAnswer is one entry of testdata/badinput/errors.json.
type badAnswer struct {
	Name     string            `json:"name"`
	Method   string            `json:"method"`
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	Body     string            `json:"body"`
	BodyB64  string            `json:"body_b64"`
	Kind     string            `json:"kind"`
	Retry    bool              `json:"retryable"`
	Message  *string           `json:"message"`
	Contains string            `json:"message_contains"`
	RetryS   *int              `json:"retry_after_s"`
	Attempts int               `json:"attempts"`
}

// loadBadAnswers reads the corpus.
func loadBadAnswers(t *testing.T) []badAnswer {
	t.Helper()
	raw, err := os.ReadFile("testdata/badinput/errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Cases []badAnswer `json:"cases"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Cases) < 20 {
		t.Fatalf("corpus has %d cases", len(corpus.Cases))
	}
	return corpus.Cases
}

// TestBadLedgerAnswers serves every answer of the corpus to the real
// client and checks the typed error: kind, retryability, Fiken's reason
// (printable, as it ends up in needs_attention), Retry-After and how often
// the request was sent.
func TestBadLedgerAnswers(t *testing.T) {
	t.Parallel()
	for _, c := range loadBadAnswers(t) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			body := []byte(c.Body)
			if c.BodyB64 != "" {
				var err error
				if body, err = base64.StdEncoding.DecodeString(c.BodyB64); err != nil {
					t.Fatal(err)
				}
			}
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				for k, v := range c.Headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.Status)
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			cl, err := New(Config{BaseURL: srv.URL + "/api/v2", CompanySlug: "demo", Token: PersonalToken("t"),
				Limiter: ratelimit.Unlimited{}, MaxAttempts: 2, Backoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			switch c.Method {
			case http.MethodGet:
				_, err = cl.GetCompany(ctx)
			case http.MethodPost:
				_, err = cl.CreateContact(ctx, ContactRequest{Name: "Kari Nordmann", Customer: true})
			default:
				t.Fatalf("method %q", c.Method)
			}
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *apierr.Error", err)
			}
			if ae.Kind.String() != c.Kind || apierr.IsRetryable(err) != c.Retry {
				t.Errorf("kind %s retryable %v, want %s %v (%v)", ae.Kind, apierr.IsRetryable(err), c.Kind, c.Retry, err)
			}
			if c.Status >= 300 && ae.Status != c.Status {
				t.Errorf("status %d, want %d", ae.Status, c.Status)
			}
			if c.Message != nil && ae.Message != *c.Message {
				t.Errorf("message %q, want %q", ae.Message, *c.Message)
			}
			if !strings.Contains(ae.Message, c.Contains) {
				t.Errorf("message %q does not contain %q", ae.Message, c.Contains)
			}
			if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0) {
				t.Errorf("error text is not storable text: %q", err.Error())
			}
			if c.RetryS != nil && ae.RetryAfter != time.Duration(*c.RetryS)*time.Second {
				t.Errorf("retry after %v, want %ds", ae.RetryAfter, *c.RetryS)
			}
			if got := int(hits.Load()); got != c.Attempts {
				t.Errorf("%d requests sent, want %d", got, c.Attempts)
			}
		})
	}
}

// FuzzErrorBody feeds arbitrary error bodies and Retry-After values to the
// decoders: no panic, a message that is valid UTF-8 without NUL and at
// most maxMessage bytes, and a wait between 0 and maxRetryAfter.
func FuzzErrorBody(f *testing.F) {
	for _, s := range [][2]string{
		{`{"message":"Kontonummer mangler på faktura"}`, "7"},
		{`{"error":"invalid_grant","error_description":"expired"}`, "Wed, 21 Oct 2015 07:28:00 GMT"},
		{`{"message":{"no":"x"}}`, "-1"},
		{"<html>500</html>", "99999999999"},
		{"\x00\xff\xfe", ""},
		{strings.Repeat("ø", 3000), "soon"},
		{`[{"message":"x"}]`, "9223372036854775807"},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, body []byte, ra string) {
		m := errorMessage(body)
		if !utf8.ValidString(m) || strings.ContainsRune(m, 0) || len(m) > apierr.MaxMessage {
			t.Fatalf("message %q is not clean text of at most %d bytes", m, apierr.MaxMessage)
		}
		if d := apierr.ParseRetryAfter(ra); d < 0 || d > apierr.MaxRetryAfter {
			t.Fatalf("retryAfter(%q) = %v", ra, d)
		}
	})
}
