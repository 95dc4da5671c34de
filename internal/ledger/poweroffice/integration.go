package poweroffice

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/bokfor/bokfor/internal/apierr"
)

// RequiredPrivileges returns the privileges the order flow uses:
// customers, products, sales orders with invoicing, outgoing invoices
// (settlement), bank vouchers (payments), accounts and VAT codes.
func RequiredPrivileges() []string {
	return []string{"Customer_Full", "Product_Full", "SalesOrders_Full", "OutgoingInvoice",
		"BankVoucher_Full", "GeneralLedgerAccount", "CommonServices"}
}

// VoucherPrivileges returns the further privileges of sales the shop
// invoices itself: manual journal vouchers (the sale) and the customer
// ledger (its settlement).
func VoucherPrivileges() []string {
	return []string{"ManualVoucher_Full", "CustomerLedger"}
}

// IntegrationInformation reads GET /ClientIntegrationInformation.
func (c *Client) IntegrationInformation(ctx context.Context) (IntegrationInfo, error) {
	var info IntegrationInfo
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/ClientIntegrationInformation", op: "GET /ClientIntegrationInformation"}, &info)
	return info, err
}

// CheckPrivileges reads the integration's privileges and fails with a
// KindAuth error naming every privilege of need that is not valid.
func (c *Client) CheckPrivileges(ctx context.Context, need ...string) (IntegrationInfo, error) {
	if len(need) == 0 {
		need = RequiredPrivileges()
	}
	info, err := c.IntegrationInformation(ctx)
	if err != nil {
		return info, err
	}
	var missing []string
	for _, p := range need {
		if !slices.Contains(info.ValidPrivileges, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return info, &apierr.Error{Kind: apierr.KindAuth, API: apiName, Op: "GET /ClientIntegrationInformation",
			Message: "client " + info.ClientName + " has not granted the integration these privileges: " + strings.Join(missing, ", ") +
				" (PowerOffice Go: Innstillinger → Utvidelser)"}
	}
	return info, nil
}
