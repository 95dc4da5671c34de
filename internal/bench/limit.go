package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/workflows"
)

// LimitResult is scenario 2: one tenant's backlog against Fiken's rules.
type LimitResult struct {
	Orders    int `json:"orders"`
	LatencyMS int `json:"fiken_latency_ms"`
	// FikenRPS is the simulator's limit; LimiterRPS bokfor's own pacing
	// (1 / ratelimit.DefaultInterval).
	FikenRPS   float64 `json:"fiken_rps"`
	LimiterRPS float64 `json:"limiter_rps"`
	// LedgerRequests were made while draining; per order.
	LedgerRequests   int64   `json:"ledger_requests"`
	RequestsPerOrder float64 `json:"ledger_requests_per_order"`
	// AchievedRPS counts requests between the first and the last document.
	AchievedRPS     float64 `json:"achieved_rps"`
	RatioToFiken    float64 `json:"ratio_to_fiken_rps"`
	RatioToLimiter  float64 `json:"ratio_to_limiter_rps"`
	OrdersPerSecond float64 `json:"orders_per_second"`
	DrainSeconds    float64 `json:"drain_seconds"`
	RateViolations  int64   `json:"rate_violations"`
	Status429       int64   `json:"status_429"`
	MaxInFlight     int64   `json:"max_in_flight"`
	SignalSeconds   float64 `json:"signal_seconds"`
	// Gap describes the intervals between consecutive ledger requests
	// from the first to the last document: the limiter spaces them at
	// least 300 ms; StarvedShare is the share of intervals over 400 ms,
	// when no order was ready to post (the engine, not the limit, was
	// the bottleneck) or the hand-over was slow.
	Gap          Percentiles `json:"request_gap"`
	StarvedShare float64     `json:"starved_share"`
	// PerSecond are the ledger requests in each second from the hand-over
	// of the backlog to the last document (for charts).
	PerSecond []int `json:"ledger_requests_per_second"`
}

// runLimit hands a backlog of orders of one tenant to bokfor at once,
// against a Fiken simulator that enforces one request in flight and 4 per
// second with latencyMS per request, through the product's PostgreSQL
// rate limiter, and measures how close the ledger traffic runs to the
// limit.
func runLimit(ctx context.Context, env *Env, orders, latencyMS, concurrency int) (*LimitResult, error) {
	w, err := newWorld(ctx, env, worldOptions{Name: "limit", Tenants: 1})
	if err != nil {
		return nil, err
	}
	defer w.close()
	w.fk.SetFaults(fikensim.Faults{LatencyMS: latencyMS})
	if err := w.warmUp(ctx); err != nil {
		return nil, err
	}
	ps, err := placeMany(w.tenants, orders, returning)
	if err != nil {
		return nil, err
	}
	st0 := w.fk.Stats()
	t0 := time.Now()
	accepted, err := w.signalAll(ctx, ps, concurrency)
	if err != nil {
		return nil, err
	}
	signalled := latest(accepted)
	// Generous: the limiter allows 3.3 requests per second.
	wctx, cancel := context.WithTimeout(ctx, time.Duration(orders)*time.Second+2*time.Minute)
	defer cancel()
	if err := w.docs.wait(wctx, refs(ps)); err != nil {
		return nil, fmt.Errorf("at the limit: %d of %d documents: %w", w.docs.count(refs(ps)), orders, err)
	}
	if err := w.waitStates(wctx, ps, workflows.StateSettled); err != nil {
		return nil, err
	}
	st1 := w.fk.Stats()
	first, last := w.docs.span(refs(ps))
	r := &LimitResult{Orders: orders, LatencyMS: latencyMS, FikenRPS: 4, LimiterRPS: float64(time.Second) / float64(ratelimit.DefaultInterval),
		LedgerRequests: st1.Requests - st0.Requests, DrainSeconds: last.Sub(t0).Seconds(),
		RateViolations: st1.RateViolations - st0.RateViolations, Status429: st1.ByStatus["429"] - st0.ByStatus["429"],
		MaxInFlight: st1.MaxInFlight, SignalSeconds: signalled.Sub(t0).Seconds()}
	r.RequestsPerOrder = float64(r.LedgerRequests) / float64(orders)
	r.PerSecond = w.docs.perSecond(t0, last)
	gaps := w.docs.gaps(first, last)
	r.Gap = percentiles(gaps)
	for _, g := range gaps {
		if g > 400 {
			r.StarvedShare++
		}
	}
	if len(gaps) > 0 {
		r.StarvedShare /= float64(len(gaps))
	}
	if d := last.Sub(first).Seconds(); d > 0 {
		r.AchievedRPS = float64(w.docs.requestsBetween(first, last)) / d
	}
	r.RatioToFiken, r.RatioToLimiter = r.AchievedRPS/r.FikenRPS, r.AchievedRPS/r.LimiterRPS
	if r.DrainSeconds > 0 {
		r.OrdersPerSecond = float64(orders) / r.DrainSeconds
	}
	return r, nil
}

func latest(ts []time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
