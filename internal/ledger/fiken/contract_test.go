package fiken_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/specs"
)

// specPath is the official spec, copied into internal/specs.
func specPath(t testing.TB) string {
	t.Helper()
	return specs.Path(specs.Fiken)
}

// contract validates every request the client sends and every response
// the simulator returns against the official spec, and records which
// operations were exercised.
type contract struct {
	t      testing.TB
	router routers.Router
	next   http.RoundTripper
	mu     sync.Mutex
	ops    map[string]int
}

func newContract(t testing.TB, serverURL string, next http.RoundTripper) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(specPath(t))
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	// Route the spec's server (https://api.fiken.no/api/v2) to the simulator.
	doc.Servers = openapi3.Servers{{URL: serverURL + "/api/v2"}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return &contract{t: t, router: r, next: next, ops: map[string]int{}}
}

// errorStatuses are the error codes the spec's prose lists (L188-199)
// plus 409 (counter exists) and 5xx; the spec defines no error responses.
func knownErrorStatus(s int) bool {
	switch s {
	case 400, 401, 403, 404, 405, 409, 415, 429:
		return true
	}
	return s >= 500
}

func (c *contract) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) == 0 {
			req.Body = http.NoBody
		}
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.router.FindRoute(check)
	if err != nil {
		c.t.Errorf("contract: %s %s is not an operation of the spec: %v", req.Method, req.URL.Path, err)
		return c.next.RoundTrip(req)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		c.t.Errorf("contract: request %s %s (%s) violates the spec: %v\nbody: %s", req.Method, req.URL.Path, route.Operation.OperationID, err, body)
	}
	if req.Header.Get("X-Request-ID") == "" {
		c.t.Errorf("contract: %s %s without X-Request-ID", req.Method, req.URL.Path)
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return resp, nil
	}
	c.mu.Lock()
	c.ops[route.Operation.OperationID]++
	c.mu.Unlock()
	if resp.StatusCode >= 400 {
		var e map[string]any
		if !knownErrorStatus(resp.StatusCode) || json.Unmarshal(data, &e) != nil {
			c.t.Errorf("contract: %s answered %d with body %q", route.Operation.OperationID, resp.StatusCode, data)
		}
		return resp, nil
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(data)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		c.t.Errorf("contract: response %d of %s violates the spec: %v\nbody: %s", resp.StatusCode, route.Operation.OperationID, err, data)
	}
	return resp, nil
}

// covered returns the exercised operation ids.
func (c *contract) covered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for id := range c.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// env is a simulator behind an HTTP server and a client on it.
type env struct {
	sim      *fikensim.Server
	srv      *httptest.Server
	contract *contract
	client   *fiken.Client
}

type envOpts struct {
	sim        fikensim.Options
	limiter    ratelimit.Limiter
	timeout    time.Duration
	company    string
	token      fiken.TokenSource
	noContract bool
	// enforce keeps the simulator's rate rules on; functional tests turn
	// them off to stay fast.
	enforce bool
}

// newEnv starts a simulator (rate limits off unless the test wants them)
// and a contract-checked client for company "demo".
func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	if !o.enforce {
		o.sim.DisableRateLimits = true
	}
	sim := fikensim.New(o.sim)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	e := &env{sim: sim, srv: srv}
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if !o.noContract {
		e.contract = newContract(t, srv.URL, rt)
		rt = e.contract
	}
	if o.limiter == nil {
		o.limiter = ratelimit.NewLocal(time.Millisecond)
	}
	if o.timeout == 0 {
		o.timeout = 10 * time.Second
	}
	if o.company == "" {
		o.company = "demo"
	}
	if o.token == nil {
		o.token = fiken.PersonalToken("test-token")
	}
	c, err := fiken.New(fiken.Config{BaseURL: srv.URL + "/api/v2", CompanySlug: o.company, Token: o.token,
		HTTPClient: &http.Client{Transport: rt, Timeout: o.timeout}, Limiter: o.limiter, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}
