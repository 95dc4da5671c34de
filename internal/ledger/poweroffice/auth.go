package poweroffice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
)

// tokenSource obtains and caches the client-credentials access token.
type tokenSource struct {
	c           *Client
	url         string
	app, client string
	now         func() time.Time

	mu      sync.Mutex
	access  string
	renewAt time.Time
}

// tokenResponse is the token endpoint's answer (TokenResponseDto).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// renewMargin is how long before expires_in the token is renewed: a fifth
// of its life, at most a minute.
func renewMargin(life time.Duration) time.Duration {
	m := life / 5
	if m > time.Minute {
		m = time.Minute
	}
	return m
}

// token returns a valid access token, fetching one when none is cached or
// the cached one is about to expire.
func (s *tokenSource) token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access != "" && s.now().Before(s.renewAt) {
		return s.access, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.app+":"+s.client)))
	h.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	h.Set("Accept", "application/json")
	const op = "POST /OAuth/Token"
	resp, data, err := s.c.send(ctx, http.MethodPost, s.url, op, h, []byte(form))
	if err != nil {
		if ae, ok := err.(*apierr.Error); ok {
			switch {
			case ae.Kind == apierr.KindAmbiguous:
				// Asking for a token twice is harmless.
				ae.Kind = apierr.KindTransient
			case ae.Status == http.StatusBadRequest || ae.Status == http.StatusUnauthorized:
				// invalid_client: wrong keys or keys of the other environment.
				ae.Kind = apierr.KindAuth
			}
		}
		return "", err
	}
	var tr tokenResponse
	if err := json.Unmarshal(data, &tr); err != nil || tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "bearer") {
		return "", &apierr.Error{Kind: apierr.KindTransient, API: apiName, Op: op, Status: resp.status,
			Message: "token response without a bearer access_token", Err: err}
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life <= 0 {
		life = 10 * time.Minute
	}
	s.access = tr.AccessToken
	s.renewAt = s.now().Add(life - renewMargin(life))
	return s.access, nil
}

// invalidate drops the cached token (after a 401).
func (s *tokenSource) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = ""
}
