// Package ledger defines what bokfor needs from an accounting system, so
// that workflows and activities work the same against Fiken and PowerOffice
// Go. Implementations live in subpackages (fikenledger, …); they translate
// ledger-neutral requests into one API's calls and return *apierr.Error for
// every failure.
//
// Creates here are single attempts. The exactly-once protocol — look up by
// our reference before creating whenever an earlier attempt may have been
// applied — is run once, in the activities, for every ledger alike.
package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
)

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = errors.New("ledger: not found")

// Customer is a shop customer as the ledger needs it.
type Customer struct {
	// ShopID is the shop's customer id, stored in the ledger's field for
	// an external id (Fiken memberNumberString) where there is one.
	ShopID    string
	Name      string
	Email     string
	OrgNumber string
	Phone     string
	Address   domain.Address
	Currency  string
}

// Product is a shop product as the ledger needs it.
type Product struct {
	SKU     string
	Name    string
	UnitNet int64
	VATType string
	Account string
	Active  bool
}

// Posted is a document the ledger holds.
type Posted struct {
	// ID is the ledger's id of the document (invoice id, sale id, …).
	ID string `json:"id"`
	// Number is the document number shown to people (invoice number).
	Number string `json:"number"`
	// Gross is the document's total as the ledger computed it.
	Gross int64 `json:"gross"`
	// Settled reports whether the ledger considers it fully paid.
	Settled bool `json:"settled"`
	// DueDate is the payment due date, when there is one.
	DueDate time.Time `json:"due_date"`
}

// CreditNote is a credit of (part of) a posted document.
type CreditNote struct {
	// Reference is bokfor's unique reference of the credit note.
	Reference string
	// InvoiceID is the credited document.
	InvoiceID string
	// IssueDate is yyyy-mm-dd.
	IssueDate string
	// Full credits the whole document; otherwise Lines are credited.
	Full  bool
	Lines []ledgerdoc.Line
}

// Settlement is a ledger document that became settled.
type Settlement struct {
	// Reference is bokfor's reference of the document.
	Reference string
	ID        string
	// Number is the document number people see.
	Number string
	// KID is the payment reference of an invoice, when it has one.
	KID string
	// DueDate is yyyy-mm-dd; Gross the total and Currency its currency.
	DueDate  string
	Gross    int64
	Currency string
	Settled  bool
	// SettledDate is when the ledger recorded the final payment.
	SettledDate string
}

// Ledger is one tenant's accounting system.
type Ledger interface {
	// Kind names the ledger ("fiken", "poweroffice").
	Kind() string
	// FindCustomer looks a customer up by the shop id, then the
	// organisation number, then the e-mail; ErrNotFound if none matches.
	FindCustomer(ctx context.Context, c Customer) (string, error)
	// CreateCustomer creates an invoiceable customer and returns its id.
	CreateCustomer(ctx context.Context, c Customer) (string, error)
	// FindProduct looks a product up by SKU; ErrNotFound if none.
	FindProduct(ctx context.Context, sku string) (string, error)
	// CreateProduct creates a product and returns its id.
	CreateProduct(ctx context.Context, p Product) (string, error)
	// FindDocument returns the document carrying reference, or ErrNotFound.
	FindDocument(ctx context.Context, reference string, kind ledgerdoc.Kind) (*Posted, error)
	// PostDocument creates the document once (a single attempt); customerID
	// is the ledger customer and productIDs the ledger product of each line
	// ("" for lines without one).
	PostDocument(ctx context.Context, d *ledgerdoc.Document, customerID string, productIDs []string) (*Posted, error)
	// SendInvoice sends a posted invoice by method (email, ehf, efaktura,
	// letter, auto).
	SendInvoice(ctx context.Context, p Posted, method string) error
	// PostPayment posts a payment against a posted invoice exactly once
	// (an equal payment on the same date and account counts as this one).
	PostPayment(ctx context.Context, p Posted, pay ledgerdoc.Payment) error
	// FindCreditNote returns the credit note of invoiceID carrying
	// reference, or ErrNotFound.
	FindCreditNote(ctx context.Context, invoiceID, reference string) (*Posted, error)
	// PostCreditNote creates a credit note once (a single attempt).
	PostCreditNote(ctx context.Context, c CreditNote) (*Posted, error)
	// ChangedDocuments lists documents modified on or after since (the
	// ledger may only filter by date; callers compare content).
	ChangedDocuments(ctx context.Context, since time.Time) ([]Settlement, error)
}
