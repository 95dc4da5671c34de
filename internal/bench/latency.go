package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/sim/fikensim"
	"github.com/bokfor/bokfor/workflows"
)

// Percentiles are latency quantiles in milliseconds.
type Percentiles struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// LatencyResult is scenario 4: webhook accepted → ledger document created
// at a steady arrival rate.
type LatencyResult struct {
	Tenants int     `json:"tenants"`
	Orders  int     `json:"orders"`
	Rate    float64 `json:"orders_per_second_offered"`
	// Achieved is orders over the time from the first signal to the last
	// document.
	Achieved float64 `json:"orders_per_second_achieved"`
	// Document is from the signal-with-start's answer (the webhook's 202)
	// to the Fiken simulator's 201 for the document.
	Document Percentiles `json:"accepted_to_document"`
	// Signal is the signal-with-start call itself (the part of the
	// webhook's answer time that Temporal adds).
	Signal Percentiles `json:"signal_with_start"`
	// SamplesMS are the accepted→document latencies, sorted (for charts).
	SamplesMS []float64 `json:"samples_ms"`
}

// runLatency offers orders at a fixed rate (open loop: a slow answer does
// not delay the next arrival) and measures each order's latency.
func runLatency(ctx context.Context, env *Env, tenants int, rate float64, d time.Duration) (*LatencyResult, error) {
	if rate <= 0 {
		return nil, fmt.Errorf("latency: rate must be positive")
	}
	w, err := newWorld(ctx, env, worldOptions{Name: "lat", Tenants: tenants, Unlimited: true,
		Fiken: fikensim.Options{DisableRateLimits: true, DisableLatency: true}})
	if err != nil {
		return nil, err
	}
	defer w.close()
	if err := w.warmUp(ctx); err != nil {
		return nil, err
	}
	n := max(int(math.Round(rate*d.Seconds())), 10)
	ps, err := placeMany(w.tenants, n, returning)
	if err != nil {
		return nil, err
	}
	sent := make([]time.Time, n)
	accepted := make([]time.Time, n)
	var (
		wg   sync.WaitGroup
		errs onceErr
	)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i, p := range ps {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent[i] = time.Now()
			if err := w.signal(ctx, p, "lat-"+p.ID); err != nil {
				errs.set(err)
				return
			}
			accepted[i] = time.Now()
		}()
	}
	wg.Wait()
	if errs.err != nil {
		return nil, errs.err
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := w.docs.wait(wctx, refs(ps)); err != nil {
		return nil, fmt.Errorf("latency: %d of %d documents: %w", w.docs.count(refs(ps)), n, err)
	}
	if err := w.waitStates(wctx, ps, workflows.StateSettled); err != nil {
		return nil, err
	}
	res := &LatencyResult{Tenants: tenants, Orders: n, Rate: rate}
	var docMS, sigMS []float64
	for i, p := range ps {
		at, _ := w.docs.at(p.Ref)
		docMS = append(docMS, ms(at.Sub(accepted[i])))
		sigMS = append(sigMS, ms(accepted[i].Sub(sent[i])))
	}
	_, last := w.docs.span(refs(ps))
	res.Achieved = float64(n) / last.Sub(start).Seconds()
	res.Document, res.Signal = percentiles(docMS), percentiles(sigMS)
	slices.Sort(docMS)
	res.SamplesMS = docMS
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentiles returns nearest-rank quantiles of xs (not modified).
func percentiles(xs []float64) Percentiles {
	if len(xs) == 0 {
		return Percentiles{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return Percentiles{P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: s[len(s)-1]}
}
