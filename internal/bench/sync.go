package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/workflows"
)

// ChangedShare is the share of the catalogue the sync scenario changes
// between the first and the incremental run (1 %).
const ChangedShare = 0.01

// SyncRun is the cost of one product-sync run.
type SyncRun struct {
	LedgerCalls int64   `json:"ledger_calls"`
	ShopCalls   int     `json:"shop_calls"`
	Seconds     float64 `json:"seconds"`
	// CPUSeconds is this process's (worker and simulators) plus the dev
	// server's CPU during the run.
	CPUSeconds float64 `json:"cpu_seconds"`
	// Read, Created, Updated and Skipped are the run's own counts.
	Read    int `json:"read"`
	Created int `json:"created"`
	Updated int `json:"updated"`
	Skipped int `json:"skipped"`
}

// SyncRow is one catalogue size of scenario 5.
type SyncRow struct {
	Products    int     `json:"products"`
	Changed     int     `json:"changed"`
	SeedSeconds float64 `json:"seed_seconds"`
	// First is the run that establishes links, snapshots and watermarks
	// over a catalogue that is already in step on both sides.
	First SyncRun `json:"first"`
	// Incremental is the run after Changed products changed their price
	// in the shop.
	Incremental SyncRun `json:"incremental"`
	// CallsPerChanged is the incremental run's shop + ledger calls per
	// changed product; LedgerPerChanged and ShopPerChanged split it.
	CallsPerChanged  float64 `json:"calls_per_changed"`
	LedgerPerChanged float64 `json:"ledger_calls_per_changed"`
	ShopPerChanged   float64 `json:"shop_calls_per_changed"`
	// Error is why this size did not complete (the other sizes still run).
	Error string `json:"error,omitempty"`
}

// SyncCostResult is scenario 5: product-sync cost against catalogue size.
type SyncCostResult struct {
	Rows []SyncRow `json:"rows"`
}

// runSyncCost measures the product sync (workflows.SyncProducts, the
// product's activity) per catalogue size: n products seeded in step in
// the shop and Fiken simulators with old modification dates, one full run
// to link them, 1 % of the prices changed in the shop (date_upd moves as
// in PrestaShop), and the incremental run. The simulators neither limit
// nor delay; the limiter is ratelimit.Unlimited, so seconds are bokfor's
// and the simulators' own work, not Fiken's pace.
func runSyncCost(ctx context.Context, env *Env, sizes []int) (*SyncCostResult, error) {
	// The simulators' clocks stand 100 days back while the catalogue is
	// seeded and first synced, so nothing the first run touches looks
	// recent to the incremental run; then they return to now.
	var offset atomic.Int64
	offset.Store(int64(-100 * 24 * time.Hour))
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	w, err := newWorld(ctx, env, worldOptions{Name: "sync", Tenants: len(sizes), Unlimited: true, ShopNow: clock,
		Fiken: fikensim.Options{DisableRateLimits: true, DisableLatency: true, Now: clock}})
	if err != nil {
		return nil, err
	}
	defer w.close()
	res := &SyncCostResult{}
	for i, n := range sizes {
		offset.Store(int64(-100 * 24 * time.Hour))
		row, err := w.syncSize(ctx, w.tenants[i], n, func() { offset.Store(0) })
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			row.Error = err.Error()
		}
		res.Rows = append(res.Rows, *row)
	}
	return res, nil
}

// syncSize seeds n products into tenant t's shop and ledger, runs the
// first sync, calls now() to set the clocks to the present, changes 1 %
// of the prices and runs the incremental sync.
func (w *world) syncSize(ctx context.Context, t *benchTenant, n int, now func()) (*SyncRow, error) {
	t0 := time.Now()
	row := &SyncRow{Products: n}
	ids, err := seedCatalogue(w.fk, t, n)
	if err != nil {
		return row, err
	}
	row.SeedSeconds = time.Since(t0).Seconds()
	if row.First, err = w.measureSync(ctx, t); err != nil {
		return row, fmt.Errorf("first sync: %w", err)
	}
	now()
	row.Changed, err = w.changePrices(ctx, t, ids)
	if err != nil {
		return row, err
	}
	if row.Incremental, err = w.measureSync(ctx, t); err != nil {
		return row, fmt.Errorf("incremental sync: %w", err)
	}
	if row.Changed > 0 {
		c := float64(row.Changed)
		row.LedgerPerChanged = float64(row.Incremental.LedgerCalls) / c
		row.ShopPerChanged = float64(row.Incremental.ShopCalls) / c
		row.CallsPerChanged = row.LedgerPerChanged + row.ShopPerChanged
	}
	return row, nil
}

// seedCatalogue adds n simple products at 25 % VAT to the shop and the
// same products (name, net price, VAT type, active, SKU) to the tenant's
// Fiken company. Shop date_upd values are spread over 60 days ending 30
// days ago (a catalogue edited over time); the ledger's are all 30 days
// old. It returns the shop product ids.
func seedCatalogue(fk *fikensim.Server, t *benchTenant, n int) ([]int, error) {
	end := time.Now().UTC().AddDate(0, 0, -30)
	span := 60 * 24 * time.Hour
	sp := make([]prestashopsim.SeedProduct, n)
	lp := make([]fikensim.SeedProduct, n)
	for i := range n {
		sku := fmt.Sprintf("BENCH-%06d", i)
		name := fmt.Sprintf("Benchvare %d", i)
		ore := int64(10000 + (i%500)*100) // 100.00 … 599.00 NOK excl. VAT
		upd := end.Add(-span + time.Duration(float64(span)*float64(i+1)/float64(n)))
		sp[i] = prestashopsim.SeedProduct{Reference: sku, Name: name, PriceTaxExcl: fmt.Sprintf("%d.%02d", ore/100, ore%100),
			TaxRate: "25", Stock: 10, DateUpd: upd.Format("2006-01-02 15:04:05")}
		lp[i] = fikensim.SeedProduct{Name: name, UnitPrice: ore, IncomeAccount: "3000", VatType: "HIGH", Active: true,
			ProductNumber: sku, LastModified: end.Format(time.DateOnly)}
	}
	ids, err := t.Shop.AddProducts(sp)
	if err != nil {
		return nil, fmt.Errorf("seed shop: %w", err)
	}
	if _, err := fk.AddProducts(t.Company, lp); err != nil {
		return nil, fmt.Errorf("seed ledger: %w", err)
	}
	return ids, nil
}

// changePrices raises the price of every 100th product by 1 NOK through
// the shop's webservice (PrestaShop moves date_upd), before the counters
// of the next run are read. It returns how many changed.
func (w *world) changePrices(ctx context.Context, t *benchTenant, ids []int) (int, error) {
	row, err := w.env.Store.Tenant(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	sh, err := w.conns.Shop(ctx, row)
	if err != nil {
		return 0, err
	}
	cat, ok := sh.(shop.Catalog)
	if !ok {
		return 0, fmt.Errorf("shop %s has no catalogue", sh.Kind())
	}
	step := max(1, int(1/ChangedShare))
	changed := 0
	for i := 0; i < len(ids); i += step {
		id := fmt.Sprint(ids[i])
		p, err := cat.Product(ctx, id)
		if err != nil {
			return changed, fmt.Errorf("read product %s: %w", id, err)
		}
		price := int64(p.PriceTaxExcl) + 100
		if err := cat.UpdateProduct(ctx, id, shop.ProductChange{PriceNet: &price}); err != nil {
			return changed, fmt.Errorf("change product %s: %w", id, err)
		}
		changed++
	}
	return changed, nil
}

// measureSync runs the tenant's product sync once as its schedule would
// and counts the simulators' requests, wall time and CPU.
func (w *world) measureSync(ctx context.Context, t *benchTenant) (SyncRun, error) {
	l0, s0 := w.fk.Stats().Requests, shopRequests(t.Shop)
	u0 := readUsage(w.env.DevServerPID, "")
	run, err := w.env.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: w.starter.TaskQueue,
		ID: fmt.Sprintf("bench-sync-products-%s-%d", t.ID, time.Now().UnixNano())}, workflows.SyncProducts, workflows.PollInput{TenantID: t.ID})
	if err != nil {
		return SyncRun{}, err
	}
	var r activities.SyncResult
	err = run.Get(ctx, &r)
	u1 := readUsage(w.env.DevServerPID, "")
	return SyncRun{LedgerCalls: w.fk.Stats().Requests - l0, ShopCalls: shopRequests(t.Shop) - s0, Seconds: u1.at.Sub(u0.at).Seconds(),
		CPUSeconds: (u1.selfCPU - u0.selfCPU + u1.serverCPU - u0.serverCPU).Seconds(),
		Read:       r.Read, Created: r.Created, Updated: r.Updated, Skipped: r.Skipped}, err
}
