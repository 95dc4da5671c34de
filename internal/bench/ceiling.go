package bench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// Cost is the throughput and resource use of one way of booking orders.
type Cost struct {
	Orders          int     `json:"orders"`
	Seconds         float64 `json:"seconds"`
	OrdersPerSecond float64 `json:"orders_per_second"`
	// CPUPerOrderMS is this process's (worker, driver, simulators) plus
	// the dev server's CPU per order; MachineCPUPerOrderMS is the whole
	// machine's busy time per order (PostgreSQL included, and any noise).
	CPUPerOrderMS        float64 `json:"cpu_ms_per_order"`
	SelfCPUPerOrderMS    float64 `json:"self_cpu_ms_per_order"`
	ServerCPUPerOrderMS  float64 `json:"server_cpu_ms_per_order"`
	MachineCPUPerOrderMS float64 `json:"machine_cpu_ms_per_order"`
	// PostgresCPUPerOrderMS is the run database's backends' CPU per order.
	PostgresCPUPerOrderMS float64 `json:"postgres_cpu_ms_per_order"`
	LedgerRequests        int64   `json:"ledger_requests"`
}

// CeilingResult is scenario 3: the engine's throughput with simulators
// that neither limit nor delay, and the same work without durability.
type CeilingResult struct {
	Tenants int  `json:"tenants"`
	Engine  Cost `json:"engine"`
	// Plain posts the same documents from a loop that calls the shop and
	// Fiken clients directly: no Temporal, no PostgreSQL.
	Plain Cost `json:"plain"`
	// ThroughputRatio is plain ÷ engine orders per second; CPURatio is
	// engine ÷ plain CPU per order: what durability costs.
	ThroughputRatio float64 `json:"throughput_ratio_plain_over_engine"`
	CPURatio        float64 `json:"cpu_ratio_engine_over_plain"`
	// SelfPeakRSSMB is this process's high-water mark (worker, starter
	// path, simulators and driver in one process); ServerPeakRSSMB the dev
	// server's.
	SelfPeakRSSMB   float64 `json:"self_peak_rss_mb"`
	ServerPeakRSSMB float64 `json:"server_peak_rss_mb"`
	SignalSeconds   float64 `json:"signal_seconds"`
	// HistoryEvents and ActivitiesSample describe one order's history
	// (the middle order): its length and activities by type.
	HistoryEvents    int            `json:"history_events_sample,omitempty"`
	ActivitiesSample map[string]int `json:"activities_sample,omitempty"`
}

// runCeiling books orders for tenants with limits and latency off, from
// signal-with-start to the document in the ledger and the shop told,
// then posts the same documents from a plain loop.
func runCeiling(ctx context.Context, env *Env, tenants, orders, concurrency int) (*CeilingResult, error) {
	w, err := newWorld(ctx, env, worldOptions{Name: "ceil", Tenants: tenants, Unlimited: true,
		Fiken: fikensim.Options{DisableRateLimits: true, DisableLatency: true}})
	if err != nil {
		return nil, err
	}
	defer w.close()
	if err := w.warmUp(ctx); err != nil {
		return nil, err
	}
	ps, err := placeMany(w.tenants, orders, returning)
	if err != nil {
		return nil, err
	}
	res := &CeilingResult{Tenants: tenants}
	l0 := w.fk.Stats().Requests
	u0 := readUsage(env.DevServerPID, env.DatabaseName)
	accepted, err := w.signalAll(ctx, ps, concurrency)
	if err != nil {
		return nil, err
	}
	res.SignalSeconds = latest(accepted).Sub(u0.at).Seconds()
	wctx, cancel := context.WithTimeout(ctx, time.Duration(orders)*time.Second+2*time.Minute)
	defer cancel()
	if err := w.docs.wait(wctx, refs(ps)); err != nil {
		return nil, fmt.Errorf("ceiling: %d of %d documents: %w", w.docs.count(refs(ps)), orders, err)
	}
	_, lastDoc := w.docs.span(refs(ps))
	// The CPU window ends when every order is fully processed (shop told).
	if err := w.waitStates(wctx, ps, workflows.StateSettled); err != nil {
		return nil, err
	}
	u1 := readUsage(env.DevServerPID, env.DatabaseName)
	res.Engine = cost(orders, lastDoc.Sub(u0.at), u0, u1)
	res.Engine.LedgerRequests = w.fk.Stats().Requests - l0
	res.SelfPeakRSSMB, res.ServerPeakRSSMB = mb(u1.selfPeakRSS), mb(u1.serverPeakRSS)
	if n, acts, err := historyLength(ctx, w, ps[len(ps)/2]); err == nil {
		res.HistoryEvents, res.ActivitiesSample = n, acts
	}

	plain, err := runPlain(ctx, tenants, orders)
	if err != nil {
		return nil, fmt.Errorf("plain loop: %w", err)
	}
	res.Plain = *plain
	if res.Engine.OrdersPerSecond > 0 {
		res.ThroughputRatio = res.Plain.OrdersPerSecond / res.Engine.OrdersPerSecond
	}
	if res.Plain.CPUPerOrderMS > 0 {
		res.CPURatio = res.Engine.CPUPerOrderMS / res.Plain.CPUPerOrderMS
	}
	return res, nil
}

// historyLength counts the history events of one order's workflow and
// its activities by type (local activities appear as markers).
func historyLength(ctx context.Context, w *world, p placed) (int, map[string]int, error) {
	it := w.env.Temporal.GetWorkflowHistory(ctx, workflows.OrderWorkflowID(p.Tenant, p.ID), "", false, 0)
	n, acts := 0, map[string]int{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return 0, nil, err
		}
		n++
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			acts[a.GetActivityType().GetName()]++
		}
		if m := ev.GetMarkerRecordedEventAttributes(); m != nil {
			acts["marker:"+m.GetMarkerName()]++
		}
	}
	return n, acts, nil
}

func cost(orders int, d time.Duration, u0, u1 usage) Cost {
	per := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) / float64(orders) }
	c := Cost{Orders: orders, Seconds: d.Seconds(),
		SelfCPUPerOrderMS: per(u1.selfCPU - u0.selfCPU), ServerCPUPerOrderMS: per(u1.serverCPU - u0.serverCPU),
		MachineCPUPerOrderMS: per(u1.machineBusy - u0.machineBusy), PostgresCPUPerOrderMS: per(backendDelta(u0.pgBackends, u1.pgBackends))}
	c.CPUPerOrderMS = c.SelfCPUPerOrderMS + c.ServerCPUPerOrderMS
	if d > 0 {
		c.OrdersPerSecond = float64(orders) / d.Seconds()
	}
	return c
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// runPlain posts the documents of orders steady-state orders for tenants
// tenants with one goroutine per tenant, calling the shop and Fiken
// clients directly: read the order, build the document, post it, tell the
// shop — what a worker does minus Temporal and PostgreSQL.
func runPlain(ctx context.Context, tenants, orders int) (*Cost, error) {
	fk := fikensim.New(fikensim.Options{DisableRateLimits: true, DisableLatency: true})
	fkSrv := httptest.NewServer(fk)
	defer fkSrv.Close()
	conns := app.NewConnectors(ratelimit.Unlimited{}, zap.NewNop())
	type job struct {
		bt    *benchTenant
		row   *store.TenantRow
		ids   []string
		custs string
		prods map[string]string
	}
	var (
		jobs []*job
		bts  []*benchTenant
	)
	for i := range tenants {
		id := fmt.Sprintf("plain-%02d", i)
		ps := prestashopsim.New(prestashopsim.Options{Seed: int64(i + 1)})
		psSrv := httptest.NewServer(ps)
		defer psSrv.Close()
		bt := &benchTenant{ID: id, Shop: ps, ShopURL: psSrv.URL, Company: strings.ToLower(id), Token: "tok-" + id}
		fk.AddCompany(bt.Company, "Plain "+id, true, false)
		tn, err := tenant.Parse(tenant.ExampleYAML())
		if err != nil {
			return nil, err
		}
		tn.ID = id
		tn.Settings.Shop.BaseURL = bt.ShopURL
		tn.Settings.Ledger.BaseURL = fkSrv.URL + "/api/v2"
		tn.Settings.Ledger.Company = bt.Company
		tn.Secrets[app.SecretLedgerToken] = bt.Token
		jobs = append(jobs, &job{bt: bt, row: &store.TenantRow{Tenant: *tn}, prods: map[string]string{}})
		bts = append(bts, bt)
	}
	// Warm-up: one order per tenant creates the customer and products.
	for _, j := range jobs {
		p, err := place(j.bt, returning)
		if err != nil {
			return nil, err
		}
		sh, err := conns.Shop(ctx, j.row)
		if err != nil {
			return nil, err
		}
		lg, err := conns.Ledger(ctx, j.row)
		if err != nil {
			return nil, err
		}
		o, err := sh.Order(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if j.custs, err = lg.CreateCustomer(ctx, ledger.Customer{Name: o.Customer.Name(), Email: o.Customer.Email,
			ShopID: o.Customer.ID, Address: o.Billing, Currency: o.Currency}); err != nil {
			return nil, err
		}
		d, err := ledgerdoc.Build(j.row.ID, &j.row.Settings, o)
		if err != nil {
			return nil, err
		}
		for _, l := range d.Lines {
			if l.Kind == ledgerdoc.LineProduct && l.SKU != "" {
				id, err := lg.CreateProduct(ctx, ledger.Product{SKU: l.SKU, Name: l.Description, UnitNet: int64(l.UnitNet),
					VATType: l.VATType, Account: l.Account, Active: true})
				if err != nil {
					return nil, err
				}
				j.prods[l.SKU] = id
			}
		}
		// Post the warm-up document too: the client learns the bank
		// account once, as the worker's does on its first order.
		if _, err := lg.PostDocument(ctx, d, j.custs, productIDs(d, j.prods)); err != nil {
			return nil, err
		}
	}
	ps, err := placeMany(bts, orders, returning)
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		jobs[i%tenants].ids = append(jobs[i%tenants].ids, p.ID)
	}
	l0 := fk.Stats().Requests
	u0 := readUsage(0, "")
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range jobs {
		g.Go(func() error {
			sh, err := conns.Shop(gctx, j.row)
			if err != nil {
				return err
			}
			lg, err := conns.Ledger(gctx, j.row)
			if err != nil {
				return err
			}
			for _, id := range j.ids {
				o, err := sh.Order(gctx, id)
				if err != nil {
					return err
				}
				d, err := ledgerdoc.Build(j.row.ID, &j.row.Settings, o)
				if err != nil {
					return err
				}
				if _, err := lg.PostDocument(gctx, d, j.custs, productIDs(d, j.prods)); err != nil {
					return err
				}
				if err := sh.SetOrderState(gctx, id, j.row.Settings.SettledState); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	u1 := readUsage(0, "")
	c := cost(orders, u1.at.Sub(u0.at), u0, u1)
	c.LedgerRequests = fk.Stats().Requests - l0
	if c.LedgerRequests != int64(orders) {
		return nil, fmt.Errorf("plain loop made %d ledger requests for %d orders, want one each", c.LedgerRequests, orders)
	}
	return &c, nil
}

// productIDs maps the document's lines to ledger product ids by SKU.
func productIDs(d *ledgerdoc.Document, bySKU map[string]string) []string {
	ids := make([]string, len(d.Lines))
	for i, l := range d.Lines {
		if l.Kind == ledgerdoc.LineProduct {
			ids[i] = bySKU[l.SKU]
		}
	}
	return ids
}
