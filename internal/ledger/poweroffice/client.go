package poweroffice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ratelimit"
)

// Base URLs of the two PowerOffice Go environments. Keys of one never work
// in the other.
const (
	ProductionBaseURL = "https://goapi.poweroffice.net/v2"
	DemoBaseURL       = "https://goapi.poweroffice.net/Demo/v2"
)

// DefaultInterval spaces request starts per subscription key: just over
// 1/10 s, PowerOffice's 10 requests per second.
const DefaultInterval = 110 * time.Millisecond

// SubscriptionHeader carries the APIM subscription key on every call.
const SubscriptionHeader = "Ocp-Apim-Subscription-Key"

const (
	apiName = "poweroffice"
	maxBody = 16 << 20
)

// Config configures a Client.
type Config struct {
	// BaseURL defaults to ProductionBaseURL; DemoBaseURL for the demo
	// environment; the simulator's is "http://host:port/v2".
	BaseURL string
	// TokenURL defaults to BaseURL without its "/v2" plus "/OAuth/Token".
	TokenURL string
	// ApplicationKey identifies the integration (OAuth client_id).
	ApplicationKey string
	// ClientKey identifies the PowerOffice client (OAuth client_secret).
	ClientKey string
	// SubscriptionKey is the APIM subscription key.
	SubscriptionKey string
	// HTTPClient defaults to a client with a 60 s timeout.
	HTTPClient *http.Client
	// Limiter paces requests per subscription key; defaults to an
	// in-process ratelimit.Local with DefaultInterval. Use
	// ratelimit.Postgres when several processes share the key.
	Limiter ratelimit.Limiter
	// Logger receives one debug line per request; defaults to discarding.
	Logger *slog.Logger
	// MaxAttempts bounds attempts of requests safe to repeat (not POST)
	// on 429 and transient failures. Default 3.
	MaxAttempts int
	// Backoff is the first wait after a transient failure or a 429
	// without Retry-After; it doubles per attempt. Default 1 s.
	Backoff time.Duration
	// Now is the clock for token expiry; default time.Now.
	Now func() time.Time
}

// Client calls PowerOffice Go API v2 for one client (company). It is safe
// for concurrent use.
type Client struct {
	base     string
	subKey   string
	hc       *http.Client
	limiter  ratelimit.Limiter
	rateKey  string
	log      *slog.Logger
	attempts int
	backoff  time.Duration
	tokens   *tokenSource
	requests atomic.Int64
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.ApplicationKey == "" || cfg.ClientKey == "" || cfg.SubscriptionKey == "" {
		return nil, errors.New("poweroffice: application key, client key and subscription key are required")
	}
	c := &Client{
		base:     strings.TrimRight(cfg.BaseURL, "/"),
		subKey:   cfg.SubscriptionKey,
		hc:       cfg.HTTPClient,
		limiter:  cfg.Limiter,
		log:      cfg.Logger,
		attempts: cfg.MaxAttempts,
		backoff:  cfg.Backoff,
	}
	if c.base == "" {
		c.base = ProductionBaseURL
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 60 * time.Second}
	}
	if c.limiter == nil {
		c.limiter = ratelimit.NewLocal(DefaultInterval)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.attempts <= 0 {
		c.attempts = 3
	}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	c.rateKey = RateKey(cfg.SubscriptionKey)
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = TokenURLFor(c.base)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	c.tokens = &tokenSource{c: c, url: tokenURL, app: cfg.ApplicationKey, client: cfg.ClientKey, now: now}
	return c, nil
}

// TokenURLFor derives the token endpoint from an API base URL:
// ".../v2" → ".../OAuth/Token" (production /OAuth/Token, demo
// /Demo/OAuth/Token).
func TokenURLFor(base string) string {
	return strings.TrimSuffix(strings.TrimRight(base, "/"), "/v2") + "/OAuth/Token"
}

// RateKey is the limiter key of a subscription key: a hash, so that the
// secret never lands in the limiter's table or logs.
func RateKey(subscriptionKey string) string {
	sum := sha256.Sum256([]byte(subscriptionKey))
	return "poweroffice/" + hex.EncodeToString(sum[:8])
}

// RateKey returns the limiter key this client paces under.
func (c *Client) RateKey() string { return c.rateKey }

// Requests returns how many HTTP requests the client has sent, token
// calls included.
func (c *Client) Requests() int64 { return c.requests.Load() }

// request describes one API call.
type request struct {
	method      string
	path        string // relative to the base, e.g. "/Customers"
	op          string // for errors, e.g. "POST /Customers"
	query       url.Values
	body        any
	contentType string // default application/json
}

// response is the status and header of a successful call.
type response struct {
	status int
	header http.Header
}

// safeToRepeat: only POST creates.
func safeToRepeat(method string) bool { return method != http.MethodPost }

// do runs req with limiting, token renewal, retries of repeatable
// requests and error classification, and decodes a JSON body into out
// when out is not nil (a 204 leaves out untouched).
func (c *Client) do(ctx context.Context, req request, out any) (response, error) {
	var body []byte
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return response{}, fmt.Errorf("poweroffice: encode %s: %w", req.op, err)
		}
		body = b
	}
	renewed := false
	var lastErr error
	for attempt := 0; attempt < c.attempts; attempt++ {
		resp, data, err := c.once(ctx, req, body)
		if err == nil {
			if out != nil && resp.status != http.StatusNoContent && len(bytes.TrimSpace(data)) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return resp, &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: req.op,
						Status: resp.status, Message: "undecodable response body", Err: err}
				}
			}
			return resp, nil
		}
		lastErr = err
		var ae *apierr.Error
		if !errors.As(err, &ae) {
			return resp, err
		}
		switch {
		case ae.Kind == apierr.KindAuth && ae.Status == http.StatusUnauthorized && !renewed:
			// The token may have expired early: renew once.
			renewed = true
			c.tokens.invalidate()
			attempt--
			continue
		case ae.Kind == apierr.KindRateLimited:
			wait := ae.RetryAfter
			if wait <= 0 {
				wait = c.backoff << attempt
			}
			if derr := c.limiter.Defer(ctx, c.rateKey, wait); derr != nil {
				c.log.WarnContext(ctx, "poweroffice: limiter defer failed", "err", derr)
			}
			// A throttled request was not applied: even a POST may be
			// repeated.
		case ae.Kind == apierr.KindTransient && safeToRepeat(req.method):
			if attempt+1 < c.attempts {
				if serr := sleep(ctx, c.backoff<<attempt); serr != nil {
					return resp, err
				}
			}
		default:
			return resp, err
		}
	}
	return response{}, lastErr
}

// once sends one API request holding the limiter.
func (c *Client) once(ctx context.Context, req request, body []byte) (response, []byte, error) {
	token, err := c.tokens.token(ctx)
	if err != nil {
		return response{}, nil, err
	}
	u := c.base + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Accept", "application/json")
	if body != nil {
		ct := req.contentType
		if ct == "" {
			ct = "application/json"
		}
		h.Set("Content-Type", ct)
	}
	return c.send(ctx, req.method, u, req.op, h, body)
}

// send performs one HTTP exchange under the limiter and classifies a
// failure.
func (c *Client) send(ctx context.Context, method, u, op string, h http.Header, body []byte) (response, []byte, error) {
	reqID := uuid.NewString()
	fail := func(kind apierr.Kind, status int, msg string, err error) *apierr.Error {
		return &apierr.Error{Kind: kind, API: apiName, Op: op, Status: status, Message: msg, RequestID: reqID, Err: err}
	}
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, u, bytes.NewReader(body))
	if err != nil {
		return response{}, nil, fail(apierr.KindValidation, 0, "", fmt.Errorf("build request: %w", err))
	}
	if body == nil {
		hreq.Body, hreq.ContentLength = http.NoBody, 0
	}
	hreq.Header = h
	hreq.Header.Set(SubscriptionHeader, c.subKey)
	hreq.Header.Set("X-Request-ID", reqID)

	release, err := c.limiter.Acquire(ctx, c.rateKey)
	if err != nil {
		return response{}, nil, fail(apierr.KindTransient, 0, "rate limiter", err)
	}
	start := time.Now()
	c.requests.Add(1)
	hresp, err := c.hc.Do(hreq)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(hresp.Body, maxBody))
		_ = hresp.Body.Close()
	}
	release()
	status := 0
	if hresp != nil {
		status = hresp.StatusCode
	}
	c.log.DebugContext(ctx, "poweroffice request", "request_id", reqID, "method", method,
		"op", op, "status", status, "duration", time.Since(start), "err", err)
	if err != nil {
		if method == http.MethodPost && sent.Load() {
			return response{}, nil, fail(apierr.KindAmbiguous, status, "response lost after the request was sent", err)
		}
		return response{}, nil, fail(apierr.KindTransient, status, "", err)
	}
	resp := response{status: hresp.StatusCode, header: hresp.Header}
	if hresp.StatusCode < 300 {
		return resp, data, nil
	}
	kind := apierr.FromStatus(hresp.StatusCode)
	msg := errorMessage(data)
	switch {
	case hresp.StatusCode >= 500 && method == http.MethodPost:
		kind = apierr.KindAmbiguous
	case hresp.StatusCode == http.StatusBadRequest && isDuplicateReference(msg):
		kind = apierr.KindConflict
	}
	e := fail(kind, hresp.StatusCode, msg, nil)
	if d := retryAfter(hresp.Header.Get("Retry-After"), msg); d > 0 {
		e.RetryAfter = d
	}
	return resp, nil, e
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfter reads Retry-After (seconds or HTTP date, capped at
// apierr.MaxRetryAfter), else APIM's "Try again in N seconds." message.
func retryAfter(header, msg string) time.Duration {
	if d := apierr.ParseRetryAfter(header); d > 0 {
		return d
	}
	const marker = "Try again in "
	if i := strings.Index(msg, marker); i >= 0 {
		rest := msg[i+len(marker):]
		if j := strings.IndexByte(rest, ' '); j > 0 {
			if n, err := strconv.Atoi(rest[:j]); err == nil && n >= 0 {
				return min(time.Duration(n)*time.Second, apierr.MaxRetryAfter)
			}
		}
	}
	return 0
}
