package fikensim

import (
	"net/http"
	"strconv"
)

// productIn is the writable part of a product (create and PUT bodies).
type productIn struct {
	Name          *string  `json:"name"`
	UnitPrice     *int64   `json:"unitPrice,omitempty"`
	IncomeAccount *string  `json:"incomeAccount"`
	VatType       *string  `json:"vatType"`
	Active        *bool    `json:"active"`
	ProductNumber string   `json:"productNumber,omitempty"`
	Stock         *float64 `json:"stock,omitempty"`
	Note          string   `json:"note,omitempty"`
}

func (p *productIn) check(co *company) *apiError {
	if e := firstErr(required(p.Name != nil && *p.Name != "", "name"),
		required(p.IncomeAccount != nil && *p.IncomeAccount != "", "incomeAccount"),
		required(p.VatType != nil && *p.VatType != "", "vatType"),
		required(p.Active != nil, "active")); e != nil {
		return e
	}
	if _, ok := vatRate(*p.VatType); !ok {
		return badRequest("vatType: %q is not a valid VAT type for sales", *p.VatType)
	}
	if !co.validAccount(*p.IncomeAccount) {
		return badRequest("incomeAccount: account %q does not exist", *p.IncomeAccount)
	}
	if len(p.Note) > 200 {
		return badRequest("note: size must be at most 200")
	}
	return nil
}

// product is a stored product.
type product struct {
	ID       int64
	Created  string
	Modified string
	In       productIn
}

// productOut is a product as returned.
type productOut struct {
	ProductID        int64    `json:"productId"`
	CreatedDate      string   `json:"createdDate"`
	LastModifiedDate string   `json:"lastModifiedDate"`
	Name             string   `json:"name"`
	UnitPrice        int64    `json:"unitPrice"`
	IncomeAccount    string   `json:"incomeAccount"`
	VatType          string   `json:"vatType"`
	Active           bool     `json:"active"`
	ProductNumber    string   `json:"productNumber,omitempty"`
	Stock            *float64 `json:"stock,omitempty"`
	Note             string   `json:"note,omitempty"`
}

func (p *product) out() productOut {
	return productOut{ProductID: p.ID, CreatedDate: p.Created, LastModifiedDate: p.Modified,
		Name: deref(p.In.Name), UnitPrice: deref(p.In.UnitPrice), IncomeAccount: deref(p.In.IncomeAccount),
		VatType: deref(p.In.VatType), Active: deref(p.In.Active), ProductNumber: p.In.ProductNumber,
		Stock: p.In.Stock, Note: p.In.Note}
}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	lm, e1 := parseDateFilter(q, "lastModified")
	cd, e2 := parseDateFilter(q, "createdDate")
	active, e3 := boolFilter(q, "active")
	if e := firstErr(e1, e2, e3); e != nil {
		return e
	}
	// The query is read once, not per product: a listing of n products
	// is n/100 pages, and each page filters them all.
	number, name := eqFilterOf(q, "productNumber"), eqFilterOf(q, "name")
	var out []*product
	for _, p := range co.products {
		if lm.match(p.Modified) && cd.match(p.Created) && (active == nil || *active == deref(p.In.Active)) &&
			number(p.In.ProductNumber) && name(deref(p.In.Name)) {
			out = append(out, p)
		}
	}
	writePageFunc(w, r, out, (*product).out)
	return nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in productIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check(co); e != nil {
		return e
	}
	p := &product{ID: s.st.id(), Created: s.today(), Modified: s.today(), In: in}
	co.products = append(co.products, p)
	s.created(w, r, co, "/products/"+strconv.FormatInt(p.ID, 10))
	return nil
}

func (s *Server) findProduct(r *http.Request, co *company) (*product, *apiError) {
	id, e := pathID(r, "productId")
	if e != nil {
		return nil, e
	}
	p := co.product(id)
	if p == nil {
		return nil, notFound("product", id)
	}
	return p, nil
}

func (s *Server) getProduct(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	p, e := s.findProduct(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, p.out())
	return nil
}

// updateProduct is a full replacement: an omitted stock becomes null.
func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	p, e := s.findProduct(r, co)
	if e != nil {
		return e
	}
	var in productIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check(co); e != nil {
		return e
	}
	p.In = in
	p.Modified = s.today()
	s.located(w, r, co, "/products/"+strconv.FormatInt(p.ID, 10), http.StatusOK)
	return nil
}

func (s *Server) deleteProduct(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	p, e := s.findProduct(r, co)
	if e != nil {
		return e
	}
	for i, x := range co.products {
		if x == p {
			co.products = append(co.products[:i], co.products[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
