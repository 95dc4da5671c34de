package poweroffice_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/money"
)

// TestEveryCallAgainstTheSimulatorAndTheSpec drives every client call
// through the simulator with requests and responses validated against the
// spec snapshots, and fails when an operation the client uses was not
// exercised.
func TestEveryCallAgainstTheSimulatorAndTheSpec(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	c, ctx := e.client, context.Background()

	info, err := c.CheckPrivileges(ctx)
	if err != nil || info.ClientName == "" {
		t.Fatalf("privileges: %+v %v", info, err)
	}
	accts, err := c.GeneralLedgerAccounts(ctx, 1905, 3000, 3030)
	if err != nil || len(accts) != 3 {
		t.Fatalf("accounts: %+v %v", accts, err)
	}
	byNo := map[int64]poweroffice.GeneralLedgerAccount{}
	for _, a := range accts {
		byNo[a.AccountNo] = a
		if a.ID == a.AccountNo {
			t.Errorf("account %d: id equals number; the simulator must keep them apart", a.AccountNo)
		}
	}
	codes, err := c.VatCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var noVAT int64
	for _, v := range codes {
		if v.Code == "0" {
			noVAT = v.ID
		}
	}

	// Customers: none yet is a 204; create, find by reference, patch.
	if cu, err := c.FindCustomerByReference(ctx, "shop-1"); err != nil || cu != nil {
		t.Fatalf("empty find: %+v %v", cu, err)
	}
	cu, err := c.CreateCustomer(ctx, poweroffice.CustomerPost{IsPerson: true, FirstName: "Kari", LastName: "Nordmann",
		EmailAddress: "kari@example.no", ExternalImportReference: "shop-1",
		MailAddress: &poweroffice.Address{AddressLine1: "Storgata 1", ZipCode: "0155", City: "Oslo", CountryCode: "NO"}})
	if err != nil || cu.ID == 0 || cu.SubledgerAccountID == 0 || cu.Number == 0 {
		t.Fatalf("create customer: %+v %v", cu, err)
	}
	found, err := c.FindCustomerByReference(ctx, "shop-1")
	if err != nil || found == nil || found.ID != cu.ID {
		t.Fatalf("find customer: %+v %v", found, err)
	}
	up, err := c.PatchCustomer(ctx, cu.ID, []poweroffice.PatchOp{poweroffice.Replace("PhoneNumber", "+4799999999"),
		poweroffice.Replace("MailAddress/City", "Bergen")})
	if err != nil || up.PhoneNumber != "+4799999999" || up.MailAddress == nil || up.MailAddress.City != "Bergen" ||
		up.SubledgerAccountID != cu.SubledgerAccountID || up.Number != cu.Number || up.EmailAddress != cu.EmailAddress {
		t.Fatalf("patch kept the rest? %+v %v", up, err)
	}
	// Errors the spec documents carry its ProblemDetails.
	if _, err := c.GetCustomer(ctx, 987654321); err == nil {
		t.Fatal("unknown customer found")
	}
	if _, err := c.CreateCustomer(ctx, poweroffice.CustomerPost{IsPerson: true, LastName: "X", ExternalImportReference: "shop-1"}); err == nil {
		t.Fatal("duplicate reference accepted")
	}
	if got, err := c.GetCustomer(ctx, cu.ID); err != nil || got.PhoneNumber != "+4799999999" {
		t.Fatalf("get customer: %+v %v", got, err)
	}
	if all, err := c.ListCustomers(ctx, poweroffice.CustomerFilter{CustomerNos: strconv.FormatInt(cu.Number, 10) + "-"}); err != nil || len(all) != 1 {
		t.Fatalf("customers by number range: %+v %v", all, err)
	}

	// Products: VAT comes from the sales account.
	price := poweroffice.Amount(money.MustParse("159.20"))
	pr, err := c.CreateProduct(ctx, poweroffice.ProductPost{Code: "KOPP-1", Name: "Kaffekopp", UnitPrice: &price, StandardSalesAccount: 3000})
	if err != nil || pr.ID == 0 || pr.StandardSalesAccount != 3000 || pr.StandardSalesAccountID != byNo[3000].ID {
		t.Fatalf("create product: %+v %v", pr, err)
	}
	food, err := c.CreateProduct(ctx, poweroffice.ProductPost{Code: "MAT-1", Name: "Kaffebønner", StandardSalesAccount: 3030})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.FindProductByCode(ctx, "KOPP-1"); err != nil || p == nil || p.ID != pr.ID {
		t.Fatalf("find product: %+v %v", p, err)
	}
	pp, err := c.PatchProduct(ctx, pr.ID, []poweroffice.PatchOp{poweroffice.Replace("Name", "Kaffekopp hvit"), poweroffice.Replace("StockOnHand", 7)})
	if err != nil || pp.Name != "Kaffekopp hvit" || pp.StockOnHand != 7 || pp.StandardSalesAccount != 3000 {
		t.Fatalf("patch product: %+v %v", pp, err)
	}
	if ps, err := c.ListProductsChanged(ctx, "2000-01-01T00:00:00Z"); err != nil || len(ps) != 2 {
		t.Fatalf("changed products: %+v %v", ps, err)
	}
	// A stock-only change moves the stock timestamp, not LastChanged.
	before, _ := c.GetProduct(ctx, pr.ID)
	if after, err := c.PatchProduct(ctx, pr.ID, []poweroffice.PatchOp{poweroffice.Replace("StockOnHand", 8)}); err != nil ||
		after.LastChangedDateTime != before.LastChangedDateTime || after.StockChangedDateTime == before.StockChangedDateTime {
		t.Fatalf("stock-only patch: before %+v after %+v %v", before, after, err)
	}
	if _, err := c.PatchProduct(ctx, pr.ID, []poweroffice.PatchOp{poweroffice.Replace("StockOnHand", 7)}); err != nil {
		t.Fatal(err)
	}
	if ps, err := c.ListProductsStockChanged(ctx, "2000-01-01T00:00:00Z"); err != nil || len(ps) != 1 || ps[0].ID != pr.ID {
		t.Fatalf("stock changed: %+v %v", ps, err)
	}
	if got, err := c.GetProduct(ctx, pr.ID); err != nil || got.StockOnHand != 7 {
		t.Fatalf("get product: %+v %v", got, err)
	}

	// Sales order: 3 × 159.20 at 25 % + 2 × 217.30 at 15 %.
	so, err := c.CreateSalesOrder(ctx, poweroffice.SalesOrderPost{CustomerID: cu.ID, SalesOrderStatus: poweroffice.StatusConfirmed,
		SalesOrderDate: "2026-11-20", ExternalImportReference: "bokfor-demo-1", CustomMatchingReference: "bokfor-demo-1",
		SalesOrderLines: []poweroffice.SalesOrderLine{
			{ProductID: pr.ID, Quantity: 3, ProductUnitPrice: price, Description: "Kaffekopp"},
			{ProductID: food.ID, Quantity: 2, ProductUnitPrice: poweroffice.Amount(money.MustParse("217.30"))},
		}})
	if err != nil {
		t.Fatal(err)
	}
	// 477.60 + 119.40 + 434.60 + 65.19 = 1096.79
	if so.TotalAmount.Ore() != money.MustParse("1096.79") || so.NetAmount.Ore() != money.MustParse("912.20") {
		t.Fatalf("sales order totals: net %s total %s", so.NetAmount.Ore(), so.TotalAmount.Ore())
	}
	if got, err := c.GetSalesOrder(ctx, so.ID); err != nil || len(got.SalesOrderLines) != 2 {
		t.Fatalf("get sales order: %+v %v", got, err)
	}
	if own, err := c.ListOwnSalesOrders(ctx, ""); err != nil || !slices.ContainsFunc(own, func(o poweroffice.SalesOrder) bool { return o.ExternalImportReference == "bokfor-demo-1" }) {
		t.Fatalf("own sales orders: %+v %v", own, err)
	}
	if st, err := c.SentState(ctx, so.ID); err != nil || st != nil {
		t.Fatalf("sent state before invoicing: %+v %v", st, err)
	}
	if err := c.CreateAndSendInvoice(ctx, so.ID, poweroffice.SendInvoiceRequest{DeliveryType: poweroffice.DeliveryPdfDownload}); err != nil {
		t.Fatal(err)
	}
	st, err := c.SentState(ctx, so.ID)
	if err != nil || st == nil || st.InvoiceNo == 0 {
		t.Fatalf("sent state: %+v %v", st, err)
	}
	inv, err := c.GetOutgoingInvoice(ctx, so.ID)
	if err != nil || inv.Paid() || inv.Balance == nil || inv.Balance.Ore() != so.TotalAmount.Ore() || inv.InvoiceNo != st.InvoiceNo {
		t.Fatalf("invoice: %+v %v", inv, err)
	}

	// A bank voucher with the matching reference and the exact opposite
	// amount settles the invoice.
	v, err := c.PostBankVoucher(ctx, poweroffice.BankVoucherPost{VoucherDate: "2026-11-21", CurrencyCode: "NOK", ExternalImportReference: "bokfor-demo-1-payment",
		VoucherLines: []poweroffice.BankVoucherLine{
			{AccountID: byNo[1905].ID, VatID: noVAT, CurrencyAmount: so.TotalAmount, PostingDate: "2026-11-21"},
			{AccountID: cu.SubledgerAccountID, VatID: noVAT, CurrencyAmount: -so.TotalAmount, PostingDate: "2026-11-21", CustomMatchingReference: "bokfor-demo-1"},
		}})
	if err != nil || v.ID == "" {
		t.Fatalf("bank voucher: %+v %v", v, err)
	}
	if got, err := c.GetBankVoucher(ctx, v.ID); err != nil || got.ExternalImportReference != "bokfor-demo-1-payment" {
		t.Fatalf("get voucher: %+v %v", got, err)
	}
	invs, err := c.ListOutgoingInvoices(ctx, poweroffice.InvoiceFilter{FromDate: "2026-01-01", ToDate: "2026-12-31",
		CustomMatchingReferences: "bokfor-demo-1", BalanceChangedAfter: "2026-01-01T00:00:00Z", OnlyCreatedByCurrentIntegration: true})
	if err != nil || len(invs) != 1 || !invs[0].Paid() {
		t.Fatalf("settled invoice: %+v %v", invs, err)
	}

	// A sale the shop invoiced itself: a manual journal voucher debiting
	// the customer's sub-ledger with the gross total and crediting the
	// sales account with the gross amount and its VAT code.
	gross := money.MustParse("199.00")
	qty := 1.0
	mvIn := poweroffice.ManualVoucherPost{VoucherDate: "2026-11-22", CurrencyCode: "NOK", Description: "Salg 1042",
		ExternalImportReference: "bokfor-demo-3", SaftSourceID: "bokfor", VoucherLines: []poweroffice.ManualVoucherLine{
			{AccountID: cu.SubledgerAccountID, VatID: noVAT, CurrencyAmount: poweroffice.Amount(gross), PostingDate: "2026-11-22",
				CustomMatchingReference: "bokfor-demo-3", Description: "Salg 1042"},
			{AccountID: byNo[3000].ID, VatID: byNo[3000].VatCodeID, CurrencyAmount: -poweroffice.Amount(gross), PostingDate: "2026-11-22",
				ProductID: pr.ID, Quantity: &qty, Description: "Kaffekopp"},
		}}
	mv, err := c.PostManualVoucher(ctx, mvIn)
	if err != nil || mv.ID == "" || mv.VoucherNo == 0 || len(mv.VoucherLines) != 2 {
		t.Fatalf("manual voucher: %+v %v", mv, err)
	}
	if got, err := c.GetManualVoucher(ctx, mv.ID); err != nil || got.ExternalImportReference != "bokfor-demo-3" || got.VoucherLines[1].CurrencyAmount.Ore() != -gross {
		t.Fatalf("get manual voucher: %+v %v", got, err)
	}
	if _, err := c.PostManualVoucher(ctx, mvIn); !apierr.Is(err, apierr.KindConflict) {
		t.Fatalf("duplicate manual voucher: %v", err)
	}
	unbalanced := mvIn
	unbalanced.ExternalImportReference = "bokfor-demo-4"
	unbalanced.VoucherLines = slices.Clone(mvIn.VoucherLines)
	unbalanced.VoucherLines[1].CurrencyAmount = -poweroffice.Amount(money.MustParse("198.99"))
	if _, err := c.PostManualVoucher(ctx, unbalanced); !apierr.Is(err, apierr.KindValidation) {
		t.Fatalf("unbalanced manual voucher: %v", err)
	}
	// The statement holds every kind of entry: the invoice, its payment
	// and the voucher's sub-ledger line.
	all, err := c.CustomerLedgerStatement(ctx, poweroffice.LedgerFilter{FromDate: "2026-01-01", ToDate: "2026-12-31"})
	if err != nil || len(all) != 3 {
		t.Fatalf("statement: %+v %v; want the invoice, the payment and the voucher", all, err)
	}
	own, err := c.CustomerLedgerStatement(ctx, poweroffice.LedgerFilter{FromDate: "2026-01-01", ToDate: "2026-12-31",
		CustomMatchingReferences: "bokfor-demo-3", VoucherTypes: poweroffice.VoucherManualJournal,
		LastChangedAfter: "2026-01-01T00:00:00Z", OnlyCreatedByCurrentIntegration: true})
	if err != nil || len(own) != 1 || own[0].VoucherID != mv.ID || own[0].Amount.Ore() != gross || !own[0].Open() ||
		own[0].ExternalImportReference != "bokfor-demo-3" {
		t.Fatalf("voucher entry: %+v %v", own, err)
	}

	// A second order, deleted before invoicing.
	so2, err := c.CreateSalesOrder(ctx, poweroffice.SalesOrderPost{CustomerID: cu.ID, SalesOrderStatus: poweroffice.StatusDraft,
		ExternalImportReference: "bokfor-demo-2", SalesOrderLines: []poweroffice.SalesOrderLine{{ProductCode: "KOPP-1", Quantity: 1, ProductUnitPrice: price}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSalesOrder(ctx, so2.ID); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"DELETE /SalesOrders/{id}", "GET /ClientIntegrationInformation", "GET /Customers", "GET /Customers/{id}",
		"GET /GeneralLedgerAccounts", "GET /OutgoingInvoices", "GET /OutgoingInvoices/{id}", "GET /Products", "GET /Products/{id}",
		"GET /SalesOrders", "GET /SalesOrders/sentState", "GET /SalesOrders/{id}/Complete", "GET /VatCodes",
		"GET /Vouchers/BankJournals/{id}", "PATCH /Customers/{id}", "PATCH /Products/{id}", "POST /Customers",
		"POST /Products", "POST /SalesOrders/Complete", "POST /SalesOrders/{id}/createAndSendInvoice", "POST /Token",
		"POST /Vouchers/BankJournals", "POST /Vouchers/ManualJournals", "GET /Vouchers/ManualJournals/{id}",
		"GET /Customerledger/Statement",
	}
	got := e.contract.covered()
	for _, op := range want {
		if !slices.Contains(got, op) {
			t.Errorf("operation %s not exercised; covered: %v", op, got)
		}
	}
}
