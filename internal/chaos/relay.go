package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// relay stands between the shop simulators and the starter. It answers
// the shop at once and delivers each webhook one to three times with
// random delays (so copies and events overtake each other); a share of
// new-order webhooks is never delivered, which only the poller can repair.
// A copy the starter does not accept (it is being restarted) is retried
// for a while, as a queueing webhook relay would.
type relay struct {
	starter  func() string // base URL of the starter
	neverPct float64
	maxDelay time.Duration
	ctx      context.Context

	mu    sync.Mutex
	rnd   *rand.Rand
	stats relayStats
	wg    sync.WaitGroup
}

// relayStats count what the relay did.
type relayStats struct {
	Received   int // webhooks the shops sent
	Copies     int // deliveries attempted (first tries)
	Duplicates int // copies beyond the first
	Never      int // new-order webhooks never delivered
	Retried    int // copies retried because the starter refused or was down
	Lost       int // copies given up after retries
}

func (r *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	tenant := strings.TrimPrefix(req.URL.Path, "/hook/")
	body, err := io.ReadAll(io.LimitReader(req.Body, 4<<20))
	if err != nil || tenant == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	hdr := req.Header.Clone()
	var ev struct {
		Action string `json:"action"`
		Entity string `json:"entity"`
	}
	_ = json.Unmarshal(body, &ev)
	r.mu.Lock()
	r.stats.Received++
	never := ev.Entity == "Order" && ev.Action == "add" && r.rnd.Float64() < r.neverPct
	copies := 1 + r.rnd.IntN(3)
	delays := make([]time.Duration, copies)
	for i := range delays {
		delays[i] = time.Duration(r.rnd.Int64N(int64(r.maxDelay) + 1))
	}
	if never {
		r.stats.Never++
	} else {
		r.stats.Copies += copies
		r.stats.Duplicates += copies - 1
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
	if never {
		return
	}
	for _, d := range delays {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.deliver(tenant, hdr, body, d)
		}()
	}
}

func (r *relay) deliver(tenant string, hdr http.Header, body []byte, delay time.Duration) {
	select {
	case <-r.ctx.Done():
		return
	case <-time.After(delay):
	}
	for attempt := 0; attempt < 60; attempt++ {
		if attempt > 0 {
			r.mu.Lock()
			r.stats.Retried++
			r.mu.Unlock()
			select {
			case <-r.ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.starter()+"/webhooks/"+tenant+"/prestashop", bytes.NewReader(body))
		if err != nil {
			cancel()
			return
		}
		for k, v := range hdr {
			if k == "Content-Length" || k == "Host" {
				continue
			}
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode < 300 {
				return
			}
			if resp.StatusCode < 500 {
				r.mu.Lock()
				r.stats.Lost++
				r.mu.Unlock()
				return
			}
		}
	}
	r.mu.Lock()
	r.stats.Lost++
	r.mu.Unlock()
}

func (r *relay) snapshot() relayStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}
