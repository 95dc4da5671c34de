package poweroffice_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/posim"
)

// TestTenantsOnOneSubscriptionKeyShareTheLimit runs two clients (two
// PowerOffice clients, one subscription key) concurrently with the
// default pacing and expects no 429 from the simulator's 10 rps rule.
func TestTenantsOnOneSubscriptionKeyShareTheLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{noContract: true, enforce: true})
	limiter := ratelimit.NewLocal(poweroffice.DefaultInterval)
	var clients []*poweroffice.Client
	for _, key := range []string{"tenant-a", "tenant-b"} {
		c, err := poweroffice.New(poweroffice.Config{BaseURL: e.srv.URL + "/v2", ApplicationKey: "app", ClientKey: key,
			SubscriptionKey: "shared-sub", Limiter: limiter})
		if err != nil {
			t.Fatal(err)
		}
		if c.RateKey() != poweroffice.RateKey("shared-sub") {
			t.Fatalf("rate key %q", c.RateKey())
		}
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for _, c := range clients {
		for range 3 {
			wg.Go(func() {
				for range 4 {
					if _, err := c.VatCodes(context.Background()); err != nil {
						failed.Add(1)
						t.Error(err)
					}
				}
			})
		}
	}
	wg.Wait()
	st := e.sim.Stats()
	if st.RateViolations != 0 || st.ByStatus["429"] != 0 {
		t.Fatalf("%d rate violations, stats %+v", st.RateViolations, st)
	}
	// 24 calls + 2 token calls at ≥110 ms apart take at least 2.5 s.
	if d := time.Since(start); d < 2500*time.Millisecond {
		t.Fatalf("26 requests in %v: not paced", d)
	}
	if st.Requests != 24 || st.TokenRequests != 2 {
		t.Fatalf("requests %d, token requests %d; want 24 and 2 (tokens cached)", st.Requests, st.TokenRequests)
	}
}

// TestUnpacedClientsAreThrottled shows that the simulator enforces the
// limit: without pacing, bursts beyond 10 per second are answered 429 and
// counted.
func TestUnpacedClientsAreThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{noContract: true, enforce: true, limiter: ratelimit.Unlimited{}})
	for i := 0; i < 200 && e.sim.Stats().RateViolations == 0; i++ {
		_, _ = e.client.VatCodes(context.Background())
	}
	if v := e.sim.Stats().RateViolations; v == 0 {
		t.Fatal("no rate violations for 200 unpaced requests")
	}
}

// TestTokenIsCachedRenewedBeforeExpiryAndAfter401 checks proactive
// renewal (the clock passes expires_in minus the margin) and renewal once
// after a 401 (the simulator forgot every token).
func TestTokenIsCachedRenewedBeforeExpiryAndAfter401(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	e := newEnv(t, envOpts{noContract: true, now: now, sim: posim.Options{Now: now, TokenLifetime: 20 * time.Minute}})
	ctx := context.Background()
	for range 3 {
		if _, err := e.client.VatCodes(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.sim.Stats().TokenRequests; n != 1 {
		t.Fatalf("%d token requests for 3 calls, want 1", n)
	}
	// 19.5 minutes later the token has 30 s left: renewed before use.
	offset.Store(int64(19*time.Minute + 30*time.Second))
	if _, err := e.client.VatCodes(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.sim.Stats()
	if st.TokenRequests != 2 || st.ByStatus["401"] != 0 {
		t.Fatalf("after 19.5 min: %d token requests, %d 401s; want proactive renewal", st.TokenRequests, st.ByStatus["401"])
	}
	// The simulator forgets all tokens: one 401, one renewal, success.
	e.sim.Reset()
	if _, err := e.client.VatCodes(ctx); err != nil {
		t.Fatalf("after a 401 the client should renew and succeed: %v", err)
	}
	if st := e.sim.Stats(); st.ByStatus["401"] != 1 || st.TokenRequests != 1 {
		t.Fatalf("after reset: %+v", st)
	}
}
