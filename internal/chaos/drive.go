package chaos

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/log"

	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

// quietLogger discards the run's own Temporal client logs (reconnects
// while the server restarts are expected).
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

var _ log.Logger = quietLogger{}

// drive places the orders while the monkey works, follows them up
// (settle, refund, cancel), waits for quiescence and checks.
func (r *run) drive(ctx context.Context) (*Report, error) {
	rep := &Report{Config: r.cfg}
	pool, err := store.Open(ctx, r.dbURL)
	if err != nil {
		return nil, err
	}
	defer pool.Close()

	placeDur := time.Duration(float64(r.cfg.Orders) / r.cfg.Rate * float64(time.Second))
	window := max(placeDur*6/5, 30*time.Second)
	start := time.Now()
	mctx, stopMonkey := context.WithCancel(ctx)
	defer stopMonkey()
	monkeyDone := make(chan struct{})
	go func() { defer close(monkeyDone); r.monkey(mctx, window) }()

	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go r.followLoop(fctx, pool)

	// Place the orders at the configured rate, round-robin over tenants.
	bad := r.badOrders()
	tick := time.NewTicker(time.Duration(float64(time.Second) / r.cfg.Rate))
	for n := range r.cfg.Orders {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		o, err := r.placeOrder(ctx, n%r.cfg.Tenants, n, bad[n])
		if err != nil {
			tick.Stop()
			return nil, fmt.Errorf("chaos: place order %d: %w", n, err)
		}
		r.mu.Lock()
		r.orders = append(r.orders, o)
		r.mu.Unlock()
		if (n+1)%100 == 0 {
			r.logf("%d orders placed", n+1)
		}
	}
	tick.Stop()
	rep.Placement = time.Since(start)
	r.logf("all %d orders placed in %s; chaos window %s", r.cfg.Orders, rep.Placement.Round(time.Second), window)
	<-monkeyDone

	// Quiescence: every order at its end state and the inbox empty.
	deadline := time.Now().Add(r.cfg.Quiescence)
	lastReport := time.Now()
	for {
		pending, inbox := r.pending(ctx, pool)
		if pending == 0 && inbox == 0 {
			rep.Quiet = true
			break
		}
		if time.Now().After(deadline) {
			r.logf("no quiescence after %s: %d orders pending, %d inbox events undelivered", r.cfg.Quiescence, pending, inbox)
			break
		}
		if time.Since(lastReport) > 15*time.Second {
			r.logf("waiting: %d orders not at their end state, %d inbox events undelivered", pending, inbox)
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	stopFollow()
	rep.Total = time.Since(start)
	r.events.mu.Lock()
	last := r.events.lastFault
	r.events.mu.Unlock()
	if last.IsZero() {
		last = start.Add(rep.Placement)
	}
	rep.SinceLastFault = time.Since(last)
	rep.SincePlaced = time.Since(start.Add(rep.Placement))
	r.logf("quiescent=%v after %s (%s after the last order, %s after the last fault); checking", rep.Quiet,
		rep.Total.Round(time.Second), rep.SincePlaced.Round(time.Second), rep.SinceLastFault.Round(time.Second))
	if err := r.check(ctx, pool, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// followLoop refreshes the orders from the store every second and does
// what the run planned for them: pay wire invoices in the ledger, refund
// or cancel settled orders in the shop.
func (r *run) followLoop(ctx context.Context, pool *pgxpool.Pool) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		r.refresh(ctx, pool)
		r.mu.Lock()
		todo := slices.Clone(r.orders)
		r.mu.Unlock()
		for _, o := range todo {
			if ctx.Err() != nil {
				return
			}
			r.follow(ctx, o)
		}
	}
}

// refresh reads the orders' states from the store.
func (r *run) refresh(ctx context.Context, pool *pgxpool.Pool) {
	rows, err := pool.Query(ctx, `SELECT tenant_id, shop_order_id, state, coalesce(ledger_doc_id, '') FROM orders`)
	if err != nil {
		return // PostgreSQL restarting
	}
	type rec struct{ state, doc string }
	got := map[string]rec{}
	for rows.Next() {
		var t, id, st, doc string
		if rows.Scan(&t, &id, &st, &doc) == nil {
			got[t+"/"+id] = rec{st, doc}
		}
	}
	rows.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.orders {
		if g, ok := got[r.tenants[o.Tenant].ID+"/"+strconv.Itoa(o.ID)]; ok {
			o.State, o.DocID = g.state, g.doc
		}
	}
}

// follow does the next planned step of one order.
func (r *run) follow(ctx context.Context, o *order) {
	r.mu.Lock()
	state, doc := o.State, o.DocID
	settle, refund, cancel := o.Settle && !o.SettleDone, o.Refund && o.RefundSlip == 0, o.Cancel && !o.CancelDone
	r.mu.Unlock()
	t := r.tenants[o.Tenant]
	switch {
	case settle && doc != "" && state == string(workflows.StateBooked):
		if err := r.settleInvoice(ctx, t, doc); err != nil {
			return // PowerOffice is still making the invoice, or a fault: next round
		}
		r.mu.Lock()
		o.SettleDone = true
		r.mu.Unlock()
	case refund && state == string(workflows.StateSettled):
		in := map[string]any{"lines": []map[string]any{{"reference": o.SKU, "quantity": 1}}}
		var res struct {
			ID int `json:"id"`
		}
		if err := postJSON(ctx, fmt.Sprintf("%s/_sim/orders/%d/refund", t.ShopURL, o.ID), in, &res); err != nil {
			return
		}
		r.mu.Lock()
		o.RefundSlip = res.ID
		r.mu.Unlock()
	case cancel && state == string(workflows.StateSettled):
		if err := postJSON(ctx, fmt.Sprintf("%s/_sim/orders/%d/state", t.ShopURL, o.ID), map[string]int{"state": 6}, nil); err != nil {
			return
		}
		r.mu.Lock()
		o.CancelDone = true
		r.mu.Unlock()
	}
}

// pending counts the orders not at their end state (asking the workflow
// whether a refund was credited) and the undelivered inbox events.
func (r *run) pending(ctx context.Context, pool *pgxpool.Pool) (orders, inbox int) {
	r.mu.Lock()
	all := slices.Clone(r.orders)
	r.mu.Unlock()
	for _, o := range all {
		r.mu.Lock()
		final, state, slip := o.Final, o.State, o.RefundSlip
		r.mu.Unlock()
		if final {
			continue
		}
		done := false
		switch {
		case o.Bad != "":
			done = state == string(workflows.StateNeedsAttention)
		case o.Cancel:
			done = state == string(workflows.StateCancelled)
		case o.Refund:
			if slip != 0 && state == string(workflows.StateSettled) {
				st, err := r.status(ctx, o)
				done = err == nil && slices.Contains(st.Credited, strconv.Itoa(slip))
			}
		default:
			done = state == string(workflows.StateSettled) || state == string(workflows.StateDone)
		}
		if done {
			r.mu.Lock()
			o.Final = true
			r.mu.Unlock()
		} else {
			orders++
		}
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE delivered_at IS NULL`).Scan(&inbox); err != nil {
		inbox = -1
	}
	return orders, inbox
}

// status queries an order workflow.
func (r *run) status(ctx context.Context, o *order) (workflows.OrderStatus, error) {
	var st workflows.OrderStatus
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := r.tc.QueryWorkflow(qctx, workflows.OrderWorkflowID(r.tenants[o.Tenant].ID, strconv.Itoa(o.ID)), "", workflows.QueryStatus)
	if err != nil {
		return st, err
	}
	err = v.Get(&st)
	return st, err
}
