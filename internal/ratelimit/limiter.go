package ratelimit

import (
	"context"
	"time"
)

// DefaultInterval is the minimum spacing between request starts per key.
const DefaultInterval = 300 * time.Millisecond

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
