package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// keepAlive heartbeats details at a third of the activity's heartbeat
// timeout until stop is called, for calls that outlast the timeout without
// progress of their own to report: a full catalogue listing (hundreds of
// pages at the ledger's rate), or a ledger request queued behind a
// tenant's backlog in the rate limiter. The details are the resume cursor
// as it stands, so that a heartbeat never erases it. A dead worker still
// stops heartbeating, and StartToClose still bounds a hung call.
func keepAlive(ctx context.Context, details ...any) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	every := activity.GetInfo(ctx).HeartbeatTimeout / 3
	if every <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx, details...)
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}

// heartbeatOf is the details a keep-alive heartbeat carries: the resumed
// cursor, or none before the run has one.
func heartbeatOf(resumed bool, cur any) []any {
	if !resumed {
		return nil
	}
	return []any{cur}
}
