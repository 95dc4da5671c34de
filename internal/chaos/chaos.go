// Package chaos proves bokfor's promise — every order booked exactly once,
// to the øre, nothing lost — under faults. It runs the real system as OS
// processes (the Temporal dev server on a SQLite file, several `bokfor
// worker`s, `bokfor starter`, the shop and ledger simulators as `bokfor
// sim` processes with faults on), drives orders through webhooks that
// arrive one to three times, out of order or never, settles, refunds and
// cancels a share of them, kills and restarts processes meanwhile, waits
// for quiescence and checks invariants against the simulators' own state.
//
// `bokfor chaos` and `make chaos` run it; a short run is a test.
package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/codec"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/sim/posim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// DefaultAdminURL is the PostgreSQL maintenance database a run creates its
// own database from.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Config is one chaos run.
type Config struct {
	// Binary is the bokfor binary to run; empty: os.Executable().
	Binary string
	// TemporalBin is the temporal CLI; empty: devserver.FindBinary().
	TemporalBin string
	// Dir holds logs and the Temporal database; empty: a new temp dir.
	Dir string
	// SharedPostgres runs on the PostgreSQL server at AdminURL (a database
	// is created and dropped) instead of a private cluster; a shared
	// server is never restarted.
	SharedPostgres bool
	// AdminURL is the shared server's maintenance database; empty:
	// $BOKFOR_TEST_DATABASE_URL or DefaultAdminURL. Ignored without
	// SharedPostgres.
	AdminURL string
	// PostgresBin is the directory of initdb and pg_ctl for the private
	// cluster; empty: FindPostgresBin.
	PostgresBin string
	// Tenants, Orders and Workers size the run (defaults 4, 1000, 2).
	Tenants, Orders, Workers int
	// Ledgers are the ledgers the tenants book into, taken in turn
	// (default fiken, poweroffice: every other tenant on each).
	Ledgers []string
	// Rate is how many orders per second the shops receive (default 6).
	Rate float64
	// WorkerKills is the number of SIGKILLs of a random worker (default 6).
	WorkerKills int
	// StarterRestarts is the number of starter SIGKILLs (default 1).
	StarterRestarts int
	// TemporalRestart restarts the Temporal dev server once.
	TemporalRestart bool
	// PostgresRestart stops the private PostgreSQL cluster once mid-run
	// (pg_ctl stop -m fast: every connection is cut), keeps it down for
	// PostgresOutage and starts it again.
	PostgresRestart bool
	// PostgresOutage is how long PostgreSQL stays down (default 5 s).
	PostgresOutage time.Duration
	// BadPct is the share (0–1) of orders carrying data the product must
	// park in needs_attention with a reason (default 0.01; at least one
	// order when above 0): in turn a payment module the tenant does not
	// configure, and shipping at a VAT rate (6 %) with no account mapping.
	BadPct float64
	// RefundPct, CancelPct and NeverPct are the shares (0–1) of orders
	// refunded, cancelled after booking, and whose new-order webhook is
	// never delivered (defaults 0.1, 0.05, 0.1).
	RefundPct, CancelPct, NeverPct float64
	// Quiescence bounds the wait for every order to reach its end state
	// after the last order was placed (default 15 minutes).
	Quiescence time.Duration
	// Seed makes the run's choices repeatable (0: time-based).
	Seed uint64
	// Keep leaves the database and the directory behind.
	Keep bool
	// Progress receives progress lines; nil: none.
	Progress io.Writer
}

func (c *Config) defaults() error {
	if c.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("chaos: own executable: %w", err)
		}
		c.Binary = exe
	}
	if c.TemporalBin == "" {
		b, err := devserver.FindBinary()
		if err != nil {
			return err
		}
		c.TemporalBin = b
	}
	if c.SharedPostgres && c.AdminURL == "" {
		c.AdminURL = DefaultAdminURL
		if u := os.Getenv("BOKFOR_TEST_DATABASE_URL"); u != "" {
			c.AdminURL = u
		}
	}
	if !c.SharedPostgres && c.PostgresBin == "" {
		b, err := FindPostgresBin()
		if err != nil {
			return fmt.Errorf("%w (install the PostgreSQL server package, set BOKFOR_PG_BIN, or run on a shared server)", err)
		}
		c.PostgresBin = b
	}
	if c.PostgresOutage <= 0 {
		c.PostgresOutage = 5 * time.Second
	}
	def := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&c.Tenants, 4)
	if len(c.Ledgers) == 0 {
		c.Ledgers = []string{LedgerFiken, LedgerPowerOffice}
	}
	for _, l := range c.Ledgers {
		if l != LedgerFiken && l != LedgerPowerOffice {
			return fmt.Errorf("chaos: unknown ledger %q", l)
		}
	}
	def(&c.Orders, 1000)
	def(&c.Workers, 2)
	if c.WorkerKills < 0 {
		c.WorkerKills = 0
	}
	if c.Rate <= 0 {
		c.Rate = 6
	}
	deff := func(p *float64, v float64) {
		if *p < 0 || *p > 1 {
			*p = v
		}
	}
	deff(&c.RefundPct, 0.1)
	deff(&c.CancelPct, 0.05)
	deff(&c.NeverPct, 0.1)
	deff(&c.BadPct, 0.01)
	if c.Quiescence <= 0 {
		c.Quiescence = 15 * time.Minute
	}
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	return nil
}

// psFaults and fkFaults are the injected API faults.
func psFaults() map[string]any {
	return map[string]any{"error_rate": 0.01, "timeout_rate": 0.001, "drop_after_commit_rate": 0.03, "latency_ms": 2}
}

func fkFaults() map[string]any {
	return map[string]any{"error_rate": 0.03, "timeout_rate": 0.002, "drop_after_commit_rate": 0.05, "latency_ms": 2}
}

// run is the state of one chaos run.
type run struct {
	cfg    Config
	dir    string
	key    string     // BOKFOR_SECRET_KEY of the run
	pg     *pgCluster // the private cluster; nil on a shared server
	dbURL  string
	dbName string
	rnd    *rand.Rand
	rndMu  sync.Mutex

	temporalAddr string
	starterAddr  string
	fikenAddr    string
	poAddr       string
	po           *posim.Server // in this process
	poApp, poSub string        // PowerOffice application and subscription key of every tenant
	poMu         sync.Mutex
	poClients    map[string]*poweroffice.Client // the run's own, per tenant
	poLimiter    ratelimit.Limiter              // of the run's own clients
	shopAddrs    []string                       // per tenant
	tenants      []tenantInfo

	temporal *process
	starter  *process
	workers  []*process
	sims     []*process

	relay  *relay
	tc     client.Client
	events *eventLog

	mu     sync.Mutex
	orders []*order
}

// tenantInfo is one tenant of the run with its secrets (for the leak scan).
type tenantInfo struct {
	ID, Ledger, ShopURL, WebhookSecret string
	// Company and LedgerToken are the Fiken company and token.
	Company, LedgerToken string
	// ClientKey is the PowerOffice client key (the tenant's company).
	ClientKey string
}

// uses reports whether some tenant of the run books into ledger.
func (r *run) uses(ledger string) bool {
	for i := range r.cfg.Tenants {
		if r.cfg.Ledgers[i%len(r.cfg.Ledgers)] == ledger {
			return true
		}
	}
	return false
}

// order is one placed order and what the run did to it.
type order struct {
	Tenant int
	ID     int
	Module string
	// Bad is the kind of injected bad data ("" for a good order) and
	// WantReason what the parked order's reason must contain.
	Bad, WantReason string
	Email           string
	Lastname        string
	SKU             string // of the first line, for refunds

	Settle     bool // the invoice is paid in the ledger by the run
	SettleDone bool
	Refund     bool
	RefundSlip int
	Cancel     bool
	CancelDone bool

	// From the store, refreshed while waiting.
	State string
	DocID string
	// Credited from the workflow's status query.
	Credited []string
	Final    bool
}

func (r *run) logf(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

func (r *run) float() float64 {
	r.rndMu.Lock()
	defer r.rndMu.Unlock()
	return r.rnd.Float64()
}

func (r *run) intn(n int) int {
	r.rndMu.Lock()
	defer r.rndMu.Unlock()
	return r.rnd.IntN(n)
}

// Run performs a chaos run and returns its report. The error is about
// the run itself (a process that could not start); violations of the
// invariants are in the report (Report.Failed).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, rnd: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), events: &eventLog{}}
	r.dir = cfg.Dir
	if r.dir == "" {
		d, err := os.MkdirTemp("", "bokfor-chaos-")
		if err != nil {
			return nil, err
		}
		r.dir = d
	}
	if err := os.MkdirAll(filepath.Join(r.dir, "logs"), 0o700); err != nil {
		return nil, err
	}
	r.key = secrets.GenerateKey()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	if !cfg.SharedPostgres {
		pg, err := startCluster(cfg.PostgresBin)
		if err != nil {
			return nil, err
		}
		r.pg = pg
		r.cfg.AdminURL = pg.adminURL()
		defer pg.remove(r.logFile("postgres"), cfg.Keep)
		r.logf("private PostgreSQL cluster on 127.0.0.1:%d in %s", pg.port, pg.dir)
	}
	if err := r.createDatabase(ctx); err != nil {
		return nil, err
	}
	if !cfg.Keep && cfg.SharedPostgres {
		defer r.dropDatabase()
	}
	defer r.stopAll()
	if err := r.startAll(ctx); err != nil {
		return nil, err
	}
	rep, err := r.drive(ctx)
	if err != nil {
		return rep, err
	}
	if !cfg.Keep && !rep.Failed() && cfg.Dir == "" {
		defer os.RemoveAll(r.dir)
	}
	rep.Dir = r.dir
	return rep, nil
}

func (r *run) createDatabase(ctx context.Context) error {
	r.dbName = fmt.Sprintf("bokfor_chaos_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(ctx, r.cfg.AdminURL)
	if err != nil {
		return fmt.Errorf("chaos: PostgreSQL at %s: %w", store.Redact(r.cfg.AdminURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+r.dbName); err != nil {
		return fmt.Errorf("chaos: create database: %w", err)
	}
	u := strings.Replace(r.cfg.AdminURL, "/postgres?", "/"+r.dbName+"?", 1)
	if u == r.cfg.AdminURL {
		return fmt.Errorf("chaos: admin URL %s must name the database postgres", store.Redact(u))
	}
	r.dbURL = u
	pool, err := store.Open(ctx, r.dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := store.Migrate(ctx, pool); err != nil {
		return err
	}
	return nil
}

func (r *run) dropDatabase() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, r.cfg.AdminURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+r.dbName+" WITH (FORCE)")
}

func (r *run) logFile(name string) string { return filepath.Join(r.dir, "logs", name+".log") }

// baseEnv is the environment of worker and starter processes.
func (r *run) baseEnv() []string {
	env := os.Environ()
	return append(env,
		"DATABASE_URL="+r.dbURL,
		"TEMPORAL_ADDRESS="+r.temporalAddr,
		"TEMPORAL_NAMESPACE=default",
		"BOKFOR_SECRET_KEY="+r.key,
		"BOKFOR_SECRET_KEY_FILE=",
		"BOKFOR_LOG_FORMAT=json",
		"BOKFOR_LOG_LEVEL=info",
		"BOKFOR_TASK_QUEUE=bokfor",
	)
}

func (r *run) startAll(ctx context.Context) error {
	var err error
	addr := func() string {
		if err != nil {
			return ""
		}
		var a string
		a, err = freeAddr()
		return a
	}
	r.temporalAddr, r.starterAddr, r.fikenAddr, r.poAddr = addr(), addr(), addr(), addr()
	for range r.cfg.Tenants {
		r.shopAddrs = append(r.shopAddrs, addr())
	}
	relayAddr := addr()
	if err != nil {
		return err
	}

	// Temporal on a SQLite file, so it survives a restart.
	host, port, _ := net.SplitHostPort(r.temporalAddr)
	db := filepath.Join(r.dir, "temporal.db")
	targs := append([]string{"server", "start-dev", "--ip", host, "--port", port, "--namespace", "default",
		"--headless", "--log-level", "warn", "--db-filename", db,
		"--dynamic-config-value", "frontend.enableServerVersionCheck=false"}, devserver.Args(db)...)
	r.temporal = newProcess("temporal", r.cfg.TemporalBin, targs, os.Environ(), r.logFile("temporal"))
	go r.temporal.supervise(ctx)
	if err := r.dialTemporal(ctx); err != nil {
		return err
	}

	// The relay between shops and starter.
	ln, err := net.Listen("tcp", relayAddr)
	if err != nil {
		return fmt.Errorf("chaos: relay: %w", err)
	}
	r.relay = &relay{starter: func() string { return "http://" + r.starterAddr }, neverPct: r.cfg.NeverPct, maxDelay: 3 * time.Second,
		ctx: ctx, rnd: rand.New(rand.NewPCG(r.cfg.Seed+1, r.cfg.Seed+2))}
	rs := &http.Server{Handler: r.relay, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rs.Serve(ln) }()
	go func() { <-ctx.Done(); _ = rs.Close() }()

	// Simulators: Fiken as a process, PowerOffice in this process.
	if r.uses(LedgerFiken) {
		fk := newProcess("sim-fiken", r.cfg.Binary, []string{"sim", "fiken", "--addr", r.fikenAddr}, os.Environ(), r.logFile("sim-fiken"))
		r.sims = append(r.sims, fk)
		go fk.supervise(ctx)
		if err := waitTCP(ctx, r.fikenAddr, 30*time.Second); err != nil {
			return err
		}
	}
	if r.uses(LedgerPowerOffice) {
		r.poApp, r.poSub = "poapp-"+secrets.GenerateKey()[:20], "posub-"+secrets.GenerateKey()[:24]
		if err := r.startPowerOffice(ctx); err != nil {
			return err
		}
	}
	for i := range r.cfg.Tenants {
		t := tenantInfo{
			ID: fmt.Sprintf("chaos%d", i+1), Ledger: r.cfg.Ledgers[i%len(r.cfg.Ledgers)], ShopURL: "http://" + r.shopAddrs[i],
			WebhookSecret: "whsec-" + secrets.GenerateKey()[:20],
		}
		if t.Ledger == LedgerFiken {
			t.Company, t.LedgerToken = t.ID, "fkn-"+secrets.GenerateKey()[:24]
		} else {
			t.ClientKey = "pocli-" + secrets.GenerateKey()[:24]
		}
		r.tenants = append(r.tenants, t)
		ps := newProcess("sim-prestashop-"+t.ID, r.cfg.Binary, []string{"sim", "prestashop", "--addr", r.shopAddrs[i],
			"--webhook-url", "http://" + relayAddr + "/hook/" + t.ID, "--webhook-secret", t.WebhookSecret}, os.Environ(), r.logFile("sim-prestashop-"+t.ID))
		r.sims = append(r.sims, ps)
		go ps.supervise(ctx)
		if err := waitTCP(ctx, r.shopAddrs[i], 30*time.Second); err != nil {
			return err
		}
		if t.Ledger == LedgerFiken {
			if err := postJSON(ctx, "http://"+r.fikenAddr+"/_sim/companies", map[string]any{"slug": t.Company, "name": "Chaos " + t.ID}, nil); err != nil {
				return err
			}
		}
		if err := r.addTenant(ctx, t); err != nil {
			return err
		}
	}

	// Workers and the starter.
	for i := range r.cfg.Workers {
		maddr := addr()
		if err != nil {
			return err
		}
		w := newProcess(fmt.Sprintf("worker-%d", i+1), r.cfg.Binary, []string{"worker"},
			append(r.baseEnv(), "BOKFOR_METRICS_ADDR="+maddr), r.logFile(fmt.Sprintf("worker-%d", i+1)))
		r.workers = append(r.workers, w)
		go w.supervise(ctx)
	}
	r.starter = newProcess("starter", r.cfg.Binary, []string{"starter"},
		append(r.baseEnv(), "BOKFOR_HTTP_ADDR="+r.starterAddr, "BOKFOR_CODEC_TOKEN=chaos-operator-token"), r.logFile("starter"))
	go r.starter.supervise(ctx)
	if err := waitTCP(ctx, r.starterAddr, 60*time.Second); err != nil {
		return fmt.Errorf("chaos: starter: %w (see %s)", err, r.logFile("starter"))
	}
	// Faults on only once everything is up.
	for _, a := range r.shopAddrs {
		if err := postJSON(ctx, "http://"+a+"/_sim/faults", psFaults(), nil); err != nil {
			return err
		}
	}
	if r.uses(LedgerFiken) {
		if err := postJSON(ctx, "http://"+r.fikenAddr+"/_sim/faults", fkFaults(), nil); err != nil {
			return err
		}
	}
	if r.po != nil {
		r.po.SetFaults(poFaults())
	}
	r.logf("stack up in %s: temporal %s, starter %s, %d workers, %d tenants (%s)", r.dir, r.temporalAddr, r.starterAddr, r.cfg.Workers,
		r.cfg.Tenants, strings.Join(r.cfg.Ledgers, ", "))
	return nil
}

// dialTemporal connects the run's own client (with the payload codec, to
// read query results) once the server answers.
func (r *run) dialTemporal(ctx context.Context) error {
	secret, err := secrets.ParseKey(r.key)
	if err != nil {
		return err
	}
	k, err := codec.DeriveKey(secret)
	if err != nil {
		return err
	}
	cd, err := codec.New(k)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := client.DialContext(dctx, client.Options{HostPort: r.temporalAddr, Namespace: "default",
			DataConverter: cd.DataConverter(), FailureConverter: cd.FailureConverter(), Logger: quietLogger{}})
		cancel()
		if err == nil {
			r.tc = c
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chaos: temporal dev server not up (see %s): %w", r.logFile("temporal"), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (r *run) addTenant(ctx context.Context, t tenantInfo) error {
	example := tenant.ExampleYAML()
	if t.Ledger == LedgerPowerOffice {
		// VAT rates mapped to sales accounts whose VAT code carries the
		// rate, clearing accounts by number.
		example = tenant.ExamplePowerOfficeYAML()
	}
	tn, err := tenant.Parse(example)
	if err != nil {
		return err
	}
	tn.ID, tn.Name = t.ID, "Chaos "+t.ID
	tn.Settings.Shop.BaseURL = t.ShopURL
	if t.Ledger == LedgerFiken {
		tn.Settings.Ledger.BaseURL = "http://" + r.fikenAddr + "/api/v2"
		tn.Settings.Ledger.Company = t.Company
		tn.Secrets["ledger_token"] = t.LedgerToken
	} else {
		tn.Settings.Ledger.BaseURL = "http://" + r.poAddr + "/v2"
		tn.Secrets["ledger_application_key"] = r.poApp
		tn.Secrets["ledger_client_key"] = t.ClientKey
		tn.Secrets["ledger_subscription_key"] = r.poSub
	}
	tn.Settings.Schedules.OrderPoll = tenant.Duration{Duration: 10 * time.Second}
	tn.Settings.Schedules.Settlement = tenant.Duration{Duration: 10 * time.Second}
	tn.Settings.Schedules.Products = tenant.Duration{}
	tn.Settings.Schedules.Customers = tenant.Duration{}
	tn.Settings.Schedules.Stock = tenant.Duration{}
	tn.Secrets["shop_webhook_secret"] = t.WebhookSecret
	if err := tn.Validate(); err != nil {
		return fmt.Errorf("chaos: tenant %s: %w", t.ID, err)
	}
	secret, _ := secrets.ParseKey(r.key)
	box, err := secrets.New(secret)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, r.dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.New(pool, box).CreateTenant(ctx, tn)
}

func (r *run) stopAll() {
	var wg sync.WaitGroup
	for _, p := range append(append([]*process{r.starter}, r.workers...), r.sims...) {
		if p == nil {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); p.stop(15 * time.Second) }()
	}
	wg.Wait()
	if r.tc != nil {
		r.tc.Close()
	}
	if r.temporal != nil {
		r.temporal.stop(20 * time.Second)
	}
}

// postJSON POSTs v and decodes the answer into out (if not nil).
func postJSON(ctx context.Context, url string, v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func getJSON(ctx context.Context, url string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// The kinds of injected bad data.
const (
	badPayment = "unconfigured payment module"
	badVAT     = "unmapped VAT rate"
)

// badOrders picks which of the run's orders carry bad data: a BadPct
// share (at least one when BadPct > 0), none among the first tenth, the
// kinds in turn.
func (r *run) badOrders() map[int]string {
	out := map[int]string{}
	if r.cfg.BadPct <= 0 {
		return out
	}
	nb := max(1, int(float64(r.cfg.Orders)*r.cfg.BadPct+0.5))
	first := r.cfg.Orders / 10
	if nb > r.cfg.Orders-first {
		nb = r.cfg.Orders - first
	}
	kinds := []string{badPayment, badVAT}
	for len(out) < nb {
		n := first + r.intn(r.cfg.Orders-first)
		if _, dup := out[n]; !dup {
			out[n] = kinds[len(out)%len(kinds)]
		}
	}
	return out
}

// placeOrder places order n of tenant ti in its shop; bad is the kind
// of bad data it carries ("" for none).
func (r *run) placeOrder(ctx context.Context, ti, n int, bad string) (*order, error) {
	perTenant := max(1, r.cfg.Orders/r.cfg.Tenants)
	cust := r.intn(max(3, perTenant/4))
	o := &order{Tenant: ti,
		Email:    fmt.Sprintf("kunde%03d.%s@chaos.example.no", cust, r.tenants[ti].ID),
		Lastname: fmt.Sprintf("Kaosdottir%03d", cust)}
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = o.Email, "Ingrid", o.Lastname
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = fmt.Sprintf("Kaosveien %d", cust+1), "0155", "Oslo", "NO"
	in.Currency = "NOK"
	switch x := r.float(); {
	case x < 0.5:
		o.Module, in.State = "vipps", 2
	case x < 0.75:
		o.Module, in.State, o.Settle = "ps_wirepayment", 3, true
	default:
		o.Module, in.State = "stripe_official", 2
	}
	o.Bad = bad
	switch bad {
	case badPayment:
		// Paid at checkout with a module no chaos tenant configures.
		o.Module, in.State, o.Settle = "paypal", 2, false
		o.WantReason = fmt.Sprintf("%s: %q", ledgerdoc.ErrNoPaymentMethod.Error(), "paypal")
	case badVAT:
		// Shipping at 6 %: a rate the shop may charge, no tenant maps.
		o.Module, in.State, o.Settle = "vipps", 2, false
		in.Shipping = &struct {
			PriceTaxIncl string `json:"price_tax_incl"`
			TaxRate      string `json:"tax_rate"`
			Carrier      int    `json:"carrier"`
		}{PriceTaxIncl: "79.00", TaxRate: "6"}
		o.WantReason = tenant.ErrNoVATRule.Error() + ": 6.00 %"
	}
	in.Payment, in.Module = o.Module, o.Module
	rates := []string{"25", "15", "12", "0"}
	for l := range 1 + r.intn(3) {
		p := (n + l*7 + r.intn(12)) % 12
		in.Lines = append(in.Lines, prestashopsim.PlaceOrderLine{
			Reference: fmt.Sprintf("KAOS-%02d", p), Name: fmt.Sprintf("Kaosvare %02d", p),
			Quantity: 1 + r.intn(3), UnitPriceTaxIncl: fmt.Sprintf("%d.%02d", 49+p*17, (p*13)%100), TaxRate: rates[p%4],
		})
	}
	o.SKU = in.Lines[0].Reference
	if o.Module != "ps_wirepayment" && bad == "" {
		switch x := r.float(); {
		case x < r.cfg.RefundPct:
			o.Refund = true
		case x < r.cfg.RefundPct+r.cfg.CancelPct:
			o.Cancel = true
		}
	}
	var res prestashopsim.PlaceOrderResult
	if err := postJSON(ctx, r.tenants[ti].ShopURL+"/_sim/orders", in, &res); err != nil {
		return nil, err
	}
	o.ID = res.ID
	return o, nil
}

// eventLog records the chaos monkey's actions.
type eventLog struct {
	mu         sync.Mutex
	workerKill int
	starter    int
	temporal   int
	postgres   int
	pgSkipped  string
	lastFault  time.Time
}

func (e *eventLog) add(f func(e *eventLog)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(e)
	e.lastFault = time.Now()
}

// monkey kills and restarts processes at evenly spread times in window.
func (r *run) monkey(ctx context.Context, window time.Duration) {
	type act struct {
		at time.Duration
		do func()
	}
	var bg sync.WaitGroup
	defer bg.Wait()
	var acts []act
	for i := range r.cfg.WorkerKills {
		at := window * time.Duration(i+1) / time.Duration(r.cfg.WorkerKills+1)
		acts = append(acts, act{at, func() {
			// A random worker; if it is between restarts (it exits at
			// once while Temporal or PostgreSQL is down), the next one.
			first := r.intn(len(r.workers))
			for j := range r.workers {
				w := r.workers[(first+j)%len(r.workers)]
				if w.signal(syscall.SIGKILL) {
					r.events.add(func(e *eventLog) { e.workerKill++ })
					r.logf("SIGKILL %s", w.name)
					return
				}
			}
			r.logf("no worker running to SIGKILL")
		}})
	}
	for i := range r.cfg.StarterRestarts {
		at := window * time.Duration(2*i+1) / time.Duration(2*r.cfg.StarterRestarts+1)
		acts = append(acts, act{at + window/13, func() {
			if r.starter.signal(syscall.SIGKILL) {
				r.events.add(func(e *eventLog) { e.starter++ })
				r.logf("SIGKILL starter")
			}
		}})
	}
	if r.cfg.TemporalRestart {
		acts = append(acts, act{window * 2 / 5, func() {
			if r.temporal.signal(syscall.SIGTERM) {
				r.events.add(func(e *eventLog) { e.temporal++ })
				r.logf("restarting the Temporal dev server")
			}
		}})
	}
	if r.cfg.PostgresRestart {
		// Midway between two worker kills, so that the running processes,
		// not only restarted ones, meet the outage.
		k := r.cfg.WorkerKills + 1
		acts = append(acts, act{window * time.Duration(2*(k/2)+1) / time.Duration(2*k), func() {
			if r.pg == nil {
				r.events.add(func(e *eventLog) { e.pgSkipped = "not restarted: the shared server is not the run's to restart" })
				r.logf("PostgreSQL not restarted: the server is shared")
				return
			}
			// In the background: the outage must not delay the other faults.
			bg.Add(1)
			go func() {
				defer bg.Done()
				r.logf("stopping PostgreSQL (fast) for %s", r.cfg.PostgresOutage)
				if err := r.pg.restart(ctx, r.cfg.PostgresOutage); err != nil {
					r.events.add(func(e *eventLog) { e.pgSkipped = err.Error() })
					r.logf("PostgreSQL restart failed: %v", err)
					return
				}
				r.events.add(func(e *eventLog) { e.postgres++ })
				r.logf("PostgreSQL started again")
			}()
		}})
	}
	start := time.Now()
	for len(acts) > 0 {
		next := 0
		for i, a := range acts {
			if a.at < acts[next].at {
				next = i
			}
		}
		a := acts[next]
		acts = append(acts[:next], acts[next+1:]...)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(start.Add(a.at))):
		}
		a.do()
	}
}
