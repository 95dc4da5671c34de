package fiken

import (
	"time"

	"github.com/bokfor/bokfor/internal/money"
)

// Date formats t as Fiken's yyyy-MM-dd date.
func Date(t time.Time) string { return t.Format("2006-01-02") }

// Address is Fiken's address; Country is required whenever an address is
// sent.
type Address struct {
	StreetAddress      string `json:"streetAddress,omitempty"`
	StreetAddressLine2 string `json:"streetAddressLine2,omitempty"`
	City               string `json:"city,omitempty"`
	PostCode           string `json:"postCode,omitempty"`
	Country            string `json:"country"`
}

// Attachment is a document attached to an invoice, sale or contact.
type Attachment struct {
	Identifier  string `json:"identifier,omitempty"`
	DownloadURL string `json:"downloadUrl,omitempty"`
	// DownloadURLWithFikenNormalUserCredentials needs a Fiken login.
	DownloadURLWithFikenNormalUserCredentials string `json:"downloadUrlWithFikenNormalUserCredentials,omitempty"`
	Comment                                   string `json:"comment,omitempty"`
	Type                                      string `json:"type,omitempty"`
}

// Company is a Fiken company the credential can access.
type Company struct {
	Name                string   `json:"name"`
	Slug                string   `json:"slug"`
	OrganizationNumber  string   `json:"organizationNumber,omitempty"`
	VatType             string   `json:"vatType,omitempty"`
	Address             *Address `json:"address,omitempty"`
	Email               string   `json:"email,omitempty"`
	CreationDate        string   `json:"creationDate,omitempty"`
	HasAPIAccess        bool     `json:"hasApiAccess"`
	TestCompany         bool     `json:"testCompany"`
	AccountingStartDate string   `json:"accountingStartDate,omitempty"`
	VatRegistrationDate string   `json:"vatRegistrationDate,omitempty"`
}

// Account is a bookkeeping account ("3000", "1500:10001").
type Account struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// BankAccount is a company bank account; AccountCode ("1920:10001") is
// what invoices and payments refer to.
type BankAccount struct {
	BankAccountID     int64     `json:"bankAccountId"`
	Name              string    `json:"name"`
	AccountCode       string    `json:"accountCode"`
	BankAccountNumber string    `json:"bankAccountNumber,omitempty"`
	IBAN              string    `json:"iban,omitempty"`
	BIC               string    `json:"bic,omitempty"`
	ForeignService    string    `json:"foreignService,omitempty"`
	Type              string    `json:"type,omitempty"`
	ReconciledBalance money.Ore `json:"reconciledBalance,omitempty"`
	ReconciledDate    string    `json:"reconciledDate,omitempty"`
	Inactive          bool      `json:"inactive"`
}

// BankAccountRequest creates a bank account, e.g. one per payment
// provider (Type "foreign" with ForeignService).
type BankAccountRequest struct {
	Name              string `json:"name"`
	BankAccountNumber string `json:"bankAccountNumber"`
	IBAN              string `json:"iban,omitempty"`
	BIC               string `json:"bic,omitempty"`
	ForeignService    string `json:"foreignService,omitempty"`
	Type              string `json:"type"`
	Inactive          bool   `json:"inactive,omitempty"`
}

// ContactPerson is a person at a contact.
type ContactPerson struct {
	ContactPersonID int64    `json:"contactPersonId,omitempty"`
	Name            string   `json:"name"`
	Email           string   `json:"email"`
	PhoneNumber     string   `json:"phoneNumber,omitempty"`
	Address         *Address `json:"address,omitempty"`
}

// ContactPersonRequest creates or replaces a contact person.
type ContactPersonRequest struct {
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	PhoneNumber string   `json:"phoneNumber,omitempty"`
	Address     *Address `json:"address,omitempty"`
}

// Contact is a contact as Fiken returns it. PhoneNumber, MemberNumberString
// and Currency are write-only in the spec and usually come back empty.
type Contact struct {
	ContactID                 int64           `json:"contactId"`
	CreatedDate               string          `json:"createdDate,omitempty"`
	LastModifiedDate          string          `json:"lastModifiedDate,omitempty"`
	Name                      string          `json:"name"`
	Email                     string          `json:"email,omitempty"`
	OrganizationNumber        string          `json:"organizationNumber,omitempty"`
	CustomerNumber            int32           `json:"customerNumber,omitempty"`
	CustomerAccountCode       string          `json:"customerAccountCode,omitempty"`
	PhoneNumber               string          `json:"phoneNumber,omitempty"`
	MemberNumberString        string          `json:"memberNumberString,omitempty"`
	SupplierNumber            int32           `json:"supplierNumber,omitempty"`
	SupplierAccountCode       string          `json:"supplierAccountCode,omitempty"`
	Customer                  bool            `json:"customer"`
	Supplier                  bool            `json:"supplier"`
	BankAccountNumber         string          `json:"bankAccountNumber,omitempty"`
	ContactPerson             []ContactPerson `json:"contactPerson,omitempty"`
	Currency                  string          `json:"currency,omitempty"`
	Language                  string          `json:"language,omitempty"`
	Inactive                  bool            `json:"inactive"`
	DaysUntilInvoicingDueDate *int32          `json:"daysUntilInvoicingDueDate,omitempty"`
	Discount                  *float64        `json:"discount,omitempty"`
	Address                   *Address        `json:"address,omitempty"`
	Groups                    []string        `json:"groups,omitempty"`
}

// ContactRequest is the body of a contact create or full-replacement
// update. Every field not set is cleared by an update.
type ContactRequest struct {
	Name                      string   `json:"name"`
	Email                     string   `json:"email,omitempty"`
	OrganizationNumber        string   `json:"organizationNumber,omitempty"`
	PhoneNumber               string   `json:"phoneNumber,omitempty"`
	MemberNumberString        string   `json:"memberNumberString,omitempty"`
	Customer                  bool     `json:"customer"`
	Supplier                  bool     `json:"supplier"`
	BankAccountNumber         string   `json:"bankAccountNumber,omitempty"`
	Currency                  string   `json:"currency,omitempty"`
	Language                  string   `json:"language,omitempty"`
	Inactive                  bool     `json:"inactive"`
	DaysUntilInvoicingDueDate *int32   `json:"daysUntilInvoicingDueDate,omitempty"`
	Discount                  *float64 `json:"discount,omitempty"`
	Address                   *Address `json:"address,omitempty"`
	Groups                    []string `json:"groups,omitempty"`
	// ContactPerson creates persons with the contact; prefer
	// AddContactPerson for existing contacts.
	ContactPerson []ContactPersonRequest `json:"contactPerson,omitempty"`
}

// ContactWriteOnly holds the contact fields the spec marks write-only:
// Fiken accepts them but does not return them, so a read-modify-write
// update must take them from the caller's own source of truth.
type ContactWriteOnly struct {
	PhoneNumber        string
	MemberNumberString string
	Currency           string
}

// Product is a product as Fiken returns it. Prices are net of VAT.
type Product struct {
	ProductID        int64     `json:"productId"`
	CreatedDate      string    `json:"createdDate,omitempty"`
	LastModifiedDate string    `json:"lastModifiedDate,omitempty"`
	Name             string    `json:"name"`
	UnitPrice        money.Ore `json:"unitPrice"`
	IncomeAccount    string    `json:"incomeAccount"`
	VatType          string    `json:"vatType"`
	Active           bool      `json:"active"`
	ProductNumber    string    `json:"productNumber,omitempty"`
	Stock            *float64  `json:"stock,omitempty"`
	Note             string    `json:"note,omitempty"`
}

// ProductRequest is the body of a product create or full-replacement
// update. A nil Stock on update is filled from the current product by
// UpdateProduct, so stock is never wiped by omission.
type ProductRequest struct {
	Name          string    `json:"name"`
	UnitPrice     money.Ore `json:"unitPrice"`
	IncomeAccount string    `json:"incomeAccount"`
	VatType       string    `json:"vatType"`
	Active        bool      `json:"active"`
	ProductNumber string    `json:"productNumber,omitempty"`
	Stock         *float64  `json:"stock,omitempty"`
	Note          string    `json:"note,omitempty"`
}

// InvoiceLineRequest is one invoice line. A product line needs ProductID
// and Quantity; a free-text line needs UnitPrice (net øre), Quantity,
// VatType and IncomeAccount.
type InvoiceLineRequest struct {
	Net           *money.Ore `json:"net,omitempty"`
	Vat           *money.Ore `json:"vat,omitempty"`
	VatType       string     `json:"vatType,omitempty"`
	Gross         *money.Ore `json:"gross,omitempty"`
	VatInPercent  *float64   `json:"vatInPercent,omitempty"`
	UnitPrice     *money.Ore `json:"unitPrice,omitempty"`
	Quantity      float64    `json:"quantity"`
	Discount      *float64   `json:"discount,omitempty"`
	ProductName   string     `json:"productName,omitempty"`
	ProductID     int64      `json:"productId,omitempty"`
	Description   string     `json:"description,omitempty"`
	Comment       string     `json:"comment,omitempty"`
	IncomeAccount string     `json:"incomeAccount,omitempty"`
}

// InvoiceLine is an invoice or credit-note line as Fiken returns it.
type InvoiceLine struct {
	Net           money.Ore `json:"net"`
	Vat           money.Ore `json:"vat"`
	VatType       string    `json:"vatType,omitempty"`
	Gross         money.Ore `json:"gross"`
	NetInNok      money.Ore `json:"netInNok"`
	VatInNok      money.Ore `json:"vatInNok"`
	GrossInNok    money.Ore `json:"grossInNok"`
	VatInPercent  float64   `json:"vatInPercent"`
	UnitPrice     money.Ore `json:"unitPrice"`
	Quantity      float64   `json:"quantity"`
	Discount      float64   `json:"discount,omitempty"`
	ProductID     int64     `json:"productId,omitempty"`
	ProductName   string    `json:"productName,omitempty"`
	Description   string    `json:"description,omitempty"`
	Comment       string    `json:"comment,omitempty"`
	IncomeAccount string    `json:"incomeAccount,omitempty"`
}

// InvoiceRequest is the body of POST /invoices. OrderReference carries
// our order reference and is what CreateInvoiceOnce looks up.
type InvoiceRequest struct {
	UUID            string               `json:"uuid,omitempty"`
	IssueDate       string               `json:"issueDate"`
	DueDate         string               `json:"dueDate"`
	Lines           []InvoiceLineRequest `json:"lines"`
	OurReference    string               `json:"ourReference,omitempty"`
	YourReference   string               `json:"yourReference,omitempty"`
	OrderReference  string               `json:"orderReference,omitempty"`
	CustomerID      int64                `json:"customerId"`
	ContactPersonID int64                `json:"contactPersonId,omitempty"`
	BankAccountCode string               `json:"bankAccountCode"`
	Currency        string               `json:"currency,omitempty"`
	InvoiceText     string               `json:"invoiceText,omitempty"`
	Cash            bool                 `json:"cash"`
	PaymentAccount  string               `json:"paymentAccount,omitempty"`
	ProjectID       int64                `json:"projectId,omitempty"`
	RoundingType    string               `json:"roundingType,omitempty"`
}

// Dispatch records how and when a document was sent.
type Dispatch struct {
	Date         string `json:"date,omitempty"`
	DispatchType string `json:"dispatchType,omitempty"`
}

// Invoice is an invoice as Fiken returns it. Payment state is on Sale.
type Invoice struct {
	InvoiceID             int64         `json:"invoiceId"`
	CreatedDate           string        `json:"createdDate,omitempty"`
	LastModifiedDate      string        `json:"lastModifiedDate,omitempty"`
	InvoiceNumber         int64         `json:"invoiceNumber"`
	Kid                   string        `json:"kid,omitempty"`
	IssueDate             string        `json:"issueDate"`
	DueDate               string        `json:"dueDate"`
	OriginalDueDate       string        `json:"originalDueDate,omitempty"`
	Net                   money.Ore     `json:"net"`
	Vat                   money.Ore     `json:"vat"`
	Gross                 money.Ore     `json:"gross"`
	NetInNok              money.Ore     `json:"netInNok"`
	VatInNok              money.Ore     `json:"vatInNok"`
	GrossInNok            money.Ore     `json:"grossInNok"`
	Cash                  bool          `json:"cash"`
	InvoiceText           string        `json:"invoiceText,omitempty"`
	YourReference         string        `json:"yourReference,omitempty"`
	OurReference          string        `json:"ourReference,omitempty"`
	OrderReference        string        `json:"orderReference,omitempty"`
	InvoiceDraftUUID      string        `json:"invoiceDraftUuid,omitempty"`
	Address               *Address      `json:"address,omitempty"`
	Lines                 []InvoiceLine `json:"lines,omitempty"`
	Currency              string        `json:"currency,omitempty"`
	BankAccountNumber     string        `json:"bankAccountNumber,omitempty"`
	SentManually          bool          `json:"sentManually"`
	InvoicePdf            *Attachment   `json:"invoicePdf,omitempty"`
	AssociatedCreditNotes []int64       `json:"associatedCreditNotes,omitempty"`
	Attachments           []Attachment  `json:"attachments,omitempty"`
	Customer              *Contact      `json:"customer,omitempty"`
	Sale                  *Sale         `json:"sale,omitempty"`
	Dispatches            []Dispatch    `json:"dispatches,omitempty"`
}

// UpdateInvoiceRequest is the only change Fiken allows on an issued
// invoice.
type UpdateInvoiceRequest struct {
	NewDueDate   string `json:"newDueDate,omitempty"`
	SentManually *bool  `json:"sentManually,omitempty"`
}

// SendRequest holds the fields common to sending invoices and credit
// notes. Method is a priority list of email, ehf, efaktura, sms, letter,
// auto.
type SendRequest struct {
	Method                     []string `json:"method"`
	IncludeDocumentAttachments bool     `json:"includeDocumentAttachments"`
	RecipientName              string   `json:"recipientName,omitempty"`
	RecipientEmail             string   `json:"recipientEmail,omitempty"`
	Message                    string   `json:"message,omitempty"`
	EmailSendOption            string   `json:"emailSendOption,omitempty"`
	MergeInvoiceAndAttachments *bool    `json:"mergeInvoiceAndAttachments,omitempty"`
	OrganizationNumber         string   `json:"organizationNumber,omitempty"`
	MobileNumber               string   `json:"mobileNumber,omitempty"`
}

// SendInvoiceRequest is the body of POST /invoices/send.
type SendInvoiceRequest struct {
	SendRequest
	InvoiceID int64 `json:"invoiceId"`
}

// SendCreditNoteRequest is the body of POST /creditNotes/send.
type SendCreditNoteRequest struct {
	SendRequest
	CreditNoteID int64 `json:"creditNoteId"`
}

// Counter is an invoice or credit-note number series.
type Counter struct {
	Value int32 `json:"value"`
}

// FullCreditNoteRequest credits a whole invoice.
type FullCreditNoteRequest struct {
	IssueDate      string `json:"issueDate"`
	InvoiceID      int64  `json:"invoiceId"`
	CreditNoteText string `json:"creditNoteText,omitempty"`
}

// CreditNoteLine is a line of a partial credit note; amounts are positive
// net øre.
type CreditNoteLine struct {
	IncomeAccount string    `json:"incomeAccount,omitempty"`
	VatType       string    `json:"vatType,omitempty"`
	UnitPrice     money.Ore `json:"unitPrice"`
	Quantity      float64   `json:"quantity"`
	Discount      *float64  `json:"discount,omitempty"`
	ProductID     int64     `json:"productId,omitempty"`
	Description   string    `json:"description,omitempty"`
	Comment       string    `json:"comment,omitempty"`
}

// PartialCreditNoteRequest credits part of an invoice (InvoiceID) or
// stands alone (ContactID). OrderReference carries our refund reference
// and is what CreatePartialCreditNoteOnce looks up.
type PartialCreditNoteRequest struct {
	OurReference    string           `json:"ourReference,omitempty"`
	YourReference   string           `json:"yourReference,omitempty"`
	OrderReference  string           `json:"orderReference,omitempty"`
	Project         int64            `json:"project,omitempty"`
	Currency        string           `json:"currency,omitempty"`
	IssueDate       string           `json:"issueDate"`
	InvoiceID       int64            `json:"invoiceId,omitempty"`
	ContactID       int64            `json:"contactId,omitempty"`
	ContactPersonID int64            `json:"contactPersonId,omitempty"`
	CreditNoteText  string           `json:"creditNoteText,omitempty"`
	Lines           []CreditNoteLine `json:"lines"`
	RoundingType    string           `json:"roundingType,omitempty"`
}

// CreditNote is a credit note as Fiken returns it.
type CreditNote struct {
	CreditNoteID        int64         `json:"creditNoteId"`
	CreditNoteNumber    int64         `json:"creditNoteNumber"`
	Kid                 string        `json:"kid,omitempty"`
	Customer            *Contact      `json:"customer,omitempty"`
	Net                 money.Ore     `json:"net"`
	Vat                 money.Ore     `json:"vat"`
	Gross               money.Ore     `json:"gross"`
	NetInNok            money.Ore     `json:"netInNok"`
	VatInNok            money.Ore     `json:"vatInNok"`
	GrossInNok          money.Ore     `json:"grossInNok"`
	CreditNoteText      string        `json:"creditNoteText,omitempty"`
	YourReference       string        `json:"yourReference,omitempty"`
	OurReference        string        `json:"ourReference,omitempty"`
	OrderReference      string        `json:"orderReference,omitempty"`
	Address             *Address      `json:"address,omitempty"`
	Lines               []InvoiceLine `json:"lines,omitempty"`
	Currency            string        `json:"currency,omitempty"`
	IssueDate           string        `json:"issueDate,omitempty"`
	LastModifiedDate    string        `json:"lastModifiedDate,omitempty"`
	Settled             bool          `json:"settled"`
	AssociatedInvoiceID int64         `json:"associatedInvoiceId,omitempty"`
	CreditNoteDraftUUID string        `json:"creditNoteDraftUuid,omitempty"`
	CreditNotePdf       *Attachment   `json:"creditNotePdf,omitempty"`
	Sale                *Sale         `json:"sale,omitempty"`
}

// OrderLine is a sale line: an amount, not quantity × price, and not
// linked to a product. Account is the income account.
type OrderLine struct {
	Description        string     `json:"description"`
	NetPrice           money.Ore  `json:"netPrice"`
	Vat                money.Ore  `json:"vat"`
	Account            string     `json:"account,omitempty"`
	VatType            string     `json:"vatType"`
	NetPriceInCurrency *money.Ore `json:"netPriceInCurrency,omitempty"`
	VatInCurrency      *money.Ore `json:"vatInCurrency,omitempty"`
}

// SaleRequest is the body of POST /sales. Paid is required by Fiken
// although the spec does not define it (reference trap 8).
type SaleRequest struct {
	SaleNumber          string      `json:"saleNumber,omitempty"`
	Date                string      `json:"date"`
	Kind                string      `json:"kind"`
	Paid                bool        `json:"paid"`
	TotalPaid           *money.Ore  `json:"totalPaid,omitempty"`
	TotalPaidInCurrency *money.Ore  `json:"totalPaidInCurrency,omitempty"`
	Lines               []OrderLine `json:"lines"`
	CustomerID          int64       `json:"customerId,omitempty"`
	Currency            string      `json:"currency"`
	DueDate             string      `json:"dueDate,omitempty"`
	Kid                 string      `json:"kid,omitempty"`
	PaymentAccount      string      `json:"paymentAccount,omitempty"`
	PaymentDate         string      `json:"paymentDate,omitempty"`
	PaymentFee          *money.Ore  `json:"paymentFee,omitempty"`
	ProjectID           int64       `json:"projectId,omitempty"`
}

// Sale kinds.
const (
	SaleKindCash            = "cash_sale"
	SaleKindInvoice         = "invoice"
	SaleKindExternalInvoice = "external_invoice"
)

// Payment is a payment on a sale as Fiken returns it. Fee is NOK.
type Payment struct {
	PaymentID   int64     `json:"paymentId"`
	Date        string    `json:"date"`
	Account     string    `json:"account"`
	Amount      money.Ore `json:"amount"`
	AmountInNok money.Ore `json:"amountInNok,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	Fee         money.Ore `json:"fee,omitempty"`
}

// PaymentRequest is the body of POST /sales/{saleId}/payments.
type PaymentRequest struct {
	Date        string     `json:"date"`
	Account     string     `json:"account"`
	Amount      money.Ore  `json:"amount"`
	AmountInNok *money.Ore `json:"amountInNok,omitempty"`
	Currency    string     `json:"currency,omitempty"`
	Fee         *money.Ore `json:"fee,omitempty"`
}

// Sale is a sale as Fiken returns it; for an invoice it carries the
// settlement state.
type Sale struct {
	SaleID                       int64        `json:"saleId"`
	LastModifiedDate             string       `json:"lastModifiedDate,omitempty"`
	TransactionID                int64        `json:"transactionId,omitempty"`
	SaleNumber                   string       `json:"saleNumber,omitempty"`
	Date                         string       `json:"date,omitempty"`
	Kind                         string       `json:"kind,omitempty"`
	NetAmount                    money.Ore    `json:"netAmount"`
	VatAmount                    money.Ore    `json:"vatAmount"`
	Settled                      bool         `json:"settled"`
	SettledDate                  string       `json:"settledDate,omitempty"`
	WriteOff                     bool         `json:"writeOff"`
	TotalPaid                    money.Ore    `json:"totalPaid"`
	TotalPaidInCurrency          money.Ore    `json:"totalPaidInCurrency,omitempty"`
	OutstandingBalance           money.Ore    `json:"outstandingBalance"`
	OutstandingBalanceInCurrency money.Ore    `json:"outstandingBalanceInCurrency,omitempty"`
	Lines                        []OrderLine  `json:"lines,omitempty"`
	Customer                     *Contact     `json:"customer,omitempty"`
	Currency                     string       `json:"currency,omitempty"`
	DueDate                      string       `json:"dueDate,omitempty"`
	Kid                          string       `json:"kid,omitempty"`
	SalePayments                 []Payment    `json:"salePayments,omitempty"`
	SaleAttachments              []Attachment `json:"saleAttachments,omitempty"`
	PaymentDate                  string       `json:"paymentDate,omitempty"`
	Deleted                      bool         `json:"deleted"`
}

// WriteOffRequest is the body of PATCH /sales/{saleId}/writeOff. Type is
// OVERDUE_6_MONTHS, COLLECTION_FAILED, CUSTOMER_BANKRUPTCY or
// DEEMED_IRRECOVERABLE.
type WriteOffRequest struct {
	Type    string `json:"type"`
	Date    string `json:"date"`
	Comment string `json:"comment,omitempty"`
}
