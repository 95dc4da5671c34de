package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/bench"
	"github.com/bokfor/bokfor/internal/config"
)

func newBenchCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure calls per order, throughput at the ledger's limit, the engine's ceiling, latency, sync cost and waiting orders",
		Long: `bench runs bokfor end to end on this machine — a throw-away PostgreSQL database on the
DATABASE_URL server, a Temporal dev server (SQLite in WAL mode), the worker in this process and the
shop and Fiken simulators — and prints a table per scenario: calls (ledger and shop calls per kind of
order), ceiling (orders/s, CPU and RSS without rate limits, against a plain loop without durability),
latency (accepted → document at half the ceiling) and limit (one tenant's backlog against Fiken's
4 requests/s with latency), sync (product-sync calls and seconds for growing catalogues with 1 % changed)
and waiting (many unpaid orders waiting for settlement: hand-over time, memory, idle CPU, the settlement
watcher's ledger calls per settled order). Results are written as JSON to --out; docs/benchmarks.md
explains them. Figures from one run are comparable with each other; across runs and machines compare
ratios only.`,
		Args: cobra.NoArgs,
	}
	p := bind(cmd, e, config.Database|config.Logging)
	quick := cmd.Flags().Bool("quick", false, "smoke run: small backlogs, 4 tenants, 15 s of latency, catalogues of 1000 and 5000, 500 waiting orders")
	out := cmd.Flags().String("out", "docs/bench", "directory for the JSON results; empty: none")
	scenarios := cmd.Flags().String("scenarios", strings.Join(bench.AllScenarios, ","), "comma-separated scenarios to run")
	limitOrders := cmd.Flags().Int("limit-orders", 0, "backlog of the limit scenario (default 400; 40 with --quick)")
	limitLatency := cmd.Flags().Int("limit-latency-ms", 40, "simulated Fiken latency per request in the limit scenario")
	tenants := cmd.Flags().Int("tenants", 0, "tenants of the ceiling and latency scenarios (default 20; 4 with --quick)")
	orders := cmd.Flags().Int("orders", 0, "orders of the ceiling scenario (default 2000; 100 with --quick)")
	rate := cmd.Flags().Float64("latency-rate", 0, "offered orders/s of the latency scenario; 0: half the measured ceiling")
	latencyFor := cmd.Flags().Duration("latency-duration", 0, "how long orders arrive in the latency scenario (default 60s; 15s with --quick)")
	syncSizes := cmd.Flags().IntSlice("sync-sizes", nil, "catalogue sizes of the sync scenario (default 1000,10000,50000; 1000,5000 with --quick)")
	waiting := cmd.Flags().Int("waiting-orders", 0, "unpaid orders of the waiting scenario (default 10000; 500 with --quick)")
	waitingIdle := cmd.Flags().Duration("waiting-idle", 0, "how long the waiting scenario measures idle CPU (default 60s; 15s with --quick)")
	conc := cmd.Flags().Int("concurrency", 16, "concurrent signal-with-starts when handing over a backlog")
	cpuProfile := cmd.Flags().String("cpuprofile", "", "write a CPU profile of this process (worker, simulators, bench) to this file; empty: none")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if !cmd.Flags().Changed(config.SetLogLevel.Flag) && e.getenv(config.SetLogLevel.Env) == "" {
			p.cfg.LogLevel = "warn" // the stack's info lines would drown the tables
		}
		if err := p.start(e, "bench"); err != nil {
			return err
		}
		defer func() { _ = p.log.Sync() }()
		o := bench.Defaults(*quick)
		o.DatabaseURL, o.OutDir, o.Log, o.Concurrency, o.LimitLatencyMS, o.LatencyRate = p.cfg.DatabaseURL, *out, p.log, *conc, *limitLatency, *rate
		for _, s := range strings.Split(*scenarios, ",") {
			if s = strings.TrimSpace(s); s != "" {
				o.Scenarios = append(o.Scenarios, s)
			}
		}
		setIf := func(dst *int, v int) {
			if v > 0 {
				*dst = v
			}
		}
		setIf(&o.LimitOrders, *limitOrders)
		setIf(&o.CeilingTenants, *tenants)
		setIf(&o.CeilingOrders, *orders)
		setIf(&o.WaitingOrders, *waiting)
		if *latencyFor > 0 {
			o.LatencyDuration = *latencyFor
		}
		if *waitingIdle > 0 {
			o.WaitingIdle = *waitingIdle
		}
		if len(*syncSizes) > 0 {
			o.SyncSizes = *syncSizes
		}
		if o.OutDir != "" {
			if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
				return err
			}
		}
		if *cpuProfile != "" {
			stop, err := startCPUProfile(*cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
		}
		_, err := bench.Run(cmd.Context(), o, e.stdout)
		return err
	}
	return cmd
}

// startCPUProfile starts Go's CPU profiler writing to path and returns the
// function that stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
