package poweroffice

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FindProductByCode returns the product with exactly this code, or nil.
func (c *Client) FindProductByCode(ctx context.Context, code string) (*Product, error) {
	if strings.Contains(code, ",") {
		// The codes filter is a comma-separated list.
		return nil, nil
	}
	ps, err := listAll[Product](ctx, c, "GET /Products", "/Products", url.Values{"codes": {code}})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Code == code {
			return &p, nil
		}
	}
	return nil, nil
}

// ListProductsChanged lists products changed after the RFC 3339 timestamp
// (exclusive; every product when empty). LastChangedDateTimeOffset does
// not move with stock: see ListProductsStockChanged.
func (c *Client) ListProductsChanged(ctx context.Context, after string) ([]Product, error) {
	q := url.Values{}
	setStr(q, "lastChangedDateTimeOffsetGreaterThan", after)
	return listAll[Product](ctx, c, "GET /Products", "/Products", q)
}

// ListProductsStockChanged lists products whose stock on hand changed
// after the RFC 3339 timestamp (note the lower-case "t" in "Datetime").
func (c *Client) ListProductsStockChanged(ctx context.Context, after string) ([]Product, error) {
	return listAll[Product](ctx, c, "GET /Products", "/Products", url.Values{"stockOnHandLastChangedDatetimeOffsetGreaterThan": {after}})
}

// GetProduct reads one product.
func (c *Client) GetProduct(ctx context.Context, id int64) (Product, error) {
	var p Product
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/Products/" + strconv.FormatInt(id, 10), op: "GET /Products/{id}"}, &p)
	return p, err
}

// CreateProduct creates a product (one attempt). PowerOffice answers 200,
// not 201.
func (c *Client) CreateProduct(ctx context.Context, in ProductPost) (Product, error) {
	var p Product
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/Products", op: "POST /Products", body: in}, &p)
	return p, err
}

// PatchProduct applies a JSON Patch to a product (PATCH takes
// StandardSalesAccountId, not the account number).
func (c *Client) PatchProduct(ctx context.Context, id int64, ops []PatchOp) (Product, error) {
	var p Product
	_, err := c.do(ctx, request{method: http.MethodPatch, path: "/Products/" + strconv.FormatInt(id, 10), op: "PATCH /Products/{id}",
		body: ops, contentType: "application/json-patch+json"}, &p)
	return p, err
}
