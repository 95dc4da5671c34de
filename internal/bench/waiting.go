package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/workflows"
)

// SettledShare is the share of waiting invoices the waiting scenario
// settles in the ledger (1 %).
const SettledShare = 0.01

// WatcherTick is one run of the settlement watcher.
type WatcherTick struct {
	// LedgerCalls are the Fiken requests made while the watcher ran.
	LedgerCalls int64   `json:"ledger_calls"`
	Seconds     float64 `json:"seconds"`
	// Found is how many ledger documents the listing returned; Handed how
	// many settlements it signalled; Numbered how many document numbers it
	// recorded and signalled.
	Found    int `json:"found"`
	Handed   int `json:"handed"`
	Numbered int `json:"numbered"`
}

// WaitingResult is scenario 6: many order workflows waiting for the
// settlement of their unpaid invoices.
type WaitingResult struct {
	Orders int `json:"orders"`
	// SignalSeconds is until every signal-with-start was accepted;
	// HandOverSeconds until every order was booked (invoice posted and
	// sent) and waiting; OrdersPerSecond is Orders ÷ HandOverSeconds.
	SignalSeconds float64 `json:"signal_seconds"`
	// SignalRetries counts signal-with-starts the driver repeated after
	// the dev server refused them.
	SignalRetries   int64   `json:"signal_retries"`
	HandOverSeconds float64 `json:"hand_over_seconds"`
	OrdersPerSecond float64 `json:"orders_per_second"`
	// CPUPerOrderMS is this process's plus the dev server's CPU per order
	// while handing over; LedgerCallsPerOrder the Fiken requests per order.
	CPUPerOrderMS       float64 `json:"cpu_ms_per_order"`
	LedgerCallsPerOrder float64 `json:"ledger_calls_per_order"`
	HistoryEvents       int     `json:"history_events_sample,omitempty"`

	// SelfRSS*MB are this process's resident set (worker, simulators and
	// driver) before the orders were placed and with every order waiting;
	// Heap*MB the Go heap in use after a collection at those points and
	// after the worker stopped. WorkerHeapMB is what stopping the worker
	// freed (its workflow cache and client state); the rest of the growth
	// is the simulators' copies of the orders and invoices.
	SelfRSSBeforeMB       float64 `json:"self_rss_before_mb"`
	SelfRSSWaitingMB      float64 `json:"self_rss_waiting_mb"`
	HeapBeforeMB          float64 `json:"heap_before_mb"`
	HeapWaitingMB         float64 `json:"heap_waiting_mb"`
	HeapWorkerStoppedMB   float64 `json:"heap_worker_stopped_mb"`
	WorkerHeapMB          float64 `json:"worker_heap_mb"`
	WorkerKBPerWorkflow   float64 `json:"worker_kb_per_workflow"`
	ServerRSSBeforeMB     float64 `json:"server_rss_before_mb"`
	ServerRSSWaitingMB    float64 `json:"server_rss_waiting_mb"`
	ServerRSSAfterIdleMB  float64 `json:"server_rss_after_idle_mb"`
	ServerKBPerWorkflow   float64 `json:"server_kb_per_workflow"`
	IdleSeconds           float64 `json:"idle_seconds"`
	ServerIdleCPUPercent  float64 `json:"server_idle_cpu_percent"`
	SelfIdleCPUPercent    float64 `json:"self_idle_cpu_percent"`
	MachineIdleCPUPercent float64 `json:"machine_busy_cpu_percent_while_idle"`

	// NumberingTick is the watcher run right after the hand-over, before
	// anything is paid: it records the invoice numbers of the new orders
	// (as the scheduled run after a busy period would). NumberedSeconds
	// runs from its start until the dev server was quiet again, every
	// order's number recorded and its customer told.
	NumberingTick   WatcherTick `json:"numbering_tick"`
	NumberedSeconds float64     `json:"numbered_seconds"`
	// Settled is how many invoices were paid in the ledger; Ticks the
	// watcher runs after that (the first hands the settlements over, the
	// second finds nothing new); LedgerCallsPerSettled is the first run's
	// ledger calls ÷ Settled; SettleSeconds from the first run's start
	// until every settled order was settled in the store.
	Settled               int           `json:"settled"`
	Ticks                 []WatcherTick `json:"ticks"`
	LedgerCallsPerSettled float64       `json:"ledger_calls_per_settled"`
	SettleSeconds         float64       `json:"settle_seconds"`
}

// unpaid is a bank-wire order: invoiced, sent, and waiting for payment.
var unpaid = orderSpec{Email: returning.Email, Module: "ps_wirepayment", State: 3, Lines: knownLines}

// runWaiting hands n unpaid bank-wire orders of one tenant to their
// workflows (simulators without limits or latency), measures the
// hand-over, the memory and idle CPU with every workflow waiting, then
// pays 1 % of the invoices in the Fiken simulator and runs the settlement
// watcher twice.
func runWaiting(ctx context.Context, env *Env, n int, idle time.Duration, concurrency int) (*WaitingResult, error) {
	w, err := newWorld(ctx, env, worldOptions{Name: "wait", Tenants: 1, Unlimited: true,
		Fiken: fikensim.Options{DisableRateLimits: true, DisableLatency: true}})
	if err != nil {
		return nil, err
	}
	defer w.close()
	if err := w.warmUp(ctx); err != nil {
		return nil, err
	}
	res := &WaitingResult{Orders: n}
	self := os.Getpid()
	res.HeapBeforeMB, res.SelfRSSBeforeMB, res.ServerRSSBeforeMB = heapMB(), mb(procRSS(self)), mb(procRSS(env.DevServerPID))

	ps, err := placeMany(w.tenants, n, unpaid)
	if err != nil {
		return nil, err
	}
	l0 := w.fk.Stats().Requests
	u0 := readUsage(env.DevServerPID, "")
	accepted, err := w.signalAll(ctx, ps, concurrency)
	if err != nil {
		return nil, err
	}
	res.SignalSeconds = latest(accepted).Sub(u0.at).Seconds()
	res.SignalRetries = w.signalRetries.Load()
	wctx, cancel := context.WithTimeout(ctx, time.Duration(n)*time.Second+2*time.Minute)
	defer cancel()
	if err := w.waitStatesEvery(wctx, ps, workflows.StateBooked, time.Second); err != nil {
		return nil, err
	}
	u1 := readUsage(env.DevServerPID, "")
	res.HandOverSeconds = u1.at.Sub(u0.at).Seconds()
	res.OrdersPerSecond = float64(n) / res.HandOverSeconds
	res.CPUPerOrderMS = float64(u1.selfCPU-u0.selfCPU+u1.serverCPU-u0.serverCPU) / float64(time.Millisecond) / float64(n)
	// Sending the invoice may still be under way for the last orders.
	time.Sleep(3 * time.Second)
	res.LedgerCallsPerOrder = float64(w.fk.Stats().Requests-l0) / float64(n)
	n0 := time.Now()
	if res.NumberingTick, err = w.watchOnce(ctx, w.tenants[0].ID); err != nil {
		return nil, err
	}
	// Every numbered order records its number and tells the customer
	// (a workflow task and an activity each): wait until that work is
	// done, so the idle window below is idle — a fixed 2 minutes was not
	// enough for 10 000 orders on 2 cores.
	waitQuiet(ctx, env.DevServerPID, max(2*time.Minute, time.Duration(n)*60*time.Millisecond))
	res.NumberedSeconds = time.Since(n0).Seconds()
	if h, _, err := historyLength(ctx, w, ps[len(ps)/2]); err == nil {
		res.HistoryEvents = h
	}

	// Every order waits: memory, then idle CPU.
	res.HeapWaitingMB, res.SelfRSSWaitingMB, res.ServerRSSWaitingMB = heapMB(), mb(procRSS(self)), mb(procRSS(env.DevServerPID))
	i0 := readUsage(env.DevServerPID, "")
	time.Sleep(idle)
	i1 := readUsage(env.DevServerPID, "")
	res.IdleSeconds = i1.at.Sub(i0.at).Seconds()
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / res.IdleSeconds }
	res.ServerIdleCPUPercent, res.SelfIdleCPUPercent = pct(i1.serverCPU-i0.serverCPU), pct(i1.selfCPU-i0.selfCPU)
	res.MachineIdleCPUPercent = pct(i1.machineBusy - i0.machineBusy)
	res.ServerRSSAfterIdleMB = mb(procRSS(env.DevServerPID))
	res.ServerKBPerWorkflow = (res.ServerRSSWaitingMB - res.ServerRSSBeforeMB) * 1024 / float64(n)

	// The worker's share: what stopping it frees. A fresh worker takes
	// over (the settled orders' workflows replay on their signal, as after
	// a restart).
	w.stopWorkerNow()
	res.HeapWorkerStoppedMB = heapMB()
	res.WorkerHeapMB = res.HeapWaitingMB - res.HeapWorkerStoppedMB
	res.WorkerKBPerWorkflow = res.WorkerHeapMB * 1024 / float64(n)
	if err := w.startWorker(ctx); err != nil {
		return nil, err
	}

	// Pay 1 % of the invoices in the ledger, then let the watcher run.
	var settled []placed
	step := max(1, int(1/SettledShare))
	for i := 0; i < len(ps); i += step {
		rec, err := w.env.Store.Order(ctx, ps[i].Tenant, ps[i].ID)
		if err != nil {
			return nil, err
		}
		if err := w.settleInSim(ctx, rec.LedgerDocID); err != nil {
			return nil, err
		}
		settled = append(settled, ps[i])
	}
	res.Settled = len(settled)
	t0 := time.Now()
	tick, err := w.watchOnce(ctx, w.tenants[0].ID)
	if err != nil {
		return nil, err
	}
	res.Ticks = append(res.Ticks, tick)
	res.LedgerCallsPerSettled = float64(tick.LedgerCalls) / float64(res.Settled)
	if err := w.waitStatesEvery(wctx, settled, workflows.StateSettled, 200*time.Millisecond); err != nil {
		return nil, err
	}
	res.SettleSeconds = time.Since(t0).Seconds()
	if tick, err = w.watchOnce(ctx, w.tenants[0].ID); err != nil {
		return nil, err
	}
	res.Ticks = append(res.Ticks, tick)
	return res, nil
}

// watchOnce runs the tenant's settlement watcher once, as its schedule
// would, and counts the ledger requests made meanwhile.
func (w *world) watchOnce(ctx context.Context, tenantID string) (WatcherTick, error) {
	l0, t0 := w.fk.Stats().Requests, time.Now()
	run, err := w.env.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: w.starter.TaskQueue,
		ID: fmt.Sprintf("bench-settlements-%s-%d", tenantID, time.Now().UnixNano())}, workflows.WatchSettlements, workflows.PollInput{TenantID: tenantID})
	if err != nil {
		return WatcherTick{}, err
	}
	var r activities.PollResult
	if err := run.Get(ctx, &r); err != nil {
		return WatcherTick{}, fmt.Errorf("settlement watcher: %w", err)
	}
	return WatcherTick{LedgerCalls: w.fk.Stats().Requests - l0, Seconds: time.Since(t0).Seconds(), Found: r.Found, Handed: r.Handed,
		Numbered: r.Numbered}, nil
}

// waitQuiet waits until the dev server used less than a tenth of a core
// over two seconds (the signals of the last watcher run are processed),
// at most maxWait.
func waitQuiet(ctx context.Context, serverPID int, maxWait time.Duration) {
	deadline := time.Now().Add(maxWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		c0 := procCPU(serverPID)
		time.Sleep(2 * time.Second)
		if procCPU(serverPID)-c0 < 200*time.Millisecond {
			return
		}
	}
}

// heapMB collects garbage and returns the Go heap in use in MB.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return mb(int64(m.HeapInuse))
}
