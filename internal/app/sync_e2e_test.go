package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap/zaptest"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// syncStack is a stack whose ledger traffic goes through a proxy that
// counts write calls (fikensim's Stats do not tell GET from PUT).
type syncStack struct {
	*stack
	ledgerWrites atomic.Int64
}

func startSyncStack(t *testing.T, settings func(*tenant.Settings)) *syncStack {
	t.Helper()
	ss := &syncStack{stack: startStack(t)}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			ss.ledgerWrites.Add(1)
		}
		ss.fk.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	ss.configure(t, func(s *tenant.Settings) {
		s.Ledger.BaseURL = proxy.URL + "/api/v2"
		settings(s)
	})
	return ss
}

// configure changes the demo tenant's settings.
func (ss *syncStack) configure(t *testing.T, change func(*tenant.Settings)) {
	t.Helper()
	ctx := context.Background()
	row, err := ss.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn := row.Tenant
	tn.Secrets = nil
	change(&tn.Settings)
	if err := ss.store.UpdateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
}

func (ss *syncStack) runSync(t *testing.T, wf any) activities.SyncResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	run, err := ss.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: ss.taskQueue}, wf, workflows.PollInput{TenantID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.SyncResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// shopWrites counts the shop simulator's write requests.
func (ss *syncStack) shopWrites() int {
	n := 0
	for k, v := range ss.ps.Stats().Requests {
		for _, m := range []string{"POST ", "PUT ", "PATCH ", "DELETE "} {
			if len(k) > len(m) && k[:len(m)] == m {
				n += v
			}
		}
	}
	return n
}

// assertQuiet runs wf again and fails if it writes anything anywhere.
func (ss *syncStack) assertQuiet(t *testing.T, wf any) activities.SyncResult {
	t.Helper()
	lw, sw := ss.ledgerWrites.Load(), ss.shopWrites()
	res := ss.runSync(t, wf)
	if res.Created != 0 || res.Updated != 0 || res.Conflicts != 0 {
		t.Fatalf("a run with nothing changed reports %+v, want no creates, updates or conflicts", res)
	}
	if d := ss.ledgerWrites.Load() - lw; d != 0 {
		t.Fatalf("a run with nothing changed made %d ledger writes", d)
	}
	if d := ss.shopWrites() - sw; d != 0 {
		t.Fatalf("a run with nothing changed made %d shop writes", d)
	}
	return res
}

func ledgerProduct(t *testing.T, fc *fiken.Client, sku string) *fiken.Product {
	t.Helper()
	p, err := fc.FindProductByNumber(context.Background(), sku)
	if err != nil || p == nil {
		t.Fatalf("ledger product %s: %v, %v", sku, p, err)
	}
	return p
}

func shopProduct(t *testing.T, pc *prestashop.Client, sku string) (int, string, money.Ore, bool) {
	t.Helper()
	ctx := context.Background()
	ids, err := pc.ProductIDsByReference(ctx, sku)
	if err != nil || len(ids) != 1 {
		t.Fatalf("shop product %s: %v, %v", sku, ids, err)
	}
	p, err := pc.Product(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return ids[0], p.Name, p.PriceTaxExcl, p.Active
}

// updateLedger changes a ledger product the way a user in the ledger would.
func updateLedger(t *testing.T, fc *fiken.Client, p *fiken.Product, change func(*fiken.ProductRequest)) {
	t.Helper()
	req := fiken.ProductRequest{Name: p.Name, UnitPrice: p.UnitPrice, IncomeAccount: p.IncomeAccount, VatType: p.VatType,
		Active: p.Active, ProductNumber: p.ProductNumber, Stock: p.Stock, Note: p.Note}
	change(&req)
	if err := fc.UpdateProduct(context.Background(), p.ProductID, req); err != nil {
		t.Fatal(err)
	}
}

func TestProductSyncBothWaysPerOwnership(t *testing.T) {
	t.Parallel()
	ss := startSyncStack(t, func(s *tenant.Settings) {
		s.CreateProducts = true
		s.ProductFields = map[string]string{"name": "newest", "price": "shop", "active": "ledger", "description": "ledger", "sku": "never"}
	})
	ctx := context.Background()
	fc, pc := ss.fikenClient(t), ss.shopClient(t)

	// First run: the seeded catalogue (4 products, one with 3
	// combinations) lands in the empty ledger, each SKU once.
	res := ss.runSync(t, workflows.SyncProducts)
	if res.Created != 7 || res.Conflicts != 0 {
		t.Fatalf("first run %+v, want 7 created (4 products + 3 combinations)", res)
	}
	all, err := fc.ListProducts(ctx, fiken.ProductFilter{})
	if err != nil || len(all) != 7 {
		t.Fatalf("ledger has %d products, %v; want 7", len(all), err)
	}
	kaffe := ledgerProduct(t, fc, "SKU-KAFFE")
	_, _, kaffeNet, _ := shopProduct(t, pc, "SKU-KAFFE")
	if kaffe.Name != "Kaffe 500 g" || kaffe.UnitPrice != kaffeNet || kaffe.VatType != "MEDIUM" || !kaffe.Active {
		t.Fatalf("ledger SKU-KAFFE = %+v, want the shop's name, net price %s, VAT MEDIUM (15 %%), active", kaffe, kaffeNet)
	}
	if m := ledgerProduct(t, fc, "SKU-TSHIRT-M"); m.Name != "T-skjorte M" || m.VatType != "HIGH" {
		t.Fatalf("combination SKU-TSHIRT-M = %+v, want its own ledger product named \"T-skjorte M\" with VAT HIGH", m)
	}
	if link, err := ss.store.LinkByShopID(ctx, "demo", store.LinkProduct, "SKU-KAFFE"); err != nil || link.LedgerID != strconv.FormatInt(kaffe.ProductID, 10) || len(link.Snapshot) == 0 {
		t.Fatalf("link of SKU-KAFFE = %+v, %v; want the ledger id with a snapshot", link, err)
	}
	// Nothing changed: nothing is written.
	ss.assertQuiet(t, workflows.SyncProducts)

	// A name changed in the shop (newest) reaches the ledger.
	kaffeID, _, _, _ := shopProduct(t, pc, "SKU-KAFFE")
	name := "Kaffe 500 g, mørkbrent"
	if err := pc.UpdateProduct(ctx, kaffeID, prestashop.ProductUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if res := ss.runSync(t, workflows.SyncProducts); res.Updated != 1 || res.Conflicts != 0 {
		t.Fatalf("after a shop name change: %+v, want 1 updated", res)
	}
	if got := ledgerProduct(t, fc, "SKU-KAFFE"); got.Name != name || got.UnitPrice != kaffeNet {
		t.Fatalf("ledger SKU-KAFFE = %+v, want name %q and the price unchanged", got, name)
	}
	if _, n, _, _ := shopProduct(t, pc, "SKU-KAFFE"); n != name {
		t.Fatalf("the shop's own change was undone: %q", n)
	}

	// A name changed in the ledger (newest) reaches the shop; deactivating
	// in the ledger (ledger-owned) too; a price changed in the ledger
	// (shop-owned) is put back from the shop.
	kino := ledgerProduct(t, fc, "SKU-KINO")
	updateLedger(t, fc, kino, func(r *fiken.ProductRequest) { r.Name = "Kinobillett voksen"; r.Active = false })
	bok := ledgerProduct(t, fc, "SKU-BOK")
	updateLedger(t, fc, bok, func(r *fiken.ProductRequest) { r.UnitPrice = 1 })
	if res := ss.runSync(t, workflows.SyncProducts); res.Updated != 2 || res.Conflicts != 0 {
		t.Fatalf("after ledger changes: %+v, want 2 updated", res)
	}
	if _, n, _, active := shopProduct(t, pc, "SKU-KINO"); n != "Kinobillett voksen" || active {
		t.Fatalf("shop SKU-KINO = %q active=%v, want the ledger's name and inactive", n, active)
	}
	_, _, bokNet, _ := shopProduct(t, pc, "SKU-BOK")
	if got := ledgerProduct(t, fc, "SKU-BOK"); got.UnitPrice != bokNet {
		t.Fatalf("ledger SKU-BOK price %s, want the shop's %s back (price is shop-owned)", got.UnitPrice, bokNet)
	}
	if got := ledgerProduct(t, fc, "SKU-KINO"); got.Name != "Kinobillett voksen" || got.Active {
		t.Fatalf("the ledger's own change was undone: %+v", got)
	}

	// Both sides rename the same product: a conflict, reported, the
	// ledger wins on both sides.
	koppID, _, _, _ := shopProduct(t, pc, "SKU-KOPP")
	shopName := "Kopp (butikk)"
	if err := pc.UpdateProduct(ctx, koppID, prestashop.ProductUpdate{Name: &shopName}); err != nil {
		t.Fatal(err)
	}
	updateLedger(t, fc, ledgerProduct(t, fc, "SKU-KOPP"), func(r *fiken.ProductRequest) { r.Name = "Kopp (regnskap)" })
	res = ss.runSync(t, workflows.SyncProducts)
	if res.Conflicts != 1 || !slices.Contains(res.ConflictDetails, "SKU-KOPP name") {
		t.Fatalf("after renaming on both sides: %+v, want the conflict \"SKU-KOPP name\"", res)
	}
	if _, n, _, _ := shopProduct(t, pc, "SKU-KOPP"); n != "Kopp (regnskap)" {
		t.Fatalf("shop SKU-KOPP = %q, want the ledger's name (the ledger wins conflicts)", n)
	}
	if got := ledgerProduct(t, fc, "SKU-KOPP"); got.Name != "Kopp (regnskap)" {
		t.Fatalf("ledger SKU-KOPP = %q", got.Name)
	}

	// New in the ledger: an active product with a product number is
	// created in the shop once; an inactive one and one without a product
	// number (a fee, say) are not.
	for _, req := range []fiken.ProductRequest{
		{Name: "Te 100 g", UnitPrice: 4000, IncomeAccount: "3000", VatType: "MEDIUM", Active: true, ProductNumber: "SKU-TE"},
		{Name: "Utgått", UnitPrice: 100, IncomeAccount: "3000", VatType: "HIGH", Active: false, ProductNumber: "SKU-OLD"},
		{Name: "Frakt", UnitPrice: 9900, IncomeAccount: "3000", VatType: "HIGH", Active: true},
	} {
		if _, err := fc.CreateProduct(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if res := ss.runSync(t, workflows.SyncProducts); res.Created != 1 || res.Updated != 0 {
		t.Fatalf("after new ledger products: %+v, want 1 created", res)
	}
	teID, teName, teNet, teActive := shopProduct(t, pc, "SKU-TE")
	if teName != "Te 100 g" || teNet != 4000 || !teActive {
		t.Fatalf("shop SKU-TE = %q %s active=%v, want the ledger's name, net 40.00, active", teName, teNet, teActive)
	}
	if te, err := pc.Product(ctx, teID); err != nil || te.TaxRate != 1500 {
		t.Fatalf("shop SKU-TE tax rate %v, %v; want 15 %% (MEDIUM)", te.TaxRate, err)
	}
	if ids, err := pc.ProductIDsByReference(ctx, "SKU-OLD"); err != nil || len(ids) != 0 {
		t.Fatalf("inactive ledger product reached the shop: %v, %v", ids, err)
	}

	// The parent SKU of a product with combinations is not a shop product
	// of its own; a combination known to the ledger through a link without
	// snapshot (as the order flow leaves it) is found by its reference and
	// follows the shop (combinations are read-only), never duplicated.
	if _, err := fc.CreateProduct(ctx, fiken.ProductRequest{Name: "T-skjorte", UnitPrice: 15920, IncomeAccount: "3000", VatType: "HIGH",
		Active: true, ProductNumber: "SKU-TSHIRT"}); err != nil {
		t.Fatal(err)
	}
	tshirtL := ledgerProduct(t, fc, "SKU-TSHIRT-L")
	if err := ss.store.PutLink(ctx, store.Link{TenantID: "demo", Kind: store.LinkProduct, ShopID: "SKU-TSHIRT-L",
		LedgerID: strconv.FormatInt(tshirtL.ProductID, 10)}); err != nil {
		t.Fatal(err)
	}
	updateLedger(t, fc, tshirtL, func(r *fiken.ProductRequest) { r.Name = "T-skjorte large" })
	if res := ss.runSync(t, workflows.SyncProducts); res.Created != 0 || res.Updated != 1 {
		t.Fatalf("after the parent SKU and a renamed combination in the ledger: %+v, want nothing created, 1 updated", res)
	}
	for _, sku := range []string{"SKU-TSHIRT", "SKU-TSHIRT-L"} {
		if ids, err := pc.ProductIDsByReference(ctx, sku); err != nil || len(ids) > 1 || (sku == "SKU-TSHIRT-L" && len(ids) != 0) {
			t.Fatalf("shop products with reference %s: %v, %v; none may be added", sku, ids, err)
		}
	}
	if got := ledgerProduct(t, fc, "SKU-TSHIRT-L").Name; got != "T-skjorte L" {
		t.Fatalf("ledger SKU-TSHIRT-L = %q, want the shop's name back (combinations follow the shop)", got)
	}

	// Everything settled: a further run writes nothing.
	ss.assertQuiet(t, workflows.SyncProducts)
	if v := ss.fk.Stats().RateViolations; v != 0 {
		t.Fatalf("%d rate violations", v)
	}
}

func TestStockFollowsItsMaster(t *testing.T) {
	t.Parallel()
	ss := startSyncStack(t, func(s *tenant.Settings) {
		s.CreateProducts = true
		s.StockMaster = tenant.StockMasterLedger
	})
	ctx := context.Background()
	fc, pc := ss.fikenClient(t), ss.shopClient(t)
	if res := ss.runSync(t, workflows.SyncProducts); res.Created != 7 {
		t.Fatalf("product sync %+v, want 7 created", res)
	}

	// Ledger as master: the ledger counts 40 coffees; a shop order of 2
	// that the ledger has not booked yet is already off the shop's stock,
	// so the shop must show 38, not 40 and not 36.
	updateLedger(t, fc, ledgerProduct(t, fc, "SKU-KAFFE"), func(r *fiken.ProductRequest) { v := 40.0; r.Stock = &v })
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "ola@example.no", "Ola", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 2", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", "ps_wirepayment", "ps_wirepayment", 10
	in.Lines = []prestashopsim.PlaceOrderLine{{Reference: "SKU-KAFFE", Name: "Kaffe 500 g", Quantity: 2, UnitPriceTaxIncl: "89.90", TaxRate: "15"}}
	order, err := ss.ps.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.store.PutOrder(ctx, store.OrderRecord{TenantID: "demo", ShopOrderID: strconv.Itoa(order.ID),
		WorkflowID: workflows.OrderWorkflowID("demo", strconv.Itoa(order.ID)), State: "waiting"}); err != nil {
		t.Fatal(err)
	}
	res := ss.runSync(t, workflows.SyncStock)
	if res.Updated != 1 {
		t.Fatalf("ledger-master stock sync %+v, want 1 updated (only SKU-KAFFE has ledger stock)", res)
	}
	kaffeID, _, _, _ := shopProduct(t, pc, "SKU-KAFFE")
	if q := shopQuantity(t, pc, kaffeID, ""); q != 38 {
		t.Fatalf("shop stock of SKU-KAFFE = %d, want 40 in the ledger − 2 unbooked = 38", q)
	}
	ss.assertQuiet(t, workflows.SyncStock)

	// Once the order is booked, its units count in the ledger instead.
	if err := ss.store.PutOrder(ctx, store.OrderRecord{TenantID: "demo", ShopOrderID: strconv.Itoa(order.ID),
		WorkflowID: workflows.OrderWorkflowID("demo", strconv.Itoa(order.ID)), State: "booked", LedgerDocID: "1"}); err != nil {
		t.Fatal(err)
	}
	updateLedger(t, fc, ledgerProduct(t, fc, "SKU-KAFFE"), func(r *fiken.ProductRequest) { v := 38.0; r.Stock = &v })
	ss.assertQuiet(t, workflows.SyncStock)

	// Shop as master: every linked ledger product gets the shop's stock,
	// combinations included.
	ss.configure(t, func(s *tenant.Settings) { s.StockMaster = tenant.StockMasterShop })
	res = ss.runSync(t, workflows.SyncStock)
	if res.Updated != 6 {
		t.Fatalf("shop-master stock sync %+v, want 6 updated (every product but SKU-KAFFE, already 38)", res)
	}
	for sku, want := range map[string]float64{"SKU-BOK": 12, "SKU-KINO": 1000, "SKU-TSHIRT-M": 10, "SKU-KAFFE": 38} {
		if p := ledgerProduct(t, fc, sku); p.Stock == nil || *p.Stock != want {
			t.Errorf("ledger stock of %s = %v, want %v", sku, p.Stock, want)
		}
	}
	ss.assertQuiet(t, workflows.SyncStock)
}

func shopQuantity(t *testing.T, pc *prestashop.Client, productID int, variantID string) int {
	t.Helper()
	rows, err := pc.StockLevels(context.Background(), productID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.VariantID == variantID {
			return r.Quantity
		}
	}
	t.Fatalf("no stock row for product %d variant %q in %+v", productID, variantID, rows)
	return 0
}

func TestSyncSchedulesFollowTenantSettings(t *testing.T) {
	t.Parallel()
	st := startStack(t)
	ctx := context.Background()
	s := &Scheduler{Client: st.temporal, Store: st.store, TaskQueue: st.taskQueue, Log: zaptest.NewLogger(t)}
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	every := func(id string) time.Duration { return st.scheduleEvery(t, id) }
	if got := every("sync-products-demo"); got != time.Hour {
		t.Fatalf("sync-products-demo every %v, want 1h", got)
	}
	if got := every("sync-stock-demo"); got != 15*time.Minute {
		t.Fatalf("sync-stock-demo every %v, want 15m", got)
	}
	row, err := st.store.Tenant(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tn := row.Tenant
	tn.Secrets = nil
	tn.Settings.Schedules.Stock.Duration = 0
	if err := st.store.UpdateTenant(ctx, &tn); err != nil {
		t.Fatal(err)
	}
	if err := s.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if got := every("sync-stock-demo"); got != -1 {
		t.Fatalf("stock schedule should be deleted, every %v", got)
	}
	if got := every("sync-products-demo"); got != time.Hour {
		t.Fatalf("sync-products-demo every %v after the update, want 1h", got)
	}
}

// TestProductSyncResumesFromItsCursor runs the product sync activity as a
// retried attempt whose crashed predecessor had heartbeated a cursor: the
// retry carries the counts on, handles only what lies after the cursor and
// stores the watermark the first attempt fixed, so the next run still
// brings over what the crash left behind.
func TestProductSyncResumesFromItsCursor(t *testing.T) {
	t.Parallel()
	ss := startSyncStack(t, func(s *tenant.Settings) {
		s.CreateProducts = true
		s.ProductFields = map[string]string{"name": "newest"}
	})
	ctx := context.Background()
	fc, pc := ss.fikenClient(t), ss.shopClient(t)
	if res := ss.runSync(t, workflows.SyncProducts); res.Created != 7 {
		t.Fatalf("first run %+v, want 7 created", res)
	}
	before, err := ss.store.Watermark(ctx, "demo", activities.WatermarkProductsShop)
	if err != nil || before == "" {
		t.Fatalf("shop watermark %q, %v", before, err)
	}
	for sku, name := range map[string]string{"SKU-KAFFE": "Kaffe (ny)", "SKU-KOPP": "Kopp (ny)"} {
		id, _, _, _ := shopProduct(t, pc, sku)
		if err := pc.UpdateProduct(ctx, id, prestashop.ProductUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
	}

	conns, err := PostgresConnectors(ctx, ss.store, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	syncs := &activities.Syncs{Store: ss.store, Connectors: conns}
	env.RegisterActivity(syncs)
	// The crashed attempt had passed the shop listing and, in the ledger
	// phase, every SKU up to SKU-KINO, with 5 read and 1 updated.
	env.SetHeartbeatDetails(map[string]any{"NextShopWM": before, "NextLedgerWM": time.Now().UTC().Format(time.DateOnly),
		"Phase": 2, "LastSKU": "SKU-KINO", "Res": map[string]any{"Read": 5, "Updated": 1}})
	v, err := env.ExecuteActivity(syncs.SyncProducts, activities.SyncInput{TenantID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.SyncResult
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	if res.Updated != 2 || res.Read != 5+4 {
		t.Fatalf("resumed attempt %+v, want the carried counts plus SKU-KOPP and the three T-shirts (read 9, updated 2)", res)
	}
	if got := ledgerProduct(t, fc, "SKU-KOPP").Name; got != "Kopp (ny)" {
		t.Fatalf("ledger SKU-KOPP = %q, want the shop's new name", got)
	}
	if got := ledgerProduct(t, fc, "SKU-KAFFE").Name; got != "Kaffe 500 g" {
		t.Fatalf("ledger SKU-KAFFE = %q: the resumed attempt went over ground before its cursor", got)
	}
	if wm, _ := ss.store.Watermark(ctx, "demo", activities.WatermarkProductsShop); wm != before {
		t.Fatalf("shop watermark %q after the resumed attempt, want the first attempt's %q", wm, before)
	}
	// The next run still sees SKU-KAFFE's change.
	if res := ss.runSync(t, workflows.SyncProducts); res.Updated != 1 {
		t.Fatalf("next run %+v, want SKU-KAFFE updated", res)
	}
	if got := ledgerProduct(t, fc, "SKU-KAFFE").Name; got != "Kaffe (ny)" {
		t.Fatalf("ledger SKU-KAFFE = %q after the next run", got)
	}
	ss.assertQuiet(t, workflows.SyncProducts)
}

// TestProductSyncNeverDuplicatesAfterLostResponses loses the responses of
// the first ledger creates (applied, connection dropped): the retried
// attempt finds those products and links them, so every SKU exists once.
func TestProductSyncNeverDuplicatesAfterLostResponses(t *testing.T) {
	t.Parallel()
	ss := startSyncStack(t, func(s *tenant.Settings) { s.CreateProducts = true })
	ctx := context.Background()
	ss.fk.SetFaults(fikensim.Faults{DropAfterCommitRate: 1, MaxFaults: 2})
	res := ss.runSync(t, workflows.SyncProducts)
	ss.fk.SetFaults(fikensim.Faults{})
	if got := ss.fk.Stats().FaultsInjected; got != 2 {
		t.Fatalf("%d faults injected, want 2", got)
	}
	all, err := ss.fikenClient(t).ListProducts(ctx, fiken.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range all {
		seen[p.ProductNumber]++
	}
	if len(all) != 7 || len(seen) != 7 {
		t.Fatalf("ledger has %d products for %d SKUs (%v), want 7 each once; result %+v", len(all), len(seen), seen, res)
	}
	for sku := range seen {
		if _, err := ss.store.LinkByShopID(ctx, "demo", store.LinkProduct, sku); err != nil {
			t.Errorf("no link for %s: %v", sku, err)
		}
	}
	ss.assertQuiet(t, workflows.SyncProducts)
}

func shopCustomers(t *testing.T, pc *prestashop.Client, email string) []domain.Customer {
	t.Helper()
	cs, err := pc.CustomersByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestCustomerSyncImportsOnceAndMovesChangesPerOwnership(t *testing.T) {
	t.Parallel()
	ss := startSyncStack(t, func(s *tenant.Settings) {
		s.CustomerFields = map[string]string{"name": "newest", "email": "newest", "organization_number": "ledger"}
	})
	ctx := context.Background()
	fc, pc := ss.fikenClient(t), ss.shopClient(t)
	ids := map[string]int64{}
	for key, req := range map[string]fiken.ContactRequest{
		"ola":  {Name: "Ola Hansen", Email: "ola@example.no", Customer: true, Address: &fiken.Address{StreetAddress: "Storgata 5", PostCode: "0155", City: "Oslo", Country: "Norge"}},
		"kari": {Name: "Kari Nordmann", Email: "kari@example.no", Customer: true},
		"bygg": {Name: "Bygg AS", Email: "post@bygg.no", OrganizationNumber: "999888777", Customer: true, Address: &fiken.Address{StreetAddress: "Industriveien 1", PostCode: "5003", City: "Bergen", Country: "Norge"}},
		"anon": {Name: "Uten Epost", Customer: true},
	} {
		id, err := fc.CreateContact(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = id
	}
	addressesBefore := ss.ps.Stats().Requests["POST addresses"]

	// Ledger customers reach the shop: Ola and Bygg AS are created with
	// their addresses, Kari (already a shop customer) is matched by
	// e-mail, the contact without e-mail is skipped.
	res := ss.runSync(t, workflows.SyncCustomers)
	if res.Created != 2 || res.Skipped != 1 || res.Conflicts != 0 {
		t.Fatalf("first customer sync %+v, want 2 created and 1 skipped", res)
	}
	for _, email := range []string{"ola@example.no", "kari@example.no", "post@bygg.no"} {
		if cs := shopCustomers(t, pc, email); len(cs) != 1 {
			t.Fatalf("%d shop customers with %s, want exactly 1: %+v", len(cs), email, cs)
		}
	}
	if n := ss.ps.Stats().Requests["POST addresses"] - addressesBefore; n != 2 {
		t.Fatalf("%d addresses created, want 2 (Ola's and Bygg AS's)", n)
	}
	bygg := shopCustomers(t, pc, "post@bygg.no")[0]
	if bygg.Company != "Bygg AS" || bygg.OrgNumber != "999888777" {
		t.Fatalf("shop Bygg AS = %+v, want the company and its organisation number", bygg)
	}
	ss.assertQuiet(t, workflows.SyncCustomers)
	if cs := shopCustomers(t, pc, "ola@example.no"); len(cs) != 1 {
		t.Fatalf("after a second run %d shop customers with ola@example.no, want 1", len(cs))
	}

	// Shop → ledger: Ola's new last name (newest) reaches the ledger.
	ola := shopCustomers(t, pc, "ola@example.no")[0]
	olaID, _ := strconv.Atoi(ola.ID)
	last := "Berg"
	if err := pc.UpdateCustomer(ctx, olaID, prestashop.CustomerUpdate{LastName: &last}); err != nil {
		t.Fatal(err)
	}
	// Ledger → shop: Kari's new e-mail (newest) reaches the shop.
	kari := shopCustomers(t, pc, "kari@example.no")[0]
	if err := fc.ModifyContact(ctx, ids["kari"], fiken.ContactWriteOnly{}, func(r *fiken.ContactRequest) { r.Email = "kari.nordmann@example.no" }); err != nil {
		t.Fatal(err)
	}
	// The organisation number is ledger-owned: a change in the shop is put back.
	byggID, _ := strconv.Atoi(bygg.ID)
	wrong := "111222333"
	if err := pc.UpdateCustomer(ctx, byggID, prestashop.CustomerUpdate{OrgNumber: &wrong}); err != nil {
		t.Fatal(err)
	}
	res = ss.runSync(t, workflows.SyncCustomers)
	if res.Updated != 3 || res.Created != 0 || res.Conflicts != 0 {
		t.Fatalf("after changes on both sides: %+v, want 3 updated", res)
	}
	if ct, err := fc.GetContact(ctx, ids["ola"]); err != nil || ct.Name != "Ola Berg" {
		t.Fatalf("ledger Ola = %q, %v; want the shop's new name", ct.Name, err)
	}
	if c, err := pc.Customer(ctx, mustAtoi(t, kari.ID)); err != nil || c.Email != "kari.nordmann@example.no" {
		t.Fatalf("shop Kari = %+v, %v; want the ledger's new e-mail", c, err)
	}
	if c, err := pc.Customer(ctx, byggID); err != nil || c.OrgNumber != "999888777" {
		t.Fatalf("shop Bygg AS org = %q, %v; want the ledger's 999888777 back", c.OrgNumber, err)
	}
	ss.assertQuiet(t, workflows.SyncCustomers)
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
