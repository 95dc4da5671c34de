package poweroffice

import (
	"context"
	"net/http"
	"net/url"
)

// PostManualVoucher posts a manual journal voucher directly to the ledger
// (one attempt). Lines take gross amounts with a VAT code; a customer
// sub-ledger line with a CustomMatchingReference is matched at once
// against an open entry with the same reference and exactly the opposite
// amount. A repeated ExternalImportReference is rejected (KindConflict).
func (c *Client) PostManualVoucher(ctx context.Context, in ManualVoucherPost) (ManualVoucher, error) {
	var v ManualVoucher
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/Vouchers/ManualJournals", op: "POST /Vouchers/ManualJournals", body: in}, &v)
	return v, err
}

// GetManualVoucher reads a manual voucher this integration posted.
func (c *Client) GetManualVoucher(ctx context.Context, id string) (ManualVoucher, error) {
	var v ManualVoucher
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/Vouchers/ManualJournals/" + url.PathEscape(id), op: "GET /Vouchers/ManualJournals/{id}"}, &v)
	return v, err
}

// CustomerLedgerStatement lists the customer ledger entries matching f,
// every page. The statement holds every kind of entry (invoices, payments,
// manual journals): callers pick theirs.
func (c *Client) CustomerLedgerStatement(ctx context.Context, f LedgerFilter) ([]CustomerLedgerEntry, error) {
	q := url.Values{}
	setStr(q, "fromDate", f.FromDate)
	setStr(q, "toDate", f.ToDate)
	setStr(q, "customMatchingReferences", f.CustomMatchingReferences)
	setStr(q, "voucherTypes", f.VoucherTypes)
	setStr(q, "lastChangedDateTimeOffsetGreaterThan", f.LastChangedAfter)
	if f.OnlyCreatedByCurrentIntegration {
		q.Set("onlyCreatedByCurrentIntegration", "true")
	}
	return listAll[CustomerLedgerEntry](ctx, c, "GET /Customerledger/Statement", "/Customerledger/Statement", q)
}
