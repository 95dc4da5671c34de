package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/codec"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/temporalclient"
	"github.com/bokfor/bokfor/internal/tenant"
)

// devPorts are the listen ports of `bokfor dev`, all overridable.
type devPorts struct {
	Temporal, UI, Starter, Metrics          int
	PrestaShop, Fiken, PowerOffice, WooComm int
	// PrestaShopPO is the shop of the second demo tenant (on PowerOffice Go).
	PrestaShopPO int
}

func newDevCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole system on this machine: Temporal with Web UI, simulators, worker and starter",
		Long: `dev starts the Temporal dev server with its Web UI (state in --state-dir), creates and
migrates the database, seeds a demo tenant, starts the shop and ledger simulators, the worker
and the starter, prints every URL and runs until Ctrl-C, then stops all of it.`,
		Args: cobra.NoArgs,
	}
	p := bind(cmd, e, config.Database|config.Secrets)
	p.cfg.LogFormat, p.cfg.LogLevel = "console", "info"
	cmd.Flags().StringVar(&p.cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	stateDir := cmd.Flags().String("state-dir", ".bokfor", "directory for the Temporal database, logs and the dev secret key")
	var ports devPorts
	cmd.Flags().IntVar(&ports.Temporal, "temporal-port", 7233, "Temporal frontend port")
	cmd.Flags().IntVar(&ports.UI, "ui-port", 8233, "Temporal Web UI port")
	cmd.Flags().IntVar(&ports.Starter, "starter-port", 8080, "webhook starter port")
	cmd.Flags().IntVar(&ports.Metrics, "metrics-port", 9090, "worker metrics port")
	cmd.Flags().IntVar(&ports.PrestaShop, "prestashop-port", 8081, "PrestaShop simulator port")
	cmd.Flags().IntVar(&ports.Fiken, "fiken-port", 8082, "Fiken simulator port")
	cmd.Flags().IntVar(&ports.PowerOffice, "poweroffice-port", 8083, "PowerOffice Go simulator port")
	cmd.Flags().IntVar(&ports.WooComm, "woocommerce-port", 8084, "WooCommerce simulator port")
	cmd.Flags().IntVar(&ports.PrestaShopPO, "prestashop-po-port", 8085, "PrestaShop simulator of the PowerOffice Go demo tenant")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runDev(cmd.Context(), e, p, *stateDir, ports)
	}
	return cmd
}

func runDev(ctx context.Context, e *env, p *proc, stateDir string, ports devPorts) error {
	// The dev secret key lives in the state directory unless one is given.
	if p.cfg.SecretKey == "" && p.cfg.SecretKeyFile == "" {
		kf := filepath.Join(stateDir, "secret.key")
		if err := ensureKeyFile(kf); err != nil {
			return err
		}
		p.cfg.SecretKeyFile = kf
	}
	p.cfg.TemporalAddress = fmt.Sprintf("127.0.0.1:%d", ports.Temporal)
	p.cfg.TemporalNamespace = config.DefaultTemporalNamespace
	p.cfg.TaskQueue = config.DefaultTaskQueue
	p.groups |= config.Logging
	if err := p.start(e, "dev"); err != nil {
		return err
	}
	defer func() { _ = p.log.Sync() }()

	if err := migrate(ctx, p, true); err != nil {
		return fmt.Errorf("%w — is PostgreSQL running? Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (Debian) or `brew services start postgresql`, or point DATABASE_URL at one", err)
	}
	s, closeStore, err := p.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer closeStore()

	for _, port := range []int{ports.Temporal, ports.UI, ports.Starter, ports.Metrics} {
		if err := portFree(port); err != nil {
			return err
		}
	}
	logFile, err := os.OpenFile(filepath.Join(stateDir, "temporal.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	p.log.Info("starting Temporal dev server", zap.String("log", logFile.Name()))
	m := metrics.New()
	defer m.Close()
	opts, err := temporalOptions(p, m)
	if err != nil {
		return err
	}
	srv, err := devserver.Start(ctx, devserver.Options{
		HostPort:      p.cfg.TemporalAddress,
		UIPort:        fmt.Sprint(ports.UI),
		DBFile:        filepath.Join(stateDir, "temporal.db"),
		ClientOptions: opts,
		Output:        logFile,
		// The Web UI shows the encrypted payloads through the starter's codec.
		UICodecEndpoint: fmt.Sprintf("http://127.0.0.1:%d/codec", ports.Starter),
	})
	if err != nil {
		return err
	}
	defer func() {
		p.log.Info("stopping Temporal dev server")
		if err := srv.Stop(); err != nil {
			p.log.Warn("temporal dev server stop", zap.Error(err))
		}
	}()
	c := srv.Client()

	g, gctx := errgroup.WithContext(ctx)
	sims, err := startSimulators(gctx, g, p.log, ports)
	if err != nil {
		return err
	}
	if err := seedDemoTenant(ctx, s, ports); err != nil {
		return err
	}
	conns, err := app.PostgresConnectors(ctx, s, p.log)
	if err != nil {
		return err
	}
	defer conns.Close()
	pc, err := temporalclient.PayloadCodec(&p.cfg)
	if err != nil {
		return err
	}
	var keyID string
	if pc != nil {
		keyID = pc.KeyID()
	}
	workerUp := make(chan struct{})
	g.Go(func() error {
		return app.RunWorker(gctx, app.WorkerDeps{Log: p.log.Named("worker"), Temporal: c, Store: s, Metrics: m, Connectors: conns, ScheduleEvery: time.Minute,
			TaskQueue: p.cfg.TaskQueue, MetricsAddr: fmt.Sprintf("127.0.0.1:%d", ports.Metrics), Ready: func() { close(workerUp) }, KeyID: keyID})
	})
	devCodec := codec.Handler(pc, codec.HandlerOptions{Open: true, AllowOrigins: []string{
		fmt.Sprintf("http://127.0.0.1:%d", ports.UI), fmt.Sprintf("http://localhost:%d", ports.UI)}})
	starterUp := make(chan struct{})
	g.Go(func() error {
		return app.RunStarter(gctx, app.StarterDeps{Log: p.log.Named("starter"), Temporal: c, Store: s, Metrics: m,
			Addr: fmt.Sprintf("127.0.0.1:%d", ports.Starter), TaskQueue: p.cfg.TaskQueue, Ready: func(string) { close(starterUp) }, Codec: devCodec})
	})
	select {
	case <-starterUp:
		select {
		case <-workerUp:
			printURLs(e, p, ports, sims)
		case <-gctx.Done():
		}
	case <-gctx.Done():
	}
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

func printURLs(e *env, p *proc, ports devPorts, sims []string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nbokfor dev is running — Ctrl-C stops everything.\n\n")
	fmt.Fprintf(&b, "  Temporal Web UI   http://127.0.0.1:%d\n", ports.UI)
	fmt.Fprintf(&b, "  Temporal frontend 127.0.0.1:%d (namespace %s)\n", ports.Temporal, p.cfg.TemporalNamespace)
	fmt.Fprintf(&b, "  Webhook starter   http://127.0.0.1:%d/webhooks/demo/prestashop\n", ports.Starter)
	fmt.Fprintf(&b, "  Starter health    http://127.0.0.1:%d/healthz  /readyz  /metrics\n", ports.Starter)
	fmt.Fprintf(&b, "  Worker metrics    http://127.0.0.1:%d/metrics\n", ports.Metrics)
	for _, s := range sims {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	fmt.Fprintf(&b, "  Database          %s\n", store.Redact(p.cfg.DatabaseURL))
	fmt.Fprintf(&b, "\n  In another shell: DATABASE_URL=%q BOKFOR_SECRET_KEY_FILE=%s bokfor tenant list\n\n", p.cfg.DatabaseURL, p.cfg.SecretKeyFile)
	printf(e.stdout, "%s", b.String())
}

func ensureKeyFile(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(secrets.GenerateKey()+"\n"), 0o600)
}

func portFree(port int) error {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("port %d is in use (is another bokfor dev or temporal running?); choose another with its --*-port flag", port)
	}
	return ln.Close()
}

// seedDemoTenant adds the two example tenants — "demo" on Fiken and
// "demo-po" on PowerOffice Go, each with its own simulated shop — unless
// they exist.
func seedDemoTenant(ctx context.Context, s *store.Store, ports devPorts) error {
	seeds := []struct {
		yaml         []byte
		shop, ledger string
	}{
		{tenant.ExampleYAML(), fmt.Sprintf("http://127.0.0.1:%d", ports.PrestaShop), fmt.Sprintf("http://127.0.0.1:%d/api/v2", ports.Fiken)},
		{tenant.ExamplePowerOfficeYAML(), fmt.Sprintf("http://127.0.0.1:%d", ports.PrestaShopPO), fmt.Sprintf("http://127.0.0.1:%d/v2", ports.PowerOffice)},
	}
	for _, sd := range seeds {
		t, err := tenant.Parse(sd.yaml)
		if err != nil {
			return err
		}
		if _, err := s.Tenant(ctx, t.ID); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		t.Settings.Shop.BaseURL, t.Settings.Ledger.BaseURL = sd.shop, sd.ledger
		if err := s.CreateTenant(ctx, t); err != nil {
			return err
		}
	}
	return nil
}
