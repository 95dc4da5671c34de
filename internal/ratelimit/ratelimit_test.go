package ratelimit_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/ratelimit"
)

// hammer runs workers that each acquire key n times through their own
// limiter, and returns the start times and the peak concurrency seen.
func hammer(t *testing.T, limiters []ratelimit.Limiter, key string, n int, hold time.Duration) ([]time.Time, int64) {
	t.Helper()
	var (
		mu       sync.Mutex
		starts   []time.Time
		inFlight atomic.Int64
		peak     atomic.Int64
		wg       sync.WaitGroup
	)
	for _, l := range limiters {
		for g := 0; g < 2; g++ { // two goroutines per limiter ("process")
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n; i++ {
					release, err := l.Acquire(context.Background(), key)
					if err != nil {
						t.Error(err)
						return
					}
					cur := inFlight.Add(1)
					for {
						p := peak.Load()
						if cur <= p || peak.CompareAndSwap(p, cur) {
							break
						}
					}
					mu.Lock()
					starts = append(starts, time.Now())
					mu.Unlock()
					time.Sleep(hold)
					inFlight.Add(-1)
					release()
				}
			}()
		}
	}
	wg.Wait()
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	return starts, peak.Load()
}

func minGap(starts []time.Time) time.Duration {
	gap := time.Hour
	for i := 1; i < len(starts); i++ {
		gap = min(gap, starts[i].Sub(starts[i-1]))
	}
	return gap
}

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestLimitersSerialiseAndPace: one in flight and starts spaced by the
// interval, within a process (Local) and across pools standing for
// processes (Postgres).
func TestLimitersSerialiseAndPace(t *testing.T) {
	t.Parallel()
	const interval = 100 * time.Millisecond
	url := pgtest.NewDatabase(t)
	cases := []struct {
		name     string
		limiters func(t *testing.T) []ratelimit.Limiter
	}{
		{"local", func(t *testing.T) []ratelimit.Limiter { return []ratelimit.Limiter{ratelimit.NewLocal(interval)} }},
		{"postgres, two pools", func(t *testing.T) []ratelimit.Limiter {
			return []ratelimit.Limiter{
				ratelimit.NewPostgres(newPool(t, url), interval),
				ratelimit.NewPostgres(newPool(t, url), interval),
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			starts, peak := hammer(t, tc.limiters(t), "cred-"+tc.name, 3, 5*time.Millisecond)
			if peak != 1 {
				t.Errorf("peak in flight = %d, want 1", peak)
			}
			// Starts are recorded just after Acquire returns, so a holder
			// descheduled under load records late and shortens one gap; the
			// mean over all gaps is robust to that, the minimum only roughly.
			mean := starts[len(starts)-1].Sub(starts[0]) / time.Duration(len(starts)-1)
			if mean < interval-10*time.Millisecond {
				t.Errorf("mean gap between starts = %v, want >= %v", mean, interval)
			}
			if g := minGap(starts); g < interval/2 {
				t.Errorf("smallest gap between starts = %v, want about %v", g, interval)
			}
		})
	}
}

// TestPostgresKeysAreIndependent: different credentials do not wait for
// each other.
func TestPostgresKeysAreIndependent(t *testing.T) {
	t.Parallel()
	l := ratelimit.NewPostgres(newPool(t, pgtest.NewDatabase(t)), time.Second)
	ctx := context.Background()
	r1, err := l.Acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	defer r1()
	// Were the keys shared, b would wait for a's release (at the end of
	// the test) and never get here; the bound only has to be well under
	// that, with room for a loaded machine.
	acquireWithin(t, l, "b", 3*time.Second, "key b waited for key a")
}

// acquireWithin acquires key and releases it at once; the test fails when
// that failed or took longer than bound (what says what the wait meant).
func acquireWithin(t *testing.T, l ratelimit.Limiter, key string, bound time.Duration, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
	defer cancel()
	start := time.Now()
	r, err := l.Acquire(ctx, key)
	if err != nil {
		t.Fatalf("%s: Acquire: %v", what, err)
	}
	r()
	if d := time.Since(start); d > bound {
		t.Errorf("%s: %v", what, d)
	}
}

// TestDeferAndCancel: Defer pushes the next start back for every holder;
// a waiter whose context ends gets the context's error and leaves the key
// usable.
func TestDeferAndCancel(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	cases := []struct {
		name string
		l    func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter)
	}{
		{"local", func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter) {
			l := ratelimit.NewLocal(time.Millisecond)
			return l, l
		}},
		{"postgres", func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter) {
			return ratelimit.NewPostgres(newPool(t, url), time.Millisecond), ratelimit.NewPostgres(newPool(t, url), time.Millisecond)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, b := tc.l(t)
			if err := a.Defer(ctx, "k", 400*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			r, err := b.Acquire(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < 350*time.Millisecond {
				t.Errorf("Acquire after Defer(400ms) waited only %v", d)
			}
			// Held by b: a's waiter gives up.
			cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			_, err = a.Acquire(cctx, "k")
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("cancelled Acquire: err = %v, want deadline exceeded", err)
			}
			r()
			r2, err := a.Acquire(ctx, "k")
			if err != nil {
				t.Fatalf("key unusable after a cancelled waiter: %v", err)
			}
			r2()
		})
	}
}

// TestSetupIsIdempotent: the DDL can run any number of times.
func TestSetupIsIdempotent(t *testing.T) {
	t.Parallel()
	pool := newPool(t, pgtest.NewDatabase(t))
	for i := 0; i < 2; i++ {
		if err := ratelimit.Setup(context.Background(), pool); err != nil {
			t.Fatalf("Setup #%d: %v", i+1, err)
		}
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM rate_slots").Scan(&n); err != nil {
		t.Fatalf("rate_slots missing: %v", err)
	}
}

// TestPostgresIntervalPerPrefix: keys of an API with a higher limit are
// spaced by their own interval, others by the default.
func TestPostgresIntervalPerPrefix(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	mk := func() ratelimit.Limiter {
		return ratelimit.NewPostgres(newPool(t, url), 250*time.Millisecond).WithInterval("poweroffice/", 40*time.Millisecond)
	}
	fast, _ := hammer(t, []ratelimit.Limiter{mk(), mk()}, "poweroffice/abc", 5, 0)
	slow, _ := hammer(t, []ratelimit.Limiter{mk(), mk()}, "fiken:token", 3, 0)
	mean := func(starts []time.Time) time.Duration {
		return starts[len(starts)-1].Sub(starts[0]) / time.Duration(len(starts)-1)
	}
	// Means, not minimums: a holder descheduled under load records late.
	if m := mean(fast); m < 30*time.Millisecond || m > 230*time.Millisecond {
		t.Fatalf("poweroffice keys: mean gap %v, want about 40ms", m)
	}
	if m := mean(slow); m < 240*time.Millisecond {
		t.Fatalf("other keys: mean gap %v, want ≥ 250ms", m)
	}
}

// TestDeferReachesAWaitingHolder: a holder that booked its slot and sleeps
// towards it still honours a Defer made meanwhile (the 429 answered to the
// previous holder arrives after that holder released the key).
func TestDeferReachesAWaitingHolder(t *testing.T) {
	// Not parallel: timing-sensitive, and it would disturb the timing of
	// the parallel tests.
	// b sleeps an interval towards its slot; Defer comes a tenth in, so
	// scheduling delays of a loaded machine do not reorder the two.
	const interval = time.Second
	url := pgtest.NewDatabase(t)
	cases := []struct {
		name string
		l    func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter)
	}{
		{"local", func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter) {
			l := ratelimit.NewLocal(interval)
			return l, l
		}},
		{"postgres", func(t *testing.T) (ratelimit.Limiter, ratelimit.Limiter) {
			return ratelimit.NewPostgres(newPool(t, url), interval), ratelimit.NewPostgres(newPool(t, url), interval)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, b := tc.l(t)
			r, err := a.Acquire(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan time.Time, 1)
			go func() {
				rb, err := b.Acquire(ctx, "k")
				if err != nil {
					t.Error(err)
					got <- time.Time{}
					return
				}
				got <- time.Now()
				rb()
			}()
			r()
			// b books the slot one interval after a's start and sleeps.
			time.Sleep(interval / 10)
			deferred := time.Now()
			if err := a.Defer(ctx, "k", 1500*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			start := <-got
			if d := start.Sub(deferred); d < 1490*time.Millisecond {
				t.Fatalf("waiting holder started %v after Defer(1.5s)", d)
			}
		})
	}
}

// TestPostgresBooksFromThePreviousSlot: a waiting holder's slot is the
// previous slot plus the interval, to the microsecond — not the time it
// woke up plus the interval, which added every wake-up's lateness.
func TestPostgresBooksFromThePreviousSlot(t *testing.T) {
	// Not parallel: timing-sensitive, and it would disturb the timing of
	// the parallel tests.
	const interval = 2 * time.Second // long: a loaded machine still queues well within it
	url := pgtest.NewDatabase(t)
	a, b := ratelimit.NewPostgres(newPool(t, url), interval), ratelimit.NewPostgres(newPool(t, url), interval)
	probe := newPool(t, url)
	ctx := context.Background()
	slot := func() time.Time {
		t.Helper()
		var at time.Time
		if err := probe.QueryRow(ctx, "SELECT last_request_at FROM rate_slots WHERE key = 'k'").Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	// Each next holder queues while the key is still held, so it books
	// as soon as the key is released, well before the slot.
	var slots []time.Time
	r, err := a.Acquire(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []ratelimit.Limiter{b, a} {
		slots = append(slots, slot())
		acquired := make(chan func(), 1)
		go func() {
			rn, err := next.Acquire(ctx, "k")
			if err != nil {
				t.Error(err)
				rn = func() {}
			}
			acquired <- rn
		}()
		time.Sleep(interval / 20) // let it queue on the held key
		r()
		r = <-acquired
	}
	slots = append(slots, slot())
	r()
	// The second holder queued, so its slot is exact.
	if d := slots[1].Sub(slots[0]); d != interval {
		t.Errorf("second slot %v after the first, want exactly %v", d, interval)
	}
	// The third is exact too unless the second woke more than the slack
	// (80 ms) late, which only moves it later.
	if d := slots[2].Sub(slots[1]); d < interval || d > interval+time.Second {
		t.Errorf("third slot %v after the second, want %v", d, interval)
	}
}

// TestFikenWindowHoldsAtTheAPI: for Fiken keys a start comes at least one
// second after the end of the request four back, so no second at Fiken
// sees five arrivals — measured here from the callers' side, where the
// start is recorded after Acquire and the end before release, whatever
// the scheduling delays.
func TestFikenWindowHoldsAtTheAPI(t *testing.T) {
	// Not parallel: timing-sensitive, and it would disturb the timing of
	// the parallel tests.
	const interval = 20 * time.Millisecond // the window binds, not the interval
	url := pgtest.NewDatabase(t)
	cases := []struct {
		name     string
		limiters func(t *testing.T) []ratelimit.Limiter
	}{
		{"local", func(t *testing.T) []ratelimit.Limiter { return []ratelimit.Limiter{ratelimit.NewLocal(interval)} }},
		{"postgres, two pools", func(t *testing.T) []ratelimit.Limiter {
			return []ratelimit.Limiter{ratelimit.NewPostgres(newPool(t, url), interval), ratelimit.NewPostgres(newPool(t, url), interval)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type span struct{ start, end time.Time }
			var (
				mu    sync.Mutex
				spans []span
				wg    sync.WaitGroup
			)
			for _, l := range tc.limiters(t) {
				for range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range 3 {
							r, err := l.Acquire(context.Background(), ratelimit.FikenKeyPrefix+"token:"+tc.name)
							if err != nil {
								t.Error(err)
								return
							}
							s := span{start: time.Now()}
							time.Sleep(30 * time.Millisecond) // the request
							s.end = time.Now()
							mu.Lock()
							spans = append(spans, s)
							mu.Unlock()
							r()
						}
					}()
				}
			}
			wg.Wait()
			sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
			for i := 4; i < len(spans); i++ {
				if d := spans[i].start.Sub(spans[i-4].end); d < time.Second {
					t.Errorf("request %d started %v after the end of request %d, want >= 1s", i, d, i-4)
				}
			}
			for i := 1; i < len(spans); i++ {
				if spans[i].start.Before(spans[i-1].end) {
					t.Errorf("requests %d and %d overlap", i-1, i)
				}
			}
			if total := spans[len(spans)-1].start.Sub(spans[0].start); total > 5*time.Second {
				t.Errorf("%d requests took %v: the window is not the only wait", len(spans), total)
			}
		})
	}
}

// namedPool opens a pool on url whose sessions carry application_name
// name, so that a test can end them as a restart or a crash would.
func namedPool(t *testing.T, rawURL, name string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = name
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// endSessions terminates the sessions of the pools named name.
func endSessions(t *testing.T, admin *pgxpool.Pool, name string) {
	t.Helper()
	if _, err := admin.Exec(context.Background(),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, name); err != nil {
		t.Fatal(err)
	}
}

// TestARequestInFlightAcrossARestartKeepsItsKey: a database restart ends
// the holder's session and its advisory lock while its request may still
// be under way; the next holder must wait for that request's release, not
// start a second request at once.
func TestARequestInFlightAcrossARestartKeepsItsKey(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	admin := newPool(t, url)
	first := ratelimit.NewPostgres(namedPool(t, url, "restart-first"), time.Millisecond)
	second := ratelimit.NewPostgres(namedPool(t, url, "restart-second"), time.Millisecond)
	ctx := context.Background()
	release, err := first.Acquire(ctx, "fiken:token:restart")
	if err != nil {
		t.Fatal(err)
	}
	// The restart: the holder's session ends, and its entry was booked
	// before the server's latest start.
	endSessions(t, admin, "restart-first")
	if _, err := admin.Exec(ctx, `UPDATE rate_slots SET held_epoch = held_epoch - interval '1 hour' WHERE key = 'fiken:token:restart'`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	if r, err := second.Acquire(short, "fiken:token:restart"); err == nil {
		r()
		t.Fatal("a second request started while the first was still in flight")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Acquire = %v, want it to wait", err)
	}
	// The first request ends; its release reaches the database from
	// another connection, and the key is free again soon after.
	release()
	acquireWithin(t, second, "fiken:token:restart", 5*time.Second, "the key stayed taken after the first request ended")
}

// TestACrashedHoldersKeyIsFreeAtOnce: without a restart, a holder's
// session ends only with its process (or its connection); its entry must
// not keep the key for MaxRequest.
func TestACrashedHoldersKeyIsFreeAtOnce(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	admin := newPool(t, url)
	crashed := ratelimit.NewPostgres(namedPool(t, url, "crash-first"), time.Millisecond)
	second := ratelimit.NewPostgres(namedPool(t, url, "crash-second"), time.Millisecond)
	dead, err := crashed.Acquire(context.Background(), "poweroffice:crash")
	if err != nil {
		t.Fatal(err)
	}
	// Its release runs only at the end, so that the pool can close.
	defer dead()
	endSessions(t, admin, "crash-first")
	acquireWithin(t, second, "poweroffice:crash", 3*time.Second, "the dead holder kept the key")
}
