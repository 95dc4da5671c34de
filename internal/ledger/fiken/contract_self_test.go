package fiken_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recordingTB records Errorf calls instead of failing the test.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestContractCatchesViolations proves the contract checker is not blind:
// requests and responses that break the spec are reported.
func TestContractCatchesViolations(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, body, respBody string
		status                             int
		want                               string
	}{
		{"read-only field in request", "POST", "/api/v2/companies/demo/contacts", `{"name":"A","contactId":5}`, "", 201, "request"},
		{"wrong type in request", "POST", "/api/v2/companies/demo/products", `{"name":"A","incomeAccount":"3000","vatType":"HIGH","active":"yes"}`, "", 201, "request"},
		{"missing required in request", "POST", "/api/v2/companies/demo/invoices", `{"issueDate":"2026-01-01"}`, "", 201, "request"},
		{"write-only field in response", "GET", "/api/v2/companies/demo/contacts/1", "", `{"name":"A","memberNumberString":"x"}`, 200, "response"},
		{"undocumented success status", "POST", "/api/v2/companies/demo/contacts", `{"name":"A"}`, "", 200, "response"},
		{"unknown path", "GET", "/api/v2/companies/demo/nothing", "", "[]", 200, "not an operation"},
		{"error without JSON body", "GET", "/api/v2/companies/demo/contacts/1", "", "boom", 400, "answered 400"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.respBody != "" {
					w.Header().Set("Content-Type", "application/json")
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.respBody)
			}))
			defer srv.Close()
			rec := &recordingTB{TB: t}
			c := newContract(rec, srv.URL, http.DefaultTransport)
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Request-ID", "x")
			resp, err := c.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			joined := strings.Join(rec.errs, "\n")
			if !strings.Contains(joined, tc.want) {
				t.Errorf("violation not reported (want %q); reported: %q", tc.want, joined)
			}
		})
	}
}
