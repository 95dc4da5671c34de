package poweroffice

// Address is a contact's mail address (ContactAddressPostDto /
// ContactAddressDto; ZipCode and City are required when posting).
type Address struct {
	AddressLine1 string `json:"AddressLine1,omitempty"`
	AddressLine2 string `json:"AddressLine2,omitempty"`
	ZipCode      string `json:"ZipCode"`
	City         string `json:"City"`
	CountryCode  string `json:"CountryCode,omitempty"`
}

// Customer is the part of CustomerDto bokfor reads.
type Customer struct {
	ID                      int64    `json:"Id"`
	Number                  int64    `json:"Number"`
	SubledgerAccountID      int64    `json:"SubledgerAccountId"`
	ExternalImportReference string   `json:"ExternalImportReference"`
	IsPerson                bool     `json:"IsPerson"`
	Name                    string   `json:"Name"`
	FirstName               string   `json:"FirstName"`
	LastName                string   `json:"LastName"`
	EmailAddress            string   `json:"EmailAddress"`
	InvoiceEmailAddress     string   `json:"InvoiceEmailAddress"`
	OrganizationNumber      string   `json:"OrganizationNumber"`
	PhoneNumber             string   `json:"PhoneNumber"`
	CurrencyCode            string   `json:"CurrencyCode"`
	IsArchived              bool     `json:"IsArchived"`
	MailAddress             *Address `json:"MailAddress"`
	LastChangedDateTime     string   `json:"LastChangedDateTimeOffset"`
}

// CustomerPost is the body of POST /Customers (CustomerPostDto subset).
type CustomerPost struct {
	IsPerson                bool     `json:"IsPerson"`
	Name                    string   `json:"Name,omitempty"`
	FirstName               string   `json:"FirstName,omitempty"`
	LastName                string   `json:"LastName,omitempty"`
	EmailAddress            string   `json:"EmailAddress,omitempty"`
	InvoiceEmailAddress     string   `json:"InvoiceEmailAddress,omitempty"`
	OrganizationNumber      string   `json:"OrganizationNumber,omitempty"`
	PhoneNumber             string   `json:"PhoneNumber,omitempty"`
	CurrencyCode            string   `json:"CurrencyCode,omitempty"`
	ExternalImportReference string   `json:"ExternalImportReference,omitempty"`
	MailAddress             *Address `json:"MailAddress,omitempty"`
}

// CustomerFilter filters GET /Customers; empty fields are not sent.
type CustomerFilter struct {
	ExternalImportReference string
	// CustomerNos and ExternalNos take PowerOffice's list syntax
	// ("10000-11000,12000").
	CustomerNos string
	ExternalNos string
	// LastChangedAfter is an RFC 3339 timestamp (exclusive).
	LastChangedAfter string
}

// Product is the part of ProductDto bokfor reads.
type Product struct {
	ID                     int64   `json:"Id"`
	Code                   string  `json:"Code"`
	Name                   string  `json:"Name"`
	Description            string  `json:"Description"`
	UnitPrice              *Amount `json:"UnitPrice"`
	StandardSalesAccount   int64   `json:"StandardSalesAccount"`
	StandardSalesAccountID int64   `json:"StandardSalesAccountId"`
	IsArchived             bool    `json:"IsArchived"`
	IsStockItem            bool    `json:"IsStockItem"`
	StockOnHand            float64 `json:"StockOnHand"`
	LastChangedDateTime    string  `json:"LastChangedDateTimeOffset"`
	StockChangedDateTime   string  `json:"StockOnHandLastChangedDatetimeOffset"`
}

// ProductPost is the body of POST /Products. StandardSalesAccount is the
// account number (POST only; PATCH uses StandardSalesAccountId); the
// product's VAT comes from that account.
type ProductPost struct {
	Code                 string   `json:"Code,omitempty"`
	Name                 string   `json:"Name"`
	Description          string   `json:"Description,omitempty"`
	UnitPrice            *Amount  `json:"UnitPrice,omitempty"`
	StandardSalesAccount int64    `json:"StandardSalesAccount,omitempty"`
	IsArchived           bool     `json:"IsArchived"`
	IsStockItem          bool     `json:"IsStockItem,omitempty"`
	StockOnHand          *float64 `json:"StockOnHand,omitempty"`
}

// PatchOp is one RFC 6902 JSON Patch operation.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Replace returns a "replace" operation of one top-level field.
func Replace(field string, value any) PatchOp {
	return PatchOp{Op: "replace", Path: "/" + field, Value: value}
}

// GeneralLedgerAccount is the part of GeneralLedgerAccountDto bokfor reads.
type GeneralLedgerAccount struct {
	ID        int64  `json:"Id"`
	AccountNo int64  `json:"AccountNo"`
	Name      string `json:"Name"`
	VatCodeID int64  `json:"VatCodeId"`
	VatCode   string `json:"VatCode"`
	IsActive  bool   `json:"IsActive"`
}

// VatCode is the part of VatCodeDto bokfor reads; Rate is a fraction
// (0.25).
type VatCode struct {
	ID       int64   `json:"Id"`
	Code     string  `json:"Code"`
	Name     string  `json:"Name"`
	Rate     float64 `json:"Rate"`
	IsActive bool    `json:"IsActive"`
}

// IntegrationInfo is ClientIntegrationInformationDto.
type IntegrationInfo struct {
	ClientID                  string   `json:"ClientId"`
	ClientName                string   `json:"ClientName"`
	ActiveClientSubscriptions []string `json:"ActiveClientSubscriptions"`
	ValidPrivileges           []string `json:"ValidPrivileges"`
	InvalidPrivileges         []string `json:"InvalidPrivileges"`
}

// SalesOrderLine is a SalesOrderLinePostDto. VAT is never sent: it comes
// from the product's sales account.
type SalesOrderLine struct {
	ProductID               int64   `json:"ProductId,omitempty"`
	ProductCode             string  `json:"ProductCode,omitempty"`
	Description             string  `json:"Description,omitempty"`
	Quantity                float64 `json:"Quantity"`
	ProductUnitPrice        Amount  `json:"ProductUnitPrice"`
	ExternalImportReference string  `json:"ExternalImportReference,omitempty"`
	SortOrder               int     `json:"SortOrder,omitempty"`
}

// SalesOrderPost is the body of POST /SalesOrders/Complete.
type SalesOrderPost struct {
	CustomerID              int64  `json:"CustomerId"`
	SalesOrderStatus        string `json:"SalesOrderStatus"`
	SalesOrderDate          string `json:"SalesOrderDate,omitempty"`
	PaymentTerm             *int   `json:"PaymentTerm,omitempty"`
	CurrencyCode            string `json:"CurrencyCode,omitempty"`
	CustomerReference       string `json:"CustomerReference,omitempty"`
	ExternalImportReference string `json:"ExternalImportReference"`
	CustomMatchingReference string `json:"CustomMatchingReference,omitempty"`
	ImportedOrderNo         *int64 `json:"ImportedOrderNo,omitempty"`
	// RelatedInvoiceNo makes an order with negative quantities a credit
	// note of that invoice.
	RelatedInvoiceNo *int64           `json:"RelatedInvoiceNo,omitempty"`
	SalesOrderLines  []SalesOrderLine `json:"SalesOrderLines"`
}

// SalesOrderLineRead is the part of SalesOrderLineDto bokfor reads.
type SalesOrderLineRead struct {
	ProductID        int64   `json:"ProductId"`
	Description      string  `json:"Description"`
	Quantity         float64 `json:"Quantity"`
	ProductUnitPrice Amount  `json:"ProductUnitPrice"`
	NetAmount        Amount  `json:"NetAmount"`
	VatAmount        Amount  `json:"VatAmount"`
}

// SalesOrder is the part of SalesOrderDto / SalesOrderCompleteDto bokfor
// reads. TotalAmount includes VAT.
type SalesOrder struct {
	ID                      string `json:"Id"`
	SalesOrderNo            int64  `json:"SalesOrderNo"`
	CustomerID              int64  `json:"CustomerId"`
	SalesOrderStatus        string `json:"SalesOrderStatus"`
	SalesOrderDate          string `json:"SalesOrderDate"`
	ExternalImportReference string `json:"ExternalImportReference"`
	CustomMatchingReference string `json:"CustomMatchingReference"`
	NetAmount               Amount `json:"NetAmount"`
	TotalAmount             Amount `json:"TotalAmount"`
	LastChangedDateTime     string `json:"LastChangedDateTimeOffset"`
	// SalesOrderLines are returned by the Complete endpoints only.
	SalesOrderLines []SalesOrderLineRead `json:"SalesOrderLines"`
}

// Delivery types of createAndSendInvoice.
const (
	DeliveryAuto        = "Auto"
	DeliveryPdfByEmail  = "PdfByEmail"
	DeliveryPdfDownload = "PdfPrintForDownload"
)

// SendInvoiceRequest is the body of POST /SalesOrders/{id}/createAndSendInvoice.
type SendInvoiceRequest struct {
	DeliveryType string `json:"DeliveryType"`
	EmailAddress string `json:"EmailAddress,omitempty"`
	VoucherDate  string `json:"VoucherDate,omitempty"`
}

// SentState is InvoiceSentStateDto.
type SentState struct {
	ID                      string `json:"Id"`
	InvoiceNo               int64  `json:"InvoiceNo"`
	DueDate                 string `json:"DueDate"`
	SentDateTime            string `json:"SentDateTimeOffset"`
	IsInvoiceBeingProcessed bool   `json:"IsInvoiceBeingProcessed"`
	LastErrorMessage        string `json:"LastErrorMessage"`
}

// OutgoingInvoice is the part of OutgoingInvoiceDto bokfor reads. Balance
// is what is still owed (0: paid); TotalAmount includes VAT.
type OutgoingInvoice struct {
	ID                      string  `json:"Id"`
	InvoiceNo               int64   `json:"InvoiceNo"`
	VoucherNo               int64   `json:"VoucherNo"`
	VoucherDate             string  `json:"VoucherDate"`
	DueDate                 string  `json:"DueDate"`
	CustomerID              int64   `json:"CustomerId"`
	CustomerNo              int64   `json:"CustomerNo"`
	Balance                 *Amount `json:"Balance"`
	TotalAmount             Amount  `json:"TotalAmount"`
	TotalPostedAmount       Amount  `json:"TotalPostedAmount"`
	CustomMatchingReference string  `json:"CustomMatchingReference"`
	ExternalImportReference string  `json:"ExternalImportReference"`
	IsReversed              bool    `json:"IsReversed"`
	BalanceLastChanged      string  `json:"BalanceLastChangedDateTimeOffset"`
	VoucherType             string  `json:"VoucherType"`
}

// Paid reports whether nothing is owed on the invoice any more.
func (i OutgoingInvoice) Paid() bool {
	return !i.IsReversed && i.Balance != nil && *i.Balance == 0 && i.TotalPostedAmount != 0
}

// InvoiceFilter filters GET /OutgoingInvoices. FromDate and ToDate
// (yyyy-mm-dd, invoice date, inclusive) are always sent: one live user
// found them required.
type InvoiceFilter struct {
	FromDate, ToDate         string
	CustomMatchingReferences string
	InvoiceIDs               string
	InvoiceNos               string
	// BalanceChangedAfter is an RFC 3339 timestamp (exclusive).
	BalanceChangedAfter             string
	OnlyCreatedByCurrentIntegration bool
}

// BankVoucherLine is a BankVoucherLinePostDto: a signed CurrencyAmount
// (positive debit, negative credit) on an account id with a VAT code id.
type BankVoucherLine struct {
	AccountID               int64  `json:"AccountId"`
	VatID                   int64  `json:"VatId"`
	CurrencyAmount          Amount `json:"CurrencyAmount"`
	PostingDate             string `json:"PostingDate"`
	Description             string `json:"Description,omitempty"`
	CustomMatchingReference string `json:"CustomMatchingReference,omitempty"`
	InvoiceNo               string `json:"InvoiceNo,omitempty"`
	ExternalLineReference   string `json:"ExternalLineReference,omitempty"`
}

// BankVoucherPost is the body of POST /Vouchers/BankJournals.
type BankVoucherPost struct {
	VoucherDate             string            `json:"VoucherDate"`
	CurrencyCode            string            `json:"CurrencyCode"`
	Description             string            `json:"Description,omitempty"`
	ExternalImportReference string            `json:"ExternalImportReference,omitempty"`
	VoucherLines            []BankVoucherLine `json:"VoucherLines"`
}

// BankVoucher is the part of BankVoucherDto bokfor reads.
type BankVoucher struct {
	ID                      string `json:"Id"`
	VoucherNo               int64  `json:"VoucherNo"`
	VoucherDate             string `json:"VoucherDate"`
	ExternalImportReference string `json:"ExternalImportReference"`
	IsReversed              bool   `json:"IsReversed"`
}

// ManualVoucherLine is a ManualVoucherLinePostDto: a signed gross
// CurrencyAmount (positive debit, negative credit, never 0) on an account
// id — a general ledger account or a customer's SubledgerAccountId — with
// the VAT code id Go computes the VAT of the line from.
type ManualVoucherLine struct {
	AccountID               int64    `json:"AccountId"`
	VatID                   int64    `json:"VatId"`
	CurrencyAmount          Amount   `json:"CurrencyAmount"`
	PostingDate             string   `json:"PostingDate"`
	Description             string   `json:"Description,omitempty"`
	CustomMatchingReference string   `json:"CustomMatchingReference,omitempty"`
	ExternalLineReference   string   `json:"ExternalLineReference,omitempty"`
	ProductID               int64    `json:"ProductId,omitempty"`
	Quantity                *float64 `json:"Quantity,omitempty"`
}

// ManualVoucherPost is the body of POST /Vouchers/ManualJournals
// (ManualVoucherPostDto). SaftSourceId and SaftBatchId are at most 35
// characters; ExternalImportReference is unique per client.
type ManualVoucherPost struct {
	VoucherDate             string              `json:"VoucherDate"`
	CurrencyCode            string              `json:"CurrencyCode"`
	Description             string              `json:"Description,omitempty"`
	ExternalImportReference string              `json:"ExternalImportReference,omitempty"`
	SaftSourceID            string              `json:"SaftSourceId,omitempty"`
	SaftBatchID             string              `json:"SaftBatchId,omitempty"`
	VoucherLines            []ManualVoucherLine `json:"VoucherLines"`
}

// ManualVoucherLineRead is the part of ManualVoucherLineDto bokfor reads.
type ManualVoucherLineRead struct {
	AccountID               int64    `json:"AccountId"`
	VatID                   int64    `json:"VatId"`
	CurrencyAmount          Amount   `json:"CurrencyAmount"`
	Description             string   `json:"Description"`
	CustomMatchingReference string   `json:"CustomMatchingReference"`
	ProductID               *int64   `json:"ProductId"`
	Quantity                *float64 `json:"Quantity"`
}

// ManualVoucher is the part of ManualVoucherDto bokfor reads.
type ManualVoucher struct {
	ID                      string                  `json:"Id"`
	VoucherNo               int64                   `json:"VoucherNo"`
	VoucherDate             string                  `json:"VoucherDate"`
	CurrencyCode            string                  `json:"CurrencyCode"`
	ExternalImportReference string                  `json:"ExternalImportReference"`
	IsReversed              bool                    `json:"IsReversed"`
	VoucherLines            []ManualVoucherLineRead `json:"VoucherLines"`
}

// Voucher types of customer ledger entries (VoucherType).
const (
	VoucherOutgoingInvoice    = "OutgoingInvoice"
	VoucherOutgoingCreditNote = "OutgoingCreditNote"
	VoucherManualJournal      = "ManualJournal"
	VoucherBankJournal        = "BankJournal"
)

// CustomerLedgerEntry is the part of CustomerLedgerEntryDto bokfor reads:
// one posting on a customer's sub-ledger. Amount and Balance are in the
// client currency (NOK); Balance is what remains open (0: matched out).
type CustomerLedgerEntry struct {
	ID                      int64   `json:"Id"`
	Amount                  Amount  `json:"Amount"`
	CurrencyAmount          Amount  `json:"CurrencyAmount"`
	CurrencyCode            string  `json:"CurrencyCode"`
	Balance                 Amount  `json:"Balance"`
	MatchID                 *int64  `json:"MatchId"`
	CustomMatchingReference string  `json:"CustomMatchingReference"`
	ExternalImportReference string  `json:"ExternalImportReference"`
	InvoiceNo               *string `json:"InvoiceNo"`
	CustomerID              *int64  `json:"CustomerId"`
	CustomerAccountNo       int64   `json:"CustomerAccountNo"`
	VoucherID               string  `json:"VoucherId"`
	VoucherNo               int64   `json:"VoucherNo"`
	VoucherType             string  `json:"VoucherType"`
	VoucherDate             string  `json:"VoucherDate"`
	PostingDate             string  `json:"PostingDate"`
	DueDate                 string  `json:"DueDate"`
	IsWriteOff              bool    `json:"IsWriteOff"`
	LastChangedDateTime     string  `json:"LastChangedDateTimeOffset"`
}

// Open reports whether something remains to be matched on the entry.
func (e CustomerLedgerEntry) Open() bool { return e.Balance != 0 }

// LedgerFilter filters GET /Customerledger/Statement. FromDate and ToDate
// (yyyy-mm-dd, posting date, inclusive) are required by the API; empty
// fields are not sent.
type LedgerFilter struct {
	FromDate, ToDate         string
	CustomMatchingReferences string
	// VoucherTypes is a comma list, e.g. "ManualJournal".
	VoucherTypes string
	// LastChangedAfter is an RFC 3339 timestamp (exclusive); an entry's
	// timestamp moves when its match state changes.
	LastChangedAfter                string
	OnlyCreatedByCurrentIntegration bool
}
