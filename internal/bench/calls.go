package bench

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/workflows"
)

// CallsRow is the API cost of one kind of order.
type CallsRow struct {
	Case        string `json:"case"`
	LedgerCalls int64  `json:"ledger_calls"`
	ShopCalls   int    `json:"shop_calls"`
	// Target is the ledger-call target, when there is one.
	Target string `json:"target,omitempty"`
	// ShopDetail counts the shop requests by method and resource ("GET
	// orders" is one per read of the order).
	ShopDetail map[string]int `json:"shop_detail,omitempty"`
	Note       string         `json:"note,omitempty"`
}

// CallsResult is scenario 1: ledger and shop calls per order.
type CallsResult struct {
	Rows           []CallsRow `json:"rows"`
	RateViolations int64      `json:"rate_violations"`
}

// runCalls books one order of each kind on a fresh tenant, one after
// the other, and counts the requests each caused in the simulators. The
// Fiken simulator enforces its rate rules; the worker uses the product's
// PostgreSQL rate limiter.
func runCalls(ctx context.Context, env *Env) (*CallsResult, error) {
	w, err := newWorld(ctx, env, worldOptions{Name: "calls", Tenants: 1})
	if err != nil {
		return nil, err
	}
	defer w.close()
	t := w.tenants[0]
	res := &CallsResult{}
	measure := func(name, target, note string, fn func() error) error {
		l0, s0 := w.fk.Stats().Requests, shopRequests(t.Shop)
		b0 := t.Shop.Stats().Requests
		if err := fn(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		detail := map[string]int{}
		for k, v := range t.Shop.Stats().Requests {
			if v != b0[k] && !strings.HasPrefix(k, "error ") {
				detail[k] = v - b0[k]
			}
		}
		res.Rows = append(res.Rows, CallsRow{Case: name, Target: target, Note: note,
			LedgerCalls: w.fk.Stats().Requests - l0, ShopCalls: shopRequests(t.Shop) - s0, ShopDetail: detail})
		return nil
	}
	book := func(o orderSpec, want workflows.OrderState) func() error {
		return func() error {
			p, err := place(t, o)
			if err != nil {
				return err
			}
			if err := w.signal(ctx, p, "calls-"+p.ID); err != nil {
				return err
			}
			_, err = w.waitState(ctx, p, want)
			return err
		}
	}
	newLines := func(tag string) []prestashopsim.PlaceOrderLine {
		return []prestashopsim.PlaceOrderLine{
			{Reference: "NY-" + tag + "-1", Name: "Ny vare 1", Quantity: 1, UnitPriceTaxIncl: "99.00", TaxRate: "25"},
			{Reference: "NY-" + tag + "-2", Name: "Ny vare 2", Quantity: 2, UnitPriceTaxIncl: "45.50", TaxRate: "15"},
		}
	}
	steps := []struct {
		name, target, note string
		fn                 func() error
	}{
		{"first order of the tenant: new customer, 2 new products", "", "also reads the bank accounts once per client",
			book(returning, workflows.StateSettled)},
		{"returning customer, known products (Vipps, paid)", "1", "",
			book(returning, workflows.StateSettled)},
		{"new customer, known products", "", "",
			book(orderSpec{Email: "ola@example.no", Module: "vipps", State: 2, Lines: knownLines}, workflows.StateSettled)},
		{"returning customer, 2 new products", "", "",
			book(orderSpec{Email: returning.Email, Module: "vipps", State: 2, Lines: newLines("a")}, workflows.StateSettled)},
		{"card payment with fee (stripe_official)", "", "invoice, then the payment with the provider fee on the sale",
			book(orderSpec{Email: returning.Email, Module: "stripe_official", State: 2, Lines: knownLines}, workflows.StateSettled)},
		{"unpaid invoice (bank wire) through settlement", "", "", func() error { return w.unpaidThroughSettlement(ctx, t) }},
		{"refund of one line (credit note)", "", "counted from the refund on; the order was booked before", nil},
	}
	for _, s := range steps {
		if s.fn == nil {
			if err := w.refundCase(ctx, t, func(fn func() error) error { return measure(s.name, s.target, s.note, fn) }); err != nil {
				return nil, err
			}
			continue
		}
		if err := measure(s.name, s.target, s.note, s.fn); err != nil {
			return nil, err
		}
	}
	// The unpaid case's note tells the split between booking and watcher.
	res.RateViolations = w.fk.Stats().RateViolations
	for i := range res.Rows {
		if strings.HasPrefix(res.Rows[i].Case, "unpaid") {
			res.Rows[i].Note = w.unpaidNote
		}
	}
	return res, nil
}

// unpaidThroughSettlement books a bank-wire order (invoice sent by
// e-mail), pays it in the simulated ledger, runs the settlement watcher
// once and waits until the shop was told.
func (w *world) unpaidThroughSettlement(ctx context.Context, t *benchTenant) error {
	p, err := place(t, orderSpec{Email: returning.Email, Module: "ps_wirepayment", State: 3, Lines: knownLines})
	if err != nil {
		return err
	}
	l0 := w.fk.Stats().Requests
	if err := w.signal(ctx, p, "calls-"+p.ID); err != nil {
		return err
	}
	rec, err := w.waitState(ctx, p, workflows.StateBooked)
	if err != nil {
		return err
	}
	booking := w.fk.Stats().Requests - l0
	if err := w.settleInSim(ctx, rec.LedgerDocID); err != nil {
		return err
	}
	l1 := w.fk.Stats().Requests
	run, err := w.env.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: w.starter.TaskQueue}, workflows.WatchSettlements,
		workflows.PollInput{TenantID: t.ID})
	if err != nil {
		return err
	}
	if err := run.Get(ctx, nil); err != nil {
		return fmt.Errorf("settlement watcher: %w", err)
	}
	watcher := w.fk.Stats().Requests - l1
	if _, err := w.waitState(ctx, p, workflows.StateSettled); err != nil {
		return err
	}
	w.unpaidNote = fmt.Sprintf("booking and sending %d; one settlement-watcher run %d (one listing serves every waiting order of the tenant)", booking, watcher)
	return nil
}

// settleInSim pays an invoice in the Fiken simulator (control API, not
// counted as an API request).
func (w *world) settleInSim(ctx context.Context, docID string) error {
	url := strings.TrimSuffix(w.fkURL, "/api/v2") + "/_sim/invoices/" + docID + "/settle"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("settle invoice %s in the simulator: %s", docID, resp.Status)
	}
	return nil
}

// refundCase books a Vipps order, then refunds one line in the shop and
// measures (with measure) the calls from the refund's webhook until the
// credit note is booked.
func (w *world) refundCase(ctx context.Context, t *benchTenant, measure func(func() error) error) error {
	p, err := place(t, returning)
	if err != nil {
		return err
	}
	if err := w.signal(ctx, p, "calls-"+p.ID); err != nil {
		return err
	}
	if _, err := w.waitState(ctx, p, workflows.StateSettled); err != nil {
		return err
	}
	return measure(func() error {
		var rr prestashopsim.RefundRequest
		rr.Lines = append(rr.Lines, struct {
			Reference string `json:"reference"`
			Quantity  int    `json:"quantity"`
		}{"KOPP-1", 1})
		id, err := strconv.Atoi(p.ID)
		if err != nil {
			return err
		}
		slip, err := t.Shop.Refund(id, rr)
		if err != nil {
			return err
		}
		if err := w.signal(ctx, p, fmt.Sprintf("calls-slip-%d", slip)); err != nil {
			return err
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			v, err := w.env.Temporal.QueryWorkflow(ctx, workflows.OrderWorkflowID(p.Tenant, p.ID), "", workflows.QueryStatus)
			if err != nil {
				return err
			}
			var st workflows.OrderStatus
			if err := v.Get(&st); err != nil {
				return err
			}
			if len(st.Credited) == 1 {
				return nil
			}
			if st.State == workflows.StateNeedsAttention {
				return fmt.Errorf("refund parked: %s", st.Reason)
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("refund not credited: %+v", st)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}
