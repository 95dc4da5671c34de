package fikensim

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
)

// invoiceLineIn is one line of POST /invoices.
type invoiceLineIn struct {
	Net           *int64       `json:"net,omitempty"`
	Vat           *int64       `json:"vat,omitempty"`
	VatType       string       `json:"vatType,omitempty"`
	Gross         *int64       `json:"gross,omitempty"`
	VatInPercent  *json.Number `json:"vatInPercent,omitempty"`
	UnitPrice     *int64       `json:"unitPrice,omitempty"`
	Quantity      *json.Number `json:"quantity"`
	Discount      *json.Number `json:"discount,omitempty"`
	ProductName   string       `json:"productName,omitempty"`
	ProductID     int64        `json:"productId,omitempty"`
	Description   string       `json:"description,omitempty"`
	Comment       string       `json:"comment,omitempty"`
	IncomeAccount string       `json:"incomeAccount,omitempty"`
}

// invoiceIn is the body of POST /invoices.
type invoiceIn struct {
	UUID            string          `json:"uuid,omitempty"`
	IssueDate       *string         `json:"issueDate"`
	DueDate         *string         `json:"dueDate"`
	Lines           []invoiceLineIn `json:"lines"`
	OurReference    string          `json:"ourReference,omitempty"`
	YourReference   string          `json:"yourReference,omitempty"`
	OrderReference  string          `json:"orderReference,omitempty"`
	CustomerID      *int64          `json:"customerId"`
	ContactPersonID int64           `json:"contactPersonId,omitempty"`
	BankAccountCode *string         `json:"bankAccountCode"`
	Currency        string          `json:"currency,omitempty"`
	InvoiceText     string          `json:"invoiceText,omitempty"`
	Cash            *bool           `json:"cash"`
	PaymentAccount  string          `json:"paymentAccount,omitempty"`
	ProjectID       int64           `json:"projectId,omitempty"`
	RoundingType    string          `json:"roundingType,omitempty"`
}

// lineOut is an invoice or credit-note line as returned.
type lineOut struct {
	Net           int64   `json:"net"`
	Vat           int64   `json:"vat"`
	VatType       string  `json:"vatType"`
	Gross         int64   `json:"gross"`
	NetInNok      int64   `json:"netInNok"`
	VatInNok      int64   `json:"vatInNok"`
	GrossInNok    int64   `json:"grossInNok"`
	VatInPercent  float64 `json:"vatInPercent"`
	UnitPrice     int64   `json:"unitPrice"`
	Quantity      float64 `json:"quantity"`
	Discount      float64 `json:"discount,omitempty"`
	ProductID     int64   `json:"productId,omitempty"`
	ProductName   string  `json:"productName,omitempty"`
	Description   string  `json:"description,omitempty"`
	Comment       string  `json:"comment,omitempty"`
	IncomeAccount string  `json:"incomeAccount"`
	qty           *big.Rat
}

// invoice is a stored invoice.
type invoice struct {
	ID              int64
	Created         string
	Modified        string
	Number          int64
	Kid             string
	In              invoiceIn
	OriginalDueDate string
	Lines           []lineOut
	Net, Vat        int64
	SentManually    bool
	CreditNotes     []int64
	Attachments     []attachmentOut
	Dispatches      []dispatch
	Sale            *sale
}

type dispatch struct {
	Date         string `json:"date"`
	DispatchType string `json:"dispatchType"`
}

// invoiceOut is an invoice as returned.
type invoiceOut struct {
	InvoiceID             int64           `json:"invoiceId"`
	CreatedDate           string          `json:"createdDate"`
	LastModifiedDate      string          `json:"lastModifiedDate"`
	InvoiceNumber         int64           `json:"invoiceNumber"`
	Kid                   string          `json:"kid"`
	IssueDate             string          `json:"issueDate"`
	DueDate               string          `json:"dueDate"`
	OriginalDueDate       string          `json:"originalDueDate,omitempty"`
	Net                   int64           `json:"net"`
	Vat                   int64           `json:"vat"`
	Gross                 int64           `json:"gross"`
	NetInNok              int64           `json:"netInNok"`
	VatInNok              int64           `json:"vatInNok"`
	GrossInNok            int64           `json:"grossInNok"`
	Cash                  bool            `json:"cash"`
	InvoiceText           string          `json:"invoiceText,omitempty"`
	YourReference         string          `json:"yourReference,omitempty"`
	OurReference          string          `json:"ourReference,omitempty"`
	OrderReference        string          `json:"orderReference,omitempty"`
	Address               *address        `json:"address,omitempty"`
	Lines                 []lineOut       `json:"lines"`
	Currency              string          `json:"currency"`
	BankAccountNumber     string          `json:"bankAccountNumber,omitempty"`
	SentManually          bool            `json:"sentManually"`
	InvoicePdf            attachmentOut   `json:"invoicePdf"`
	AssociatedCreditNotes []int64         `json:"associatedCreditNotes"`
	Attachments           []attachmentOut `json:"attachments"`
	Customer              *contactOut     `json:"customer,omitempty"`
	Sale                  saleOut         `json:"sale"`
	Dispatches            []dispatch      `json:"dispatches"`
}

func (s *Server) invoiceOut(r *http.Request, co *company, inv *invoice) invoiceOut {
	o := invoiceOut{InvoiceID: inv.ID, CreatedDate: inv.Created, LastModifiedDate: inv.Modified,
		InvoiceNumber: inv.Number, Kid: inv.Kid, IssueDate: *inv.In.IssueDate, DueDate: *inv.In.DueDate,
		OriginalDueDate: inv.OriginalDueDate, Net: inv.Net, Vat: inv.Vat, Gross: inv.Net + inv.Vat,
		NetInNok: inv.Net, VatInNok: inv.Vat, GrossInNok: inv.Net + inv.Vat, Cash: *inv.In.Cash,
		InvoiceText: inv.In.InvoiceText, YourReference: inv.In.YourReference, OurReference: inv.In.OurReference,
		OrderReference: inv.In.OrderReference, Lines: append([]lineOut{}, inv.Lines...), Currency: inv.Sale.Currency,
		SentManually: inv.SentManually, AssociatedCreditNotes: append([]int64{}, inv.CreditNotes...),
		Attachments: append([]attachmentOut{}, inv.Attachments...), Sale: inv.Sale.out(co),
		Dispatches: append([]dispatch{}, inv.Dispatches...),
		InvoicePdf: attachmentOut{Identifier: strconv.FormatInt(inv.Number, 10), Type: "invoice",
			DownloadURL: s.baseURL(r) + "/api/v2/files/invoice-" + strconv.FormatInt(inv.ID, 10) + ".pdf"}}
	if b := co.bankAccountByCode(deref(inv.In.BankAccountCode)); b != nil {
		o.BankAccountNumber = b.Number
	}
	if c := co.contact(*inv.In.CustomerID); c != nil {
		cu := c.out()
		o.Customer = &cu
		o.Address = c.In.Address
	}
	return o
}

func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	issue, e1 := parseDateFilter(q, "issueDate")
	lm, e2 := parseDateFilter(q, "lastModified")
	due, e3 := parseDateFilter(q, "dueDate")
	settled, e4 := boolFilter(q, "settled")
	cust, e5 := intFilter(q, "customerId")
	if e := firstErr(e1, e2, e3, e4, e5); e != nil {
		return e
	}
	var out []*invoice
	for _, inv := range co.invoices {
		if !issue.match(*inv.In.IssueDate) || !lm.match(inv.Modified) || !due.match(*inv.In.DueDate) ||
			(settled != nil && *settled != inv.Sale.Settled) || (cust != 0 && cust != *inv.In.CustomerID) ||
			!eqFilter(q, "orderReference", inv.In.OrderReference) || q.Get("invoiceDraftUuid") != "" ||
			!eqFilter(q, "invoiceNumber", strconv.FormatInt(inv.Number, 10)) {
			continue
		}
		out = append(out, inv)
	}
	writePageFunc(w, r, out, func(inv *invoice) invoiceOut { return s.invoiceOut(r, co, inv) })
	return nil
}

// resolveLine validates a line and computes its amounts; productID lines
// take price, VAT type, account and name from the product unless given.
func resolveLine(co *company, l invoiceLineIn, f string) (lineOut, *product, *apiError) {
	if l.Quantity == nil {
		return lineOut{}, nil, badRequest("%s.quantity: must not be null", f)
	}
	qty, ok := ratOf(*l.Quantity)
	if !ok {
		return lineOut{}, nil, badRequest("%s.quantity: not a number", f)
	}
	out := lineOut{ProductID: l.ProductID, ProductName: l.ProductName, Description: l.Description,
		Comment: l.Comment, IncomeAccount: l.IncomeAccount, VatType: l.VatType, qty: qty}
	out.Quantity, _ = qty.Float64()
	var p *product
	if l.ProductID != 0 {
		if l.ProductName != "" {
			return lineOut{}, nil, badRequest("%s.productName: only allowed without productId", f)
		}
		p = co.product(l.ProductID)
		if p == nil {
			return lineOut{}, nil, badRequest("%s.productId: product %d does not exist", f, l.ProductID)
		}
		out.ProductName = deref(p.In.Name)
		if out.VatType == "" && l.VatInPercent == nil {
			out.VatType = deref(p.In.VatType)
		}
		if out.IncomeAccount == "" {
			out.IncomeAccount = deref(p.In.IncomeAccount)
		}
	}
	switch {
	case l.UnitPrice != nil:
		out.UnitPrice = *l.UnitPrice
	case p != nil && p.In.UnitPrice != nil:
		out.UnitPrice = *p.In.UnitPrice
	default:
		return lineOut{}, nil, badRequest("%s.unitPrice: must be given for a line without a priced product", f)
	}
	if l.VatInPercent != nil {
		pct, ok := ratOf(*l.VatInPercent)
		if !ok {
			return lineOut{}, nil, badRequest("%s.vatInPercent: not a number", f)
		}
		if out.VatType == "" {
			t, ok := vatTypeFor(pct)
			if !ok {
				return lineOut{}, nil, badRequest("%s.vatInPercent: no VAT type has %s %%; give vatType", f, pct.FloatString(2))
			}
			out.VatType = t
		} else if r, ok := vatRate(out.VatType); ok && r.Cmp(pct) != 0 {
			return lineOut{}, nil, badRequest("%s: vatType %s does not match vatInPercent %s", f, out.VatType, pct.FloatString(2))
		}
	}
	if out.VatType == "" {
		return lineOut{}, nil, badRequest("%s: either vatType or vatInPercent must be given", f)
	}
	rate, ok := vatRate(out.VatType)
	if !ok {
		return lineOut{}, nil, badRequest("%s.vatType: %q is not a valid VAT type for sales", f, out.VatType)
	}
	if out.IncomeAccount == "" {
		return lineOut{}, nil, badRequest("%s.incomeAccount: either the line or the product needs an income account", f)
	}
	if !co.validAccount(out.IncomeAccount) {
		return lineOut{}, nil, badRequest("%s.incomeAccount: account %q does not exist", f, out.IncomeAccount)
	}
	var disc *big.Rat
	if l.Discount != nil {
		d, ok := ratOf(*l.Discount)
		if !ok || d.Sign() < 0 || d.Cmp(big.NewRat(100, 1)) > 0 {
			return lineOut{}, nil, badRequest("%s.discount: must be between 0 and 100", f)
		}
		disc = d
		out.Discount, _ = d.Float64()
	}
	if len(out.Description) > 200 || len(out.Comment) > 200 {
		return lineOut{}, nil, badRequest("%s: description and comment are at most 200 characters", f)
	}
	out.Net, out.Vat = lineAmounts(out.UnitPrice, qty, disc, rate)
	out.Gross = out.Net + out.Vat
	out.NetInNok, out.VatInNok, out.GrossInNok = out.Net, out.Vat, out.Gross
	out.VatInPercent, _ = rate.Float64()
	return out, p, nil
}

func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in invoiceIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.IssueDate != nil, "issueDate"), required(in.DueDate != nil, "dueDate"),
		required(in.Lines != nil, "lines"), required(in.BankAccountCode != nil, "bankAccountCode"),
		required(in.Cash != nil, "cash"), required(in.CustomerID != nil, "customerId")); e != nil {
		return e
	}
	if e := firstErr(checkDate(*in.IssueDate, "issueDate"), checkDate(*in.DueDate, "dueDate")); e != nil {
		return e
	}
	if len(in.Lines) == 0 {
		return badRequest("lines: must contain at least one line")
	}
	if len(in.InvoiceText) > 500 {
		return badRequest("invoiceText: size must be at most 500")
	}
	if in.Currency == "" {
		in.Currency = "NOK"
	} else if e := s.checkCurrency(in.Currency); e != nil {
		return e
	}
	switch in.RoundingType {
	case "", "none", "round_half", "round_whole", "round_down_half", "round_down_whole":
	default:
		return badRequest("roundingType: invalid value %q", in.RoundingType)
	}
	cust := co.contact(*in.CustomerID)
	if cust == nil || !cust.In.Customer {
		return badRequest("customerId: contact %d does not exist or is not a customer", *in.CustomerID)
	}
	if in.ContactPersonID != 0 {
		found := false
		for _, p := range cust.Persons {
			found = found || p.ID == in.ContactPersonID
		}
		if !found {
			return badRequest("contactPersonId: %d does not belong to customer %d", in.ContactPersonID, cust.ID)
		}
	}
	if co.bankAccountByCode(*in.BankAccountCode) == nil {
		return badRequest("bankAccountCode: %q is not a bank account of the company (format 1920:XXXXX)", *in.BankAccountCode)
	}
	if *in.Cash {
		if in.PaymentAccount == "" {
			return badRequest("paymentAccount: required for cash invoices")
		}
		if !co.validAccount(in.PaymentAccount) {
			return badRequest("paymentAccount: account %q does not exist", in.PaymentAccount)
		}
	}
	if co.invoiceCounter == nil {
		return errNoCounter("invoice")
	}
	inv := &invoice{ID: s.st.id(), Created: s.today(), Modified: s.today(), In: in}
	var linked []*product
	for i, l := range in.Lines {
		lo, p, e := resolveLine(co, l, "lines["+strconv.Itoa(i)+"]")
		if e != nil {
			return e
		}
		inv.Lines = append(inv.Lines, lo)
		linked = append(linked, p)
		inv.Net += lo.Net
		inv.Vat += lo.Vat
	}
	// Everything is valid: book it.
	*co.invoiceCounter++
	inv.Number = *co.invoiceCounter
	inv.Kid = kidFor(inv.Number)
	for i, p := range linked {
		if p != nil && p.In.Stock != nil {
			q, _ := inv.Lines[i].qty.Float64()
			v := *p.In.Stock - q
			p.In.Stock = &v
			p.Modified = s.today()
		}
	}
	inv.Sale = &sale{ID: s.st.id(), TransactionID: s.st.id(), Modified: s.today(),
		SaleNumber: strconv.FormatInt(inv.Number, 10), Date: *in.IssueDate, Kind: "invoice",
		Net: inv.Net, Vat: inv.Vat, CustomerID: cust.ID, Currency: in.Currency, DueDate: *in.DueDate, Kid: inv.Kid}
	if *in.Cash {
		inv.Sale.Payments = append(inv.Sale.Payments, paymentOut{PaymentID: s.st.id(), Date: *in.IssueDate,
			Account: in.PaymentAccount, Amount: inv.Net + inv.Vat, AmountInNok: inv.Net + inv.Vat, Currency: in.Currency})
		inv.Sale.PaymentDate = *in.IssueDate
		inv.Sale.settleIfPaid(*in.IssueDate)
	}
	cust.Referenced = true
	co.invoices = append(co.invoices, inv)
	co.sales = append(co.sales, inv.Sale)
	s.created(w, r, co, "/invoices/"+strconv.FormatInt(inv.ID, 10))
	return nil
}

// kidFor derives a KID from the invoice number with a MOD10 check digit.
func kidFor(n int64) string {
	digits := fmt.Sprintf("%08d", n)
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

func (s *Server) findInvoice(r *http.Request, co *company) (*invoice, *apiError) {
	id, e := pathID(r, "invoiceId")
	if e != nil {
		return nil, e
	}
	inv := co.invoice(id)
	if inv == nil {
		return nil, notFound("invoice", id)
	}
	return inv, nil
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	inv, e := s.findInvoice(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, s.invoiceOut(r, co, inv))
	return nil
}

// updateInvoiceIn is the body of PATCH /invoices/{invoiceId}.
type updateInvoiceIn struct {
	NewDueDate   string `json:"newDueDate,omitempty"`
	SentManually *bool  `json:"sentManually,omitempty"`
}

func (s *Server) updateInvoice(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	inv, e := s.findInvoice(r, co)
	if e != nil {
		return e
	}
	var in updateInvoiceIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if in.NewDueDate != "" {
		if e := checkDate(in.NewDueDate, "newDueDate"); e != nil {
			return e
		}
		if inv.OriginalDueDate == "" {
			inv.OriginalDueDate = *inv.In.DueDate
		}
		d := in.NewDueDate
		inv.In.DueDate = &d
		inv.Sale.DueDate = d
	}
	if in.SentManually != nil {
		inv.SentManually = *in.SentManually
	}
	inv.Modified = s.today()
	s.located(w, r, co, "/invoices/"+strconv.FormatInt(inv.ID, 10), http.StatusOK)
	return nil
}

// sendIn is the body of POST /invoices/send and /creditNotes/send.
type sendIn struct {
	Method                     []string `json:"method"`
	IncludeDocumentAttachments *bool    `json:"includeDocumentAttachments"`
	RecipientName              string   `json:"recipientName,omitempty"`
	RecipientEmail             string   `json:"recipientEmail,omitempty"`
	Message                    string   `json:"message,omitempty"`
	EmailSendOption            string   `json:"emailSendOption,omitempty"`
	MergeInvoiceAndAttachments *bool    `json:"mergeInvoiceAndAttachments,omitempty"`
	OrganizationNumber         string   `json:"organizationNumber,omitempty"`
	MobileNumber               string   `json:"mobileNumber,omitempty"`
	InvoiceID                  *int64   `json:"invoiceId,omitempty"`
	CreditNoteID               *int64   `json:"creditNoteId,omitempty"`
}

// dispatchFor validates a send request for customer c and returns the
// dispatch type the first usable method yields.
func dispatchFor(in sendIn, c *contact) (string, *apiError) {
	if e := firstErr(required(in.Method != nil, "method"),
		required(in.IncludeDocumentAttachments != nil, "includeDocumentAttachments")); e != nil {
		return "", e
	}
	if len(in.Method) == 0 {
		return "", badRequest("method: at least one method is required")
	}
	switch in.EmailSendOption {
	case "", "document_link", "attachment", "auto":
	default:
		return "", badRequest("emailSendOption: invalid value %q", in.EmailSendOption)
	}
	email := in.RecipientEmail
	if email == "" && c != nil {
		email = c.In.Email
	}
	for _, m := range in.Method {
		switch m {
		case "email", "ehf", "efaktura", "sms", "letter", "auto":
		default:
			return "", badRequest("method: %q is not one of email, ehf, efaktura, sms, letter, auto", m)
		}
	}
	for _, m := range in.Method {
		switch m {
		case "email", "auto":
			if email != "" {
				return "email", nil
			}
		case "ehf":
			if in.OrganizationNumber != "" || (c != nil && c.In.OrganizationNumber != "") {
				return "ehf", nil
			}
		case "sms":
			if in.MobileNumber != "" || (c != nil && c.In.PhoneNumber != "") {
				return "sms", nil
			}
		case "letter":
			if c != nil && c.In.Address != nil {
				return "letter", nil
			}
		case "efaktura":
			return "efaktura", nil
		}
	}
	return "", badRequest("None of the methods %v can reach the recipient", in.Method)
}

func (s *Server) sendInvoice(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in sendIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if in.CreditNoteID != nil {
		return badRequest("Unrecognized field \"creditNoteId\"")
	}
	if e := required(in.InvoiceID != nil, "invoiceId"); e != nil {
		return e
	}
	inv := co.invoice(*in.InvoiceID)
	if inv == nil {
		return notFound("invoice", *in.InvoiceID)
	}
	typ, e := dispatchFor(in, co.contact(*inv.In.CustomerID))
	if e != nil {
		return e
	}
	inv.Dispatches = append(inv.Dispatches, dispatch{Date: s.today(), DispatchType: typ})
	inv.Modified = s.today()
	w.WriteHeader(http.StatusOK)
	return nil
}

// counterIn is the optional body of POST .../counter.
type counterIn struct {
	Value *int64 `json:"value,omitempty"`
}

// getCounter and createCounter serve the invoice and credit-note number
// series.
func (s *Server) getCounter(pick func(*company) **int64) handler {
	return func(w http.ResponseWriter, r *http.Request, co *company) *apiError {
		c := *pick(co)
		if c == nil {
			return notFound("counter", "")
		}
		writeJSON(w, http.StatusOK, map[string]int64{"value": *c})
		return nil
	}
}

func (s *Server) createCounter(pick func(*company) **int64) handler {
	return func(w http.ResponseWriter, r *http.Request, co *company) *apiError {
		var in counterIn
		if hasBody(r) {
			if e := decodeJSON(r, &in); e != nil {
				return e
			}
		}
		c := pick(co)
		if *c != nil {
			return &apiError{status: http.StatusConflict, msg: "Counter already exists"}
		}
		v := int64(10000)
		if in.Value != nil {
			v = *in.Value
		}
		*c = &v
		w.WriteHeader(http.StatusCreated)
		return nil
	}
}
