// Package fikenledger implements ledger.Ledger on the Fiken API v2 client.
//
// Mapping: a shop customer is a Fiken contact with customer=true and the
// shop customer id in memberNumberString; a product is matched by
// productNumber = SKU; an order becomes POST /invoices with our reference
// in orderReference — cash=true with paymentAccount for orders paid at
// checkout, else an invoice on the company's bank account — or, for shops
// that invoice themselves, POST /sales (kind external_invoice) with our
// reference as saleNumber. Credit notes are always partial credit notes
// (full ones carry no reference to find them by), lines copied from the
// invoice for a full credit.
package fikenledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
)

// Ledger is one Fiken company.
type Ledger struct {
	c *fiken.Client
	// BankAccountCode is the account unpaid invoices are paid to; empty:
	// the company's first active bank account, read once.
	bankAccountCode string
	mu              sync.Mutex
}

// New wraps a client. bankAccountCode may be empty.
func New(c *fiken.Client, bankAccountCode string) *Ledger {
	return &Ledger{c: c, bankAccountCode: bankAccountCode}
}

// Kind returns "fiken".
func (l *Ledger) Kind() string { return "fiken" }

var _ ledger.Ledger = (*Ledger)(nil)

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &apierr.Error{Kind: apierr.KindValidation, API: "fiken", Op: "id", Message: fmt.Sprintf("%q is not a Fiken id", s)}
	}
	return id, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// FindCustomer matches by memberNumberString, organisation number, e-mail.
func (l *Ledger) FindCustomer(ctx context.Context, c ledger.Customer) (string, error) {
	ct, err := l.c.FindContact(ctx, c.ShopID, c.OrgNumber, c.Email)
	if err != nil {
		return "", err
	}
	if ct == nil {
		return "", ledger.ErrNotFound
	}
	if !ct.Customer {
		// Make an existing supplier/contact invoiceable, keeping its fields.
		if err := l.c.ModifyContact(ctx, ct.ContactID, fiken.ContactWriteOnly{MemberNumberString: c.ShopID, PhoneNumber: c.Phone},
			func(r *fiken.ContactRequest) { r.Customer = true }); err != nil {
			return "", err
		}
	}
	return itoa(ct.ContactID), nil
}

// CreateCustomer creates an invoiceable contact.
func (l *Ledger) CreateCustomer(ctx context.Context, c ledger.Customer) (string, error) {
	req := fiken.ContactRequest{
		Name:               ledgerdoc.Truncate(c.Name, 200),
		Email:              c.Email,
		OrganizationNumber: orgNumber(c.OrgNumber),
		PhoneNumber:        c.Phone,
		MemberNumberString: c.ShopID,
		Customer:           true,
		Currency:           c.Currency,
	}
	if c.Address.Address1 != "" || c.Address.City != "" {
		req.Address = &fiken.Address{StreetAddress: c.Address.Address1, StreetAddressLine2: c.Address.Address2,
			City: c.Address.City, PostCode: c.Address.PostCode, Country: countryName(c.Address.Country)}
	}
	id, err := l.c.CreateContact(ctx, req)
	if err != nil {
		return "", err
	}
	return itoa(id), nil
}

// orgNumber keeps a Norwegian organisation number's 9 digits (shops store
// "NO 999 888 777 MVA" and the like); anything else is dropped.
func orgNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() != 9 {
		return ""
	}
	return b.String()
}

func countryName(iso string) string {
	switch strings.ToUpper(iso) {
	case "", "NO":
		return "Norge"
	case "SE":
		return "Sverige"
	case "DK":
		return "Danmark"
	default:
		return iso
	}
}

// FindProduct matches by productNumber.
func (l *Ledger) FindProduct(ctx context.Context, sku string) (string, error) {
	p, err := l.c.FindProductByNumber(ctx, sku)
	if err != nil {
		return "", err
	}
	if p == nil {
		return "", ledger.ErrNotFound
	}
	return itoa(p.ProductID), nil
}

// CreateProduct creates a product with the line's price and VAT mapping.
func (l *Ledger) CreateProduct(ctx context.Context, p ledger.Product) (string, error) {
	id, err := l.c.CreateProduct(ctx, fiken.ProductRequest{Name: ledgerdoc.Truncate(p.Name, 200), UnitPrice: money.Ore(p.UnitNet),
		IncomeAccount: p.Account, VatType: p.VATType, Active: p.Active, ProductNumber: p.SKU})
	if err != nil {
		return "", err
	}
	return itoa(id), nil
}

// FindDocument finds an invoice by orderReference or a sale by saleNumber.
func (l *Ledger) FindDocument(ctx context.Context, reference string, kind ledgerdoc.Kind) (*ledger.Posted, error) {
	if kind == ledgerdoc.KindInvoiceVoucher {
		sales, err := l.c.ListSales(ctx, fiken.SaleFilter{SaleNumber: reference})
		if err != nil {
			return nil, err
		}
		for _, s := range sales {
			if s.SaleNumber == reference && !s.Deleted {
				return salePosted(s), nil
			}
		}
		return nil, ledger.ErrNotFound
	}
	invs, err := l.c.ListInvoices(ctx, fiken.InvoiceFilter{OrderReference: reference})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if inv.OrderReference == reference {
			return invoicePosted(inv), nil
		}
	}
	return nil, ledger.ErrNotFound
}

func invoicePosted(inv fiken.Invoice) *ledger.Posted {
	p := &ledger.Posted{ID: itoa(inv.InvoiceID), Number: itoa(inv.InvoiceNumber), Gross: int64(inv.Gross)}
	if inv.Sale != nil {
		p.Settled = inv.Sale.Settled
	}
	if d, err := time.Parse("2006-01-02", inv.DueDate); err == nil {
		p.DueDate = d
	}
	return p
}

func salePosted(s fiken.Sale) *ledger.Posted {
	p := &ledger.Posted{ID: itoa(s.SaleID), Number: s.SaleNumber, Gross: int64(s.NetAmount + s.VatAmount), Settled: s.Settled}
	if d, err := time.Parse("2006-01-02", s.DueDate); err == nil {
		p.DueDate = d
	}
	return p
}

func (l *Ledger) bankAccount(ctx context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bankAccountCode != "" {
		return l.bankAccountCode, nil
	}
	accts, err := l.c.ListBankAccounts(ctx)
	if err != nil {
		return "", err
	}
	for _, a := range accts {
		if !a.Inactive && a.ForeignService == "" && a.AccountCode != "" {
			l.bankAccountCode = a.AccountCode
			return a.AccountCode, nil
		}
	}
	return "", &apierr.Error{Kind: apierr.KindValidation, API: "fiken", Op: "GET /bankAccounts", Message: "the company has no active bank account for invoices; set settings.ledger.bank_account"}
}

// PostDocument creates the invoice (or sale) in one attempt and reads it back.
func (l *Ledger) PostDocument(ctx context.Context, d *ledgerdoc.Document, customerID string, productIDs []string) (*ledger.Posted, error) {
	cust, err := parseID(customerID)
	if err != nil {
		return nil, err
	}
	if d.Kind == ledgerdoc.KindInvoiceVoucher {
		return l.postSale(ctx, d, cust)
	}
	bank, err := l.bankAccount(ctx)
	if err != nil {
		return nil, err
	}
	req := fiken.InvoiceRequest{
		IssueDate:       d.IssueDate,
		DueDate:         addDays(d.IssueDate, d.DueDays),
		OrderReference:  d.Reference,
		YourReference:   d.ShopReference,
		CustomerID:      cust,
		BankAccountCode: bank,
		Currency:        d.Currency,
		InvoiceText:     "Ordre " + d.ShopReference,
		Cash:            d.Kind == ledgerdoc.KindCashInvoice,
		PaymentAccount:  d.PaymentAccount,
	}
	for i, ln := range d.Lines {
		unit := ln.UnitNet
		lr := fiken.InvoiceLineRequest{UnitPrice: &unit, Quantity: float64(ln.Quantity), VatType: ln.VATType,
			IncomeAccount: ln.Account, Description: ln.Description}
		if i < len(productIDs) && productIDs[i] != "" {
			if lr.ProductID, err = parseID(productIDs[i]); err != nil {
				return nil, err
			}
		} else {
			lr.ProductName = ln.Description
		}
		req.Lines = append(req.Lines, lr)
	}
	id, err := l.c.CreateInvoice(ctx, req)
	if missingCounter(err) {
		// A company's first invoice: create its number series, then the
		// invoice (the refused create changed nothing).
		if _, cerr := l.c.EnsureInvoiceCounter(ctx, 0); cerr != nil {
			return nil, cerr
		}
		id, err = l.c.CreateInvoice(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	// One call: the id comes from Location; the invoice number is learnt
	// later from the settlement watcher's listing, which sees every new
	// invoice anyway. A cash invoice is settled when it is created.
	p := &ledger.Posted{ID: itoa(id), Gross: int64(d.Gross), Settled: req.Cash}
	if due, err := time.Parse("2006-01-02", req.DueDate); err == nil && !req.Cash {
		p.DueDate = due
	}
	return p, nil
}

// PostPayment posts the payment on the invoice's sale with the provider
// fee, exactly once: two calls (the invoice, carrying its sale's id and
// payments, then the payment) unless a response is lost.
func (l *Ledger) PostPayment(ctx context.Context, p ledger.Posted, pay ledgerdoc.Payment) error {
	id, err := parseID(p.ID)
	if err != nil {
		return err
	}
	req := fiken.PaymentRequest{Date: pay.Date, Account: pay.Account, Amount: pay.Amount}
	if pay.Fee != 0 {
		fee := pay.Fee
		req.Fee = &fee
	}
	_, _, err = l.c.CreateInvoicePaymentOnce(ctx, id, req)
	return err
}

func (l *Ledger) postSale(ctx context.Context, d *ledgerdoc.Document, cust int64) (*ledger.Posted, error) {
	req := fiken.SaleRequest{SaleNumber: d.Reference, Date: d.IssueDate, Kind: "external_invoice", CustomerID: cust,
		DueDate: addDays(d.IssueDate, d.DueDays), Currency: d.Currency}
	for _, ln := range d.Lines {
		req.Lines = append(req.Lines, fiken.OrderLine{Description: ln.Description, VatType: ln.VATType, NetPrice: ln.Net, Vat: ln.VAT, Account: ln.Account})
	}
	id, err := l.c.CreateSale(ctx, req)
	if err != nil {
		return nil, err
	}
	s, err := l.c.GetSale(ctx, id)
	if err != nil {
		return &ledger.Posted{ID: itoa(id), Number: d.Reference, Gross: int64(d.Gross)}, nil
	}
	return salePosted(s), nil
}

func addDays(date string, days int) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, days).Format("2006-01-02")
}

// SendInvoice sends the invoice by one method.
func (l *Ledger) SendInvoice(ctx context.Context, p ledger.Posted, method string) error {
	id, err := parseID(p.ID)
	if err != nil {
		return err
	}
	return l.c.SendInvoice(ctx, fiken.SendInvoiceRequest{InvoiceID: id, SendRequest: fiken.SendRequest{Method: []string{method}, IncludeDocumentAttachments: true}})
}

// FindCreditNote finds a credit note by orderReference among those
// associated with the invoice (Fiken cannot filter credit notes by
// reference).
func (l *Ledger) FindCreditNote(ctx context.Context, invoiceID, reference string) (*ledger.Posted, error) {
	id, err := parseID(invoiceID)
	if err != nil {
		return nil, err
	}
	inv, err := l.c.GetInvoice(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, cnID := range inv.AssociatedCreditNotes {
		n, err := l.c.GetCreditNote(ctx, cnID)
		if err != nil {
			return nil, err
		}
		if n.OrderReference == reference {
			return &ledger.Posted{ID: itoa(n.CreditNoteID), Number: itoa(n.CreditNoteNumber), Gross: int64(n.Gross), Settled: n.Settled}, nil
		}
	}
	return nil, ledger.ErrNotFound
}

// PostCreditNote creates a partial credit note with our reference; a full
// credit copies the invoice's lines.
func (l *Ledger) PostCreditNote(ctx context.Context, c ledger.CreditNote) (*ledger.Posted, error) {
	invID, err := parseID(c.InvoiceID)
	if err != nil {
		return nil, err
	}
	req := fiken.PartialCreditNoteRequest{IssueDate: c.IssueDate, InvoiceID: invID, OrderReference: c.Reference, CreditNoteText: "Kreditnota " + c.Reference}
	if c.Full {
		inv, err := l.c.GetInvoice(ctx, invID)
		if err != nil {
			return nil, err
		}
		for _, ln := range inv.Lines {
			req.Lines = append(req.Lines, fiken.CreditNoteLine{UnitPrice: ln.UnitPrice, Quantity: ln.Quantity, VatType: ln.VatType,
				IncomeAccount: ln.IncomeAccount, ProductID: ln.ProductID, Description: ln.Description})
		}
	} else {
		for _, ln := range c.Lines {
			req.Lines = append(req.Lines, fiken.CreditNoteLine{UnitPrice: ln.UnitNet, Quantity: float64(ln.Quantity), VatType: ln.VATType,
				IncomeAccount: ln.Account, Description: ln.Description})
		}
	}
	id, err := l.c.CreatePartialCreditNote(ctx, req)
	if missingCounter(err) {
		if _, cerr := l.c.EnsureCreditNoteCounter(ctx, 0); cerr != nil {
			return nil, cerr
		}
		id, err = l.c.CreatePartialCreditNote(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	return &ledger.Posted{ID: itoa(id)}, nil
}

// ChangedDocuments lists invoices modified on or after since's date (Fiken
// filters by date only) with their settlement state and our reference.
func (l *Ledger) ChangedDocuments(ctx context.Context, since time.Time) ([]ledger.Settlement, error) {
	invs, err := l.c.ListInvoices(ctx, fiken.InvoiceFilter{LastModified: fiken.DateFilter{Ge: since.Format("2006-01-02")}})
	if err != nil {
		return nil, err
	}
	out := make([]ledger.Settlement, 0, len(invs))
	for _, inv := range invs {
		if inv.OrderReference == "" {
			continue
		}
		s := ledger.Settlement{Reference: inv.OrderReference, ID: itoa(inv.InvoiceID), Number: itoa(inv.InvoiceNumber),
			KID: inv.Kid, DueDate: inv.DueDate, Gross: int64(inv.Gross), Currency: inv.Currency}
		if inv.Sale != nil {
			s.Settled, s.SettledDate = inv.Sale.Settled, inv.Sale.SettledDate
		}
		out = append(out, s)
	}
	return out, nil
}

// missingCounter reports Fiken's refusal of a document because the
// company has no number series for it yet ("Missing number series for
// drafts of type: invoice").
func missingCounter(err error) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Kind == apierr.KindValidation && strings.Contains(strings.ToLower(e.Message), "number series")
}

// IsNotFound reports whether err means "no such object" in Fiken.
func IsNotFound(err error) bool {
	return errors.Is(err, ledger.ErrNotFound) || apierr.Is(err, apierr.KindNotFound)
}
