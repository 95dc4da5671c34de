package app

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/posim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// poStack is the e2e stack with tenant "demo" on PowerOffice Go.
type poStack struct {
	*stack
	po    *posim.Server
	poURL string
}

// powerOfficeTenant turns the example tenant into a PowerOffice Go one:
// keys as secrets, VAT rates mapped to sales accounts that carry them
// (PowerOffice takes VAT from the account), clearing accounts by number.
func powerOfficeTenant(t *testing.T, shopURL, poURL string) *tenant.Tenant {
	t.Helper()
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.Shop.BaseURL = shopURL
	tn.Settings.Ledger = tenant.LedgerSettings{Kind: tenant.LedgerPowerOffice, BaseURL: poURL + "/v2"}
	tn.Settings.VAT = []tenant.VATRule{
		{Rate: "25", VATType: "3", IncomeAccount: "3000"}, {Rate: "15", VATType: "31", IncomeAccount: "3030"},
		{Rate: "12", VATType: "33", IncomeAccount: "3050"}, {Rate: "0", VATType: "5", IncomeAccount: "3100"},
	}
	for i := range tn.Settings.PaymentMethods {
		pm := &tn.Settings.PaymentMethods[i]
		switch pm.Module {
		case "vipps":
			pm.Account = "1903"
		case "stripe_official":
			pm.Account, pm.FeeAccount = "1905", "7770"
		}
	}
	delete(tn.Secrets, SecretLedgerToken)
	tn.Secrets["ledger_application_key"] = "demo-app"
	tn.Secrets["ledger_client_key"] = "demo-client"
	tn.Secrets["ledger_subscription_key"] = "demo-sub"
	return tn
}

// startPowerOfficeStack starts the stack; edits change the tenant before
// it is stored.
func startPowerOfficeStack(t *testing.T, edits ...func(*tenant.Tenant)) *poStack {
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
	// Invoicing is asynchronous, as in PowerOffice: a new invoice is
	// being processed for a moment.
	po := posim.New(posim.Options{InvoiceProcessing: 300 * time.Millisecond})
	poSrv := httptest.NewServer(po)
	t.Cleanup(poSrv.Close)
	tn := powerOfficeTenant(t, psSrv.URL, poSrv.URL)
	for _, edit := range edits {
		edit(tn)
	}
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
	st := &poStack{stack: &stack{store: s, temporal: srv.Client(), taskQueue: "po-e2e-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		ps: ps, psURL: psSrv.URL}, po: po, poURL: poSrv.URL}
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

// poClient reads the tenant's PowerOffice client in the simulator.
func (st *poStack) poClient(t *testing.T) *poweroffice.Client {
	t.Helper()
	c, err := poweroffice.New(poweroffice.Config{BaseURL: st.poURL + "/v2", ApplicationKey: "demo-app", ClientKey: "demo-client",
		SubscriptionKey: "reader-sub"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// invoicesOf lists the outgoing invoices carrying the order's reference.
func (st *poStack) invoicesOf(t *testing.T, orderID string) []poweroffice.OutgoingInvoice {
	t.Helper()
	invs, err := st.poClient(t).ListOutgoingInvoices(context.Background(), poweroffice.InvoiceFilter{FromDate: "2000-01-01", ToDate: "2100-01-01",
		CustomMatchingReferences: ledgerdoc.Reference("demo", orderID)})
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

// openOrdersOf counts sales orders with the order's reference that were
// never invoiced.
func (st *poStack) openOrdersOf(t *testing.T, orderID string) int {
	t.Helper()
	own, err := st.poClient(t).ListOwnSalesOrders(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	ref := ledgerdoc.Reference("demo", orderID)
	return len(slices.DeleteFunc(own, func(so poweroffice.SalesOrder) bool { return so.ExternalImportReference != ref }))
}

// exactlyOnePaid checks one paid invoice for the order whose total is the
// shop's, and no stray sales order.
func (st *poStack) exactlyOnePaid(t *testing.T, orderID string, extra string) poweroffice.OutgoingInvoice {
	t.Helper()
	invs := st.invoicesOf(t, orderID)
	if len(invs) != 1 {
		t.Fatalf("order %s: %d invoices in PowerOffice, want exactly 1", orderID, len(invs))
	}
	if n := st.openOrdersOf(t, orderID); n != 0 {
		t.Fatalf("order %s: %d stray sales orders", orderID, n)
	}
	n, _ := strconv.Atoi(orderID)
	order, err := st.shopClient(t).Order(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	want := order.Totals.PaidTaxIncl
	if extra != "" {
		want += money.MustParse(extra)
	}
	if got := invs[0].TotalAmount.Ore(); got != want {
		t.Fatalf("order %s: invoice total %s ≠ shop total %s", orderID, got, want)
	}
	return invs[0]
}

func TestPowerOfficeOrderLandsInTheLedgerExactlyOnceToTheOre(t *testing.T) {
	t.Parallel()
	st := startPowerOfficeStack(t)

	// First order: customer, products and generated line products are new.
	first := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
	for _, ev := range []string{"d1", "d1", "d2", "d1", "d3"} {
		st.signal(t, first, ev, 2*time.Second)
	}
	if s := st.waitState(t, first, workflows.StateDone); s.LedgerDocID == "" {
		t.Fatalf("no document id: %+v", s)
	}
	if inv := st.exactlyOnePaid(t, first, ""); !inv.Paid() {
		t.Fatalf("a Vipps order must be booked paid: %+v", inv)
	}

	// Second order: every write of the document loses its response once
	// (sales order, invoicing, payment voucher) after PowerOffice
	// committed it, and the events arrive twice.
	st.po.SetFaults(posim.Faults{DropAfterCommitRate: 1, MaxFaults: 3})
	second := strconv.Itoa(placeOrder(t, st.ps, "vipps", 2).ID)
	for _, ev := range []string{"s1", "s1", "s2"} {
		st.signal(t, second, ev, 2*time.Second)
	}
	st.waitState(t, second, workflows.StateDone)
	if inv := st.exactlyOnePaid(t, second, ""); !inv.Paid() {
		t.Fatalf("second order not paid: %+v", inv)
	}
	stats := st.po.Stats()
	if stats.FaultsInjected != 3 || stats.ByStatus["dropped"] != 3 {
		t.Fatalf("faults injected %d, dropped %d; want 3 lost responses", stats.FaultsInjected, stats.ByStatus["dropped"])
	}
	if stats.RateViolations != 0 {
		t.Fatalf("%d rate violations", stats.RateViolations)
	}
	// A later event finds the document through the stored link.
	st.signal(t, second, "s9", 2*time.Second)
	time.Sleep(500 * time.Millisecond)
	st.waitState(t, second, workflows.StateDone)
	st.exactlyOnePaid(t, second, "")
}

func TestPowerOfficeCardPaymentAndSettlementReachTheShop(t *testing.T) {
	t.Parallel()
	st := startPowerOfficeStack(t)
	ctx := context.Background()

	// Stripe: an invoice on the receivable, then the payment moved to the
	// Stripe clearing account with the fee; the match settles it.
	card := strconv.Itoa(placeOrder(t, st.ps, "stripe_official", 2).ID)
	st.signal(t, card, "c1", 2*time.Second)
	st.waitState(t, card, workflows.StateDone)
	if inv := st.exactlyOnePaid(t, card, ""); !inv.Paid() {
		t.Fatalf("card order: invoice not settled by the payment voucher: %+v", inv)
	}

	// Bank wire: an unpaid invoice sent by e-mail with the invoice fee;
	// the customer pays, the settlement watcher sees it, the shop is told.
	wire := strconv.Itoa(placeOrder(t, st.ps, "ps_wirepayment", 3).ID)
	st.signal(t, wire, "w1", 2*time.Second)
	booked := st.waitState(t, wire, workflows.StateBooked)
	// createAndSendInvoice only queued the invoice: wait until it is made.
	for deadline := time.Now().Add(10 * time.Second); len(st.invoicesOf(t, wire)) == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	inv := st.exactlyOnePaid(t, wire, "39.00")
	if inv.Paid() || inv.ID != booked.LedgerDocID {
		t.Fatalf("wire order: invoice %+v, booked %+v; want an open invoice with the booked id", inv, booked)
	}
	sent, err := st.poClient(t).SentState(ctx, inv.ID)
	if err != nil || sent == nil || sent.InvoiceNo != inv.InvoiceNo {
		t.Fatalf("sent state %+v %v", sent, err)
	}
	if code, err := httpPost(fmt.Sprintf("%s/_sim/invoices/%d/settle", st.poURL, inv.InvoiceNo)); err != nil {
		t.Fatalf("settle: %d %v", code, err)
	}
	if res := st.runPoll(t, workflows.WatchSettlements); res.Handed < 1 {
		t.Fatalf("watcher handed %d settlements, want ≥1 (%+v)", res.Handed, res)
	}
	st.waitState(t, wire, workflows.StateDone)
	if v := st.po.Stats().RateViolations; v != 0 {
		t.Fatalf("%d rate violations", v)
	}
}

func TestPowerOfficeProductSyncCreatesEachSKUOnceAndThenStaysQuiet(t *testing.T) {
	t.Parallel()
	st := startPowerOfficeStack(t)
	ctx := context.Background()
	row, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn := row.Tenant
	tn.Secrets = nil
	tn.Settings.CreateProducts = true
	tn.Settings.ProductFields = map[string]string{"name": "newest", "price": "shop", "active": "ledger", "description": "ledger", "sku": "never"}
	if err := st.store.UpdateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	res := st.syncProducts(t)
	if res.Created != 7 || res.Conflicts != 0 {
		t.Fatalf("first run %+v, want 7 created (4 products + 3 combinations)", res)
	}
	c := st.poClient(t)
	all, err := c.ListProductsChanged(ctx, "")
	if err != nil || len(all) != 7 {
		t.Fatalf("PowerOffice has %d products, %v; want 7", len(all), err)
	}
	kaffe, err := c.FindProductByCode(ctx, "SKU-KAFFE")
	if err != nil || kaffe == nil {
		t.Fatalf("SKU-KAFFE: %+v %v", kaffe, err)
	}
	_, _, net, _ := shopProduct(t, st.shopClient(t), "SKU-KAFFE")
	if kaffe.StandardSalesAccount != 3030 || kaffe.UnitPrice == nil || kaffe.UnitPrice.Ore() != net {
		t.Fatalf("SKU-KAFFE = %+v; want sales account 3030 (15 %%) and the shop's net price %s", kaffe, net)
	}
	before := st.po.Stats().ByStatus
	res = st.syncProducts(t)
	if res.Created != 0 || res.Updated != 0 || res.Conflicts != 0 {
		t.Fatalf("second run %+v, want nothing to do", res)
	}
	if after := st.po.Stats().ByStatus; after["201"] != before["201"] {
		t.Fatalf("second run wrote to PowerOffice: %v → %v", before, after)
	}
}

// syncProducts runs the product sync once for tenant demo. It starts the
// workflow by name with a JSON object input, so that it does not depend on
// the input type's Go name.
func (st *poStack) syncProducts(t *testing.T) activities.SyncResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	run, err := st.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: st.taskQueue}, "SyncProducts",
		map[string]any{"TenantID": "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.SyncResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPowerOfficeRefundBecomesOneCreditNote(t *testing.T) {
	t.Parallel()
	st := startPowerOfficeStack(t)
	res := placeOrder(t, st.ps, "vipps", 2)
	id := strconv.Itoa(res.ID)
	st.signal(t, id, "a", time.Hour)
	st.waitState(t, id, workflows.StateSettled)

	var rr prestashopsim.RefundRequest
	rr.Lines = append(rr.Lines, struct {
		Reference string `json:"reference"`
		Quantity  int    `json:"quantity"`
	}{"KOPP-1", 1})
	slip, err := st.ps.Refund(res.ID, rr)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		st.signal(t, id, "slip-"+strconv.Itoa(slip), time.Hour)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(st.status(t, id).Credited) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("refund not credited: %+v", st.status(t, id))
		}
		time.Sleep(200 * time.Millisecond)
	}
	ref := activities.CreditReference("demo", id, strconv.Itoa(slip))
	var notes []poweroffice.OutgoingInvoice
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if notes, err = st.poClient(t).ListOutgoingInvoices(context.Background(), poweroffice.InvoiceFilter{FromDate: "2000-01-01", ToDate: "2100-01-01",
			CustomMatchingReferences: ref}); err != nil || len(notes) > 0 {
			break
		}
	}
	if err != nil || len(notes) != 1 {
		t.Fatalf("%d credit notes with reference %s (%v), want exactly 1", len(notes), ref, err)
	}
	// One cup at 199.00 incl. 25 % VAT.
	if notes[0].TotalAmount.Ore() != -money.MustParse("199.00") || notes[0].VoucherType != "OutgoingCreditNote" {
		t.Fatalf("credit note %+v, want an OutgoingCreditNote of -199.00", notes[0])
	}
	if inv := st.exactlyOnePaid(t, id, ""); !inv.Paid() {
		t.Fatalf("the original invoice changed: %+v", inv)
	}
}

// voucherEntries lists the manual journal entries of the customer ledger
// whose voucher carries ref as ExternalImportReference (the statement
// holds every kind of entry).
func (st *poStack) voucherEntries(t *testing.T, ref string) []poweroffice.CustomerLedgerEntry {
	t.Helper()
	es, err := st.poClient(t).CustomerLedgerStatement(context.Background(), poweroffice.LedgerFilter{FromDate: "2000-01-01", ToDate: "2100-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(es, func(e poweroffice.CustomerLedgerEntry) bool {
		return e.VoucherType != poweroffice.VoucherManualJournal || e.ExternalImportReference != ref
	})
}

// TestPowerOfficeSelfInvoicedSaleIsOneVoucherSettledAndCredited: a
// payment method whose invoices the shop issues itself. The order is one
// manual journal voucher — the customer's sub-ledger debited with the
// shop's total to the øre, each sales account credited as the document
// predicts — and no PowerOffice invoice; settled in the customer ledger,
// the shop is told; a refund is exactly one reversing voucher.
func TestPowerOfficeSelfInvoicedSaleIsOneVoucherSettledAndCredited(t *testing.T) {
	t.Parallel()
	st := startPowerOfficeStack(t, func(tn *tenant.Tenant) {
		tn.Settings.PaymentMethods = append(tn.Settings.PaymentMethods, tenant.PaymentMethod{Module: "ps_checkpayment", SelfInvoiced: true, DueDays: 14})
	})
	ctx := context.Background()
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "kari@example.no", "Kari", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 1", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", "Sjekk", "ps_checkpayment", 2
	in.Lines = []prestashopsim.PlaceOrderLine{
		{Reference: "KOPP-1", Name: "Kaffekopp", Quantity: 3, UnitPriceTaxIncl: "199.00", TaxRate: "25"},
		{Reference: "MAT-1", Name: "Kaffebønner 1 kg", Quantity: 2, UnitPriceTaxIncl: "249.90", TaxRate: "15"},
	}
	in.Shipping = &struct {
		PriceTaxIncl string `json:"price_tax_incl"`
		TaxRate      string `json:"tax_rate"`
		Carrier      int    `json:"carrier"`
	}{"79.00", "25", 1}
	res, err := st.ps.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.Itoa(res.ID)
	ref := ledgerdoc.Reference("demo", id)
	for _, ev := range []string{"v1", "v1", "v2"} {
		st.signal(t, id, ev, time.Hour)
	}
	booked := st.waitState(t, id, workflows.StateBooked)
	if !strings.HasPrefix(booked.LedgerDocID, "mj:") || booked.LedgerDocNo == "" {
		t.Fatalf("booked %+v; want a manual voucher id and number", booked)
	}

	// Exactly one voucher, of the shop's total, and nothing on route A.
	order, err := st.shopClient(t).Order(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	es := st.voucherEntries(t, ref)
	if len(es) != 1 || es[0].Amount.Ore() != order.Totals.PaidTaxIncl || !es[0].Open() || es[0].CustomMatchingReference != ref {
		t.Fatalf("customer ledger %+v; want one open entry of the shop total %s", es, order.Totals.PaidTaxIncl)
	}
	if n, m := len(st.invoicesOf(t, id)), st.openOrdersOf(t, id); n != 0 || m != 0 {
		t.Fatalf("%d outgoing invoices and %d sales orders for a self-invoiced sale, want none", n, m)
	}
	// Its lines: besides the sub-ledger line, each account credited with
	// what the document predicts for it (gross per sales account, i.e. per
	// VAT rate, and the rounding line, whichever its sign).
	row, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ledgerdoc.Build("demo", &row.Tenant.Settings, order)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]money.Ore{}
	for _, l := range d.Lines {
		no, _ := strconv.ParseInt(l.Account, 10, 64)
		want[no] -= l.Gross
	}
	c := st.poClient(t)
	accts, err := c.GeneralLedgerAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	noOf := map[int64]int64{}
	for _, a := range accts {
		noOf[a.ID] = a.AccountNo
	}
	v, err := c.GetManualVoucher(ctx, strings.TrimPrefix(booked.LedgerDocID, "mj:"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]money.Ore{}
	var sum money.Ore
	for _, l := range v.VoucherLines {
		sum += l.CurrencyAmount.Ore()
		if l.CustomMatchingReference != ref {
			got[noOf[l.AccountID]] += l.CurrencyAmount.Ore()
		}
	}
	if sum != 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("credit lines per account %v (sum %s), want %v", got, sum, want)
	}
	if len(want) < 2 {
		t.Fatalf("the document has %d accounts; the test wants two VAT rates", len(want))
	}

	// Settled in PowerOffice: the watcher hands it over, the shop is told.
	if code, err := httpPost(st.poURL + "/_sim/customerledger/" + url.PathEscape(ref) + "/settle"); err != nil {
		t.Fatalf("settle: %d %v", code, err)
	}
	if res := st.runPoll(t, workflows.WatchSettlements); res.Handed < 1 {
		t.Fatalf("watcher handed %d settlements, want ≥1 (%+v)", res.Handed, res)
	}
	st.waitState(t, id, workflows.StateSettled)
	states, err := st.shopClient(t).OrderStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := st.shopClient(t).OrderCurrentState(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(states, func(s prestashop.OrderState) bool { return s.ID == cur }); i < 0 || states[i].Name != "Oppgjort i regnskap" {
		t.Fatalf("shop order state %d, want the settled state", cur)
	}

	// A returned cup: exactly one reversing voucher, however often the
	// event arrives.
	var rr prestashopsim.RefundRequest
	rr.Lines = append(rr.Lines, struct {
		Reference string `json:"reference"`
		Quantity  int    `json:"quantity"`
	}{"KOPP-1", 1})
	slip, err := st.ps.Refund(res.ID, rr)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		st.signal(t, id, "slip-"+strconv.Itoa(slip), time.Hour)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(st.status(t, id).Credited) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("refund not credited: %+v", st.status(t, id))
		}
		time.Sleep(200 * time.Millisecond)
	}
	credit := st.voucherEntries(t, activities.CreditReference("demo", id, strconv.Itoa(slip)))
	if len(credit) != 1 || credit[0].Amount.Ore() != -money.MustParse("199.00") || credit[0].CustomMatchingReference != ref {
		t.Fatalf("credit entries %+v; want exactly one of -199.00 on the sale's matching reference", credit)
	}
	if es := st.voucherEntries(t, ref); len(es) != 1 || es[0].Open() {
		t.Fatalf("the sale changed: %+v", es)
	}
	if v := st.po.Stats().RateViolations; v != 0 {
		t.Fatalf("%d rate violations", v)
	}
}
