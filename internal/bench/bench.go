// Package bench measures bokfor end to end — real PostgreSQL, a real
// Temporal dev server (SQLite file in WAL mode, as `bokfor dev` runs it),
// the worker in this process and the shop and Fiken simulators — for
// `bokfor bench` (`make bench`). Each scenario prints a table and writes
// its results as JSON under the output directory:
//
//  1. calls: ledger and shop calls per kind of order;
//  2. limit: one tenant's backlog against Fiken's rate rules with
//     realistic latency — how close bokfor runs to the allowed rate;
//  3. ceiling: many tenants with simulators that neither limit nor delay —
//     orders per second, CPU per order and peak RSS, against the same
//     documents posted by a plain loop without Temporal or PostgreSQL;
//  4. latency: signal accepted → document created at a steady half of the
//     ceiling;
//  5. sync: product-sync calls and time for catalogues of growing size
//     with 1 % changed — the first (linking) run and the incremental one;
//  6. waiting: many order workflows waiting for the settlement of unpaid
//     invoices — hand-over time, worker and dev-server memory, idle CPU,
//     and the settlement watcher's ledger calls per settled order.
//
// Orders are handed to workflows with the webhook starter's
// signal-with-start (app.OrderStarter); the starter's HTTP edge and inbox
// write are not part of the measured path.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Scenario names.
const (
	ScenarioCalls   = "calls"
	ScenarioLimit   = "limit"
	ScenarioCeiling = "ceiling"
	ScenarioLatency = "latency"
	ScenarioSync    = "sync"
	ScenarioWaiting = "waiting"
)

// AllScenarios are the scenarios in the order they run.
var AllScenarios = []string{ScenarioCalls, ScenarioCeiling, ScenarioLatency, ScenarioLimit, ScenarioSync, ScenarioWaiting}

// Options configure a run.
type Options struct {
	// DatabaseURL names the PostgreSQL server; the run creates and drops
	// its own database bokfor_bench_<unix time> on it. Never written to
	// the results (it may hold a password).
	DatabaseURL string `json:"-"`
	// OutDir receives <scenario>.json and run.json; empty: no files.
	OutDir string
	// Scenarios to run; empty: AllScenarios.
	Scenarios []string
	// LimitOrders is the backlog of the limit scenario; LimitLatencyMS the
	// simulated Fiken latency per request.
	LimitOrders    int
	LimitLatencyMS int
	// CeilingTenants and CeilingOrders size the ceiling scenario.
	CeilingTenants int
	CeilingOrders  int
	// LatencyRate is the offered load of the latency scenario in orders
	// per second; 0: half the measured ceiling (or 5 without one).
	LatencyRate float64
	// LatencyDuration is how long orders arrive in the latency scenario.
	LatencyDuration time.Duration
	// SyncSizes are the catalogue sizes of the sync scenario.
	SyncSizes []int
	// WaitingOrders is how many unpaid orders wait in the waiting
	// scenario; WaitingIdle how long their idle cost is measured.
	WaitingOrders int
	WaitingIdle   time.Duration
	// Concurrency bounds concurrent signal-with-starts of a backlog.
	Concurrency int
	// Log receives warnings of the stack (worker, dev server handling).
	Log *zap.Logger `json:"-"`
}

// Defaults returns the full run's options; quick returns a smoke run.
// docs/benchmarks.md says how long each took on the recorded machine.
func Defaults(quick bool) Options {
	if quick {
		return Options{LimitOrders: 40, LimitLatencyMS: 40, CeilingTenants: 4, CeilingOrders: 100,
			LatencyDuration: 15 * time.Second, SyncSizes: []int{1000, 5000}, WaitingOrders: 500,
			WaitingIdle: 15 * time.Second, Concurrency: 16}
	}
	return Options{LimitOrders: 400, LimitLatencyMS: 40, CeilingTenants: 20, CeilingOrders: 2000,
		LatencyDuration: 60 * time.Second, SyncSizes: []int{1000, 10000, 50000}, WaitingOrders: 10000,
		WaitingIdle: 60 * time.Second, Concurrency: 16}
}

// Report is everything one run measured.
type Report struct {
	Run     RunInfo         `json:"run"`
	Calls   *CallsResult    `json:"calls,omitempty"`
	Limit   *LimitResult    `json:"limit,omitempty"`
	Ceiling *CeilingResult  `json:"ceiling,omitempty"`
	Latency *LatencyResult  `json:"latency,omitempty"`
	Sync    *SyncCostResult `json:"sync,omitempty"`
	Waiting *WaitingResult  `json:"waiting,omitempty"`
}

// RunInfo describes the machine and the run.
type RunInfo struct {
	Started    time.Time `json:"started"`
	Seconds    float64   `json:"seconds"`
	GoVersion  string    `json:"go_version"`
	CPUs       int       `json:"cpus"`
	CPUModel   string    `json:"cpu_model,omitempty"`
	MemTotalMB int64     `json:"mem_total_mb,omitempty"`
	Options    Options   `json:"options"`
	Notes      []string  `json:"notes,omitempty"`
}

// Run runs the scenarios, printing a table per scenario to out.
func Run(ctx context.Context, o Options, out io.Writer) (*Report, error) {
	if len(o.Scenarios) == 0 {
		o.Scenarios = AllScenarios
	}
	for _, s := range o.Scenarios {
		if !slices.Contains(AllScenarios, s) {
			return nil, fmt.Errorf("unknown scenario %q (have %s)", s, strings.Join(AllScenarios, ", "))
		}
	}
	for _, n := range o.SyncSizes {
		if n < 1 {
			return nil, fmt.Errorf("sync catalogue size %d: must be at least 1", n)
		}
	}
	if slices.Contains(o.Scenarios, ScenarioWaiting) && o.WaitingOrders < 1 {
		return nil, fmt.Errorf("waiting orders %d: must be at least 1", o.WaitingOrders)
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	d := Defaults(false)
	if o.Concurrency <= 0 {
		o.Concurrency = d.Concurrency
	}
	rep := &Report{Run: RunInfo{Started: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		CPUModel: cpuModel(), MemTotalMB: memTotalMB(), Options: o}}
	fmt.Fprintf(out, "bokfor bench — %s, %d CPUs (%s), %s\n", rep.Run.Started.Format(time.RFC3339), rep.Run.CPUs, rep.Run.CPUModel, rep.Run.GoVersion)
	env, err := Setup(ctx, o.DatabaseURL, o.Log)
	if err != nil {
		return nil, fmt.Errorf("bench environment: %w", err)
	}
	defer env.Close()
	fmt.Fprintf(out, "database %s, Temporal dev server pid %d (SQLite WAL)\n\n", env.DatabaseName, env.DevServerPID)
	run := func(name string, fn func() error) error {
		if !slices.Contains(o.Scenarios, name) {
			return nil
		}
		t0, load0 := time.Now(), loadAvg()
		if err := fn(); err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		note := fmt.Sprintf("%s took %s; load average %s before, %s after (%d CPUs: more means other work competed)",
			name, time.Since(t0).Round(time.Second), load0, loadAvg(), runtime.NumCPU())
		rep.Run.Notes = append(rep.Run.Notes, note)
		fmt.Fprintf(out, "  (%s)\n\n", note)
		return nil
	}
	err = run(ScenarioCalls, func() error {
		r, err := runCalls(ctx, env)
		if err != nil {
			return err
		}
		rep.Calls = r
		printCalls(out, r)
		return writeJSON(o.OutDir, ScenarioCalls, r)
	})
	if err == nil {
		err = run(ScenarioCeiling, func() error {
			r, err := runCeiling(ctx, env, o.CeilingTenants, o.CeilingOrders, o.Concurrency)
			if err != nil {
				return err
			}
			rep.Ceiling = r
			printCeiling(out, r)
			return writeJSON(o.OutDir, ScenarioCeiling, r)
		})
	}
	if err == nil {
		err = run(ScenarioLatency, func() error {
			rate := o.LatencyRate
			if rate <= 0 && rep.Ceiling != nil {
				rate = rep.Ceiling.Engine.OrdersPerSecond / 2
			}
			if rate <= 0 {
				rate = 5
			}
			tenants := max(o.CeilingTenants, 1)
			r, err := runLatency(ctx, env, tenants, rate, o.LatencyDuration)
			if err != nil {
				return err
			}
			rep.Latency = r
			printLatency(out, r)
			return writeJSON(o.OutDir, ScenarioLatency, r)
		})
	}
	if err == nil {
		err = run(ScenarioLimit, func() error {
			r, err := runLimit(ctx, env, o.LimitOrders, o.LimitLatencyMS, o.Concurrency)
			if err != nil {
				return err
			}
			rep.Limit = r
			printLimit(out, r)
			return writeJSON(o.OutDir, ScenarioLimit, r)
		})
	}
	if err == nil {
		err = run(ScenarioSync, func() error {
			r, err := runSyncCost(ctx, env, o.SyncSizes)
			if err != nil {
				return err
			}
			rep.Sync = r
			printSync(out, r)
			return writeJSON(o.OutDir, ScenarioSync, r)
		})
	}
	if err == nil {
		err = run(ScenarioWaiting, func() error {
			r, err := runWaiting(ctx, env, o.WaitingOrders, o.WaitingIdle, o.Concurrency)
			if err != nil {
				return err
			}
			rep.Waiting = r
			printWaiting(out, r)
			return writeJSON(o.OutDir, ScenarioWaiting, r)
		})
	}
	rep.Run.Seconds = time.Since(rep.Run.Started).Seconds()
	if err != nil {
		return rep, err
	}
	return rep, writeJSON(o.OutDir, runFileName(o.Scenarios), rep)
}

// runFileName is "run" for a run of every scenario, else
// "run-<scenarios>", so a partial run does not replace the full run's
// record.
func runFileName(scenarios []string) string {
	for _, s := range AllScenarios {
		if !slices.Contains(scenarios, s) {
			return "run-" + strings.Join(scenarios, "-")
		}
	}
	return "run"
}

func writeJSON(dir, name string, v any) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), append(b, '\n'), 0o644)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func memTotalMB() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	var kb int64
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
		}
	}
	return kb / 1024
}

// loadAvg returns the 1- and 5-minute load averages of the machine.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return "?"
	}
	return f[0] + "/" + f[1]
}
