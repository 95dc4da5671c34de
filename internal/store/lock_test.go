package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockSerialises(t *testing.T) {
	t.Parallel()
	s := migrated(t)
	ctx := context.Background()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, unlock, err := s.Lock(ctx, "demo/customer/kari")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Fatalf("%d holders at once, want 1", maxInside.Load())
	}
	// Other keys do not wait.
	_, u1, err := s.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		if _, u2, err := s.Lock(ctx, "b"); err == nil {
			u2()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("lock b waited for lock a")
	}
	u1()
	// Unlocked, a lock is free at once, and the holder's context is over.
	hctx, u3, err := s.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	u3()
	if hctx.Err() == nil {
		t.Fatal("the holder's context lives on after unlock")
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM locks").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d lock rows left after every unlock (%v), want 0", n, err)
	}
}

// TestLockSurvivesADatabaseRestart is the reason locks are leases: a
// database restart ends every session, and a session advisory lock with
// it, while its holder is still working; a second holder must not get in.
func TestLockSurvivesADatabaseRestart(t *testing.T) {
	t.Parallel()
	s := migrated(t)
	ctx := context.Background()
	hctx, unlock, err := s.Lock(ctx, "demo/product/SKU-1")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// What a restart does to this store: every session of its database
	// is terminated.
	var db string
	if err := s.pool.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	admin := openPool(t)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, db); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	for {
		// The first statements may meet the pool's terminated
		// connections; a caller's retry tries again.
		_, u2, err := s.Lock(wctx, "demo/product/SKU-1")
		if err == nil {
			u2()
			t.Fatal("a second holder took the lock after the sessions ended")
		}
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		if wctx.Err() != nil {
			t.Fatalf("second Lock = %v, want it to wait until its deadline", err)
		}
	}
	if hctx.Err() != nil {
		t.Fatalf("the holder's context ended (%v) though its lease is valid", context.Cause(hctx))
	}
}

func TestLockOfACrashedHolderExpires(t *testing.T) {
	t.Parallel()
	s := migrated(t)
	s.leaseForTest = 900 * time.Millisecond
	ctx := context.Background()
	// A holder that died without unlocking: its lease is never renewed.
	if _, err := s.pool.Exec(ctx, `INSERT INTO locks (name, holder, expires_at)
		VALUES ('bokfor:demo/customer/ola', 'dead', clock_timestamp() + interval '900 milliseconds')`); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, unlock, err := s.Lock(wctx, "demo/customer/ola")
	if err != nil {
		t.Fatalf("Lock after the lease expired: %v", err)
	}
	unlock()
	if waited := time.Since(t0); waited < 800*time.Millisecond {
		t.Fatalf("took the lock after %s, before the dead holder's lease of 900 ms expired", waited)
	}
}

func TestLockHolderStopsWhenItsLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	s := migrated(t)
	s.leaseForTest = 900 * time.Millisecond
	ctx := context.Background()
	hctx, unlock, err := s.Lock(ctx, "demo/customer/per")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := s.pool.Exec(ctx, `UPDATE locks SET holder = 'someone else' WHERE name = 'bokfor:demo/customer/per'`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hctx.Done():
		if !errors.Is(context.Cause(hctx), ErrLockLost) {
			t.Fatalf("cause = %v, want ErrLockLost", context.Cause(hctx))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the holder kept working after its lease was taken over")
	}
	// Its unlock leaves the new holder's lease alone.
	unlock()
	var holder string
	if err := s.pool.QueryRow(ctx, "SELECT holder FROM locks WHERE name = 'bokfor:demo/customer/per'").Scan(&holder); err != nil || holder != "someone else" {
		t.Fatalf("lease after the old holder's unlock: %q, %v", holder, err)
	}
}

func TestLockHolderStopsBeforeAnUnrenewedLeaseExpires(t *testing.T) {
	t.Parallel()
	s := migrated(t)
	const lease = 1500 * time.Millisecond
	s.leaseForTest = lease
	ctx := context.Background()
	t0 := time.Now()
	hctx, unlock, err := s.Lock(ctx, "demo/product/SKU-2")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// The database goes out of reach: no renewal can succeed.
	s.pool.Close()
	select {
	case <-hctx.Done():
		if !errors.Is(context.Cause(hctx), ErrLockLost) {
			t.Fatalf("cause = %v, want ErrLockLost", context.Cause(hctx))
		}
		if ended := time.Since(t0); ended >= lease {
			t.Fatalf("the holder's context ended %s after the lock was taken, not before its %s lease expired", ended, lease)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the holder kept working with a lease it could not renew")
	}
}

// BenchmarkLock takes and releases an uncontended lock: the cost a
// find-or-create pays for its lock, two committed statements.
func BenchmarkLock(b *testing.B) {
	s := migrated(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		_, unlock, err := s.Lock(ctx, "bench/product/SKU")
		if err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}
