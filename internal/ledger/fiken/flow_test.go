package fiken_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/money"
)

func ptr[T any](v T) *T { return &v }

// TestContractEveryOperation drives every operation the client uses
// through the simulator and validates each request and response against
// the official spec.
func TestContractEveryOperation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	c := e.client
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Company, accounts, bank accounts.
	cos, err := c.ListCompanies(ctx)
	must(err)
	if len(cos) != 1 || cos[0].Slug != "demo" {
		t.Fatalf("companies = %+v", cos)
	}
	co, err := c.GetCompany(ctx)
	must(err)
	if !co.HasAPIAccess {
		t.Errorf("demo has no API access")
	}
	accs, err := c.ListAccounts(ctx, "3000", "3999")
	must(err)
	if len(accs) == 0 || accs[0].Code != "3000" {
		t.Errorf("accounts 3000-3999 = %+v", accs)
	}
	banks, err := c.ListBankAccounts(ctx)
	must(err)
	if len(banks) < 2 || banks[0].AccountCode != "1920:10001" {
		t.Fatalf("bank accounts = %+v", banks)
	}
	_, err = c.CreateBankAccount(ctx, fiken.BankAccountRequest{Name: "Nets", BankAccountNumber: "12345678903", Type: "foreign", ForeignService: "Nets"})
	must(err)

	// Contacts and contact persons.
	cid, err := c.CreateContact(ctx, fiken.ContactRequest{Name: "Kari Nordmann", Email: "kari@example.no", Customer: true,
		MemberNumberString: "shop-42", PhoneNumber: "99887766",
		Address: &fiken.Address{StreetAddress: "Storgata 1", PostCode: "0155", City: "Oslo", Country: "Norway"}})
	must(err)
	found, err := c.FindContact(ctx, "shop-42", "", "")
	must(err)
	if found == nil || found.ContactID != cid || found.CustomerAccountCode == "" {
		t.Fatalf("FindContact = %+v, want id %d", found, cid)
	}
	if byEmail, err := c.FindContact(ctx, "nope", "", "kari@example.no"); err != nil || byEmail == nil || byEmail.ContactID != cid {
		t.Fatalf("FindContact by email = %+v, %v", byEmail, err)
	}
	if list, err := c.ListContacts(ctx, fiken.ContactFilter{Customer: ptr(true), SortBy: "createdDate desc"}); err != nil || len(list) != 1 {
		t.Fatalf("ListContacts = %v, %v", list, err)
	}
	pid, err := c.AddContactPerson(ctx, cid, fiken.ContactPersonRequest{Name: "Ola", Email: "ola@example.no"})
	must(err)
	must(c.UpdateContactPerson(ctx, cid, pid, fiken.ContactPersonRequest{Name: "Ola N.", Email: "ola@example.no"}))
	persons, err := c.ListContactPersons(ctx, cid)
	must(err)
	if len(persons) != 1 || persons[0].Name != "Ola N." {
		t.Fatalf("persons = %+v", persons)
	}
	must(c.ModifyContact(ctx, cid, fiken.ContactWriteOnly{MemberNumberString: "shop-42", PhoneNumber: "99887766"},
		func(r *fiken.ContactRequest) { r.Email = "kari.n@example.no" }))

	// Products.
	prodID, err := c.CreateProduct(ctx, fiken.ProductRequest{Name: "Ullsokker", UnitPrice: 8000, IncomeAccount: "3000",
		VatType: "HIGH", Active: true, ProductNumber: "SKU-1", Stock: ptr(10.0)})
	must(err)
	p, err := c.FindProductByNumber(ctx, "SKU-1")
	must(err)
	if p == nil || p.ProductID != prodID {
		t.Fatalf("FindProductByNumber = %+v", p)
	}
	must(c.UpdateProduct(ctx, prodID, fiken.ProductRequest{Name: "Ullsokker", UnitPrice: 9600, IncomeAccount: "3000", VatType: "HIGH", Active: true, ProductNumber: "SKU-1"}))
	if ps, err := c.ListProducts(ctx, fiken.ProductFilter{Active: ptr(true)}); err != nil || len(ps) != 1 {
		t.Fatalf("ListProducts = %v, %v", ps, err)
	}

	// Counters.
	ctr, err := c.EnsureInvoiceCounter(ctx, 0)
	must(err)
	if ctr.Value != 10000 {
		t.Errorf("invoice counter = %d", ctr.Value)
	}
	if _, err := c.EnsureCreditNoteCounter(ctx, 0); err != nil {
		t.Fatal(err)
	}

	// Invoice: a product line and a free-text shipping line.
	req := fiken.InvoiceRequest{IssueDate: "2026-11-20", DueDate: "2026-12-04", CustomerID: cid,
		BankAccountCode: "1920:10001", OrderReference: "order-1001",
		Lines: []fiken.InvoiceLineRequest{
			{ProductID: prodID, Quantity: 2},
			{Description: "Frakt", UnitPrice: ptr(money.Ore(7920)), Quantity: 1, VatType: "HIGH", IncomeAccount: "3000"},
		}}
	inv, created, err := c.CreateInvoiceOnce(ctx, req)
	must(err)
	if !created || inv.InvoiceNumber != 10001 || inv.Gross != (2*9600+7920)*125/100 || inv.Sale == nil {
		t.Fatalf("invoice = %+v created=%v", inv, created)
	}
	again, created, err := c.CreateInvoiceOnce(ctx, req)
	must(err)
	if created || again.InvoiceID != inv.InvoiceID {
		t.Fatalf("second CreateInvoiceOnce created=%v id=%d, want existing %d", created, again.InvoiceID, inv.InvoiceID)
	}
	must(c.SendInvoice(ctx, fiken.SendInvoiceRequest{InvoiceID: inv.InvoiceID, SendRequest: fiken.SendRequest{Method: []string{"email"}, IncludeDocumentAttachments: true}}))
	must(c.UpdateInvoice(ctx, inv.InvoiceID, fiken.UpdateInvoiceRequest{NewDueDate: "2026-12-10"}))
	must(c.AddInvoiceAttachment(ctx, inv.InvoiceID, "ordre-1001.pdf", []byte("%PDF-1.4 test")))
	page, err := c.InvoicesPage(ctx, fiken.InvoiceFilter{Settled: ptr(false), LastModified: fiken.DateFilter{Ge: "2020-01-01"}}, 0, 1)
	must(err)
	if page.ResultCount != 1 || page.PageCount != 1 || len(page.Items) != 1 {
		t.Fatalf("page = %+v", page)
	}
	if stock, err := c.GetProduct(ctx, prodID); err != nil || stock.Stock == nil || *stock.Stock != 8 {
		t.Fatalf("stock after invoicing 2 of 10 = %v, %v", stock.Stock, err)
	}

	// Payment with fee on the invoice's sale settles it.
	pay, created, err := c.CreateSalePaymentOnce(ctx, inv.Sale.SaleID, fiken.PaymentRequest{Date: "2026-11-21", Account: "1920:10002",
		Amount: inv.Gross, Fee: ptr(money.Ore(350))})
	must(err)
	if !created || pay.Fee != 350 {
		t.Fatalf("payment = %+v created=%v", pay, created)
	}
	settled, err := c.ListInvoices(ctx, fiken.InvoiceFilter{Settled: ptr(true), OrderReference: "order-1001"})
	must(err)
	if len(settled) != 1 || !settled[0].Sale.Settled || settled[0].Sale.OutstandingBalance != 0 {
		t.Fatalf("settled invoices = %+v", settled)
	}
	if _, err := c.GetSale(ctx, inv.Sale.SaleID); err != nil {
		t.Fatal(err)
	}

	// Credit notes: partial on a second invoice, then the rest in full on a third.
	req2 := req
	req2.OrderReference = "order-1002"
	inv2, _, err := c.CreateInvoiceOnce(ctx, req2)
	must(err)
	cn, created, err := c.CreatePartialCreditNoteOnce(ctx, fiken.PartialCreditNoteRequest{IssueDate: "2026-11-22",
		InvoiceID: inv2.InvoiceID, OrderReference: "refund-1002-1",
		Lines: []fiken.CreditNoteLine{{Description: "Retur", UnitPrice: 9600, Quantity: 1, VatType: "HIGH", IncomeAccount: "3000"}}})
	must(err)
	if !created || cn.Gross != 12000 || cn.AssociatedInvoiceID != inv2.InvoiceID {
		t.Fatalf("partial credit note = %+v", cn)
	}
	if _, created, err := c.CreatePartialCreditNoteOnce(ctx, fiken.PartialCreditNoteRequest{IssueDate: "2026-11-22",
		InvoiceID: inv2.InvoiceID, OrderReference: "refund-1002-1",
		Lines: []fiken.CreditNoteLine{{Description: "Retur", UnitPrice: 9600, Quantity: 1, VatType: "HIGH", IncomeAccount: "3000"}}}); err != nil || created {
		t.Fatalf("repeated partial credit note created=%v err=%v", created, err)
	}
	must(c.SendCreditNote(ctx, fiken.SendCreditNoteRequest{CreditNoteID: cn.CreditNoteID, SendRequest: fiken.SendRequest{Method: []string{"auto"}, IncludeDocumentAttachments: false}}))
	req3 := req
	req3.OrderReference = "order-1003"
	inv3, _, err := c.CreateInvoiceOnce(ctx, req3)
	must(err)
	full, created, err := c.CreateFullCreditNoteOnce(ctx, fiken.FullCreditNoteRequest{IssueDate: "2026-11-23", InvoiceID: inv3.InvoiceID})
	must(err)
	if !created || full.Gross != inv3.Gross || !full.Settled {
		t.Fatalf("full credit note = %+v", full)
	}
	if again, created, err := c.CreateFullCreditNoteOnce(ctx, fiken.FullCreditNoteRequest{IssueDate: "2026-11-23", InvoiceID: inv3.InvoiceID}); err != nil || created || again.CreditNoteID != full.CreditNoteID {
		t.Fatalf("repeated full credit note = %+v created=%v err=%v", again, created, err)
	}
	if cns, err := c.ListCreditNotes(ctx, fiken.CreditNoteFilter{CustomerID: cid}); err != nil || len(cns) != 2 {
		t.Fatalf("credit notes = %d, %v", len(cns), err)
	}

	// Sales: an invoice voucher with our own number, a cash sale with fee.
	voucher, created, err := c.CreateSaleOnce(ctx, fiken.SaleRequest{SaleNumber: "WS-2001", Date: "2026-11-20", Kind: fiken.SaleKindExternalInvoice,
		Paid: false, Currency: "NOK", CustomerID: cid, DueDate: "2026-12-04",
		Lines: []fiken.OrderLine{{Description: "Ordre 2001", NetPrice: 10000, Vat: 2500, VatType: "HIGH", Account: "3000"}}})
	must(err)
	if !created || voucher.OutstandingBalance != 12500 || voucher.Settled {
		t.Fatalf("voucher = %+v", voucher)
	}
	must(c.AddSaleAttachment(ctx, voucher.SaleID, "faktura-2001.pdf", []byte("%PDF-1.4"), true, false))
	cash, _, err := c.CreateSaleOnce(ctx, fiken.SaleRequest{SaleNumber: "WS-2002", Date: "2026-11-20", Kind: fiken.SaleKindCash,
		Paid: true, Currency: "NOK", PaymentAccount: "1920:10003", PaymentDate: "2026-11-20", PaymentFee: ptr(money.Ore(99)),
		Lines: []fiken.OrderLine{{Description: "Kassesalg", NetPrice: 8000, Vat: 2000, VatType: "HIGH", Account: "3000"}}})
	must(err)
	if !cash.Settled || len(cash.SalePayments) != 1 || cash.SalePayments[0].Fee != 99 {
		t.Fatalf("cash sale = %+v", cash)
	}
	if _, err := c.WriteOffSale(ctx, cash.SaleID, fiken.WriteOffRequest{Type: "DEEMED_IRRECOVERABLE", Date: "2026-12-01"}); !apierr.Is(err, apierr.KindValidation) {
		t.Errorf("write-off of a cash sale: err = %v, want validation", err)
	}
	wo, err := c.WriteOffSale(ctx, voucher.SaleID, fiken.WriteOffRequest{Type: "COLLECTION_FAILED", Date: "2026-12-20"})
	must(err)
	if !wo.WriteOff {
		t.Errorf("write-off not recorded: %+v", wo)
	}
	other, _, err := c.CreateSaleOnce(ctx, fiken.SaleRequest{SaleNumber: "WS-2003", Date: "2026-11-20", Kind: fiken.SaleKindExternalInvoice,
		Currency: "NOK", CustomerID: cid, Lines: []fiken.OrderLine{{Description: "Ordre 2003", NetPrice: 100, Vat: 25, VatType: "HIGH", Account: "3000"}}})
	must(err)
	if s, err := c.SettleSale(ctx, other.SaleID, "2026-11-25"); err != nil || !s.Settled || s.SettledDate != "2026-11-25" {
		t.Fatalf("SettleSale = %+v, %v", s, err)
	}
	if s, err := c.DeleteSale(ctx, other.SaleID, "feilført"); err != nil || !s.Deleted {
		t.Fatalf("DeleteSale = %+v, %v", s, err)
	}
	if ss, err := c.ListSales(ctx, fiken.SaleFilter{SaleNumber: "WS-2002"}); err != nil || len(ss) != 1 {
		t.Fatalf("ListSales = %v, %v", ss, err)
	}
	if ps, err := c.ListSalePayments(ctx, cash.SaleID); err != nil || len(ps) != 1 {
		t.Fatalf("ListSalePayments = %v, %v", ps, err)
	}

	want := []string{
		"addAttachmentToInvoice", "addAttachmentToSale", "addContactPersonToContact", "createBankAccount",
		"createContact", "createFullCreditNote", "createInvoice", "createPartialCreditNote", "createProduct",
		"createSale", "createSalePayment", "deleteSale", "getAccounts", "getBankAccounts", "getCompanies",
		"getCompany", "getContact", "getContactContactPerson", "getContacts", "getCreditNote", "getCreditNoteCounter",
		"getCreditNotes", "getInvoice", "getInvoiceCounter", "getInvoices", "getProduct", "getProducts", "getSale",
		"getSalePayments", "getSales", "sendCreditNote", "sendInvoice", "settledSale", "updateContact",
		"updateContactContactPerson", "updateInvoice", "updateProduct", "writeOffSale",
	}
	got := e.contract.covered()
	for _, op := range want {
		if !slices.Contains(got, op) {
			t.Errorf("operation %s was not exercised; covered: %v", op, got)
		}
	}
}
