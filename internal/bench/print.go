package bench

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

func table(out io.Writer, title string, rows func(w io.Writer)) {
	fmt.Fprintf(out, "%s\n", title)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	rows(tw)
	_ = tw.Flush()
}

func printCalls(out io.Writer, r *CallsResult) {
	table(out, "1. Calls per order (Fiken rules enforced, PostgreSQL limiter)", func(w io.Writer) {
		fmt.Fprintln(w, "  case\tledger\tshop\ttarget\tnote")
		for _, x := range r.Rows {
			fmt.Fprintf(w, "  %s\t%d\t%d\t%s\t%s\n", x.Case, x.LedgerCalls, x.ShopCalls, x.Target, x.Note)
		}
	})
	fmt.Fprintf(out, "  rate violations: %d\n", r.RateViolations)
}

func printLimit(out io.Writer, r *LimitResult) {
	table(out, fmt.Sprintf("2. At the limit: 1 tenant, %d-order backlog, Fiken %d ms latency, 1 in flight, 4/s", r.Orders, r.LatencyMS), func(w io.Writer) {
		fmt.Fprintf(w, "  achieved ledger req/s\t÷ Fiken 4/s\t÷ limiter %.2f/s\torders/s\treq/order\tdrain s\tviolations\t429s\tmax in flight\n", r.LimiterRPS)
		fmt.Fprintf(w, "  %.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%d\t%d\t%d\n", r.AchievedRPS, r.RatioToFiken, r.RatioToLimiter,
			r.OrdersPerSecond, r.RequestsPerOrder, r.DrainSeconds, r.RateViolations, r.Status429, r.MaxInFlight)
	})
	fmt.Fprintf(out, "  gap between ledger requests: p50 %.0f ms, p95 %.0f ms, max %.0f ms; %.0f %% of gaps over 400 ms (nothing ready to post, or a slow hand-over)\n",
		r.Gap.P50, r.Gap.P95, r.Gap.Max, 100*r.StarvedShare)
}

func printCeiling(out io.Writer, r *CeilingResult) {
	table(out, fmt.Sprintf("3. Engine ceiling: %d tenants, %d orders, no limits, no latency", r.Tenants, r.Engine.Orders), func(w io.Writer) {
		fmt.Fprintln(w, "  path\torders/s\tCPU ms/order (self+server)\tself\tdev server\tPostgreSQL\tmachine\tledger req")
		for _, x := range []struct {
			name string
			c    Cost
		}{{"bokfor (Temporal + PostgreSQL)", r.Engine}, {"plain loop (no durability)", r.Plain}} {
			fmt.Fprintf(w, "  %s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", x.name, x.c.OrdersPerSecond, x.c.CPUPerOrderMS,
				x.c.SelfCPUPerOrderMS, x.c.ServerCPUPerOrderMS, x.c.PostgresCPUPerOrderMS, x.c.MachineCPUPerOrderMS, x.c.LedgerRequests)
		}
	})
	fmt.Fprintf(out, "  durability costs ×%.1f in throughput and ×%.1f in CPU per order; peak RSS: bench process %.0f MB, dev server %.0f MB; %d history events per order\n",
		r.ThroughputRatio, r.CPURatio, r.SelfPeakRSSMB, r.ServerPeakRSSMB, r.HistoryEvents)
	if len(r.ActivitiesSample) > 0 {
		keys := make([]string, 0, len(r.ActivitiesSample))
		for k := range r.ActivitiesSample {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(out, "  one order's activities:")
		for _, k := range keys {
			fmt.Fprintf(out, " %s ×%d", k, r.ActivitiesSample[k])
		}
		fmt.Fprintln(out)
	}
}

func printLatency(out io.Writer, r *LatencyResult) {
	table(out, fmt.Sprintf("4. Latency at %.1f orders/s offered (%d tenants, %d orders)", r.Rate, r.Tenants, r.Orders), func(w io.Writer) {
		fmt.Fprintln(w, "  span\tp50 ms\tp95 ms\tp99 ms\tmax ms")
		fmt.Fprintf(w, "  accepted → document\t%.0f\t%.0f\t%.0f\t%.0f\n", r.Document.P50, r.Document.P95, r.Document.P99, r.Document.Max)
		fmt.Fprintf(w, "  signal-with-start\t%.0f\t%.0f\t%.0f\t%.0f\n", r.Signal.P50, r.Signal.P95, r.Signal.P99, r.Signal.Max)
	})
	fmt.Fprintf(out, "  achieved %.1f orders/s\n", r.Achieved)
}

func printSync(out io.Writer, r *SyncCostResult) {
	table(out, fmt.Sprintf("5. Product sync: catalogue in step on both sides, then %.0f %% of the prices changed in the shop (no limits, no latency)", 100*ChangedShare), func(w io.Writer) {
		fmt.Fprintln(w, "  products\tfirst: ledger\tshop\ts\tincremental: changed\tledger\tshop\ts\tCPU s\tcalls/changed (ledger+shop)")
		for _, x := range r.Rows {
			fmt.Fprintf(w, "  %d\t%d\t%d\t%.1f\t%d\t%d\t%d\t%.2f\t%.2f\t%.1f (%.1f+%.1f)\n", x.Products, x.First.LedgerCalls, x.First.ShopCalls, x.First.Seconds,
				x.Changed, x.Incremental.LedgerCalls, x.Incremental.ShopCalls, x.Incremental.Seconds, x.Incremental.CPUSeconds,
				x.CallsPerChanged, x.LedgerPerChanged, x.ShopPerChanged)
		}
	})
	for _, x := range r.Rows {
		if x.Error != "" {
			fmt.Fprintf(out, "  %d products: did not complete after %.0f s, %d ledger and %d shop calls: %s\n", x.Products,
				x.First.Seconds+x.Incremental.Seconds, x.First.LedgerCalls+x.Incremental.LedgerCalls, x.First.ShopCalls+x.Incremental.ShopCalls, x.Error)
			continue
		}
		fmt.Fprintf(out, "  %d products: first run read %d, created %d, updated %d, skipped %d; incremental read %d, updated %d\n", x.Products,
			x.First.Read, x.First.Created, x.First.Updated, x.First.Skipped, x.Incremental.Read, x.Incremental.Updated)
	}
}

func printWaiting(out io.Writer, r *WaitingResult) {
	table(out, fmt.Sprintf("6. Waiting orders: %d unpaid bank-wire orders waiting for settlement (no limits, no latency)", r.Orders), func(w io.Writer) {
		fmt.Fprintln(w, "  hand-over s\torders/s\tCPU ms/order\tledger/order\tworker heap MB\tKB/workflow\tdev server RSS MB (before → waiting)\tdev server idle CPU %\tbench idle CPU %")
		fmt.Fprintf(w, "  %.0f\t%.2f\t%.0f\t%.2f\t%.1f\t%.1f\t%.0f → %.0f\t%.2f\t%.2f\n", r.HandOverSeconds, r.OrdersPerSecond, r.CPUPerOrderMS,
			r.LedgerCallsPerOrder, r.WorkerHeapMB, r.WorkerKBPerWorkflow, r.ServerRSSBeforeMB, r.ServerRSSWaitingMB, r.ServerIdleCPUPercent, r.SelfIdleCPUPercent)
	})
	fmt.Fprintf(out, "  bench process RSS %.0f → %.0f MB, Go heap %.0f → %.0f MB (%.0f MB after the worker stopped); idle window %.0f s, whole machine %.0f %% busy\n",
		r.SelfRSSBeforeMB, r.SelfRSSWaitingMB, r.HeapBeforeMB, r.HeapWaitingMB, r.HeapWorkerStoppedMB, r.IdleSeconds, r.MachineIdleCPUPercent)
	fmt.Fprintf(out, "  signal-with-starts accepted after %.0f s (%d repeated after a refusal)\n", r.SignalSeconds, r.SignalRetries)
	fmt.Fprintf(out, "  watcher run after the hand-over: %d ledger calls, %d documents listed, %d numbers recorded, %.1f s; every number recorded and customer told after %.0f s\n",
		r.NumberingTick.LedgerCalls, r.NumberingTick.Found, r.NumberingTick.Numbered, r.NumberingTick.Seconds, r.NumberedSeconds)
	for i, t := range r.Ticks {
		fmt.Fprintf(out, "  watcher run %d: %d ledger calls, %d documents listed, %d settlements handed over, %.1f s\n", i+1, t.LedgerCalls, t.Found, t.Handed, t.Seconds)
	}
	fmt.Fprintf(out, "  %d invoices settled: %.2f ledger calls per settled order (first run); all settled in the store after %.1f s\n",
		r.Settled, r.LedgerCallsPerSettled, r.SettleSeconds)
}
