package poweroffice

import (
	"context"
	"net/http"
	"net/url"
)

// ListOutgoingInvoices lists outgoing invoices matching f, every page.
func (c *Client) ListOutgoingInvoices(ctx context.Context, f InvoiceFilter) ([]OutgoingInvoice, error) {
	q := url.Values{}
	setStr(q, "fromDate", f.FromDate)
	setStr(q, "toDate", f.ToDate)
	setStr(q, "customMatchingReferences", f.CustomMatchingReferences)
	setStr(q, "invoiceIds", f.InvoiceIDs)
	setStr(q, "invoiceNos", f.InvoiceNos)
	setStr(q, "balanceLastChangedDateTimeOffsetGreaterThan", f.BalanceChangedAfter)
	if f.OnlyCreatedByCurrentIntegration {
		q.Set("onlyCreatedByCurrentIntegration", "true")
	}
	return listAll[OutgoingInvoice](ctx, c, "GET /OutgoingInvoices", "/OutgoingInvoices", q)
}

// GetOutgoingInvoice reads one outgoing invoice; its id is the sales
// order's.
func (c *Client) GetOutgoingInvoice(ctx context.Context, id string) (OutgoingInvoice, error) {
	var inv OutgoingInvoice
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/OutgoingInvoices/" + url.PathEscape(id), op: "GET /OutgoingInvoices/{id}"}, &inv)
	return inv, err
}
