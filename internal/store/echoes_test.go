package store

import (
	"context"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/tenant"
)

func TestExpectedEchoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpectEcho(ctx, "demo", "42", "14", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpectEcho(ctx, "demo", "43", "14", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	tests := []struct {
		name, tenant, order, state string
		want                       bool
	}{
		{"recorded", "demo", "42", "14", true},
		{"other state", "demo", "42", "15", false},
		{"other order", "demo", "44", "14", false},
		{"other tenant", "other", "42", "14", false},
		{"expired", "demo", "43", "14", false},
	}
	for _, tt := range tests {
		got, err := s.IsExpectedEcho(ctx, tt.tenant, tt.order, tt.state)
		if err != nil || got != tt.want {
			t.Fatalf("%s: IsExpectedEcho = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	// Not consumed by a match: the same write causes several events.
	if got, _ := s.IsExpectedEcho(ctx, "demo", "42", "14"); !got {
		t.Fatal("expectation consumed by a match")
	}
	// Recording again extends an expired expectation; expired rows are purged.
	if err := s.ExpectEcho(ctx, "demo", "43", "14", 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.IsExpectedEcho(ctx, "demo", "43", "14"); !got {
		t.Fatal("renewed expectation not recognised")
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM expected_echoes`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d expectations stored, %v", n, err)
	}
}

func TestInboxRelayHelpers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	if _, ok, err := s.OldestUndelivered(ctx); ok || err != nil {
		t.Fatalf("empty inbox: ok=%v err=%v", ok, err)
	}
	put := func(tenantID, key string) int64 {
		id, _, err := s.PutInbox(ctx, InboxEvent{TenantID: tenantID, Source: "prestashop", DeliveryKey: key, Body: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a1, b1, a2 := put("a", "1"), put("b", "1"), put("a", "2")
	for _, tt := range []struct {
		tenant string
		id     int64
		want   bool
	}{{"a", a1, false}, {"b", b1, false}, {"a", a2, true}} {
		if got, err := s.HasOlderUndelivered(ctx, tt.tenant, tt.id); err != nil || got != tt.want {
			t.Fatalf("HasOlderUndelivered(%s,%d) = %v, %v", tt.tenant, tt.id, got, err)
		}
	}
	at, ok, err := s.OldestUndelivered(ctx)
	if err != nil || !ok || time.Since(at) > time.Minute {
		t.Fatalf("OldestUndelivered = %v %v %v", at, ok, err)
	}
	if err := s.MarkDelivered(ctx, a1); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.HasOlderUndelivered(ctx, "a", a2); got {
		t.Fatal("delivered event still counted as waiting")
	}

	// The relay lock: one holder at a time, released when fn returns.
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := s.WithRelayLock(ctx, func(context.Context) error {
			close(held)
			<-release
			return nil
		})
		done <- err
	}()
	<-held
	ran := false
	if got, err := s.WithRelayLock(ctx, func(context.Context) error { ran = true; return nil }); got || ran || err != nil {
		t.Fatalf("second holder: got=%v ran=%v err=%v", got, ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, err := s.WithRelayLock(ctx, func(context.Context) error { ran = true; return nil }); !got || !ran || err != nil {
		t.Fatalf("after release: got=%v ran=%v err=%v", got, ran, err)
	}
}
