package fikensim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SeedProduct is one product of POST /_sim/companies/{slug}/products.
type SeedProduct struct {
	Name string `json:"name"`
	// UnitPrice is the net price in øre.
	UnitPrice     int64  `json:"unitPrice"`
	IncomeAccount string `json:"incomeAccount"`
	VatType       string `json:"vatType"`
	Active        bool   `json:"active"`
	ProductNumber string `json:"productNumber,omitempty"`
	// LastModified is its createdDate and lastModifiedDate
	// ("2006-01-02"); empty: today.
	LastModified string `json:"lastModifiedDate,omitempty"`
}

// ErrNoCompany means the company slug is unknown.
var ErrNoCompany = errors.New("fikensim: no such company")

// AddProducts adds a catalogue to a company in one go (benchmarks seed
// thousands of products this way), checked as POST /products checks a
// product, and returns the new product ids in order. Nothing is added
// when one product is invalid.
func (s *Server) AddProducts(slug string, ps []SeedProduct) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	co := s.st.companies[slug]
	if co == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoCompany, slug)
	}
	ins := make([]productIn, len(ps))
	for i, p := range ps {
		in := productIn{Name: &p.Name, UnitPrice: &p.UnitPrice, IncomeAccount: &p.IncomeAccount, VatType: &p.VatType,
			Active: &p.Active, ProductNumber: p.ProductNumber}
		if e := in.check(co); e != nil {
			return nil, fmt.Errorf("product %d (%s): %w", i, p.ProductNumber, e)
		}
		if p.LastModified != "" {
			if _, err := time.Parse(dateFormat, p.LastModified); err != nil {
				return nil, fmt.Errorf("product %d (%s): lastModifiedDate: %w", i, p.ProductNumber, err)
			}
		}
		ins[i] = in
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		day := p.LastModified
		if day == "" {
			day = s.today()
		}
		pr := &product{ID: s.st.id(), Created: day, Modified: day, In: ins[i]}
		co.products = append(co.products, pr)
		ids[i] = pr.ID
	}
	return ids, nil
}

// handleAddProducts is POST /_sim/companies/{slug}/products: a JSON array
// of SeedProduct (up to 64 MB) → {"ids":[…]}.
func (s *Server) handleAddProducts(w http.ResponseWriter, r *http.Request) {
	var ps []SeedProduct
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ps); err != nil {
		writeError(w, http.StatusBadRequest, "products: "+err.Error())
		return
	}
	ids, err := s.AddProducts(r.PathValue("slug"), ps)
	if errors.Is(err, ErrNoCompany) {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string][]int64{"ids": ids})
}
