package ratelimit

import (
	"context"
	"strings"
	"time"
)

// DefaultInterval is the smallest spacing of request starts per key,
// 260 ms: with the slack below, starts are at least 250 ms apart, the
// pacing Fiken's reference recommends (../shared/reference/fiken-api.md
// §3).
//
// For Fiken keys the rolling window (see windowFor) binds first: four
// intervals are 1040 ms, the window asks for 1 s after the end of the
// request four back, so a backlog runs at 4 / (1 s + request duration) —
// 3.8 requests per second, 0.95 of Fiken's 4, at the simulator's 40 ms;
// fewer when Fiken is slow — and never breaks the rule, whatever the
// jitter between bokfor and Fiken. The 300 ms used before left margin
// through spacing alone and ran at 3.3 per second at best.
const DefaultInterval = 260 * time.Millisecond

// FikenKeyPrefix starts the keys of Fiken credentials (fiken's
// TokenSource.RateKey: "fiken:token:…", "fiken:oauth:…"); they get Fiken's
// rolling window.
const FikenKeyPrefix = "fiken:"

// windowFor returns the rolling window of key: at most n requests may
// reach the API within any span of w. Fiken answers 429 to a fifth request
// within a second (its simulator counts accepted starts in any rolling
// second). The limiter makes a start wait until w after the end of the
// request n back; the API saw that one arrive before the end, so this
// holds at the API whatever the client or network delays. n = 0: none.
func windowFor(key string) (n int, w time.Duration) {
	if strings.HasPrefix(key, FikenKeyPrefix) {
		return 4, time.Second
	}
	return 0, 0
}

// slackFor is how far a start may overshoot its slot before the next slot
// moves: 4 % of the interval (10.4 ms at 260 ms, 4.4 ms at PowerOffice's
// 110 ms). Overshoots within it (timers, scheduling, the database round
// trip) cost nothing; starts are never closer than interval - slack.
func slackFor(interval time.Duration) time.Duration { return interval / 25 }

// Limiter serialises and paces requests per credential key.
type Limiter interface {
	// Acquire blocks until the caller may start one request with key and
	// returns release, which the caller must call exactly once when the
	// request (including reading its response) is over. It fails only when
	// ctx ends or the shared state cannot be reached.
	Acquire(ctx context.Context, key string) (release func(), err error)
	// Defer pushes the next allowed request start for key to at least d
	// from now, for every holder of the key. Used after HTTP 429.
	Defer(ctx context.Context, key string, d time.Duration) error
}

// Unlimited is a Limiter that never waits. It is meant for engine
// benchmarks against a simulator that does not enforce rate limits.
type Unlimited struct{}

// Acquire returns at once.
func (Unlimited) Acquire(ctx context.Context, key string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return func() {}, nil
}

// Defer does nothing.
func (Unlimited) Defer(context.Context, string, time.Duration) error { return nil }

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
