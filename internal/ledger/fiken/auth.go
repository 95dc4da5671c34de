package fiken

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
)

// TokenSource supplies the bearer token for API requests.
type TokenSource interface {
	// Token returns a currently valid access token.
	Token(ctx context.Context) (string, error)
	// RateKey names the credential for rate limiting; it must not reveal
	// the secret.
	RateKey() string
}

// PersonalToken is a personal API token (only for a company's own
// integration, see the package doc).
type PersonalToken string

// Token returns the token itself.
func (p PersonalToken) Token(context.Context) (string, error) {
	if p == "" {
		return "", &apierr.Error{Kind: apierr.KindAuth, API: apiName, Op: "token", Message: "empty personal API token"}
	}
	return string(p), nil
}

// RateKey is "fiken:token:" plus a hash prefix of the token.
func (p PersonalToken) RateKey() string {
	h := sha256.Sum256([]byte(p))
	return "fiken:token:" + hex.EncodeToString(h[:8])
}

// Token is an OAuth2 token pair.
type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"`
}

// TokenStore persists a tenant's OAuth2 tokens. Fiken may rotate the
// refresh token on every refresh; SaveToken must persist the new pair
// before it is used, or the grant is lost.
type TokenStore interface {
	// LoadToken returns the stored token pair.
	LoadToken(ctx context.Context) (Token, error)
	// SaveToken replaces the stored token pair.
	SaveToken(ctx context.Context, t Token) error
}

// Default OAuth2 endpoints.
const (
	DefaultAuthorizeURL = "https://fiken.no/oauth/authorize"
	DefaultTokenURL     = "https://fiken.no/oauth/token"
)

// OAuthConfig is an OAuth2 app registered with Fiken.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// AuthorizeURL and TokenURL default to Fiken's.
	AuthorizeURL string
	TokenURL     string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
}

// AuthCodeURL returns the URL to send the user to for consent.
func (o OAuthConfig) AuthCodeURL(state string) string {
	u := o.AuthorizeURL
	if u == "" {
		u = DefaultAuthorizeURL
	}
	q := url.Values{"response_type": {"code"}, "client_id": {o.ClientID},
		"redirect_uri": {o.RedirectURL}, "state": {state}}
	return u + "?" + q.Encode()
}

// Exchange trades an authorization code for a token pair.
func (o OAuthConfig) Exchange(ctx context.Context, code, state string) (Token, error) {
	return o.token(ctx, "POST /oauth/token (authorization_code)", url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {o.RedirectURL}, "state": {state}})
}

// Refresh trades a refresh token for a new pair. The returned refresh
// token may differ from the one sent; persist it.
func (o OAuthConfig) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	return o.token(ctx, "POST /oauth/token (refresh_token)", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

func (o OAuthConfig) token(ctx context.Context, op string, form url.Values) (Token, error) {
	u := o.TokenURL
	if u == "" {
		u = DefaultTokenURL
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, fmt.Errorf("fiken: oauth request: %w", err)
	}
	req.SetBasicAuth(o.ClientID, o.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Token{}, &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: op, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Token{}, &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: op, Status: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		kind := apierr.FromStatus(resp.StatusCode)
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && (e.Error == "invalid_grant" || e.Error == "invalid_client" || e.Error == "unauthorized_client") {
			kind = apierr.KindAuth
		}
		return Token{}, &apierr.Error{Kind: kind, API: apiName, Op: op, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &tr); err != nil || tr.AccessToken == "" {
		return Token{}, &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: op, Status: resp.StatusCode,
			Message: "unusable token response", Err: err}
	}
	t := Token{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken}
	if tr.ExpiresIn > 0 {
		t.Expiry = time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	return t, nil
}

// OAuthSource is a TokenSource for one tenant's OAuth2 grant: it refreshes
// the access token shortly before it expires (or after a 401) and saves
// the rotated pair through the TokenStore before using it.
type OAuthSource struct {
	cfg   OAuthConfig
	store TokenStore
	mu    sync.Mutex
	cur   Token
	have  bool
}

// NewOAuthSource returns a TokenSource on store for the app cfg.
func NewOAuthSource(cfg OAuthConfig, store TokenStore) *OAuthSource {
	return &OAuthSource{cfg: cfg, store: store}
}

// RateKey is "fiken:oauth:" plus the client id: the one-request rule's
// scope is not documented, so all companies of one app are serialised
// together (the safe choice). Override Config.RateKey to narrow it.
func (s *OAuthSource) RateKey() string { return "fiken:oauth:" + s.cfg.ClientID }

// Token returns a valid access token, refreshing it when it expires
// within a minute.
func (s *OAuthSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.have {
		t, err := s.store.LoadToken(ctx)
		if err != nil {
			return "", fmt.Errorf("fiken: load token: %w", err)
		}
		s.cur, s.have = t, true
	}
	if s.cur.AccessToken != "" && (s.cur.Expiry.IsZero() || time.Until(s.cur.Expiry) > time.Minute) {
		return s.cur.AccessToken, nil
	}
	if err := s.refresh(ctx); err != nil {
		return "", err
	}
	return s.cur.AccessToken, nil
}

// refresh renews the pair. If Fiken rejects the refresh token, another
// process may have rotated it already: reload from the store and use that
// pair if it differs.
func (s *OAuthSource) refresh(ctx context.Context) error {
	t, err := s.cfg.Refresh(ctx, s.cur.RefreshToken)
	if err != nil {
		if apierr.Is(err, apierr.KindAuth) {
			stored, lerr := s.store.LoadToken(ctx)
			if lerr == nil && stored.RefreshToken != s.cur.RefreshToken {
				s.cur = stored
				if stored.AccessToken != "" && time.Until(stored.Expiry) > time.Minute {
					return nil
				}
				t, err = s.cfg.Refresh(ctx, stored.RefreshToken)
			}
		}
		if err != nil {
			return err
		}
	}
	if t.RefreshToken == "" {
		t.RefreshToken = s.cur.RefreshToken
	}
	if err := s.store.SaveToken(ctx, t); err != nil {
		return fmt.Errorf("fiken: save rotated token: %w", err)
	}
	s.cur = t
	return nil
}

// Invalidate forgets the access token so that the next Token refreshes.
func (s *OAuthSource) Invalidate(context.Context) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.RefreshToken == "" {
		return false
	}
	s.cur.AccessToken = ""
	return true
}

// errNoToken is returned by MemoryTokenStore when it holds nothing.
var errNoToken = errors.New("fiken: no token stored")

// MemoryTokenStore is an in-memory TokenStore for tests and one-off tools.
type MemoryTokenStore struct {
	mu sync.Mutex
	t  Token
	ok bool
}

// NewMemoryTokenStore returns a store holding t.
func NewMemoryTokenStore(t Token) *MemoryTokenStore { return &MemoryTokenStore{t: t, ok: true} }

// LoadToken returns the stored pair.
func (m *MemoryTokenStore) LoadToken(context.Context) (Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.ok {
		return Token{}, errNoToken
	}
	return m.t, nil
}

// SaveToken replaces the stored pair.
func (m *MemoryTokenStore) SaveToken(_ context.Context, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t, m.ok = t, true
	return nil
}
