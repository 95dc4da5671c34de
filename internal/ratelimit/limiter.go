package ratelimit

import (
	"context"
	"time"
)

// DefaultInterval is the spacing of request starts per key under a
// backlog: 270 ms, 3.70 requests per second, 0.93 of Fiken's 4.
//
// Why 270 ms is safe: Fiken allows about 4 requests per second per
// credential, and its simulator (internal/sim/fikensim) answers 429 to a
// fifth accepted start within any rolling second. Slots are booked from
// the previous slot, so a backlog runs at exactly 1/interval, and a start
// that overshoots its slot by more than the slack (interval/25, 10.8 ms)
// pushes the next slot: two starts are never closer than 259 ms, and five
// consecutive starts span at least 4 × 259.2 ≈ 1037 ms. That leaves 37 ms
// for the spread in delay between the limiter granting a start and the
// request reaching Fiken (client, network); the rare request delayed by
// more meets one 429, which the client answers with Defer and a backoff
// (Fiken warns of bans only for repeated violations). An interval of
// 250 ms would leave no margin at all; 275 ms is the slowest that still
// reaches 0.9 of the limit.
const DefaultInterval = 270 * time.Millisecond

// slackFor is how far a start may overshoot its slot before the next slot
// moves: 4 % of the interval (10.8 ms at 270 ms, 4.4 ms at PowerOffice's
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
