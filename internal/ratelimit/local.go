package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Local is an in-process Limiter. The zero value is not usable; call
// NewLocal.
type Local struct {
	interval time.Duration
	mu       sync.Mutex
	keys     map[string]*localKey
}

type localKey struct {
	sem      chan struct{} // capacity 1: the in-flight slot
	mu       sync.Mutex
	nextAt   time.Time // earliest next start
	deferred time.Time // end of the latest Defer
}

// NewLocal returns an in-process limiter spacing request starts at least
// interval apart per key (DefaultInterval when interval <= 0).
func NewLocal(interval time.Duration) *Local {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return &Local{interval: interval, keys: map[string]*localKey{}}
}

func (l *Local) key(k string) *localKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.keys[k]
	if !ok {
		s = &localKey{sem: make(chan struct{}, 1)}
		l.keys[k] = s
	}
	return s
}

// lock takes the in-flight slot of key without pacing.
func (l *Local) lock(ctx context.Context, key string) (func(), error) {
	s := l.key(key)
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-s.sem }) }, nil
}

// Acquire takes the key's in-flight slot and waits for its pacing. Like
// Postgres it books the slot from the previous one (not from when it
// wakes) and pushes the next slot only by an overshoot beyond the slack.
func (l *Local) Acquire(ctx context.Context, key string) (func(), error) {
	release, err := l.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	s := l.key(key)
	for {
		s.mu.Lock()
		now := time.Now()
		slot := now
		if s.nextAt.After(now) {
			slot = s.nextAt
		}
		s.nextAt = slot.Add(l.interval)
		s.mu.Unlock()
		if !slot.After(now) {
			return release, nil
		}
		if err := sleepCtx(ctx, slot.Sub(now)); err != nil {
			release()
			return nil, err
		}
		s.mu.Lock()
		now = time.Now()
		if earliest := now.Add(l.interval - slackFor(l.interval)); earliest.After(s.nextAt) {
			s.nextAt = earliest
		}
		deferred := s.deferred.After(now)
		s.mu.Unlock()
		if !deferred {
			return release, nil
		}
	}
}

// Defer pushes key's next start to at least now+d, including for a holder
// already waiting for its slot.
func (l *Local) Defer(_ context.Context, key string, d time.Duration) error {
	s := l.key(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := time.Now().Add(d)
	if t.After(s.nextAt) {
		s.nextAt = t
	}
	if t.After(s.deferred) {
		s.deferred = t
	}
	return nil
}
