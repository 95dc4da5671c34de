package fiken

import (
	"bytes"
	"context"
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

// DefaultBaseURL is Fiken's production API base.
const DefaultBaseURL = "https://api.fiken.no/api/v2"

// apiName is the API field of every *apierr.Error this package returns.
const apiName = "fiken"

// maxBody caps how much of a response body is read.
const maxBody = 16 << 20

// Config configures a Client.
type Config struct {
	// BaseURL defaults to DefaultBaseURL; the simulator's is
	// "http://host:port/api/v2".
	BaseURL string
	// CompanySlug selects the company for every company-scoped call.
	CompanySlug string
	// Token supplies the bearer token: PersonalToken or *OAuthSource.
	Token TokenSource
	// HTTPClient defaults to a client with a 60 s timeout.
	HTTPClient *http.Client
	// Limiter serialises and paces requests per credential; defaults to
	// an in-process ratelimit.Local. Use ratelimit.Postgres when several
	// processes share the credential.
	Limiter ratelimit.Limiter
	// RateKey is the limiter key; defaults to Token.RateKey().
	RateKey string
	// Logger receives one debug line per request with its X-Request-ID;
	// defaults to discarding.
	Logger *slog.Logger
	// MaxAttempts bounds attempts of requests that are safe to repeat
	// (GET, PUT, PATCH) on 429 and transient failures. Default 3.
	MaxAttempts int
	// Backoff is the first wait after a 429 without Retry-After or after
	// a transient failure; it doubles per attempt. Default 1 s.
	Backoff time.Duration
}

// Client calls the Fiken API v2 for one company. It is safe for
// concurrent use; requests are serialised through the Limiter.
type Client struct {
	base     string
	slug     string
	token    TokenSource
	hc       *http.Client
	limiter  ratelimit.Limiter
	rateKey  string
	log      *slog.Logger
	attempts int
	backoff  time.Duration
	requests atomic.Int64
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Token == nil {
		return nil, errors.New("fiken: Config.Token is required")
	}
	c := &Client{
		base:     strings.TrimRight(cfg.BaseURL, "/"),
		slug:     cfg.CompanySlug,
		token:    cfg.Token,
		hc:       cfg.HTTPClient,
		limiter:  cfg.Limiter,
		rateKey:  cfg.RateKey,
		log:      cfg.Logger,
		attempts: cfg.MaxAttempts,
		backoff:  cfg.Backoff,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 60 * time.Second}
	}
	if c.limiter == nil {
		c.limiter = ratelimit.NewLocal(0)
	}
	if c.rateKey == "" {
		c.rateKey = cfg.Token.RateKey()
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
	return c, nil
}

// CompanySlug returns the company the client works on.
func (c *Client) CompanySlug() string { return c.slug }

// Requests returns how many HTTP requests the client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// request describes one API call.
type request struct {
	method      string
	path        string // relative to the base, e.g. "/companies/x/invoices"
	op          string // for errors, e.g. "POST /invoices"
	query       url.Values
	body        any    // JSON-encoded when not nil
	raw         []byte // sent as is with contentType when body is nil
	contentType string
}

// response is what a successful call returns besides the decoded body.
type response struct {
	status int
	header http.Header
}

// company returns the company-scoped path for suffix.
func (c *Client) company(suffix string) string {
	return "/companies/" + url.PathEscape(c.slug) + suffix
}

// safeToRepeat reports whether repeating the method cannot create a
// second object. Only POST creates.
func safeToRepeat(method string) bool { return method != http.MethodPost }

// do runs req with limiting, retries of repeatable requests and error
// classification, and decodes a JSON body into out when out is not nil.
func (c *Client) do(ctx context.Context, req request, out any) (response, error) {
	var body []byte
	ct := req.contentType
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return response{}, fmt.Errorf("fiken: encode %s: %w", req.op, err)
		}
		body, ct = b, "application/json"
	} else if req.raw != nil {
		body = req.raw
	}
	refreshed := false
	var lastErr error
	for attempt := 0; attempt < c.attempts; attempt++ {
		resp, data, err := c.once(ctx, req, body, ct)
		if err == nil {
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
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
		case ae.Kind == apierr.KindAuth && ae.Status == http.StatusUnauthorized && !refreshed:
			// An OAuth access token may have expired early: refresh once.
			refreshed = true
			if inv, ok := c.token.(invalidator); ok && inv.Invalidate(ctx) {
				attempt--
				continue
			}
			return resp, err
		case ae.Kind == apierr.KindRateLimited:
			wait := ae.RetryAfter
			if wait <= 0 {
				wait = c.backoff << attempt
			}
			if derr := c.limiter.Defer(ctx, c.rateKey, wait); derr != nil {
				c.log.WarnContext(ctx, "fiken: limiter defer failed", "err", derr)
			}
			if !safeToRepeat(req.method) {
				return resp, err
			}
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

// invalidator is implemented by token sources that can renew a token the
// API rejected.
type invalidator interface {
	// Invalidate drops the current access token and reports whether a
	// new one may be obtained.
	Invalidate(ctx context.Context) bool
}

// once sends one HTTP request holding the limiter.
func (c *Client) once(ctx context.Context, req request, body []byte, ct string) (response, []byte, error) {
	reqID := uuid.NewString()
	fail := func(kind apierr.Kind, status int, msg string, err error) *apierr.Error {
		return &apierr.Error{Kind: kind, API: apiName, Op: req.op, Status: status, Message: msg, RequestID: reqID, Err: err}
	}
	token, err := c.token.Token(ctx)
	if err != nil {
		return response{}, nil, err
	}
	u := c.base + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), req.method, u, bytes.NewReader(body))
	if err != nil {
		return response{}, nil, fail(apierr.KindValidation, 0, "", fmt.Errorf("build request: %w", err))
	}
	if body == nil {
		hreq.Body, hreq.ContentLength = http.NoBody, 0
	}
	hreq.Header.Set("Authorization", "Bearer "+token)
	hreq.Header.Set("X-Request-ID", reqID)
	hreq.Header.Set("Accept", "application/json")
	if ct != "" {
		hreq.Header.Set("Content-Type", ct)
	}

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
	c.log.DebugContext(ctx, "fiken request", "request_id", reqID, "method", req.method,
		"path", req.path, "status", status, "duration", time.Since(start), "err", err)

	if err != nil {
		// No complete response. A POST whose headers went out may have
		// been applied; anything else can simply be repeated.
		if req.method == http.MethodPost && sent.Load() {
			return response{}, nil, fail(apierr.KindAmbiguous, status, "response lost after the request was sent", err)
		}
		return response{}, nil, fail(apierr.KindTransient, status, "", err)
	}
	resp := response{status: hresp.StatusCode, header: hresp.Header}
	if hresp.StatusCode < 300 {
		return resp, data, nil
	}
	kind := apierr.FromStatus(hresp.StatusCode)
	if hresp.StatusCode >= 500 && req.method == http.MethodPost {
		// A server error after a create may come from a proxy after the
		// backend committed: treat as ambiguous, look up before retrying.
		kind = apierr.KindAmbiguous
	}
	e := fail(kind, hresp.StatusCode, errorMessage(data), nil)
	if d := apierr.ParseRetryAfter(hresp.Header.Get("Retry-After")); d > 0 {
		e.RetryAfter = d
	}
	return resp, nil, e
}

// errorMessage returns Fiken's explanation from an error body: the
// error_description or message of a JSON object when present, else the
// body as text, verbatim (trimmed, capped at 4 KiB), made storable text
// (apierr.CleanText): it ends up in an order's needs_attention reason.
func errorMessage(data []byte) string {
	var obj map[string]any
	if json.Unmarshal(data, &obj) == nil {
		for _, k := range []string{"error_description", "message", "error"} {
			if s, ok := obj[k].(string); ok && s != "" {
				return apierr.CleanText(s, apierr.MaxMessage)
			}
		}
	}
	return apierr.CleanText(string(data), apierr.MaxMessage)
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

// idFromLocation reads the id from a Location header: its last path
// segment.
func idFromLocation(op string, h http.Header) (int64, error) {
	loc := h.Get("Location")
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return 0, &apierr.Error{Kind: apierr.KindAmbiguous, API: apiName, Op: op,
			Message: "created, but no usable Location header: " + strconv.Quote(loc), Err: err}
	}
	seg := u.Path[strings.LastIndex(u.Path, "/")+1:]
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil {
		return 0, &apierr.Error{Kind: apierr.KindAmbiguous, API: apiName, Op: op,
			Message: "created, but Location does not end in an id: " + strconv.Quote(loc), Err: err}
	}
	return id, nil
}

// create POSTs body to path and returns the id from Location.
func (c *Client) create(ctx context.Context, op, path string, body any) (int64, error) {
	resp, err := c.do(ctx, request{method: http.MethodPost, path: path, op: op, body: body}, nil)
	if err != nil {
		return 0, err
	}
	return idFromLocation(op, resp.header)
}

// get GETs path into out.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, out any) error {
	_, err := c.do(ctx, request{method: http.MethodGet, path: path, op: op, query: q}, out)
	return err
}
