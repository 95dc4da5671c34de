package store

import (
	"context"
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
			unlock, err := s.Lock(ctx, "demo/customer/kari")
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
	u1, _ := s.Lock(ctx, "a")
	done := make(chan struct{})
	go func() { u2, _ := s.Lock(ctx, "b"); u2(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("lock b waited for lock a")
	}
	u1()
}
