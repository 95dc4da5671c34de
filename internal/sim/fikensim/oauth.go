package fikensim

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// oauthState is the simulated OAuth2 server's grants.
type oauthState struct {
	access  map[string]bool
	refresh map[string]bool
}

func newOAuthState() *oauthState {
	return &oauthState{access: map[string]bool{}, refresh: map[string]bool{}}
}

func randomToken(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// serveToken simulates POST https://fiken.no/oauth/token: HTTP Basic
// client credentials, form body, grant_type authorization_code (any code
// except "invalid") or refresh_token (rotates: the old refresh token
// stops working).
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "POST only")
		return
	}
	if id, _, ok := r.BasicAuth(); !ok || id == "" {
		oauthErr(http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		if code == "" || code == "invalid" || r.PostForm.Get("redirect_uri") == "" {
			oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid authorization code")
			return
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !s.oauth.refresh[rt] {
			oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
			return
		}
		delete(s.oauth.refresh, rt)
	default:
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	at, rt := randomToken("sim-at-"), randomToken("sim-rt-")
	s.oauth.access[at], s.oauth.refresh[rt] = true, true
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "refresh_token": rt,
		"token_type": "bearer", "expires_in": 86157})
}
