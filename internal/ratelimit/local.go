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
	nextAt   time.Time   // earliest next start
	deferred time.Time   // end of the latest Defer
	recent   []time.Time // ends of the last requests, for a window
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
// wakes), pushes the next slot only by an overshoot beyond the slack and
// keeps the key's rolling window (windowFor).
func (l *Local) Acquire(ctx context.Context, key string) (func(), error) {
	release, err := l.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	s := l.key(key)
	n, w := windowFor(key)
	if n > 0 {
		unlock := release
		release = func() {
			// The request is over: its entry becomes its end.
			s.mu.Lock()
			if k := len(s.recent) - 1; k >= 0 {
				if now := time.Now(); now.After(s.recent[k]) {
					s.recent[k] = now
				}
			}
			s.mu.Unlock()
			unlock()
		}
	}
	for {
		s.mu.Lock()
		now := time.Now()
		slot := now
		if s.nextAt.After(now) {
			slot = s.nextAt
		}
		if n > 0 && len(s.recent) >= n {
			if t := s.recent[len(s.recent)-n].Add(w); t.After(slot) {
				slot = t
			}
		}
		s.nextAt = slot.Add(l.interval)
		if n > 0 {
			s.recent = append(s.recent, slot)
			if len(s.recent) > n {
				s.recent = append(s.recent[:0], s.recent[len(s.recent)-n:]...)
			}
		}
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
