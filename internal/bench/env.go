package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/temporalclient"
	"github.com/bokfor/bokfor/internal/tenant"
)

// Env is the durable part of a benchmark run: a throw-away PostgreSQL
// database and a Temporal dev server persisting to a SQLite file in WAL
// mode (as `bokfor dev` runs it), shared by all scenarios.
type Env struct {
	Log      *zap.Logger
	Store    *store.Store
	Temporal client.Client
	// DevServerPID is the dev server's process id (0 if not found).
	DevServerPID int
	// DatabaseName is the database created for this run.
	DatabaseName string

	srv     *testsuite.DevServer
	closeDB func()
	dir     string
}

// Setup creates database bokfor_bench_<time> on the server of
// databaseURL, migrates it, and starts a dev server with its state in a
// temporary directory. Close undoes all of it.
func Setup(ctx context.Context, databaseURL string, log *zap.Logger) (_ *Env, err error) {
	e := &Env{Log: log}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	e.DatabaseName = "bokfor_bench_" + strconv.FormatInt(time.Now().Unix(), 10)
	u.Path = "/" + e.DatabaseName
	dbURL := u.String()
	if err := store.CreateDatabase(ctx, dbURL); err != nil {
		return nil, err
	}
	e.closeDB = func() { dropDatabase(dbURL, e.DatabaseName, log) }
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	prev := e.closeDB
	e.closeDB = func() { pool.Close(); prev() }
	if _, err := store.Migrate(ctx, pool); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := ratelimit.Setup(ctx, pool); err != nil {
		return nil, err
	}
	keyText := secrets.GenerateKey()
	key, err := secrets.ParseKey(keyText)
	if err != nil {
		return nil, err
	}
	box, err := secrets.New(key)
	if err != nil {
		return nil, err
	}
	e.Store = store.New(pool, box)

	if e.dir, err = os.MkdirTemp("", "bokfor-bench-"); err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	// The product's client options: payloads encrypted by the codec,
	// SDK logs through zap.
	co, err := temporalclient.Options(&config.Config{SecretKey: keyText}, log, nil)
	if err != nil {
		return nil, err
	}
	e.srv, err = devserver.Start(sctx, devserver.Options{DBFile: filepath.Join(e.dir, "temporal.db"), ClientOptions: co})
	if err != nil {
		return nil, err
	}
	e.Temporal = e.srv.Client()
	e.DevServerPID = childPID("temporal")
	return e, nil
}

// Close stops the dev server and drops the database.
func (e *Env) Close() {
	if e.srv != nil {
		e.srv.Client().Close()
		if err := e.srv.Stop(); err != nil {
			e.Log.Warn("dev server stop", zap.Error(err))
		}
	}
	if e.closeDB != nil {
		e.closeDB()
	}
	if e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
}

func dropDatabase(dbURL, name string, log *zap.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, _ := url.Parse(dbURL)
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		log.Warn("drop bench database", zap.Error(err))
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		log.Warn("drop bench database", zap.String("database", name), zap.Error(err))
	}
}

// worldOptions configure the simulators and worker of one scenario.
type worldOptions struct {
	// Name prefixes tenant ids and the task queue.
	Name    string
	Tenants int
	Fiken   fikensim.Options
	// Unlimited replaces the PostgreSQL rate limiter (the product's) by
	// ratelimit.Unlimited, for engine measurements against a simulator
	// without rate rules.
	Unlimited bool
	// ShopNow is the shop simulators' clock (date_add, date_upd); nil:
	// time.Now.
	ShopNow func() time.Time
}

// world is one scenario's simulators, tenants and worker on a fresh task
// queue of the shared Env.
type world struct {
	env     *Env
	fk      *fikensim.Server
	fkURL   string // …/api/v2
	docs    *docRecorder
	tenants []*benchTenant
	starter *app.OrderStarter
	servers []*httptest.Server

	// unpaidNote is the calls scenario's split of the unpaid case.
	unpaidNote string

	conns *app.Connectors
	// signalRetries counts signal-with-starts signalAll had to repeat.
	signalRetries atomic.Int64
	stopWorker    context.CancelFunc
	workerDone    chan error
}

// benchTenant is one tenant with its own shop simulator and Fiken company.
type benchTenant struct {
	ID      string
	Shop    *prestashopsim.Server
	ShopURL string
	Company string
	Token   string
}

// newWorld starts the simulators, stores the tenants and starts a worker.
func newWorld(ctx context.Context, env *Env, o worldOptions) (_ *world, err error) {
	w := &world{env: env, fk: fikensim.New(o.Fiken)}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	w.docs = newDocRecorder(w.fk)
	fkSrv := httptest.NewServer(w.docs)
	w.servers = append(w.servers, fkSrv)
	w.fkURL = fkSrv.URL + "/api/v2"
	for i := range o.Tenants {
		id := fmt.Sprintf("%s-%02d", o.Name, i)
		ps := prestashopsim.New(prestashopsim.Options{Seed: int64(i + 1), Now: o.ShopNow})
		psSrv := httptest.NewServer(ps)
		w.servers = append(w.servers, psSrv)
		bt := &benchTenant{ID: id, Shop: ps, ShopURL: psSrv.URL, Company: strings.ToLower(id), Token: "tok-" + id}
		w.fk.AddCompany(bt.Company, "Bench "+id, true, false)
		tn, err := tenant.Parse(tenant.ExampleYAML())
		if err != nil {
			return nil, err
		}
		tn.ID, tn.Name = id, "Bench "+id
		tn.Settings.Shop.BaseURL = bt.ShopURL
		tn.Settings.Ledger.BaseURL = w.fkURL
		tn.Settings.Ledger.Company = bt.Company
		tn.Secrets[app.SecretLedgerToken] = bt.Token
		if err := env.Store.CreateTenant(ctx, tn); err != nil {
			return nil, fmt.Errorf("tenant %s: %w", id, err)
		}
		w.tenants = append(w.tenants, bt)
	}
	var conns *app.Connectors
	if o.Unlimited {
		conns = app.NewConnectors(ratelimit.Unlimited{}, env.Log.Named("connectors"))
	} else if conns, err = app.PostgresConnectors(ctx, env.Store, env.Log.Named("connectors")); err != nil {
		return nil, err
	}
	w.conns = conns
	tq := "bench-" + o.Name + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	w.starter = &app.OrderStarter{Client: env.Temporal, TaskQueue: tq}
	if err := w.startWorker(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// startWorker runs a worker on the world's task queue in this process and
// returns once it polls.
func (w *world) startWorker(ctx context.Context) error {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.stopWorker = cancel
	w.workerDone = make(chan error, 1)
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		w.workerDone <- app.RunWorker(wctx, app.WorkerDeps{Log: w.env.Log.Named("worker"), Temporal: w.env.Temporal, Store: w.env.Store,
			Metrics: metrics.New(), Connectors: w.conns, TaskQueue: w.starter.TaskQueue, Ready: func() { once.Do(func() { close(ready) }) }})
	}()
	select {
	case <-ready:
		return nil
	case err := <-w.workerDone:
		w.workerDone <- err
		return fmt.Errorf("worker: %w", errors.Join(err, errors.New("stopped before it was ready")))
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopWorkerNow stops the worker and waits for it (up to 20 s).
func (w *world) stopWorkerNow() {
	if w.stopWorker == nil {
		return
	}
	w.stopWorker()
	w.stopWorker = nil
	select {
	case <-w.workerDone:
	case <-time.After(20 * time.Second):
		w.env.Log.Warn("worker did not stop in time")
	}
}

// close stops the worker and the simulators.
func (w *world) close() {
	w.stopWorkerNow()
	if w.conns != nil {
		w.conns.Close()
	}
	for _, s := range w.servers {
		s.Close()
	}
}
