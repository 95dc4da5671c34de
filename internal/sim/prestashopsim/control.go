package prestashopsim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Faults are injected into webservice (/api) requests.
type Faults struct {
	// ErrorRate is the share of requests answered 503 without effect.
	ErrorRate float64 `json:"error_rate"`
	// TimeoutRate is the share of requests that hang without effect.
	TimeoutRate float64 `json:"timeout_rate"`
	// DropAfterCommitRate is the share of writes that take effect but whose
	// connection is closed before the response.
	DropAfterCommitRate float64 `json:"drop_after_commit_rate"`
	// LatencyMS delays every request.
	LatencyMS int `json:"latency_ms"`
}

// Stats are the simulator's counters, served by GET /_sim/stats.
type Stats struct {
	// Requests counts webservice requests by "METHOD resource" and errors
	// by "error STATUS".
	Requests map[string]int `json:"requests"`
	// WebhooksSent counts deliveries answered 2xx.
	WebhooksSent int `json:"webhooks_sent"`
	// WebhooksFailed counts deliveries that failed or timed out (not retried).
	WebhooksFailed int `json:"webhooks_failed"`
	// EmailsSent counts customer e-mails a state change would have sent.
	EmailsSent int `json:"emails_sent"`
	// Counters holds other events: ws_key_in_url, fault_errors,
	// fault_timeouts, fault_drops.
	Counters map[string]int `json:"counters"`
}

func newStats() Stats { return Stats{Requests: map[string]int{}, Counters: map[string]int{}} }

type faultKind int

const (
	faultNone faultKind = iota
	faultError
	faultTimeout
	faultDrop
)

func (s *Server) currentFaults() Faults {
	s.mu.lockRead()
	defer s.mu.Unlock()
	return s.faults
}

// roll picks the fault for one request: error, timeout, or (for writes
// only) a response dropped after the commit.
func (s *Server) roll(f Faults, write bool) faultKind {
	if f.ErrorRate == 0 && f.TimeoutRate == 0 && f.DropAfterCommitRate == 0 {
		return faultNone
	}
	s.mu.lockRead()
	defer s.mu.Unlock()
	x := s.rnd.Float64()
	switch {
	case x < f.ErrorRate:
		s.stats.Counters["fault_errors"]++
		return faultError
	case x < f.ErrorRate+f.TimeoutRate:
		s.stats.Counters["fault_timeouts"]++
		return faultTimeout
	case write && x < f.ErrorRate+f.TimeoutRate+f.DropAfterCommitRate:
		return faultDrop
	}
	return faultNone
}

func (s *Server) count(name string, yes bool) {
	if !yes {
		return
	}
	s.mu.lockRead()
	s.stats.Counters[name]++
	s.mu.Unlock()
}

func (s *Server) countRequest(k string) {
	s.mu.lockRead()
	s.stats.Requests[k]++
	s.mu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.lockRead()
	defer s.mu.Unlock()
	c := s.stats
	c.Requests = map[string]int{}
	c.Counters = map[string]int{}
	for k, v := range s.stats.Requests {
		c.Requests[k] = v
	}
	for k, v := range s.stats.Counters {
		c.Counters[k] = v
	}
	return c
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.lockRead()
	s.faults = f
	s.mu.Unlock()
}

// SetWebhook points deliveries at url ("" disables), signed with secret if set.
func (s *Server) SetWebhook(url, secret string) {
	s.mu.lockRead()
	s.hook = webhookConfig{url: url, secret: secret}
	s.mu.Unlock()
}

// Reset restores the seeded shop and clears faults and stats.
func (s *Server) Reset() {
	s.mu.Lock()
	s.resetLocked()
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func decodeBody(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_sim/")
	switch {
	case path == "stats" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Stats())
	case path == "faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.currentFaults())
	case path == "faults" && r.Method == http.MethodPost:
		var f Faults
		if err := decodeBody(r, &f); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, f)
	case path == "reset" && r.Method == http.MethodPost:
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case path == "webhook" && r.Method == http.MethodPost:
		var b struct {
			URL    string `json:"url"`
			Secret string `json:"secret"`
		}
		if err := decodeBody(r, &b); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.SetWebhook(b.URL, b.Secret)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	case path == "products" && r.Method == http.MethodPost:
		s.serveAddProducts(w, r)
	case path == "orders" && r.Method == http.MethodPost:
		var in PlaceOrder
		if err := decodeBody(r, &in); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		res, err := s.PlaceOrder(in)
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusCreated, res)
	case strings.HasPrefix(path, "orders/") && r.Method == http.MethodPost:
		parts := strings.Split(path, "/")
		if len(parts) != 3 {
			controlError(w, http.StatusNotFound, "unknown control path")
			return
		}
		id := atoi(parts[1])
		switch parts[2] {
		case "refund":
			var in RefundRequest
			if err := decodeBody(r, &in); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			slip, err := s.Refund(id, in)
			if err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			writeJSON(w, http.StatusCreated, map[string]int{"id": slip})
		case "payment":
			var in PaymentRequest
			if err := decodeBody(r, &in); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			pid, err := s.AddPayment(id, in)
			if err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			writeJSON(w, http.StatusCreated, map[string]int{"id": pid})
		case "state":
			var in struct {
				State int `json:"state"`
			}
			if err := decodeBody(r, &in); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			h, err := s.SetOrderState(id, in.State)
			if err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			writeJSON(w, http.StatusCreated, map[string]int{"id": h})
		default:
			controlError(w, http.StatusNotFound, "unknown control path")
		}
	default:
		controlError(w, http.StatusNotFound, "unknown control path")
	}
}
