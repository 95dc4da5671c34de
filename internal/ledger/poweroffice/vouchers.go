package poweroffice

import (
	"context"
	"net/http"
	"net/url"
)

// PostBankVoucher posts a bank journal voucher directly to the ledger
// (one attempt). Sub-ledger lines with a CustomMatchingReference and
// exactly the opposite amount of an open invoice settle it. A repeated
// ExternalImportReference is rejected (KindConflict).
func (c *Client) PostBankVoucher(ctx context.Context, in BankVoucherPost) (BankVoucher, error) {
	var v BankVoucher
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/Vouchers/BankJournals", op: "POST /Vouchers/BankJournals", body: in}, &v)
	return v, err
}

// GetBankVoucher reads a bank voucher this integration posted.
func (c *Client) GetBankVoucher(ctx context.Context, id string) (BankVoucher, error) {
	var v BankVoucher
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/Vouchers/BankJournals/" + url.PathEscape(id), op: "GET /Vouchers/BankJournals/{id}"}, &v)
	return v, err
}
