package main

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/chaos"
)

// errChaosFailed makes `bokfor chaos` exit non-zero after printing the table.
var errChaosFailed = errors.New("chaos: invariants violated or no quiescence (see the table)")

func newChaosCmd(e *env) *cobra.Command {
	var cfg chaos.Config
	cmd := &cobra.Command{
		Use:   "chaos",
		Short: "Prove exactly-once booking under faults: real processes, killed and restarted, faulty simulators, invariants checked",
		Long: `chaos runs the Temporal dev server (SQLite), several workers, the starter and the
simulators (with API faults) as processes of this binary, places orders whose webhooks
arrive one to three times, out of order or never, settles, refunds and cancels a share,
SIGKILLs workers and the starter and restarts Temporal meanwhile, waits for quiescence
and checks the invariants against the simulators. It prints a table and exits non-zero
on any violation. Tenants alternate between Fiken and PowerOffice Go (--ledgers). It runs its own PostgreSQL cluster (initdb in a temporary directory, a
free port; as root it runs as the OS user postgres) and restarts it once mid-run;
--shared-postgres uses an existing server instead, which it never restarts.`,
		Args: cobra.NoArgs,
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Orders, "orders", 1000, "orders to place")
	f.IntVar(&cfg.Tenants, "tenants", 4, "tenants (each its own shop and ledger company)")
	ledgers := f.String("ledgers", "fiken,poweroffice", "ledgers the tenants book into, taken in turn")
	f.IntVar(&cfg.Workers, "workers", 2, "worker processes")
	f.IntVar(&cfg.WorkerKills, "kills", 6, "worker SIGKILLs during the run")
	f.IntVar(&cfg.StarterRestarts, "starter-restarts", 1, "starter SIGKILLs during the run")
	f.BoolVar(&cfg.TemporalRestart, "restart-temporal", true, "restart the Temporal dev server once")
	f.BoolVar(&cfg.PostgresRestart, "restart-postgres", true, "stop the run's private PostgreSQL cluster once mid-run (fast shutdown) and start it again")
	f.DurationVar(&cfg.PostgresOutage, "postgres-outage", 5*time.Second, "how long PostgreSQL stays down when restarted")
	f.BoolVar(&cfg.SharedPostgres, "shared-postgres", false, "use the PostgreSQL server at $BOKFOR_TEST_DATABASE_URL (default 127.0.0.1:5432) instead of a private cluster; it is never restarted")
	f.StringVar(&cfg.PostgresBin, "postgres-bin", "", "directory of initdb and pg_ctl for the private cluster (default: $BOKFOR_PG_BIN or the newest /usr/lib/postgresql/*/bin)")
	f.Float64Var(&cfg.Rate, "rate", 6, "orders per second")
	f.Float64Var(&cfg.RefundPct, "refund-share", 0.1, "share of card orders refunded after settlement")
	f.Float64Var(&cfg.CancelPct, "cancel-share", 0.05, "share of card orders cancelled after booking")
	f.Float64Var(&cfg.NeverPct, "lost-webhook-share", 0.1, "share of new-order webhooks never delivered")
	f.Float64Var(&cfg.BadPct, "bad-share", 0.01, "share of orders with bad data the product must park (unconfigured payment module, unmapped VAT rate); at least one if above 0")
	f.DurationVar(&cfg.Quiescence, "quiescence-timeout", 15*time.Minute, "how long to wait for every order to reach its end state")
	f.Uint64Var(&cfg.Seed, "seed", 0, "random seed (0: from the clock)")
	f.StringVar(&cfg.Dir, "dir", "", "directory for logs and the Temporal database (default: a temporary one, removed on success)")
	f.StringVar(&cfg.TemporalBin, "temporal-bin", "", "temporal CLI (default: bin/temporal or $BOKFOR_TEMPORAL_BIN)")
	f.BoolVar(&cfg.Keep, "keep", false, "keep the database and directory")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg.Progress = e.stderr
		var err error
		if cfg.Ledgers, err = chaos.ParseLedgers(*ledgers); err != nil {
			return err
		}
		rep, err := chaos.Run(cmd.Context(), cfg)
		if rep != nil {
			rep.Print(e.stdout)
		}
		if err != nil {
			return err
		}
		if rep.Failed() {
			return errChaosFailed
		}
		return nil
	}
	return cmd
}
