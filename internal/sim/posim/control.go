package posim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// controlRoutes serves the simulator's own API under /_sim/.
func (s *Server) controlRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /_sim/stats", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Stats()) })
	m.HandleFunc("GET /_sim/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		f := s.faults
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, f)
	})
	m.HandleFunc("POST /_sim/faults", s.handleSetFaults)
	m.HandleFunc("POST /_sim/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_sim/invoices/{invoiceNo}/settle", s.handleSettle)
	m.HandleFunc("POST /_sim/customerledger/{reference}/settle", s.handleSettleEntry)
	return m
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByStatus = map[string]int64{}
	for k, v := range s.stats.ByStatus {
		st.ByStatus[k] = v
	}
	return st
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Reset clears all data, tokens, counters and faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeProblem(w, http.StatusBadRequest, "Invalid faults", err.Error())
		return
	}
	for _, p := range []float64{f.ErrorRate, f.TimeoutRate, f.DropAfterCommitRate} {
		if p < 0 || p > 1 {
			writeProblem(w, http.StatusBadRequest, "Invalid faults", "rates must be between 0 and 1")
			return
		}
	}
	if f.LatencyMS < 0 || f.MaxFaults < 0 {
		writeProblem(w, http.StatusBadRequest, "Invalid faults", "latency_ms and max_faults must not be negative")
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, f)
}

// ErrAmbiguousInvoice means several clients hold an open invoice with
// the number asked for (each client has its own number series): the
// client must be named.
var ErrAmbiguousInvoice = errors.New("several clients hold an open invoice with this number")

// SettleInvoice pays the open invoice with this number in full, in the
// client with clientKey or, when clientKey is "", in the only client that
// holds one; it reports whether it found one.
func (s *Server) SettleInvoice(clientKey string, invoiceNo int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	var found []*invoice
	for key, cl := range s.clients {
		if clientKey != "" && key != clientKey {
			continue
		}
		for _, inv := range cl.invoices {
			if inv.InvoiceNo == invoiceNo && inv.Balance != 0 && inv.ready(now) {
				found = append(found, inv)
			}
		}
	}
	switch len(found) {
	case 0:
		return false, nil
	case 1:
		found[0].Balance, found[0].BalanceChanged = 0, now
		return true, nil
	default:
		return false, ErrAmbiguousInvoice
	}
}

// handleSettle is POST /_sim/invoices/{invoiceNo}/settle[?client=KEY].
func (s *Server) handleSettle(w http.ResponseWriter, r *http.Request) {
	no, err := strconv.ParseInt(r.PathValue("invoiceNo"), 10, 64)
	ok := false
	if err == nil {
		ok, err = s.SettleInvoice(r.URL.Query().Get("client"), no)
	}
	switch {
	case errors.Is(err, ErrAmbiguousInvoice):
		writeProblem(w, http.StatusConflict, "Ambiguous invoice", err.Error()+": name it with ?client=<client key>")
		return
	case !ok:
		writeProblem(w, http.StatusNotFound, "Object(s) not found", "no open invoice with InvoiceNo = "+r.PathValue("invoiceNo"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoiceNo": no, "settled": true})
}
