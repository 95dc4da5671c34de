package prestashopsim

import (
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultKey is the webservice key the simulator accepts when Options.Keys
// is empty; it has every permission on every resource.
const DefaultKey = "BOKFORSIMKEY0000000000000000000X"

// Key is one webservice key and what it may do.
type Key struct {
	// Key is the 32-character key sent as the Basic user.
	Key string
	// Permissions maps a resource ("orders") to its allowed methods ("GET",
	// "POST", "PUT", "PATCH", "DELETE", "HEAD"). A nil map allows everything.
	Permissions map[string][]string
}

// Options configures a simulated shop. The zero value is a usable 8.x shop
// with DefaultKey, a fixed seed and no webhook.
type Options struct {
	// Keys are the accepted webservice keys; empty means DefaultKey with all
	// permissions.
	Keys []Key
	// Version is "8" (default; PATCH allowed) or "1.7" (no PATCH).
	Version string
	// Seed makes order references and other random values reproducible.
	Seed int64
	// WebhookURL receives webhook deliveries; "" disables them.
	WebhookURL string
	// WebhookSecret, if set, signs deliveries (prestashop.SignatureHeader).
	WebhookSecret string
	// WebhookTimeout bounds each delivery; default 3 s, as ps_webhooks.
	WebhookTimeout time.Duration
	// Shops are the shop ids of a multishop installation; default [1].
	Shops []int
	// RoundType is the shop's PS_ROUND_TYPE used when an order does not say;
	// default 2 (per line).
	RoundType int
	// SingleAssocAsObject renders a one-element association in JSON as an
	// object instead of a one-element array, as XML-to-JSON proxies and some
	// modules do.
	SingleAssocAsObject bool
	// Now is the shop clock; default time.Now. Dates are shown in Location.
	Now func() time.Time
	// Location is the shop's time zone; default UTC.
	Location *time.Location
	// HangTimeout is how long a request chosen by timeout_rate hangs before
	// the server gives up on it (the client normally times out first);
	// default 30 s.
	HangTimeout time.Duration
}

// Server is a simulated PrestaShop shop; it is an http.Handler.
type Server struct {
	opts  Options
	defs  []resourceDef
	valid validators
	http  *http.Client

	mu stateMu
	db *db
	// listed is the last list request's filtered and sorted records
	// (before its limit), for the next page of the same listing.
	listed listCache
	seed   *db
	rnd    *rand.Rand
	faults Faults
	stats  Stats
	hook   webhookConfig
}

// New returns a seeded simulator.
func New(opts Options) *Server {
	if len(opts.Keys) == 0 {
		opts.Keys = []Key{{Key: DefaultKey}}
	}
	if opts.Version == "" {
		opts.Version = "8"
	}
	if opts.WebhookTimeout == 0 {
		opts.WebhookTimeout = 3 * time.Second
	}
	if len(opts.Shops) == 0 {
		opts.Shops = []int{1}
	}
	if opts.RoundType == 0 {
		opts.RoundType = roundLine
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.HangTimeout == 0 {
		opts.HangTimeout = 30 * time.Second
	}
	s := &Server{opts: opts, defs: append(specResources(), messagesResource())}
	s.valid = newValidators(s.defs)
	s.http = &http.Client{Timeout: opts.WebhookTimeout}
	s.resetLocked()
	return s
}

// resetLocked restores the seed state; the caller holds mu (or owns s).
func (s *Server) resetLocked() {
	s.rnd = rand.New(rand.NewSource(s.opts.Seed))
	s.db = newDB(s.defs)
	s.seedData()
	s.seed = s.db.clone()
	s.faults = Faults{}
	s.stats = newStats()
	s.hook = webhookConfig{url: s.opts.WebhookURL, secret: s.opts.WebhookSecret}
}

// ServeHTTP routes /api/... to the webservice and /_sim/... to the control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/"):
		s.serveAPI(w, r)
	case strings.HasPrefix(r.URL.Path, "/_sim/"):
		s.serveControl(w, r)
	default:
		http.NotFound(w, r)
	}
}

// nowString is the shop-local time as PrestaShop stores dates.
func (s *Server) nowString() string {
	return s.opts.Now().In(s.opts.Location).Format(dateLayout)
}

const dateLayout = "2006-01-02 15:04:05"

// zeroDate is PrestaShop's empty date.
const zeroDate = "0000-00-00 00:00:00"

// langs are the simulated shop's language ids.
func langs() []int { return []int{1, 2} }

// stateMu guards the simulator's state. Every Lock counts as a possible
// write to the shop's records (db) and moves the generation; a holder
// that leaves the records alone (a read request, counters, faults, the
// webhook settings) takes it with lockRead, which does not, so what a
// reader derived from the records stays valid while the generation is
// unchanged.
type stateMu struct {
	sync.Mutex
	gen uint64
}

// Lock locks for reading and writing.
func (m *stateMu) Lock() {
	m.Mutex.Lock()
	m.gen++
}

// lockRead locks for a holder that does not change the records.
func (m *stateMu) lockRead() { m.Mutex.Lock() }

// listCache is one list request's result before its limit: paging through
// a listing of n records (the product sync reads 50 000 changes 500 at a
// time) filtered and sorted all n for every page, O(n²/limit) in all. It
// is valid for the same resource, filters, sort, language and shop while
// nothing was written (stateMu's generation).
type listCache struct {
	gen  uint64
	key  string
	recs []*record
}
