package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

// knownLines are the two products every bench customer buys once the
// first order has created them in the ledger.
var knownLines = []prestashopsim.PlaceOrderLine{
	{Reference: "KOPP-1", Name: "Kaffekopp", Quantity: 3, UnitPriceTaxIncl: "199.00", TaxRate: "25"},
	{Reference: "MAT-1", Name: "Kaffebønner 1 kg", Quantity: 2, UnitPriceTaxIncl: "249.90", TaxRate: "15"},
}

// orderSpec is an order to place in a shop simulator.
type orderSpec struct {
	Email  string
	Module string
	State  int
	Lines  []prestashopsim.PlaceOrderLine
}

// returning is the steady-state order: the returning customer with the
// known products, paid by Vipps at checkout.
var returning = orderSpec{Email: "kari@example.no", Module: "vipps", State: 2, Lines: knownLines}

// placed is an order placed in a tenant's shop.
type placed struct {
	Tenant string
	ID     string
	// Ref is the ledger reference its document carries.
	Ref string
}

func place(t *benchTenant, o orderSpec) (placed, error) {
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = o.Email, "Kari", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 1", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", o.Module, o.Module, o.State
	in.Lines = o.Lines
	res, err := t.Shop.PlaceOrder(in)
	if err != nil {
		return placed{}, fmt.Errorf("place order in %s: %w", t.ID, err)
	}
	id := strconv.Itoa(res.ID)
	return placed{Tenant: t.ID, ID: id, Ref: ledgerdoc.Reference(t.ID, id)}, nil
}

// placeMany places n steady-state orders, round robin over the tenants.
func placeMany(tenants []*benchTenant, n int, o orderSpec) ([]placed, error) {
	out := make([]placed, 0, n)
	for i := range n {
		p, err := place(tenants[i%len(tenants)], o)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func refs(ps []placed) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Ref
	}
	return out
}

// signal hands one order to its workflow as the webhook starter does.
func (w *world) signal(ctx context.Context, p placed, event string) error {
	return w.starter.ShopEvent(ctx, p.Tenant, p.ID, event, "Order.add")
}

// signalAll signal-with-starts every order with concurrency goroutines and
// returns when each was accepted.
func (w *world) signalAll(ctx context.Context, ps []placed, concurrency int) ([]time.Time, error) {
	accepted := make([]time.Time, len(ps))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(concurrency, 1))
	for i, p := range ps {
		g.Go(func() error {
			// A webhook sender retries a refused delivery; so does the
			// driver, a few times (the loaded dev server has answered
			// "namespace not found" for a moment), and counts it.
			for attempt := 1; ; attempt++ {
				err := w.signal(gctx, p, "bench-"+p.ID)
				if err == nil {
					break
				}
				if attempt == 5 || gctx.Err() != nil {
					return err
				}
				w.signalRetries.Add(1)
				w.env.Log.Warn("signal-with-start refused; retrying", zap.String("order", p.ID), zap.Error(err))
				time.Sleep(time.Duration(attempt) * time.Second)
			}
			accepted[i] = time.Now()
			return nil
		})
	}
	return accepted, g.Wait()
}

// warmUp books one steady-state order per tenant so that the customer and
// the products are linked before measuring.
func (w *world) warmUp(ctx context.Context) error {
	var ps []placed
	for _, t := range w.tenants {
		p, err := place(t, returning)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	if _, err := w.signalAll(ctx, ps, 8); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := w.docs.wait(wctx, refs(ps)); err != nil {
		return fmt.Errorf("warm-up: %d of %d documents: %w", w.docs.count(refs(ps)), len(ps), err)
	}
	return w.waitStates(wctx, ps, workflows.StateSettled)
}

// waitState polls the store's order row until it reaches want; an order
// parked in needs_attention is an error.
func (w *world) waitState(ctx context.Context, p placed, want workflows.OrderState) (*store.OrderRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		rec, err := w.env.Store.Order(ctx, p.Tenant, p.ID)
		if err == nil {
			if rec.State == string(want) {
				return rec, nil
			}
			if rec.State == string(workflows.StateNeedsAttention) {
				return nil, fmt.Errorf("order %s/%s needs attention: %s", p.Tenant, p.ID, rec.Reason)
			}
		}
		select {
		case <-ctx.Done():
			state := "no record"
			if rec != nil {
				state = rec.State
			}
			return nil, fmt.Errorf("order %s/%s is %s, want %s: %w", p.Tenant, p.ID, state, want, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitStates waits until every order is in state want (one query per
// round for all of them).
func (w *world) waitStates(ctx context.Context, ps []placed, want workflows.OrderState) error {
	return w.waitStatesEvery(ctx, ps, want, 100*time.Millisecond)
}

// waitStatesEvery is waitStates querying every interval.
func (w *world) waitStatesEvery(ctx context.Context, ps []placed, want workflows.OrderState, interval time.Duration) error {
	tenants := map[string]bool{}
	for _, p := range ps {
		tenants[p.Tenant] = true
	}
	ids := make([]string, 0, len(tenants))
	for t := range tenants {
		ids = append(ids, t)
	}
	want2 := map[string]bool{}
	for _, p := range ps {
		want2[p.Tenant+"/"+p.ID] = true
	}
	for {
		rows, err := w.env.Store.Pool().Query(ctx, `SELECT tenant_id, shop_order_id, state FROM orders WHERE tenant_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		n, parked := 0, ""
		for rows.Next() {
			var t, id, st string
			if err := rows.Scan(&t, &id, &st); err != nil {
				rows.Close()
				return err
			}
			if !want2[t+"/"+id] {
				continue
			}
			if st == string(want) {
				n++
			} else if st == string(workflows.StateNeedsAttention) {
				parked = t + "/" + id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if parked != "" {
			return fmt.Errorf("order %s needs attention", parked)
		}
		if n == len(ps) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d orders %s: %w", n, len(ps), want, ctx.Err())
		case <-time.After(interval):
		}
	}
}

// shopRequests sums a shop simulator's webservice requests.
func shopRequests(ps *prestashopsim.Server) int {
	n := 0
	for k, v := range ps.Stats().Requests {
		if !strings.HasPrefix(k, "error ") { // errors are counted twice
			n += v
		}
	}
	return n
}

// onceErr collects the first error of concurrent work.
type onceErr struct {
	mu  sync.Mutex
	err error
}

func (o *onceErr) set(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
}
