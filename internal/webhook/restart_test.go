package webhook

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/devserver"
)

// TestTemporalStoppedAndRestarted takes the real Temporal server away: the
// edge still answers 202 (the event is stored), and once a server is back
// on the same address the relay delivers it through the same client.
func TestTemporalStoppedAndRestarted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	ctx := context.Background()
	start := func() func() {
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		srv, err := devserver.Start(sctx, devserver.Options{HostPort: addr})
		if err != nil {
			t.Fatal(err)
		}
		return func() {
			srv.Client().Close()
			if err := srv.Stop(); err != nil {
				t.Logf("stop: %v", err)
			}
		}
	}
	stop := start()
	tc, err := client.NewLazyClient(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	sig := TemporalSignaler{Client: tc, TaskQueue: testQueue}

	st, _ := newStore(t)
	addTenant(t, st, "restart-ps", "prestashop", psSecret, false)
	e := newEdge(t, st, sig)
	path := "/webhooks/restart-ps/prestashop?token=" + psSecret
	if code, a := e.post(path, nil, psOrder(1, "t1")); code != 202 || a.Status != OutcomeAccepted {
		t.Fatalf("server up: %d %q", code, a.Status)
	}

	stop()
	began := time.Now()
	code, a := e.post(path, nil, psOrder(2, "t2"))
	if code != 202 || a.Status != OutcomeDeferred {
		t.Fatalf("server down: %d %q, want 202 deferred", code, a.Status)
	}
	if took := time.Since(began); took > DefaultSignalTimeout+3*time.Second {
		t.Fatalf("answer took %v with Temporal down", took)
	}
	ev, err := st.InboxEventByID(ctx, a.InboxID)
	if err != nil || ev.DeliveredAt != nil || ev.LastError == "" {
		t.Fatalf("stored event = %+v, %v", ev, err)
	}

	stop = start()
	defer stop()
	relay := &Relay{Store: st, Signaler: sig, Interval: 100 * time.Millisecond, MaxBackoff: 500 * time.Millisecond}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- relay.Run(runCtx) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending, err := st.Undelivered(ctx, 10)
		if err == nil && len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("not delivered after the restart: %+v", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sigs := signalsOf(t, tc, "order-restart-ps-2")
	if len(sigs) != 1 || !strings.HasPrefix(sigs[0].ID, "prestashop:") {
		t.Fatalf("signals after restart: %+v", sigs)
	}
}
