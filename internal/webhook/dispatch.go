package webhook

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

// Outcomes, as counted in metrics.Metrics.WebhooksReceived and logged.
const (
	// OutcomeAccepted: stored and signalled to the order workflow.
	OutcomeAccepted = "accepted"
	// OutcomeDuplicate: the delivery key was stored before; not signalled again.
	OutcomeDuplicate = "duplicate"
	// OutcomeEcho: bokfor's own write coming back; stored, not signalled.
	OutcomeEcho = "echo"
	// OutcomeStored: not about an order (customer, product, stock...);
	// stored and marked delivered, not signalled (no sync workflow yet).
	OutcomeStored = "stored"
	// OutcomeSync: a product, stock or customer event; stored, delivered, and the
	// tenant's matching sync triggered.
	OutcomeSync = "sync"
	// OutcomeDeferred: stored, but left to the relay (Temporal unreachable,
	// or an older event of the tenant is still waiting).
	OutcomeDeferred = "deferred"
	// OutcomePing: WooCommerce's activation ping, answered 200, not stored.
	OutcomePing = "ping"
	// OutcomeUnauthorized: missing or bad token or signature (401).
	OutcomeUnauthorized = "unauthorized"
	// OutcomeNotFound: unknown or disabled tenant, or unknown source (404).
	OutcomeNotFound = "not_found"
	// OutcomeTooLarge: body over the limit (413).
	OutcomeTooLarge = "too_large"
	// OutcomeBadRequest: malformed body or headers (400).
	OutcomeBadRequest = "bad_request"
	// OutcomeUnavailable: the database is unreachable (503).
	OutcomeUnavailable = "unavailable"
)

// errOlderWaiting means an older event of the tenant is undelivered, so
// this one waits for the relay to keep the tenant's order.
var errOlderWaiting = errors.New("an older event of the tenant is waiting in the inbox")

// dispatcher routes a stored event: signal its order workflow, or mark it
// delivered when there is nothing to signal.
type dispatcher struct {
	store    *store.Store
	signaler Signaler
	log      *zap.Logger
	// signalTimeout bounds each signal.
	signalTimeout time.Duration
}

// shopEventID is the id the order workflow de-duplicates on.
func shopEventID(source, deliveryKey string) string { return source + ":" + deliveryKey }

// route delivers stored event e (decoded as ev). With checkOlder it leaves
// the event to the relay when an older event of the tenant is waiting. A
// non-nil error means the event is still undelivered (the relay retries).
func (d dispatcher) route(ctx context.Context, e store.InboxEvent, ev Event, checkOlder bool) (string, error) {
	if ev.Kind != KindOrder {
		// Product, stock and customer events run the tenant's matching
		// sync now (it is incremental, so it handles this object and
		// whatever else changed). Other events are only kept in the inbox. A failed trigger is only logged:
		// the schedule runs anyway at its interval.
		outcome := OutcomeStored
		if kind := syncKind(ev.Kind); kind != "" {
			sctx, cancel := context.WithTimeout(ctx, d.signalTimeout)
			err := d.signaler.TriggerSync(sctx, e.TenantID, kind)
			cancel()
			if err != nil {
				d.log.Warn("webhook: trigger sync", zap.String("tenant", e.TenantID), zap.String("schedule", kind), zap.Error(err))
			} else {
				outcome = OutcomeSync
			}
		}
		if err := d.store.MarkDelivered(ctx, e.ID); err != nil {
			return OutcomeDeferred, err
		}
		return outcome, nil
	}
	if ev.StateID != "" {
		echo, err := d.store.IsExpectedEcho(ctx, e.TenantID, ev.ResourceID, ev.StateID)
		if err != nil {
			return OutcomeDeferred, err
		}
		if echo {
			if err := d.store.MarkDelivered(ctx, e.ID); err != nil {
				return OutcomeDeferred, err
			}
			return OutcomeEcho, nil
		}
	}
	if checkOlder {
		older, err := d.store.HasOlderUndelivered(ctx, e.TenantID, e.ID)
		if err != nil {
			return OutcomeDeferred, err
		}
		if older {
			return OutcomeDeferred, errOlderWaiting
		}
	}
	se := workflows.ShopEvent{ID: shopEventID(e.Source, e.DeliveryKey), Topic: ev.Topic, At: e.ReceivedAt}
	sctx, cancel := context.WithTimeout(ctx, d.signalTimeout)
	err := d.signaler.SignalOrder(sctx, e.TenantID, ev.ResourceID, se)
	cancel()
	if err != nil {
		if merr := d.store.MarkFailed(context.WithoutCancel(ctx), e.ID, err.Error()); merr != nil {
			d.log.Warn("inbox: mark failed", zap.Int64("inbox_id", e.ID), zap.Error(merr))
		}
		return OutcomeDeferred, err
	}
	if err := d.store.MarkDelivered(context.WithoutCancel(ctx), e.ID); err != nil {
		// Signalled but not recorded: the relay signals again, which the
		// workflow ignores (same event id).
		d.log.Warn("inbox: mark delivered", zap.Int64("inbox_id", e.ID), zap.Error(err))
	}
	return OutcomeAccepted, nil
}

// ReplayResult tells what Replay signalled.
type ReplayResult struct {
	// WorkflowID is the order workflow that was signalled.
	WorkflowID string
	// Event is the signal's payload.
	Event workflows.ShopEvent
}

// Replay signals stored inbox event id to its order workflow again, under a
// fresh event id so that a workflow that saw it before treats it as new
// (events are hints: the workflow re-reads the order), and marks it
// delivered. Events that are not about an order cannot be replayed yet.
func Replay(ctx context.Context, st *store.Store, sig Signaler, id int64) (ReplayResult, error) {
	e, err := st.InboxEventByID(ctx, id)
	if err != nil {
		return ReplayResult{}, fmt.Errorf("inbox event %d: %w", id, err)
	}
	ev, err := Decode(e.Source, headerOf(e.Headers), e.Body)
	if err != nil {
		return ReplayResult{}, fmt.Errorf("inbox event %d: %w", id, err)
	}
	if ev.Kind != KindOrder {
		return ReplayResult{}, fmt.Errorf("inbox event %d is about a %s, not an order: nothing to signal (sync workflows are not built yet)", id, ev.Kind)
	}
	se := workflows.ShopEvent{
		ID:    shopEventID(e.Source, e.DeliveryKey) + "#replay-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		Topic: ev.Topic,
		At:    e.ReceivedAt,
	}
	if err := sig.SignalOrder(ctx, e.TenantID, ev.ResourceID, se); err != nil {
		if merr := st.MarkFailed(context.WithoutCancel(ctx), id, err.Error()); merr != nil {
			err = errors.Join(err, merr)
		}
		return ReplayResult{}, fmt.Errorf("inbox event %d: %w", id, err)
	}
	if err := st.MarkDelivered(ctx, id); err != nil {
		return ReplayResult{}, err
	}
	return ReplayResult{WorkflowID: workflows.OrderWorkflowID(e.TenantID, ev.ResourceID), Event: se}, nil
}

// syncKind is the schedule kind a non-order event triggers, or "".
func syncKind(kind string) string {
	switch kind {
	case KindProduct:
		return workflows.ScheduleKindProducts
	case KindStock:
		return workflows.ScheduleKindStock
	case KindCustomer:
		return workflows.ScheduleKindCustomers
	default:
		return ""
	}
}
