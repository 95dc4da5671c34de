package fiken

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// SaleFilter selects sales.
type SaleFilter struct {
	SaleNumber   string
	ContactID    int64
	Settled      *bool
	Date         DateFilter
	LastModified DateFilter
}

func (f SaleFilter) query() url.Values {
	q := url.Values{}
	setStr(q, "saleNumber", f.SaleNumber)
	setInt(q, "contactId", f.ContactID)
	setBool(q, "settled", f.Settled)
	f.Date.apply(q, "date")
	f.LastModified.apply(q, "lastModified")
	return q
}

func (c *Client) salePath(id int64, suffix string) string {
	return c.company("/sales/" + strconv.FormatInt(id, 10) + suffix)
}

// ListSales returns every sale matching f.
func (c *Client) ListSales(ctx context.Context, f SaleFilter) ([]Sale, error) {
	return listAll[Sale](ctx, c, "GET /sales", c.company("/sales"), f.query())
}

// GetSale returns one sale.
func (c *Client) GetSale(ctx context.Context, id int64) (Sale, error) {
	var s Sale
	err := c.get(ctx, "GET /sales/{id}", c.salePath(id, ""), nil, &s)
	return s, err
}

// CreateSale books a sale whose invoice was issued outside Fiken (invoice
// voucher) or a cash sale, and returns its id. Not idempotent; see
// CreateSaleOnce.
func (c *Client) CreateSale(ctx context.Context, req SaleRequest) (int64, error) {
	return c.create(ctx, "POST /sales", c.company("/sales"), req)
}

// ListSalePayments returns the payments on a sale.
func (c *Client) ListSalePayments(ctx context.Context, saleID int64) ([]Payment, error) {
	var ps []Payment
	err := c.get(ctx, "GET /sales/{id}/payments", c.salePath(saleID, "/payments"), nil, &ps)
	return ps, err
}

// CreateSalePayment books a payment (with an optional fee in NOK) on any
// sale, including an invoice's sale, and returns the payment id. Not
// idempotent; see CreateSalePaymentOnce.
func (c *Client) CreateSalePayment(ctx context.Context, saleID int64, req PaymentRequest) (int64, error) {
	return c.create(ctx, "POST /sales/{id}/payments", c.salePath(saleID, "/payments"), req)
}

// SettleSale marks a sale settled on date without a payment.
func (c *Client) SettleSale(ctx context.Context, saleID int64, date string) (Sale, error) {
	var s Sale
	_, err := c.do(ctx, request{method: http.MethodPatch, op: "PATCH /sales/{id}/settled",
		path: c.salePath(saleID, "/settled"), query: url.Values{"settledDate": {date}}}, &s)
	return s, err
}

// WriteOffSale registers a loss on a sale (not for cash sales).
func (c *Client) WriteOffSale(ctx context.Context, saleID int64, req WriteOffRequest) (Sale, error) {
	var s Sale
	_, err := c.do(ctx, request{method: http.MethodPatch, op: "PATCH /sales/{id}/writeOff",
		path: c.salePath(saleID, "/writeOff"), body: req}, &s)
	return s, err
}

// DeleteSale books a reversal of the sale with description.
func (c *Client) DeleteSale(ctx context.Context, saleID int64, description string) (Sale, error) {
	var s Sale
	_, err := c.do(ctx, request{method: http.MethodPatch, op: "PATCH /sales/{id}/delete",
		path: c.salePath(saleID, "/delete"), query: url.Values{"description": {description}}}, &s)
	return s, err
}
