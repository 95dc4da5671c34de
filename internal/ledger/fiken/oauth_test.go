package fiken_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

// TestOAuthExchangeRefreshRotation: the code exchange yields a working
// token; an expired token is refreshed, the rotated refresh token is
// stored, and the old one no longer works.
func TestOAuthExchangeRefreshRotation(t *testing.T) {
	t.Parallel()
	sim := fikensim.New(fikensim.Options{Tokens: []string{"unused"}, DisableRateLimits: true})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	ctx := context.Background()
	app := fiken.OAuthConfig{ClientID: "app", ClientSecret: "secret", RedirectURL: "https://bokfor.example/cb",
		AuthorizeURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token"}
	if u := app.AuthCodeURL("st8"); !strings.Contains(u, "response_type=code") || !strings.Contains(u, "state=st8") || !strings.Contains(u, "client_id=app") {
		t.Errorf("AuthCodeURL = %s", u)
	}
	if _, err := app.Exchange(ctx, "invalid", "st8"); !apierr.Is(err, apierr.KindAuth) {
		t.Errorf("bad code: err = %v, want auth", err)
	}
	tok, err := app.Exchange(ctx, "good-code", "st8")
	if err != nil || tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Fatalf("Exchange = %+v, %v", tok, err)
	}
	first := tok.RefreshToken
	tok.Expiry = time.Now().Add(-time.Minute) // expired: forces a refresh
	store := fiken.NewMemoryTokenStore(tok)
	c, err := fiken.New(fiken.Config{BaseURL: srv.URL + "/api/v2", CompanySlug: "demo", Token: fiken.NewOAuthSource(app, store)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCompany(ctx); err != nil {
		t.Fatalf("GetCompany with refreshed token: %v", err)
	}
	saved, _ := store.LoadToken(ctx)
	if saved.RefreshToken == first || saved.RefreshToken == "" || saved.AccessToken == tok.AccessToken {
		t.Fatalf("rotated pair not stored: %+v", saved)
	}
	if _, err := app.Refresh(ctx, first); !apierr.Is(err, apierr.KindAuth) {
		t.Errorf("old refresh token still works: %v", err)
	}
}
