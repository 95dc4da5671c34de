package posim

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// product is the stored ProductDto (the fields the simulator keeps).
type product struct {
	ID                     int64    `json:"Id"`
	Code                   *string  `json:"Code"`
	Name                   string   `json:"Name"`
	Description            string   `json:"Description"`
	UnitPrice              *float64 `json:"UnitPrice"`
	UnitCost               *float64 `json:"UnitCost"`
	StandardSalesAccount   *int64   `json:"StandardSalesAccount"`
	StandardSalesAccountID *int64   `json:"StandardSalesAccountId"`
	IsArchived             bool     `json:"IsArchived"`
	IsStockItem            bool     `json:"IsStockItem"`
	StockOnHand            float64  `json:"StockOnHand"`
	StockAvailable         float64  `json:"StockAvailable"`
	Created                string   `json:"CreatedDateTimeOffset"`
	LastChanged            string   `json:"LastChangedDateTimeOffset"`
	StockChanged           *string  `json:"StockOnHandLastChangedDatetimeOffset"`
}

// productIn is the part of ProductPostDto the simulator keeps.
type productIn struct {
	Code                   string   `json:"Code"`
	Name                   string   `json:"Name"`
	Description            string   `json:"Description"`
	UnitPrice              *float64 `json:"UnitPrice"`
	UnitCost               *float64 `json:"UnitCost"`
	StandardSalesAccount   *int64   `json:"StandardSalesAccount"`
	StandardSalesAccountID *int64   `json:"StandardSalesAccountId"`
	IsArchived             bool     `json:"IsArchived"`
	IsStockItem            bool     `json:"IsStockItem"`
	StockOnHand            *float64 `json:"StockOnHand"`
}

var productReadOnly = []string{"Id", "StandardSalesAccount", "StockAvailable", "CreatedDateTimeOffset", "LastChangedDateTimeOffset", "StockOnHandLastChangedDatetimeOffset"}

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	q := r.URL.Query()
	changed, hasChanged, e := after(q, "lastChangedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	stock, hasStock, e := after(q, "stockOnHandLastChangedDatetimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	codes, names := list(q, "codes"), list(q, "names")
	out := []product{}
	for _, p := range cl.products {
		switch {
		case codes != nil && (p.Code == nil || !slices.Contains(codes, *p.Code)):
		case names != nil && !slices.Contains(names, p.Name):
		case q.Get("isArchived") != "" && strconv.FormatBool(p.IsArchived) != q.Get("isArchived"):
		case hasChanged && !mustTime(p.LastChanged).After(changed):
		case hasStock && (p.StockChanged == nil || !mustTime(*p.StockChanged).After(stock)):
		default:
			out = append(out, *p)
		}
	}
	return writeList(w, r, out)
}

func (s *Server) getProduct(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	id, e := pathInt(r, "id")
	if e != nil {
		return e
	}
	p := cl.product(id)
	if p == nil {
		return notFound("Product", id)
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in productIn
	if e := decode(r, &in); e != nil {
		return e
	}
	if strings.TrimSpace(in.Name) == "" {
		return badRequest("Name is required")
	}
	if in.Code != "" && cl.productByCode(in.Code) != nil {
		return badRequest("a product with Code %q already exists", in.Code)
	}
	now := stamp(s.opts.Now())
	p := &product{ID: s.id(), Name: in.Name, Description: in.Description, UnitPrice: in.UnitPrice, UnitCost: in.UnitCost,
		IsArchived: in.IsArchived, IsStockItem: in.IsStockItem, Created: now, LastChanged: now}
	if in.Code != "" {
		code := in.Code
		p.Code = &code
	}
	var acc *account
	switch {
	case in.StandardSalesAccountID != nil:
		acc = cl.accountByID(*in.StandardSalesAccountID)
	case in.StandardSalesAccount != nil:
		acc = cl.accountByNo(*in.StandardSalesAccount)
	}
	if (in.StandardSalesAccountID != nil || in.StandardSalesAccount != nil) && acc == nil {
		return badRequest("the standard sales account does not exist")
	}
	if acc != nil {
		p.StandardSalesAccount, p.StandardSalesAccountID = &acc.No, &acc.ID
	}
	if in.StockOnHand != nil {
		p.StockOnHand, p.StockAvailable, p.StockChanged = *in.StockOnHand, *in.StockOnHand, &now
	}
	cl.products = append(cl.products, p)
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) patchProduct(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	if e := requirePatch(r); e != nil {
		return e
	}
	id, e := pathInt(r, "id")
	if e != nil {
		return e
	}
	p := cl.product(id)
	if p == nil {
		return notFound("Product", id)
	}
	next := *p
	if e := applyPatch(r, &next, productReadOnly); e != nil {
		return e
	}
	if next.Code != nil && (p.Code == nil || *next.Code != *p.Code) && cl.productByCode(*next.Code) != nil {
		return badRequest("a product with Code %q already exists", *next.Code)
	}
	if next.StandardSalesAccountID != nil {
		acc := cl.accountByID(*next.StandardSalesAccountID)
		if acc == nil {
			return badRequest("StandardSalesAccountId %d does not exist", *next.StandardSalesAccountID)
		}
		next.StandardSalesAccount = &acc.No
	}
	now := stamp(s.opts.Now())
	if next.StockOnHand != p.StockOnHand {
		next.StockChanged = &now
		next.StockAvailable = next.StockOnHand
	}
	// As in PowerOffice, LastChangedDateTimeOffset ignores stock.
	fields := next
	fields.StockOnHand, fields.StockAvailable, fields.StockChanged, fields.IsStockItem = p.StockOnHand, p.StockAvailable, p.StockChanged, p.IsStockItem
	if !reflect.DeepEqual(fields, *p) {
		next.LastChanged = now
	}
	*p = next
	writeJSON(w, http.StatusOK, p)
	return nil
}
