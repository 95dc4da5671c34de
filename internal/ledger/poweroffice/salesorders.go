package poweroffice

import (
	"context"
	"net/http"
	"net/url"
)

// Sales order statuses.
const (
	StatusDraft     = "Draft"
	StatusConfirmed = "Confirmed"
)

// CreateSalesOrder posts a sales order with its lines (POST
// /SalesOrders/Complete, one attempt). ExternalImportReference protects
// against duplicates: a repeat is rejected (KindConflict).
func (c *Client) CreateSalesOrder(ctx context.Context, in SalesOrderPost) (SalesOrder, error) {
	var so SalesOrder
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/SalesOrders/Complete", op: "POST /SalesOrders/Complete", body: in}, &so)
	return so, err
}

// GetSalesOrder reads a sales order with its lines.
func (c *Client) GetSalesOrder(ctx context.Context, id string) (SalesOrder, error) {
	var so SalesOrder
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/SalesOrders/" + url.PathEscape(id) + "/Complete", op: "GET /SalesOrders/{id}/Complete"}, &so)
	return so, err
}

// ListOwnSalesOrders lists the sales orders this integration created,
// changed after the RFC 3339 timestamp when it is not empty. There is no
// ExternalImportReference filter: callers match it themselves.
func (c *Client) ListOwnSalesOrders(ctx context.Context, changedAfter string) ([]SalesOrder, error) {
	q := url.Values{"onlyCreatedByCurrentIntegration": {"true"}}
	setStr(q, "lastChangedDateTimeOffsetGreaterThan", changedAfter)
	return listAll[SalesOrder](ctx, c, "GET /SalesOrders", "/SalesOrders", q)
}

// DeleteSalesOrder deletes a sales order that is not invoiced yet.
func (c *Client) DeleteSalesOrder(ctx context.Context, id string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: "/SalesOrders/" + url.PathEscape(id), op: "DELETE /SalesOrders/{id}"}, nil)
	return err
}

// CreateAndSendInvoice turns a sales order into an invoice and delivers it
// (asynchronous: 202; follow with SentState). PdfPrintForDownload posts
// the invoice without delivering it.
func (c *Client) CreateAndSendInvoice(ctx context.Context, salesOrderID string, in SendInvoiceRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/SalesOrders/" + url.PathEscape(salesOrderID) + "/createAndSendInvoice",
		op: "POST /SalesOrders/{id}/createAndSendInvoice", body: in}, nil)
	return err
}

// SentState reads the invoicing state of a sales order; nil when it has
// none (204).
func (c *Client) SentState(ctx context.Context, salesOrderID string) (*SentState, error) {
	var states []SentState
	resp, err := c.do(ctx, request{method: http.MethodGet, path: "/SalesOrders/sentState", op: "GET /SalesOrders/sentState",
		query: url.Values{"id": {salesOrderID}}}, &states)
	if err != nil || resp.status == http.StatusNoContent || len(states) == 0 {
		return nil, err
	}
	return &states[0], nil
}
