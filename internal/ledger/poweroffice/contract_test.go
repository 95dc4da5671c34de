package poweroffice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/posim"
	"github.com/bokfor/bokfor/internal/specs"
)

// specDir is where the spec snapshots are copied (internal/specs).
func specDir() string {
	return filepath.Dir(specs.Path(specs.PowerOffice))
}

// loadRouter loads one spec with its server replaced by base.
func loadRouter(t testing.TB, file, base string) routers.Router {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(filepath.Join(specDir(), file))
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	fixKnownDefects(doc)
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router %s: %v", file, err)
	}
	return r
}

// fixKnownDefects corrects two generator artefacts of the snapshots, and
// only these, so that valid traffic validates:
//
//   - Operation.value of JsonPatchDocument is typed "object" (.NET's
//     object); RFC 6902 allows any JSON value, and PowerOffice's own PATCH
//     examples replace strings and numbers.
//   - The token endpoint's form body schema lacks "type: object", which
//     kin-openapi needs to decode application/x-www-form-urlencoded.
func fixKnownDefects(doc *openapi3.T) {
	if s := doc.Components.Schemas["Operation"]; s != nil && s.Value != nil {
		if v := s.Value.Properties["value"]; v != nil && v.Value != nil {
			v.Value.Type = nil
		}
	}
	if p := doc.Paths.Value("/Token"); p != nil && p.Post != nil && p.Post.RequestBody != nil {
		for _, mt := range p.Post.RequestBody.Value.Content {
			if mt.Schema != nil && mt.Schema.Value != nil {
				mt.Schema.Value.Type = &openapi3.Types{openapi3.TypeObject}
			}
		}
	}
}

// contract validates every request the client sends and every response
// the simulator returns against the spec snapshots (the API spec and the
// separate token-endpoint spec), and records the operations exercised.
type contract struct {
	t      testing.TB
	api    routers.Router
	auth   routers.Router
	next   http.RoundTripper
	mu     sync.Mutex
	ops    map[string]int
	strict bool
}

func newContract(t testing.TB, serverURL string, next http.RoundTripper) *contract {
	t.Helper()
	return &contract{t: t, next: next, ops: map[string]int{}, strict: true,
		api:  loadRouter(t, "poweroffice-go-v2-openapi.yaml", serverURL+"/v2"),
		auth: loadRouter(t, "poweroffice-go-v2-auth-openapi.json", serverURL+"/OAuth")}
}

// opName names an operation by method and path template (most operations
// of the merged snapshot have no operationId).
func opName(route *routers.Route) string { return route.Method + " " + route.Path }

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
	if req.Header.Get(poweroffice.SubscriptionHeader) == "" {
		c.t.Errorf("contract: %s %s without %s", req.Method, req.URL.Path, poweroffice.SubscriptionHeader)
	}
	router := c.api
	if strings.HasSuffix(req.URL.Path, "/OAuth/Token") {
		router = c.auth
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(check)
	if err != nil {
		c.t.Errorf("contract: %s %s is not an operation of the spec: %v", req.Method, req.URL.Path, err)
		return c.next.RoundTrip(req)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && c.strict {
		c.t.Errorf("contract: request %s violates the spec: %v\nbody: %s", opName(route), err, body)
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
	c.ops[opName(route)]++
	c.mu.Unlock()
	if resp.StatusCode >= 400 {
		// Errors: JSON with a reason; where the operation documents the
		// status (400/404/409 with ProblemDetails) the body must match it.
		// 401/403/429 are APIM's and documented without a body.
		var e map[string]any
		if resp.StatusCode != http.StatusUnauthorized && json.Unmarshal(data, &e) != nil {
			c.t.Errorf("contract: %s answered %d with body %q", opName(route), resp.StatusCode, data)
		}
		if route.Operation.Responses.Status(resp.StatusCode) == nil || resp.StatusCode == 401 || resp.StatusCode == 403 || resp.StatusCode == 429 {
			return resp, nil
		}
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(data)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		c.t.Errorf("contract: response %d of %s violates the spec: %v\nbody: %s", resp.StatusCode, opName(route), err, data)
	}
	return resp, nil
}

// covered returns the exercised operations.
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

// env is a simulator behind an HTTP server and a contract-checked client.
type env struct {
	sim      *posim.Server
	srv      *httptest.Server
	contract *contract
	client   *poweroffice.Client
}

type envOpts struct {
	sim        posim.Options
	limiter    ratelimit.Limiter
	clientKey  string
	noContract bool
	enforce    bool
	now        func() time.Time
	timeout    time.Duration
}

// newEnv starts a simulator (rate limit off unless enforce) and a client.
func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	if !o.enforce {
		o.sim.DisableRateLimits = true
	}
	sim := posim.New(o.sim)
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
	if o.clientKey == "" {
		o.clientKey = "client-" + strings.ReplaceAll(t.Name(), "/", "-")
	}
	if o.timeout == 0 {
		o.timeout = 10 * time.Second
	}
	c, err := poweroffice.New(poweroffice.Config{BaseURL: srv.URL + "/v2", ApplicationKey: "app", ClientKey: o.clientKey,
		SubscriptionKey: "sub-" + o.clientKey, HTTPClient: &http.Client{Transport: rt, Timeout: o.timeout}, Limiter: o.limiter,
		Backoff: 10 * time.Millisecond, Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}
