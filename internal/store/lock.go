package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Lock timing. A lock is a lease: a row of the locks table that names its
// holder and the time it expires. The holder renews it every LockLease/3
// and must end its work LockMargin before the lease would expire
// unrenewed, so a waiter that takes over an expired lease never overlaps
// with its previous holder's calls (a request the holder gave up on has
// LockMargin to land).
const (
	// LockLease is how long a lock stays taken without renewal: the
	// longest a crashed holder keeps its waiters waiting.
	LockLease = 30 * time.Second
	// LockMargin is how long before its lease expires a holder that could
	// not renew it (the database unreachable) stops its work.
	LockMargin = 5 * time.Second
)

// ErrLockLost is the cause (context.Cause) of a held lock's context ending
// because the lock could no longer be vouched for: its lease was taken
// over, or it could not be renewed before LockLease less LockMargin.
var ErrLockLost = errors.New("store: lock lost")

// errUnlocked is the cause of a held lock's context ending on unlock.
var errUnlocked = errors.New("store: unlocked")

// Lock takes the lock named key and returns a context that lives while the
// lock is held; do the locked work with it. It serialises find-or-create
// sequences across every worker process (two orders of one new customer
// must not both create it).
//
// The lock is a lease kept in the locks table, not a session advisory
// lock: a database restart ends every session, and with it every advisory
// lock, while their holders may be between "not found" and "created" in
// the ledger. A lease survives the restart, and its holder — which holds
// no connection meanwhile — stops its work (the context ends with
// ErrLockLost) before the lease can expire while it cannot renew it.
// Waiters poll, holding no connection either.
func (s *Store) Lock(ctx context.Context, key string) (context.Context, func(), error) {
	name := "bokfor:" + key
	holder := rand.Text()
	lease := s.lockLease()
	wait := 10 * time.Millisecond
	for {
		// The holder's own deadline counts from before the statement that
		// takes the lease: it ends no later than the lease does.
		start := time.Now()
		ok, err := s.tryLock(ctx, name, holder, lease)
		if err != nil {
			return nil, nil, fmt.Errorf("store: lock %s: %w", key, err)
		}
		if ok {
			hctx, unlock := s.held(ctx, name, holder, lease, start)
			return hctx, unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("store: lock %s: %w", key, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 200*time.Millisecond)
	}
}

// lockLease returns the store's lease length (LockLease unless a test
// shortened it).
func (s *Store) lockLease() time.Duration {
	if s.leaseForTest > 0 {
		return s.leaseForTest
	}
	return LockLease
}

// tryLock takes name for holder if it is free or its lease has expired.
func (s *Store) tryLock(ctx context.Context, name, holder string, lease time.Duration) (bool, error) {
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO locks (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::float8))
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
		WHERE locks.expires_at < clock_timestamp()`, name, holder, lease.Seconds())
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// held starts renewing the lease and returns the holder's context and its
// unlock.
func (s *Store) held(ctx context.Context, name, holder string, lease time.Duration, start time.Time) (context.Context, func()) {
	hctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.renew(hctx, cancel, name, holder, lease, start)
	}()
	var once sync.Once
	unlock := func() {
		once.Do(func() {
			cancel(errUnlocked)
			<-done
			// A lease that cannot be deleted now expires on its own. So
			// does one whose deletion a database crash loses: the delete
			// need not wait for its commit to be flushed (the taking and
			// the renewals must, or a crash could hand the lock out while
			// its holder still works).
			dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer dcancel()
			_, _ = s.pool.Exec(dctx, `WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
				DELETE FROM locks WHERE name = $1 AND holder = $2 AND EXISTS (SELECT FROM async)`, name, holder)
		})
	}
	return hctx, unlock
}

// renew extends the lease every lease/3 until ctx ends (unlock cancels
// it). The holder's context ends with ErrLockLost when the lease was taken
// over, or when it could not be renewed in time: the holder must be done
// LockMargin (at most a third of the lease) before an unrenewed lease
// expires. The deadline runs on its own timer, so a renewal stuck on an
// unreachable database cannot delay it.
func (s *Store) renew(ctx context.Context, cancel context.CancelCauseFunc, name, holder string, lease time.Duration, start time.Time) {
	margin := min(LockMargin, lease/3)
	expiry := time.AfterFunc(time.Until(start.Add(lease-margin)), func() {
		cancel(fmt.Errorf("%w: %s not renewed for %s", ErrLockLost, name, lease-margin))
	})
	defer expiry.Stop()
	tick := time.NewTicker(lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t0 := time.Now()
			rctx, rcancel := context.WithTimeout(ctx, lease/3)
			tag, err := s.pool.Exec(rctx, `UPDATE locks SET expires_at = clock_timestamp() + make_interval(secs => $3::float8)
				WHERE name = $1 AND holder = $2`, name, holder, lease.Seconds())
			rcancel()
			switch {
			case err != nil:
				// The database is out of reach: keep working until the
				// deadline, renewing again on the next tick.
			case tag.RowsAffected() == 0:
				cancel(fmt.Errorf("%w: %s taken over", ErrLockLost, name))
				return
			default:
				if ctx.Err() == nil {
					expiry.Reset(time.Until(t0.Add(lease - margin)))
				}
			}
		}
	}
}
