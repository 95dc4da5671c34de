package fikensim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// controlRoutes serves the simulator's own API under /_sim/ (not Fiken).
func (s *Server) controlRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /_sim/stats", s.handleStats)
	m.HandleFunc("GET /_sim/faults", s.handleGetFaults)
	m.HandleFunc("POST /_sim/faults", s.handleSetFaults)
	m.HandleFunc("POST /_sim/reset", s.handleReset)
	m.HandleFunc("POST /_sim/invoices/{invoiceId}/settle", s.handleSettle)
	m.HandleFunc("POST /_sim/companies", s.handleAddCompany)
	m.HandleFunc("GET /_sim/companies/{slug}/contacts/{contactId}", s.handleRawContact)
	m.HandleFunc("POST /_sim/companies/{slug}/products", s.handleAddProducts)
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

// Reset clears all data, counters and faults and seeds "demo" again.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

func (s *Server) handleGetFaults(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	f := s.faults
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, "faults: "+err.Error())
		return
	}
	for _, p := range []float64{f.ErrorRate, f.TimeoutRate, f.DropAfterCommitRate} {
		if p < 0 || p > 1 {
			writeError(w, http.StatusBadRequest, "faults: rates must be between 0 and 1")
			return
		}
	}
	if f.LatencyMS < 0 || f.MaxFaults < 0 {
		writeError(w, http.StatusBadRequest, "faults: latency_ms and max_faults must not be negative")
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) handleReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}

// settleIn is the optional body of POST /_sim/invoices/{id}/settle.
type settleIn struct {
	Date   string `json:"date"`
	Amount *int64 `json:"amount"`
}

// handleSettle books a bank payment on the invoice's sale, of the
// outstanding balance unless an amount is given.
func (s *Server) handleSettle(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("invoiceId"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "invoice not found")
		return
	}
	var in settleIn
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil && r.ContentLength > 0 {
			writeError(w, http.StatusBadRequest, "settle: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, co := range s.st.companies {
		inv := co.invoice(id)
		if inv == nil {
			continue
		}
		date := in.Date
		if date == "" {
			date = s.today()
		} else if _, err := time.Parse(dateFormat, date); err != nil {
			writeError(w, http.StatusBadRequest, "settle: invalid date")
			return
		}
		amount := inv.Sale.outstanding()
		if in.Amount != nil {
			amount = *in.Amount
		}
		if amount <= 0 {
			writeError(w, http.StatusConflict, "invoice has nothing outstanding")
			return
		}
		p := s.addPayment(inv.Sale, date, deref(inv.In.BankAccountCode), amount, 0)
		writeJSON(w, http.StatusOK, map[string]any{"invoiceId": inv.ID, "saleId": inv.Sale.ID,
			"paymentId": p.PaymentID, "settled": inv.Sale.Settled, "outstandingBalance": inv.Sale.outstanding()})
		return
	}
	writeError(w, http.StatusNotFound, "invoice not found")
}

// addCompanyIn is the body of POST /_sim/companies.
type addCompanyIn struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	HasAPIAccess *bool  `json:"has_api_access"`
	// NoCounters leaves out the number series, as in a fresh company.
	NoCounters bool `json:"no_counters"`
}

// AddCompany adds a company (with bank accounts and chart of accounts;
// number series unless noCounters).
func (s *Server) AddCompany(slug, name string, apiAccess, noCounters bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.addCompany(slug, name, "", apiAccess, !noCounters, s.opts.Now())
}

func (s *Server) handleAddCompany(w http.ResponseWriter, r *http.Request) {
	var in addCompanyIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Slug == "" {
		writeError(w, http.StatusBadRequest, "companies: slug is required")
		return
	}
	s.mu.Lock()
	_, exists := s.st.companies[in.Slug]
	s.mu.Unlock()
	if exists {
		writeError(w, http.StatusConflict, "company exists")
		return
	}
	if in.Name == "" {
		in.Name = in.Slug
	}
	s.AddCompany(in.Slug, in.Name, in.HasAPIAccess == nil || *in.HasAPIAccess, in.NoCounters)
	w.WriteHeader(http.StatusCreated)
}

// handleRawContact returns a contact as stored, write-only fields
// included, for tests that check what an update kept.
func (s *Server) handleRawContact(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.st.companies[r.PathValue("slug")]
	id, _ := strconv.ParseInt(r.PathValue("contactId"), 10, 64)
	if co == nil || co.contact(id) == nil {
		writeError(w, http.StatusNotFound, "contact not found")
		return
	}
	c := co.contact(id)
	in := c.In
	in.ContactPerson = nil
	for _, p := range c.Persons {
		in.ContactPerson = append(in.ContactPerson, p.In)
	}
	writeJSON(w, http.StatusOK, in)
}
