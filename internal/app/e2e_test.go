package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// stack is a running bokfor worker with real PostgreSQL, a real Temporal
// dev server and both simulators.
type stack struct {
	store     *store.Store
	temporal  client.Client
	taskQueue string
	ps        *prestashopsim.Server
	fk        *fikensim.Server
	fkURL     string
	psURL     string
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pool, err := store.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	key, _ := secrets.ParseKey(secrets.GenerateKey())
	box, _ := secrets.New(key)
	s := store.New(pool, box)

	ps := prestashopsim.New(prestashopsim.Options{})
	psSrv := httptest.NewServer(ps)
	t.Cleanup(psSrv.Close)
	fk := fikensim.New(fikensim.Options{})
	fkSrv := httptest.NewServer(fk)
	t.Cleanup(fkSrv.Close)

	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.Shop.BaseURL = psSrv.URL
	tn.Settings.Ledger.BaseURL = fkSrv.URL + "/api/v2"
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}

	srv := devserver.ForTest(t, client.Options{})
	log := zaptest.NewLogger(t)
	conns, err := PostgresConnectors(ctx, s, log)
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	t.Cleanup(func() { _ = m.Close() })
	st := &stack{store: s, temporal: srv.Client(), taskQueue: "e2e-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		ps: ps, fk: fk, fkURL: fkSrv.URL + "/api/v2", psURL: psSrv.URL}
	done := make(chan error, 1)
	go func() {
		done <- RunWorker(ctx, WorkerDeps{Log: log, Temporal: srv.Client(), Store: s, Metrics: m, Connectors: conns, TaskQueue: st.taskQueue})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Log("worker did not stop in time")
		}
	})
	return st
}

// signal delivers a shop event the way the starter does.
func (st *stack) signal(t *testing.T, orderID, eventID string, quiet time.Duration) {
	t.Helper()
	_, err := st.temporal.SignalWithStartWorkflow(context.Background(), workflows.OrderWorkflowID("demo", orderID), workflows.SignalShopEvent,
		workflows.ShopEvent{ID: eventID, Topic: "order"},
		client.StartWorkflowOptions{
			ID: workflows.OrderWorkflowID("demo", orderID), TaskQueue: st.taskQueue,
			WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.AttrTenantID.ValueSet("demo"), workflows.AttrShopOrderRef.ValueSet(orderID)),
		}, workflows.Order, workflows.OrderInput{TenantID: "demo", ShopOrderID: orderID, QuietPeriod: quiet})
	if err != nil {
		t.Fatal(err)
	}
}

func (st *stack) status(t *testing.T, orderID string) workflows.OrderStatus {
	t.Helper()
	v, err := st.temporal.QueryWorkflow(context.Background(), workflows.OrderWorkflowID("demo", orderID), "", workflows.QueryStatus)
	if err != nil {
		t.Fatal(err)
	}
	var s workflows.OrderStatus
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (st *stack) waitState(t *testing.T, orderID string, want workflows.OrderState) workflows.OrderStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := st.status(t, orderID)
		if s.State == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s is %s (%s), want %s; history %+v", orderID, s.State, s.Reason, want, s.History)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (st *stack) fikenClient(t *testing.T) *fiken.Client {
	t.Helper()
	c, err := fiken.New(fiken.Config{BaseURL: st.fkURL, CompanySlug: "demo", Token: fiken.PersonalToken("reader")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (st *stack) shopClient(t *testing.T) *prestashop.Client {
	t.Helper()
	c, err := prestashop.New(prestashop.Config{BaseURL: st.psURL, Key: prestashopsim.DefaultKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func placeOrder(t *testing.T, ps *prestashopsim.Server, module string, state int) prestashopsim.PlaceOrderResult {
	t.Helper()
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "kari@example.no", "Kari", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 1", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", module, module, state
	in.Lines = []prestashopsim.PlaceOrderLine{
		{Reference: "KOPP-1", Name: "Kaffekopp", Quantity: 3, UnitPriceTaxIncl: "199.00", TaxRate: "25"},
		{Reference: "MAT-1", Name: "Kaffebønner 1 kg", Quantity: 2, UnitPriceTaxIncl: "249.90", TaxRate: "15"},
	}
	res, err := ps.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestOrderLandsInTheLedgerExactlyOnceToTheOre(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	res := placeOrder(t, st.ps, "vipps", 2)
	id := strconv.Itoa(res.ID)

	// The same delivery three times and two more hints: one document.
	for _, ev := range []string{"d1", "d1", "d2", "d1", "d3"} {
		st.signal(t, id, ev, 2*time.Second)
	}
	final := st.waitState(t, id, workflows.StateDone)
	if final.LedgerDocID == "" {
		t.Fatalf("no document id: %+v", final)
	}

	fc := st.fikenClient(t)
	invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ledgerdoc.Reference("demo", id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 1 {
		t.Fatalf("%d invoices for the order, want exactly 1", len(invs))
	}
	order, err := st.shopClient(t).Order(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if money.Ore(invs[0].Gross) != order.Totals.PaidTaxIncl {
		t.Fatalf("invoice gross %s ≠ shop total %s", invs[0].Gross, order.Totals.PaidTaxIncl)
	}
	if !invs[0].Cash {
		t.Fatal("a Vipps order must be booked as a paid (cash) invoice")
	}
	for _, l := range invs[0].Lines {
		if l.Description != "Øreavrunding" && l.ProductID == 0 && l.Description != "" && l.VatType != "" && l.IncomeAccount == "" {
			t.Errorf("line %q is not linked to a product", l.Description)
		}
	}
	// The shop was told: the order is in the "settled in accounting" state.
	states, err := st.shopClient(t).OrderStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.shopClient(t).OrderCurrentState(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	var curName string
	for _, s := range states {
		if s.ID == cur {
			curName = s.Name
		}
	}
	if curName != "Oppgjort i regnskap" {
		t.Fatalf("shop order state is %q (%d), want the settled state", curName, cur)
	}
	// The shop's webhook about that change is recognised as our echo.
	if echo, err := st.store.IsExpectedEcho(ctx, "demo", id, strconv.Itoa(cur)); err != nil || !echo {
		t.Fatalf("settled-state write not recorded as an expected echo: %v %v", echo, err)
	}
	if v := st.fk.Stats().RateViolations; v != 0 {
		t.Fatalf("%d rate violations", v)
	}
	// The invoice number is learnt from the settlement watcher's listing.
	if res := st.runPoll(t, workflows.WatchSettlements); res.Numbered != 1 {
		t.Fatalf("watcher numbered %d documents, want 1 (%+v)", res.Numbered, res)
	}
	rec, err := st.store.Order(ctx, "demo", id)
	if err != nil || rec.LedgerDocNo != strconv.FormatInt(invs[0].InvoiceNumber, 10) || rec.LedgerDocID != final.LedgerDocID {
		t.Fatalf("order record = %+v, %v; want invoice number %d", rec, err, invs[0].InvoiceNumber)
	}

	// A returning customer with known products costs exactly one ledger call.
	before := st.fk.Stats().Requests
	second := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
	st.signal(t, second, "s1", 2*time.Second)
	st.waitState(t, second, workflows.StateDone)
	if calls := st.fk.Stats().Requests - before; calls != 1 {
		t.Fatalf("returning customer, known products: %d ledger calls, want 1", calls)
	}
	// The event that started the workflow is covered by its first read of
	// the order: one read, not two.
	if n := st.activityCount(t, workflows.OrderWorkflowID("demo", second), "LoadOrder"); n != 1 {
		t.Fatalf("the order was read from the shop %d times for one event, want 1", n)
	}

	// A later event starts a new run, which finds the document in the
	// store and books nothing again.
	st.signal(t, id, "d9", 2*time.Second)
	time.Sleep(500 * time.Millisecond)
	st.waitState(t, id, workflows.StateDone)
	invs, _ = fc.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: ledgerdoc.Reference("demo", id)})
	if len(invs) != 1 {
		t.Fatalf("after a new run: %d invoices, want 1", len(invs))
	}
}

func TestUnpaidInvoiceIsSentAndSettlementReachesTheShop(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	res := placeOrder(t, st.ps, "ps_wirepayment", 3)
	id := strconv.Itoa(res.ID)
	st.signal(t, id, "e1", 2*time.Second)
	booked := st.waitState(t, id, workflows.StateBooked)

	fc := st.fikenClient(t)
	inv, err := fc.GetInvoice(ctx, mustInt(t, booked.LedgerDocID))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Cash || len(inv.Dispatches) == 0 {
		t.Fatalf("bank-wire order: cash=%v dispatches=%v; want an unpaid invoice that was sent", inv.Cash, inv.Dispatches)
	}
	// The fee line is on top of the shop's total.
	order, _ := st.shopClient(t).Order(ctx, res.ID)
	if money.Ore(inv.Gross) != order.Totals.PaidTaxIncl+money.MustParse("39.00") {
		t.Fatalf("invoice gross %s, want shop total %s + fee 39.00", inv.Gross, order.Totals.PaidTaxIncl)
	}

	// The customer pays; the ledger settles; the watcher signals.
	req, _ := http.NewRequest("POST", st.fkURL[:len(st.fkURL)-len("/api/v2")]+"/_sim/invoices/"+booked.LedgerDocID+"/settle", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode >= 300 {
		t.Fatalf("settle: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := st.temporal.SignalWorkflow(ctx, workflows.OrderWorkflowID("demo", id), "", workflows.SignalSettled, workflows.SettledEvent{DocumentID: booked.LedgerDocID}); err != nil {
		t.Fatal(err)
	}
	st.waitState(t, id, workflows.StateDone)
	inv, _ = fc.GetInvoice(ctx, inv.InvoiceID)
	if inv.Sale == nil || !inv.Sale.Settled {
		t.Fatal("invoice not settled in the simulator")
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func httpPost(url string) (int, error) {
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("POST %s: %s", url, resp.Status)
	}
	return resp.StatusCode, nil
}

// activityCount counts the activities of a type a workflow scheduled.
func (st *stack) activityCount(t *testing.T, workflowID, activityType string) int {
	t.Helper()
	it := st.temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == activityType {
			n++
		}
	}
	return n
}
