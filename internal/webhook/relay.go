package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
)

// Defaults of Relay.
const (
	// DefaultRelayInterval is the pause between relay rounds.
	DefaultRelayInterval = 5 * time.Second
	// DefaultRelayMaxBackoff caps the pause after failing rounds.
	DefaultRelayMaxBackoff = time.Minute
	// DefaultRelayBatch is how many events one round reads.
	DefaultRelayBatch = 100
	// relaySignalTimeout bounds one signal of the relay.
	relaySignalTimeout = 10 * time.Second
	// relayMaxConsecutiveFailures ends a round early: Temporal is down.
	relayMaxConsecutiveFailures = 3
)

// Relay delivers inbox events the edge could not signal (Temporal was
// unreachable, or an older event of the tenant was waiting), oldest first.
//
// A failed event blocks the rest of its tenant for the round, so each
// tenant's events reach Temporal in arrival order; other tenants go on.
// After a few consecutive failures the round ends and the relay backs off.
// Rounds hold a PostgreSQL advisory lock, so with many starter replicas one
// relay delivers at a time (a rare double signal, edge and relay racing on
// one event, is harmless: the workflow de-duplicates by event id).
type Relay struct {
	// Store is the inbox.
	Store *store.Store
	// Signaler delivers to order workflows (TemporalSignaler).
	Signaler Signaler
	// Log receives failures and progress.
	Log *zap.Logger
	// Metrics counts relayed events and holds the oldest-undelivered gauge;
	// may be nil.
	Metrics *metrics.Metrics
	// Interval between rounds; 0 means DefaultRelayInterval.
	Interval time.Duration
	// MaxBackoff caps the pause after failures; 0 means DefaultRelayMaxBackoff.
	MaxBackoff time.Duration
	// Batch is how many events a round reads; 0 means DefaultRelayBatch.
	Batch int
}

// Run relays until ctx is done; it returns nil then.
func (r *Relay) Run(ctx context.Context) error {
	interval, maxBackoff := r.Interval, r.MaxBackoff
	if interval <= 0 {
		interval = DefaultRelayInterval
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultRelayMaxBackoff
	}
	wait := interval
	for {
		_, read, err := r.runOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			wait = min(max(2*wait, interval), maxBackoff)
			r.log().Warn("inbox relay: round failed; backing off", zap.Error(err), zap.Duration("retry_in", wait))
		case read >= r.batch():
			// A full batch was read (signalled, duplicates, echoes or
			// stored events alike): more may be waiting, go on at once.
			wait = 0
		default:
			wait = interval
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// RunOnce runs one round and returns how many events it signalled. It
// does nothing (and returns 0, nil) while another relay holds the lock.
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	n, _, err := r.runOnce(ctx)
	return n, err
}

// runOnce is RunOnce that also returns how many events the round read.
func (r *Relay) runOnce(ctx context.Context) (signalled, read int, err error) {
	_, err = r.Store.WithRelayLock(ctx, func(ctx context.Context) error {
		var err error
		signalled, read, err = r.round(ctx)
		return err
	})
	r.updateGauge(ctx)
	return signalled, read, err
}

func (r *Relay) round(ctx context.Context) (int, int, error) {
	events, err := r.Store.Undelivered(ctx, r.batch())
	if err != nil {
		return 0, 0, err
	}
	d := dispatcher{store: r.Store, signaler: r.Signaler, log: r.log(), signalTimeout: relaySignalTimeout}
	blocked := map[string]bool{}
	var (
		signalled, failures int
		errs                []error
	)
	for _, e := range events {
		if blocked[e.TenantID] || ctx.Err() != nil {
			continue
		}
		ev, err := Decode(e.Source, headerOf(e.Headers), e.Body)
		if err != nil {
			// Accepted by the edge but not decodable now: retrying cannot
			// help, and blocking the tenant would stop it for good. It stays
			// undelivered (and shows in the oldest-event age) for an operator.
			_ = r.Store.MarkFailed(ctx, e.ID, err.Error())
			r.log().Error("inbox relay: undecodable event left for an operator", zap.Int64("inbox_id", e.ID), zap.Error(err))
			continue
		}
		outcome, err := d.route(ctx, e, ev, false)
		if err != nil {
			blocked[e.TenantID] = true
			failures++
			errs = append(errs, fmt.Errorf("inbox event %d: %w", e.ID, err))
			if failures >= relayMaxConsecutiveFailures {
				break
			}
			continue
		}
		failures = 0
		if outcome == OutcomeAccepted {
			signalled++
			if r.Metrics != nil {
				r.Metrics.InboxRelayed.Inc()
			}
		}
		r.log().Info("inbox relay", zap.Int64("inbox_id", e.ID), zap.String("tenant", e.TenantID),
			zap.String("topic", ev.Topic), zap.String("resource", ev.ResourceID), zap.String("outcome", outcome))
	}
	return signalled, len(events), errors.Join(errs...)
}

// updateGauge sets the age of the oldest undelivered event.
func (r *Relay) updateGauge(ctx context.Context) {
	if r.Metrics == nil {
		return
	}
	at, ok, err := r.Store.OldestUndelivered(ctx)
	if err != nil {
		return
	}
	age := 0.0
	if ok {
		age = max(time.Since(at).Seconds(), 0)
	}
	r.Metrics.InboxOldestAge().Set(age)
}

func (r *Relay) batch() int {
	if r.Batch <= 0 {
		return DefaultRelayBatch
	}
	return r.Batch
}

func (r *Relay) log() *zap.Logger {
	if r.Log == nil {
		return zap.NewNop()
	}
	return r.Log
}
