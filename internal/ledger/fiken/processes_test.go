package fiken_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

// Environment of the worker processes started by
// TestTwoProcessesShareCredential.
const (
	envHammerURL     = "FIKEN_HAMMER_URL"
	envHammerDB      = "FIKEN_HAMMER_DB"
	envHammerLimiter = "FIKEN_HAMMER_LIMITER"
	hammerPerWorker  = 4
)

// TestHammerProcess is the body of one worker process; it does nothing
// unless started by TestTwoProcessesShareCredential.
func TestHammerProcess(t *testing.T) {
	base := os.Getenv(envHammerURL)
	if base == "" {
		t.Skip("helper: runs only as a worker process of TestTwoProcessesShareCredential")
	}
	ctx := context.Background()
	var limiter ratelimit.Limiter = ratelimit.NewLocal(0)
	if os.Getenv(envHammerLimiter) == "postgres" {
		pool, err := pgxpool.New(ctx, os.Getenv(envHammerDB))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		limiter = ratelimit.NewPostgres(pool, 0)
	}
	c, err := fiken.New(fiken.Config{BaseURL: base + "/api/v2", CompanySlug: "demo", Token: fiken.PersonalToken("shared-token"),
		Limiter: limiter, MaxAttempts: 1, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < hammerPerWorker; i++ {
				var err error
				if i%2 == 0 {
					_, err = c.GetCompany(ctx)
				} else {
					_, err = c.CreateContact(ctx, fiken.ContactRequest{Name: fmt.Sprintf("pid %d g %d i %d", os.Getpid(), g, i), Customer: true})
				}
				if err != nil && !(os.Getenv(envHammerLimiter) != "postgres" && apierr.Is(err, apierr.KindRateLimited)) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}

// TestTwoProcessesShareCredential: two OS processes (this test binary
// again), two goroutines each, hammer one simulated company with one
// credential. With the PostgreSQL limiter the simulator sees no rate
// violation; with only in-process limiters (the control) it does.
func TestTwoProcessesShareCredential(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	cases := []struct {
		limiter        string
		wantViolations bool
	}{
		{"postgres", false},
		{"local", true},
	}
	for _, tc := range cases {
		t.Run(tc.limiter, func(t *testing.T) {
			t.Parallel()
			sim := fikensim.New(fikensim.Options{})
			srv := httptest.NewServer(sim)
			defer srv.Close()
			var procs []*exec.Cmd
			outs := make([]*lockedBuffer, 2)
			for i := range outs {
				outs[i] = &lockedBuffer{}
				cmd := exec.Command(os.Args[0], "-test.run=^TestHammerProcess$", "-test.count=1", "-test.v")
				cmd.Env = append(os.Environ(), envHammerURL+"="+srv.URL, envHammerDB+"="+dbURL, envHammerLimiter+"="+tc.limiter)
				cmd.Stdout, cmd.Stderr = outs[i], outs[i]
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				procs = append(procs, cmd)
			}
			for i, p := range procs {
				if err := p.Wait(); err != nil {
					t.Errorf("worker %d: %v\n%s", i, err, outs[i].String())
				}
			}
			st := sim.Stats()
			t.Logf("simulator stats: %+v", st)
			if tc.wantViolations {
				if st.RateViolations == 0 {
					t.Errorf("control without a shared limiter saw no violation; the test cannot detect any")
				}
				return
			}
			want := int64(2 * 2 * hammerPerWorker)
			if st.RateViolations != 0 || st.ByStatus["429"] != 0 || st.MaxInFlight != 1 || st.Requests != want {
				t.Errorf("stats = %+v, want %d requests, no violation, no 429, max_in_flight 1", st, want)
			}
			if got := st.ByStatus["201"] + st.ByStatus["200"]; got != want {
				t.Errorf("successful requests = %d, want %d", got, want)
			}
		})
	}
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
