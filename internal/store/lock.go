package store

import (
	"context"
	"fmt"
	"time"
)

// Lock takes a PostgreSQL advisory lock named key, held on its own
// connection until the returned unlock is called. It serialises
// find-or-create sequences across every worker process (two orders of one
// new customer must not both create it). Waiters poll with
// pg_try_advisory_lock and hold no connection while they wait, so many
// waiters cannot starve the pool the holder needs; and at most half the
// pool is held by locks (Store.lockSlots), however many are taken.
func (s *Store) Lock(ctx context.Context, key string) (unlock func(), err error) {
	name := "bokfor:" + key
	wait := 10 * time.Millisecond
	for {
		select {
		case s.lockSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("store: lock %s: %w", key, ctx.Err())
		}
		freeSlot := func() { <-s.lockSlots }
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			freeSlot()
			return nil, fmt.Errorf("store: lock %s: %w", key, err)
		}
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", name).Scan(&ok); err != nil {
			conn.Release()
			freeSlot()
			return nil, fmt.Errorf("store: lock %s: %w", key, err)
		}
		if ok {
			return func() {
				_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtextextended($1, 0))", name)
				conn.Release()
				freeSlot()
			}, nil
		}
		conn.Release()
		freeSlot()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store: lock %s: %w", key, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}
