package prestashop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/apierr"
)

// apiName is the API name in every *apierr.Error.
const apiName = "prestashop"

// Versions accepted in Config.Version.
const (
	// Version8 is PrestaShop 8.x: PATCH is available.
	Version8 = "8"
	// Version17 is PrestaShop 1.7: partial updates are GET-modify-PUT.
	Version17 = "1.7"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the shop's root URL, e.g. "https://shop.example"; the
	// client calls BaseURL + "/api/...".
	BaseURL string
	// Key is the 32-character webservice key.
	Key string
	// ShopID is the id_shop of a multishop installation, or 0.
	ShopID int
	// Version is Version8 (default) or Version17.
	Version string
	// LanguageID picks the language of multilingual fields; default 1.
	LanguageID int
	// SendStateEmail makes order state changes e-mail the customer
	// (sendemail=1). Off by default.
	SendStateEmail bool
	// Location is the shop's time zone, in which it stores dates; default UTC.
	Location *time.Location
	// TaxCountryID picks the tax rule of a product's tax group; 0 takes the
	// group's first rule.
	TaxCountryID int
	// HTTPClient is used for requests; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// UserAgent is sent with every request; default "bokfor".
	UserAgent string
	// ReferenceTTL is how long the client keeps reference data that almost
	// never changes: taxes, tax rule group rates, carriers, and the ISO
	// codes of countries and currencies, each by id. Default 5 minutes;
	// negative disables caching. Only successful reads are kept.
	ReferenceTTL time.Duration
}

// Client calls one shop's webservice. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	http *http.Client
	// now is the clock of the reference caches; tests move it.
	now func() time.Time
	ref refCaches
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Key == "" {
		return nil, errors.New("prestashop: Config.Key is required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("prestashop: BaseURL %q is not an absolute URL", cfg.BaseURL)
	}
	switch cfg.Version {
	case "":
		cfg.Version = Version8
	case Version8, Version17:
	default:
		return nil, fmt.Errorf("prestashop: Version %q: want %q or %q", cfg.Version, Version8, Version17)
	}
	if cfg.LanguageID == 0 {
		cfg.LanguageID = 1
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "bokfor"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.ReferenceTTL == 0 {
		cfg.ReferenceTTL = defaultReferenceTTL
	}
	c := &Client{cfg: cfg, base: u, http: hc, now: time.Now}
	c.ref = newRefCaches(cfg.ReferenceTTL, func() time.Time { return c.now() })
	return c, nil
}

// call is one webservice request.
type call struct {
	method   string
	resource string // "orders" or "orders/5"
	query    url.Values
	body     []byte // XML for writes
	json     bool   // ask for JSON output
}

// do performs a call and returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, cl call) ([]byte, error) {
	q := url.Values{}
	for k, v := range cl.query {
		q[k] = v
	}
	if cl.json {
		q.Set("output_format", "JSON")
	}
	if c.cfg.ShopID != 0 {
		q.Set("id_shop", strconv.Itoa(c.cfg.ShopID))
	}
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/api/" + cl.resource
	u.RawQuery = q.Encode()
	op := cl.method + " /api/" + opResource(cl.resource)
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), body)
	if err != nil {
		return nil, &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: op, Err: err}
	}
	req.SetBasicAuth(c.cfg.Key, "")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if cl.body != nil {
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &apierr.Error{Kind: transportKind(cl.method, err), API: apiName, Op: op, Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &apierr.Error{Kind: transportKind(cl.method, err), API: apiName, Op: op, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return b, nil
	}
	e := &apierr.Error{
		Kind:      apierr.FromStatus(resp.StatusCode),
		API:       apiName,
		Op:        op,
		Status:    resp.StatusCode,
		Message:   errorMessage(b),
		RequestID: resp.Header.Get("X-Request-Id"),
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
	}
	return nil, e
}

// opResource replaces a trailing id by {id} so Op values group in metrics.
func opResource(r string) string {
	if name, _, ok := strings.Cut(r, "/"); ok {
		return name + "/{id}"
	}
	return r
}

// transportKind classifies a failure without a response: a read is
// transient; a write is ambiguous unless the connection was never made.
func transportKind(method string, err error) apierr.Kind {
	if method == http.MethodGet || method == http.MethodHead {
		return apierr.KindTransient
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return apierr.KindTransient
	}
	return apierr.KindAmbiguous
}

// errorMessage extracts the webservice's error messages from a JSON or XML
// error body.
func errorMessage(b []byte) string {
	var j struct {
		Errors []struct {
			Code    json.RawMessage `json:"code"`
			Message string          `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(b, &j) == nil && len(j.Errors) > 0 {
		var msgs []string
		for _, e := range j.Errors {
			msgs = append(msgs, fmt.Sprintf("[%s] %s", strings.Trim(string(e.Code), `"`), e.Message))
		}
		return cleanText(strings.Join(msgs, "; "), 4096)
	}
	if root, err := parseXML(b); err == nil {
		if errs := root.child("errors"); errs != nil {
			var msgs []string
			for _, e := range errs.children {
				code, msg := "", ""
				if n := e.child("code"); n != nil {
					code = strings.TrimSpace(n.text)
				}
				if n := e.child("message"); n != nil {
					msg = strings.TrimSpace(n.text)
				}
				msgs = append(msgs, fmt.Sprintf("[%s] %s", code, msg))
			}
			return cleanText(strings.Join(msgs, "; "), 4096)
		}
	}
	return cleanText(string(b), 300)
}

// getJSON reads a resource or list as JSON.
func (c *Client) getJSON(ctx context.Context, resource string, q url.Values) ([]byte, error) {
	return c.do(ctx, call{method: http.MethodGet, resource: resource, query: q, json: true})
}

// list reads resource with display=full and the given filters.
func (c *Client) list(ctx context.Context, resource string, q url.Values) ([]object, error) {
	if q == nil {
		q = url.Values{}
	}
	if q.Get("display") == "" {
		q.Set("display", "full")
	}
	b, err := c.getJSON(ctx, resource, q)
	if err != nil {
		return nil, err
	}
	objs, err := decodeList(b, resource)
	if err != nil {
		return nil, decodeErr("GET /api/"+resource, err)
	}
	return objs, nil
}

// get reads one resource by id.
func (c *Client) get(ctx context.Context, resource, elem string, id int) (object, error) {
	b, err := c.getJSON(ctx, resource+"/"+strconv.Itoa(id), nil)
	if err != nil {
		return nil, err
	}
	o, err := decodeOne(b, elem)
	if err != nil {
		return nil, decodeErr("GET /api/"+resource+"/{id}", err)
	}
	return o, nil
}

// decodeErr wraps an answer that cannot be used. A 2xx body that is no
// JSON at all (an HTML or PHP error page, XML, a cut-off body) is
// transient, as for the ledger clients: a read may be repeated and the
// activity's bounded retries park the order if it stays so. JSON of the
// wrong shape or with unreadable fields is the shop's data: validation.
func decodeErr(op string, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: op, Message: "unreadable response (not JSON)", Err: err}
	}
	return &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: op, Message: "unexpected response", Err: err}
}

// cleanText makes s storable and printable text: invalid UTF-8 becomes
// U+FFFD, control characters other than newline and tab are dropped (a NUL
// cannot be stored in PostgreSQL text, where a needs_attention reason
// ends up), space is trimmed, and the result is cut to at most n bytes on
// a character boundary.
func cleanText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// filterValue formats an exact-match filter value.
func filterValue(vs ...string) string { return "[" + strings.Join(vs, "|") + "]" }
