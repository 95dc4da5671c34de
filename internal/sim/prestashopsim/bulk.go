package prestashopsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// SeedProduct is one product of POST /_sim/products: a simple, active
// product in the home category with one stock row per shop.
type SeedProduct struct {
	Reference string `json:"reference"`
	Name      string `json:"name"`
	// PriceTaxExcl is the net price ("129.00").
	PriceTaxExcl string `json:"price_tax_excl"`
	// TaxRate picks the tax rule group of that Norwegian rate ("25").
	TaxRate string `json:"tax_rate"`
	Stock   int    `json:"stock"`
	// DateUpd is its date_add and date_upd in shop time
	// ("2006-01-02 15:04:05"); empty: now.
	DateUpd string `json:"date_upd,omitempty"`
}

// AddProducts adds a catalogue in one go (benchmarks seed thousands of
// products this way) and returns the new product ids in order. Nothing is
// added when one product is invalid.
func (s *Server) AddProducts(ps []SeedProduct) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type parsed struct {
		excl micro
		bp   int
	}
	in := make([]parsed, len(ps))
	for i, p := range ps {
		excl, err := parseMicro(p.PriceTaxExcl)
		if err != nil {
			return nil, fmt.Errorf("product %d (%s): price_tax_excl: %w", i, p.Reference, err)
		}
		bp, err := parseRateBP(p.TaxRate)
		if err != nil {
			return nil, fmt.Errorf("product %d (%s): tax_rate: %w", i, p.Reference, err)
		}
		if s.taxGroupFor(bp) == 0 {
			return nil, fmt.Errorf("product %d (%s): no tax rule group with rate %s", i, p.Reference, p.TaxRate)
		}
		if p.DateUpd != "" {
			if _, err := time.Parse(dateLayout, p.DateUpd); err != nil {
				return nil, fmt.Errorf("product %d (%s): date_upd: %w", i, p.Reference, err)
			}
		}
		if p.Reference == "" || p.Name == "" {
			return nil, fmt.Errorf("product %d: reference and name are required", i)
		}
		in[i] = parsed{excl, bp}
	}
	ids := make([]int, len(ps))
	for i, p := range ps {
		pr := s.createProduct(p.Reference, p.Name, in[i].excl, in[i].bp, p.Stock)
		if p.DateUpd != "" {
			pr.fields["date_add"], pr.fields["date_upd"] = p.DateUpd, p.DateUpd
		}
		ids[i] = pr.id
	}
	return ids, nil
}

// serveAddProducts is POST /_sim/products: a JSON array of SeedProduct
// (up to 64 MB) → {"ids":[…]}.
func (s *Server) serveAddProducts(w http.ResponseWriter, r *http.Request) {
	var ps []SeedProduct
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ps); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	ids, err := s.AddProducts(ps)
	if err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string][]int{"ids": ids})
}
