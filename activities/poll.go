package activities

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
)

// Watermark names in the store.
const (
	WatermarkOrders      = "orders"
	WatermarkSettlements = "settlements"
)

// OrderStarter starts or signals order workflows. The poller and the
// settlement watcher use it; the webhook starter has its own.
type OrderStarter interface {
	// ShopEvent signal-with-starts the order's workflow with a shop event.
	ShopEvent(ctx context.Context, tenantID, shopOrderID, eventID, topic string) error
	// Settled signal-with-starts the order's workflow with a settlement.
	Settled(ctx context.Context, tenantID, shopOrderID, documentID, number, date string) error
	// DocumentNumber signals a running order workflow what the ledger
	// listing says of its document (number, KID, due date); a closed one
	// is left alone.
	DocumentNumber(ctx context.Context, tenantID, shopOrderID string, d ledger.Settlement) error
}

// Pollers are the activities of the order poller and settlement watcher.
type Pollers struct {
	Store      *store.Store
	Connectors Connectors
	Starter    OrderStarter
	// PageSize bounds one listing page; default 100.
	PageSize int
}

// PollResult reports one poll.
type PollResult struct {
	Found  int
	Handed int
	// Numbered counts document numbers handed to order workflows.
	Numbered int
	// Skipped counts changes from the listing's overlap window, handed
	// over before, of orders that are finished.
	Skipped int
	// WebhooksSilent is set when the poller found orders changed after the
	// last webhook while webhooks were silent longer than the tenant
	// allows: the shop's webhooks are probably broken.
	WebhooksSilent bool
	// SilentFor is how long no webhook has arrived (0: unknown/never).
	SilentFor time.Duration
	Watermark string
}

// PollOrders lists shop orders changed since the tenant's watermark and
// hands each to its workflow (signal-with-start). The watermark advances
// only after every listed order was handed over.
func (a *Pollers) PollOrders(ctx context.Context, tenantID string) (PollResult, error) {
	t, err := a.Store.Tenant(ctx, tenantID)
	if err != nil {
		return PollResult{}, classify("load tenant", err)
	}
	sh, err := a.Connectors.Shop(ctx, t)
	if err != nil {
		return PollResult{}, configError("shop client", err)
	}
	wm, err := a.Store.Watermark(ctx, t.ID, WatermarkOrders)
	if err != nil {
		return PollResult{}, classify("read watermark", err)
	}
	size := a.PageSize
	if size <= 0 {
		size = 100
	}
	changes, next, err := sh.ChangedOrders(ctx, wm, size)
	if err != nil {
		return PollResult{}, classify("list changed orders", err)
	}
	res := PollResult{Found: len(changes), Watermark: wm}
	if err := a.webhookSilence(ctx, t, changes, &res); err != nil {
		return res, err
	}
	for i, c := range changes {
		if c.Seen {
			// Re-read from the overlap window: handed over when the
			// watermark passed it. A finished order's workflow has
			// closed since; handing it again would start a new run for
			// nothing at every poll until the shop changes again.
			rec, err := a.Store.Order(ctx, t.ID, c.OrderID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, classify("read order record", err)
			}
			if rec != nil && finalState(rec.State) {
				res.Skipped++
				continue
			}
		}
		ev := "poll:" + c.OrderID + ":" + c.UpdatedAt.UTC().Format(time.RFC3339)
		if err := a.Starter.ShopEvent(ctx, t.ID, c.OrderID, ev, "poll"); err != nil {
			return res, classify("hand over order "+c.OrderID, err)
		}
		res.Handed++
		activity.RecordHeartbeat(ctx, i)
	}
	if next != wm {
		if err := a.Store.SetWatermark(ctx, t.ID, WatermarkOrders, next); err != nil {
			return res, classify("store watermark", err)
		}
	}
	res.Watermark = next
	return res, nil
}

// WatchSettlements lists ledger documents changed since the watermark's
// date (ledgers filter by date only, so the last day is read again) and
// signals every order whose document became settled and whose stored state
// is not settled yet. One list call serves every order of the tenant.
func (a *Pollers) WatchSettlements(ctx context.Context, tenantID string) (PollResult, error) {
	t, err := a.Store.Tenant(ctx, tenantID)
	if err != nil {
		return PollResult{}, classify("load tenant", err)
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return PollResult{}, configError("ledger client", err)
	}
	wm, err := a.Store.Watermark(ctx, t.ID, WatermarkSettlements)
	if err != nil {
		return PollResult{}, classify("read watermark", err)
	}
	since := time.Now().AddDate(0, 0, -30)
	if wm != "" {
		if d, err := time.Parse("2006-01-02", wm); err == nil {
			since = d.AddDate(0, 0, -1)
		}
	}
	today := time.Now().UTC().Format("2006-01-02")
	docs, err := lg.ChangedDocuments(ctx, since)
	if err != nil {
		return PollResult{}, classify("list changed documents", err)
	}
	prefix := ledgerdoc.Reference(t.ID, "")
	res := PollResult{Found: len(docs), Watermark: wm}
	// Each document is one record read and at most a write and a signal:
	// they run watcherConcurrency at a time, so a first run over thousands
	// of new invoices ends well inside the activity's timeout. Each is
	// idempotent (a repeat finds the record final or numbered).
	var handed, numbered, seen atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(watcherConcurrency)
	for _, d := range docs {
		if !strings.HasPrefix(d.Reference, prefix) {
			continue
		}
		g.Go(func() error {
			defer func() { activity.RecordHeartbeat(ctx, seen.Add(1)) }()
			h, n, err := a.settleOne(gctx, t.ID, strings.TrimPrefix(d.Reference, prefix), d)
			if h {
				handed.Add(1)
			}
			if n {
				numbered.Add(1)
			}
			return err
		})
	}
	err = g.Wait()
	res.Handed, res.Numbered = int(handed.Load()), int(numbered.Load())
	if err != nil {
		return res, err
	}
	if err := a.Store.SetWatermark(ctx, t.ID, WatermarkSettlements, today); err != nil {
		return res, classify("store watermark", err)
	}
	res.Watermark = today
	return res, nil
}

// finalState reports whether an order record's state is an end state
// (the workflow has finished with the order).
func finalState(state string) bool {
	return state == "settled" || state == "done" || state == "cancelled"
}

// watcherConcurrency is how many documents the settlement watcher hands
// to their workflows at once.
const watcherConcurrency = 8

// settleOne hands one changed document to its order: a settlement signal
// when it became settled and the order is not final yet, else its
// document number when the order has none recorded.
func (a *Pollers) settleOne(ctx context.Context, tenantID, shopOrderID string, d ledger.Settlement) (handed, numbered bool, err error) {
	rec, err := a.Store.Order(ctx, tenantID, shopOrderID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, false, classify("read order record", err)
	}
	final := rec != nil && finalState(rec.State)
	switch {
	case d.Settled && !final:
		if err := a.Starter.Settled(ctx, tenantID, shopOrderID, d.ID, d.Number, d.SettledDate); err != nil {
			return false, false, classify("signal settlement of "+shopOrderID, err)
		}
		return true, false, nil
	case rec != nil && rec.LedgerDocNo == "" && d.Number != "":
		// Posted with one call and no read-back: record the number and
		// tell the workflow, if it still runs, for its search attributes.
		if err := a.Store.PutOrder(ctx, store.OrderRecord{TenantID: tenantID, ShopOrderID: shopOrderID, WorkflowID: rec.WorkflowID,
			LedgerDocNo: d.Number, Reason: rec.Reason}); err != nil {
			return false, false, classify("record document number of "+shopOrderID, err)
		}
		if !final {
			if err := a.Starter.DocumentNumber(ctx, tenantID, shopOrderID, d); err != nil {
				return false, false, classify("signal document number of "+shopOrderID, err)
			}
		}
		return false, true, nil
	}
	return false, false, nil
}

// webhookSilence raises the alarm when orders changed after the last
// webhook and webhooks have been silent longer than the tenant's setting:
// a warning in the worker log and the bokfor_webhook_silence_seconds gauge.
func (a *Pollers) webhookSilence(ctx context.Context, t *store.TenantRow, changes []shop.Change, res *PollResult) error {
	last, err := a.Store.LastWebhookAt(ctx, t.ID)
	if err != nil {
		return classify("read last webhook", err)
	}
	limit := t.Settings.Schedules.WebhookSilence.Duration
	if limit <= 0 {
		limit = time.Hour
	}
	var missed int
	for _, c := range changes {
		if last.IsZero() || c.UpdatedAt.After(last) {
			missed++
		}
	}
	silent := time.Duration(0)
	if !last.IsZero() {
		silent = time.Since(last)
	}
	res.SilentFor = silent
	gauge := activity.GetMetricsHandler(ctx).WithTags(map[string]string{"tenant": t.ID}).Gauge("bokfor_webhook_silence_seconds")
	if missed > 0 && (last.IsZero() || silent > limit) {
		res.WebhooksSilent = true
		gauge.Update(silent.Seconds())
		activity.GetLogger(ctx).Warn("webhooks are silent but the poller finds changed orders: check the shop's webhook module",
			"tenant", t.ID, "orders_missed", missed, "silent_for", silent.String(), "never_received", last.IsZero())
	} else {
		gauge.Update(0)
	}
	return nil
}
