package fikensim

import (
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/sim/simhttp"
)

// Options configures a simulator. The zero value is a faithful simulator
// that enforces Fiken's rate rules.
type Options struct {
	// BaseURL is the scheme and host used in Location headers, e.g.
	// "http://127.0.0.1:8082". Empty: taken from each request's Host.
	BaseURL string
	// Now is the clock for createdDate/lastModifiedDate; default time.Now.
	Now func() time.Time
	// Seed seeds the fault dice; 0 picks a random seed.
	Seed uint64
	// Tokens are the accepted bearer tokens besides those issued by the
	// simulated OAuth endpoint. Empty: any non-empty token is accepted.
	Tokens []string
	// DisableRateLimits turns off the one-in-flight and requests-per-second
	// rules (no 429, no violations) for engine benchmarks.
	DisableRateLimits bool
	// DisableLatency ignores the latency_ms fault setting.
	DisableLatency bool
	// RatePerSecond is the requests-per-second limit per credential;
	// default 4.
	RatePerSecond int
	// FaultTimeout is how long a timeout fault holds the request before the
	// connection is dropped (earlier if the client gives up); default 30 s.
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
	// MaxFaults stops injecting after this many injected faults; 0 means
	// no limit. With MaxFaults 1 "the first attempt" fails.
	MaxFaults int `json:"max_faults"`
	// WritesOnly restricts error and timeout faults to non-GET requests.
	WritesOnly bool `json:"writes_only"`
}

// Stats are the counters served by GET /_sim/stats.
type Stats struct {
	// Requests counts answered (or dropped) Fiken API requests; control
	// and OAuth requests are not counted.
	Requests int64 `json:"requests"`
	// ByStatus counts requests per HTTP status; "dropped" counts
	// connections closed without an answer by a fault.
	ByStatus map[string]int64 `json:"by_status"`
	// MaxInFlight is the largest number of requests of one credential that
	// were in the simulator at once, rejected ones included.
	MaxInFlight int64 `json:"max_in_flight"`
	// RateViolations counts requests answered 429 for breaking the
	// one-in-flight or requests-per-second rule.
	RateViolations int64 `json:"rate_violations"`
	// FaultsInjected counts injected error, timeout and drop faults.
	FaultsInjected int64 `json:"faults_injected"`
}

// Server is the simulator; it implements http.Handler.
type Server struct {
	opts    Options
	api     *http.ServeMux
	control *http.ServeMux

	mu     sync.Mutex // guards everything below
	st     *state
	faults Faults
	rng    *rand.Rand
	stats  Stats
	flight map[string]*credential
	oauth  *oauthState
}

// credential is the rate state of one bearer token.
type credential struct {
	inFlight int64
	starts   []time.Time // accepted request starts within the last second
}

// New returns a simulator seeded with company "demo".
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RatePerSecond <= 0 {
		opts.RatePerSecond = 4
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

// resetLocked clears all state, stats and faults. Callers hold s.mu or
// own s exclusively.
func (s *Server) resetLocked() {
	s.st = newState(s.opts.Now())
	s.faults = Faults{}
	s.stats = Stats{ByStatus: map[string]int64{}}
	s.flight = map[string]*credential{}
	s.oauth = newOAuthState()
}

// ServeHTTP routes Fiken API, OAuth and control requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/_sim/"):
		s.control.ServeHTTP(w, r)
	case r.URL.Path == "/oauth/token":
		s.serveToken(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/v2/"):
		s.serveAPI(w, r)
	default:
		writeError(w, http.StatusNotFound, "not found")
	}
}

// serveAPI applies auth, rate rules and faults around the API routes.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" || token == r.Header.Get("Authorization") || !s.tokenOK(token) {
		s.count(http.StatusUnauthorized)
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	release, violation := s.enter(token)
	if violation != "" {
		release()
		s.count(http.StatusTooManyRequests)
		writeError(w, http.StatusTooManyRequests, violation)
		return
	}
	latency, fault := s.roll(r.Method)
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
		}
	}
	switch fault {
	case faultError:
		release()
		s.count(http.StatusInternalServerError)
		writeError(w, http.StatusInternalServerError, "Simulated internal server error")
		return
	case faultTimeout:
		// Consume the body so that the server notices when the client
		// gives up and closes the connection.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(s.opts.FaultTimeout):
		}
		release()
		s.count(0)
		simhttp.DropConnection(w)
		return
	}
	rec := simhttp.NewRecorder()
	s.api.ServeHTTP(rec, r)
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	// Leave the in-flight set before a single byte of the answer goes out,
	// so a client that sends its next request on receipt is not counted
	// as concurrent.
	release()
	if fault == faultDrop {
		s.count(0)
		simhttp.DropConnection(w)
		return
	}
	s.count(rec.Status)
	s.opts.Logger.Debug("fikensim", "method", r.Method, "path", r.URL.Path, "status", rec.Status,
		"request_id", r.Header.Get("X-Request-ID"))
	rec.CopyTo(w)
}

// tokenOK reports whether token is accepted.
func (s *Server) tokenOK(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oauth.access[token] {
		return true
	}
	if len(s.opts.Tokens) == 0 {
		return true
	}
	for _, t := range s.opts.Tokens {
		if t == token {
			return true
		}
	}
	return false
}

// enter registers a request start for token and returns the function that
// ends it, and a non-empty reason when the request breaks the rate rules.
func (s *Server) enter(token string) (release func(), violation string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.flight[token]
	if c == nil {
		c = &credential{}
		s.flight[token] = c
	}
	c.inFlight++
	if c.inFlight > s.stats.MaxInFlight {
		s.stats.MaxInFlight = c.inFlight
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			c.inFlight--
			s.mu.Unlock()
		})
	}
	if s.opts.DisableRateLimits {
		return release, ""
	}
	now := time.Now()
	keep := c.starts[:0]
	for _, t := range c.starts {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	c.starts = keep
	switch {
	case c.inFlight > 1:
		s.stats.RateViolations++
		return release, "Too many concurrent requests: only one request may be in progress at a time"
	case len(c.starts) >= s.opts.RatePerSecond:
		s.stats.RateViolations++
		return release, "Too many requests: more than " + strconv.Itoa(s.opts.RatePerSecond) + " requests per second"
	}
	c.starts = append(c.starts, now)
	return release, ""
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

// roll decides the latency and fault for one request.
func (s *Server) roll(method string) (time.Duration, fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	var lat time.Duration
	if !s.opts.DisableLatency && f.LatencyMS > 0 {
		lat = time.Duration(f.LatencyMS) * time.Millisecond
	}
	if f.MaxFaults > 0 && s.stats.FaultsInjected >= int64(f.MaxFaults) {
		return lat, faultNone
	}
	pick := faultNone
	if f.WritesOnly && method == http.MethodGet {
		return lat, faultNone
	}
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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errorBody is the simulator's error shape. Fiken documents none; the
// client keeps error_description verbatim.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// writeError writes an error answer.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_")), ErrorDescription: msg})
}
