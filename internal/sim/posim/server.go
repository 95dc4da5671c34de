package posim

import (
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/sim/simhttp"
)

// Options configures a simulator. The zero value accepts any keys and
// enforces the rate limit.
type Options struct {
	// BaseURL is the scheme and host used in Location headers, e.g.
	// "http://127.0.0.1:8083". Empty: taken from each request's Host.
	BaseURL string
	// Now is the clock of timestamps and token expiry; default time.Now.
	Now func() time.Time
	// Seed seeds the fault dice; 0 picks a random seed.
	Seed uint64
	// SubscriptionKeys, ApplicationKeys and ClientKeys are the accepted
	// keys; empty accepts any non-empty key.
	SubscriptionKeys []string
	ApplicationKeys  []string
	ClientKeys       []string
	// InvalidPrivileges are privileges every client has not granted; calls
	// that need one answer 403.
	InvalidPrivileges []string
	// InvoiceProcessing makes createAndSendInvoice asynchronous as in
	// PowerOffice: for this long the invoice is "being processed" (absent
	// from outgoing invoices, no number in sentState). 0: ready at once.
	InvoiceProcessing time.Duration
	// TokenLifetime is expires_in of issued tokens; default 20 minutes.
	TokenLifetime time.Duration
	// DisableRateLimits turns the 10 requests per second rule off.
	DisableRateLimits bool
	// RatePerSecond is the limit per subscription key; default 10.
	RatePerSecond int
	// FaultTimeout is how long a timeout fault holds a request; default 30 s.
	FaultTimeout time.Duration
	// Logger receives one debug line per request; default discards.
	Logger *slog.Logger
}

// Faults are the injected failures, set with POST /_sim/faults.
type Faults struct {
	// ErrorRate is the share of API requests answered 500 without effect.
	ErrorRate float64 `json:"error_rate"`
	// TimeoutRate is the share held without answer until the client gives
	// up (or FaultTimeout), without effect.
	TimeoutRate float64 `json:"timeout_rate"`
	// DropAfterCommitRate is the share of writes (non-GET) that are applied
	// and whose connection is then closed without a response.
	DropAfterCommitRate float64 `json:"drop_after_commit_rate"`
	// LatencyMS delays every API request.
	LatencyMS int `json:"latency_ms"`
	// MaxFaults stops injecting after this many faults; 0: no limit.
	MaxFaults int `json:"max_faults"`
	// WritesOnly restricts error and timeout faults to non-GET requests.
	WritesOnly bool `json:"writes_only"`
}

// Stats are the counters served by GET /_sim/stats.
type Stats struct {
	// Requests counts answered (or dropped) API requests; token and
	// control requests are not counted.
	Requests int64 `json:"requests"`
	// TokenRequests counts token endpoint requests.
	TokenRequests int64 `json:"token_requests"`
	// ByStatus counts API requests per HTTP status; "dropped" counts
	// connections closed without an answer by a fault.
	ByStatus map[string]int64 `json:"by_status"`
	// MaxInFlight is the largest number of requests of one subscription
	// key in the simulator at once.
	MaxInFlight int64 `json:"max_in_flight"`
	// RateViolations counts requests answered 429 for breaking the
	// requests-per-second rule.
	RateViolations int64 `json:"rate_violations"`
	// FaultsInjected counts injected error, timeout and drop faults.
	FaultsInjected int64 `json:"faults_injected"`
}

// Server is the simulator; it implements http.Handler.
type Server struct {
	opts    Options
	api     *http.ServeMux
	control *http.ServeMux

	mu      sync.Mutex // guards everything below
	clients map[string]*client
	tokens  map[string]token
	faults  Faults
	rng     *rand.Rand
	stats   Stats
	keys    map[string]*keyState
	nextID  int64
}

// token is an issued access token.
type token struct {
	clientKey string
	expires   time.Time
}

// keyState is the rate state of one subscription key.
type keyState struct {
	inFlight int64
	starts   []time.Time
}

// New returns a simulator.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RatePerSecond <= 0 {
		opts.RatePerSecond = 10
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 20 * time.Minute
	}
	if opts.FaultTimeout <= 0 {
		opts.FaultTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	seed := opts.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	s := &Server{opts: opts, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	s.resetLocked()
	s.api = s.apiRoutes()
	s.control = s.controlRoutes()
	return s
}

// resetLocked clears all state, stats and faults.
func (s *Server) resetLocked() {
	s.clients = map[string]*client{}
	s.tokens = map[string]token{}
	s.faults = Faults{}
	s.stats = Stats{ByStatus: map[string]int64{}}
	s.keys = map[string]*keyState{}
	s.nextID = 1000
}

// ServeHTTP routes API, token and control requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/_sim/"):
		s.control.ServeHTTP(w, r)
	case strings.EqualFold(p, "/OAuth/Token") || strings.EqualFold(p, "/Demo/OAuth/Token"):
		s.serveToken(w, r)
	case strings.HasPrefix(p, "/v2/") || strings.HasPrefix(p, "/Demo/v2/"):
		r.URL.Path = strings.TrimPrefix(p, "/Demo")
		s.serveAPI(w, r)
	default:
		writeProblem(w, http.StatusNotFound, "Not found", "no such resource: "+p)
	}
}

// subscriptionKey returns the request's APIM key (header or query).
func subscriptionKey(r *http.Request) string {
	if k := r.Header.Get("Ocp-Apim-Subscription-Key"); k != "" {
		return k
	}
	return r.URL.Query().Get("subscription-key")
}

func accepted(list []string, v string) bool {
	return v != "" && (len(list) == 0 || slices.Contains(list, v))
}

// serveAPI applies the subscription key, token, rate rule and faults
// around the API routes.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	sub := subscriptionKey(r)
	if !accepted(s.opts.SubscriptionKeys, sub) {
		s.count(http.StatusUnauthorized)
		writeAPIM(w, http.StatusUnauthorized, "Access denied due to missing or invalid subscription key. Make sure to provide a valid key for an active subscription.")
		return
	}
	release, limited := s.enter(sub)
	defer release()
	if limited {
		s.count(http.StatusTooManyRequests)
		w.Header().Set("Retry-After", "1")
		writeAPIM(w, http.StatusTooManyRequests, "Rate limit is exceeded. Try again in 1 seconds.")
		return
	}
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	cl := s.clientForToken(bearer)
	if cl == nil {
		s.count(http.StatusUnauthorized)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	latency, f := s.roll(r.Method)
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
		}
	}
	switch f {
	case faultError:
		s.count(http.StatusInternalServerError)
		writeProblem(w, http.StatusInternalServerError, "Internal Server Error", "simulated failure")
		return
	case faultTimeout:
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(s.opts.FaultTimeout):
		}
		s.count(0)
		simhttp.DropConnection(w)
		return
	}
	rec := simhttp.NewRecorder()
	s.api.ServeHTTP(rec, r.WithContext(withClient(r.Context(), cl)))
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	release()
	if f == faultDrop {
		s.count(0)
		simhttp.DropConnection(w)
		return
	}
	s.count(rec.Status)
	s.opts.Logger.Debug("posim", "method", r.Method, "path", r.URL.Path, "status", rec.Status)
	rec.CopyTo(w)
}

// clientForToken returns the client of a valid token, creating the
// client's data on first use.
func (s *Server) clientForToken(tok string) *client {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	if !ok || !s.opts.Now().Before(t.expires) {
		return nil
	}
	return s.clientLocked(t.clientKey)
}

// clientLocked returns the client of clientKey, seeding it on first use.
func (s *Server) clientLocked(key string) *client {
	cl := s.clients[key]
	if cl == nil {
		cl = newClient(s, key)
		s.clients[key] = cl
	}
	return cl
}

// enter registers a request start for a subscription key and reports
// whether it breaks the requests-per-second rule.
func (s *Server) enter(sub string) (release func(), limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[sub]
	if k == nil {
		k = &keyState{}
		s.keys[sub] = k
	}
	k.inFlight++
	if k.inFlight > s.stats.MaxInFlight {
		s.stats.MaxInFlight = k.inFlight
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			k.inFlight--
			s.mu.Unlock()
		})
	}
	if s.opts.DisableRateLimits {
		return release, false
	}
	now := time.Now()
	keep := k.starts[:0]
	for _, t := range k.starts {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	k.starts = keep
	if len(k.starts) >= s.opts.RatePerSecond {
		s.stats.RateViolations++
		return release, true
	}
	k.starts = append(k.starts, now)
	return release, false
}

// count records one answered API request; status 0 is a dropped
// connection.
func (s *Server) count(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Requests++
	key := strconv.Itoa(status)
	if status == 0 {
		key = "dropped"
	}
	s.stats.ByStatus[key]++
}

type fault int

const (
	faultNone fault = iota
	faultError
	faultTimeout
	faultDrop
)

// roll decides the latency and fault of one request.
func (s *Server) roll(method string) (time.Duration, fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	var lat time.Duration
	if f.LatencyMS > 0 {
		lat = time.Duration(f.LatencyMS) * time.Millisecond
	}
	if f.MaxFaults > 0 && s.stats.FaultsInjected >= int64(f.MaxFaults) {
		return lat, faultNone
	}
	if f.WritesOnly && method == http.MethodGet {
		return lat, faultNone
	}
	pick := faultNone
	switch {
	case f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate:
		pick = faultError
	case f.TimeoutRate > 0 && s.rng.Float64() < f.TimeoutRate:
		pick = faultTimeout
	case method != http.MethodGet && f.DropAfterCommitRate > 0 && s.rng.Float64() < f.DropAfterCommitRate:
		pick = faultDrop
	}
	if pick != faultNone {
		s.stats.FaultsInjected++
	}
	return lat, pick
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// problem is the ProblemDetails body (PascalCase, as in the spec).
type problem struct {
	Type   string `json:"Type,omitempty"`
	Title  string `json:"Title"`
	Status int    `json:"Status"`
	Detail string `json:"Detail,omitempty"`
}

// writeProblem writes a ProblemDetails error, as application/json: the
// media type the spec documents for it.
func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	writeJSON(w, status, problem{Type: "https://tools.ietf.org/html/rfc9110", Title: title, Status: status, Detail: detail})
}

// writeAPIM writes an Azure API Management error (401 key, 429).
func writeAPIM(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"statusCode": status, "message": msg})
}
