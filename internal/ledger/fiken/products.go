package fiken

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ProductFilter selects products; string filters are exact matches.
type ProductFilter struct {
	ProductNumber string
	Name          string
	Active        *bool
	LastModified  DateFilter
	CreatedDate   DateFilter
}

func (f ProductFilter) query() url.Values {
	q := url.Values{}
	setStr(q, "productNumber", f.ProductNumber)
	setStr(q, "name", f.Name)
	setBool(q, "active", f.Active)
	f.LastModified.apply(q, "lastModified")
	f.CreatedDate.apply(q, "createdDate")
	return q
}

// ListProducts returns every product matching f.
func (c *Client) ListProducts(ctx context.Context, f ProductFilter) ([]Product, error) {
	return listAll[Product](ctx, c, "GET /products", c.company("/products"), f.query())
}

// FindProductByNumber returns the product whose productNumber (our SKU)
// is number, or nil.
func (c *Client) FindProductByNumber(ctx context.Context, number string) (*Product, error) {
	p, err := getPage[Product](ctx, c, "GET /products", c.company("/products"),
		ProductFilter{ProductNumber: number}.query(), 0, 1)
	if err != nil {
		return nil, err
	}
	if len(p.Items) == 0 {
		return nil, nil
	}
	return &p.Items[0], nil
}

// GetProduct returns one product.
func (c *Client) GetProduct(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := c.get(ctx, "GET /products/{id}", c.company("/products/"+strconv.FormatInt(id, 10)), nil, &p)
	return p, err
}

// CreateProduct creates a product and returns its id.
func (c *Client) CreateProduct(ctx context.Context, req ProductRequest) (int64, error) {
	return c.create(ctx, "POST /products", c.company("/products"), req)
}

// UpdateProduct replaces the product with req. Fiken's PUT is a full
// replacement that sets stock to null when it is omitted; so when
// req.Stock is nil the current stock is read first and sent back
// unchanged. (Between that read and the PUT a sale in Fiken could change
// the stock; Fiken has no If-Match to prevent it.)
func (c *Client) UpdateProduct(ctx context.Context, id int64, req ProductRequest) error {
	if req.Stock == nil {
		cur, err := c.GetProduct(ctx, id)
		if err != nil {
			return err
		}
		req.Stock = cur.Stock
	}
	_, err := c.do(ctx, request{method: http.MethodPut, op: "PUT /products/{id}",
		path: c.company("/products/" + strconv.FormatInt(id, 10)), body: req}, nil)
	return err
}
