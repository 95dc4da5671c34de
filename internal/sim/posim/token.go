package posim

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// serveToken is the client-credentials token endpoint.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.TokenRequests++
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request"})
		return
	}
	sub := subscriptionKey(r)
	if !accepted(s.opts.SubscriptionKeys, sub) {
		writeAPIM(w, http.StatusUnauthorized, "Access denied due to missing or invalid subscription key.")
		return
	}
	release, limited := s.enter(sub)
	defer release()
	if limited {
		w.Header().Set("Retry-After", "1")
		writeAPIM(w, http.StatusTooManyRequests, "Rate limit is exceeded. Try again in 1 seconds.")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Content-Type must be application/x-www-form-urlencoded"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "Only the client_credentials grant is supported."})
		return
	}
	app, cl, ok := basicKeys(r.Header.Get("Authorization"))
	if !ok || !accepted(s.opts.ApplicationKeys, app) || !accepted(s.opts.ClientKeys, cl) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client",
			"error_description": "Client integration not found. Please ensure the provided keys are matching the desired environment."})
		return
	}
	tok := uuid.NewString()
	s.mu.Lock()
	s.tokens[tok] = token{clientKey: cl, expires: s.opts.Now().Add(s.opts.TokenLifetime)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int64(s.opts.TokenLifetime.Seconds())})
}

// basicKeys decodes "Basic base64(app:client)".
func basicKeys(h string) (app, client string, ok bool) {
	enc, found := strings.CutPrefix(h, "Basic ")
	if !found {
		return "", "", false
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", "", false
	}
	app, client, ok = strings.Cut(string(b), ":")
	return app, client, ok && app != "" && client != ""
}
