package fikensim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// fullCreditNoteIn is the body of POST /creditNotes/full.
type fullCreditNoteIn struct {
	IssueDate      *string `json:"issueDate"`
	InvoiceID      *int64  `json:"invoiceId"`
	CreditNoteText string  `json:"creditNoteText,omitempty"`
}

// creditNoteLineIn is a line of POST /creditNotes/partial.
type creditNoteLineIn struct {
	IncomeAccount string       `json:"incomeAccount,omitempty"`
	VatType       string       `json:"vatType,omitempty"`
	UnitPrice     *int64       `json:"unitPrice"`
	Quantity      *json.Number `json:"quantity"`
	Discount      *json.Number `json:"discount,omitempty"`
	ProductID     int64        `json:"productId,omitempty"`
	Description   string       `json:"description,omitempty"`
	Comment       string       `json:"comment,omitempty"`
}

// partialCreditNoteIn is the body of POST /creditNotes/partial.
type partialCreditNoteIn struct {
	OurReference    string             `json:"ourReference,omitempty"`
	YourReference   string             `json:"yourReference,omitempty"`
	OrderReference  string             `json:"orderReference,omitempty"`
	Project         int64              `json:"project,omitempty"`
	Currency        string             `json:"currency,omitempty"`
	IssueDate       *string            `json:"issueDate"`
	InvoiceID       int64              `json:"invoiceId,omitempty"`
	ContactID       int64              `json:"contactId,omitempty"`
	ContactPersonID int64              `json:"contactPersonId,omitempty"`
	CreditNoteText  string             `json:"creditNoteText,omitempty"`
	Lines           []creditNoteLineIn `json:"lines"`
	RoundingType    string             `json:"roundingType,omitempty"`
}

// creditNote is a stored credit note.
type creditNote struct {
	ID             int64
	Number         int64
	IssueDate      string
	Modified       string
	Text           string
	YourReference  string
	OurReference   string
	OrderReference string
	Currency       string
	CustomerID     int64
	InvoiceID      int64
	Lines          []lineOut
	Net, Vat       int64
	Settled        bool
	Dispatches     []dispatch
}

// creditNoteOut is a credit note as returned.
type creditNoteOut struct {
	CreditNoteID        int64         `json:"creditNoteId"`
	CreditNoteNumber    int64         `json:"creditNoteNumber"`
	Kid                 string        `json:"kid,omitempty"`
	Customer            contactOut    `json:"customer"`
	Net                 int64         `json:"net"`
	Vat                 int64         `json:"vat"`
	Gross               int64         `json:"gross"`
	NetInNok            int64         `json:"netInNok"`
	VatInNok            int64         `json:"vatInNok"`
	GrossInNok          int64         `json:"grossInNok"`
	CreditNoteText      string        `json:"creditNoteText,omitempty"`
	YourReference       string        `json:"yourReference,omitempty"`
	OrderReference      string        `json:"orderReference,omitempty"`
	Address             address       `json:"address"`
	Lines               []lineOut     `json:"lines"`
	Currency            string        `json:"currency"`
	IssueDate           string        `json:"issueDate"`
	LastModifiedDate    string        `json:"lastModifiedDate"`
	Settled             bool          `json:"settled"`
	AssociatedInvoiceID int64         `json:"associatedInvoiceId,omitempty"`
	CreditNotePdf       attachmentOut `json:"creditNotePdf"`
}

func (s *Server) creditNoteOut(r *http.Request, co *company, cn *creditNote) creditNoteOut {
	o := creditNoteOut{CreditNoteID: cn.ID, CreditNoteNumber: cn.Number, Net: cn.Net, Vat: cn.Vat,
		Gross: cn.Net + cn.Vat, NetInNok: cn.Net, VatInNok: cn.Vat, GrossInNok: cn.Net + cn.Vat,
		CreditNoteText: cn.Text, YourReference: cn.YourReference, OrderReference: cn.OrderReference,
		Lines: append([]lineOut{}, cn.Lines...), Currency: cn.Currency, IssueDate: cn.IssueDate,
		LastModifiedDate: cn.Modified, Settled: cn.Settled, AssociatedInvoiceID: cn.InvoiceID,
		CreditNotePdf: attachmentOut{Identifier: strconv.FormatInt(cn.Number, 10), Type: "invoice",
			DownloadURL: s.baseURL(r) + "/api/v2/files/creditnote-" + strconv.FormatInt(cn.ID, 10) + ".pdf"}}
	country := "Norway"
	o.Address = address{Country: &country}
	if c := co.contact(cn.CustomerID); c != nil {
		o.Customer = c.out()
		if c.In.Address != nil {
			o.Address = *c.In.Address
		}
	}
	return o
}

func (s *Server) listCreditNotes(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	issue, e1 := parseDateFilter(q, "issueDate")
	lm, e2 := parseDateFilter(q, "lastModified")
	settled, e3 := boolFilter(q, "settled")
	cust, e4 := intFilter(q, "customerId")
	if e := firstErr(e1, e2, e3, e4); e != nil {
		return e
	}
	var out []creditNoteOut
	for _, cn := range co.creditNotes {
		if issue.match(cn.IssueDate) && lm.match(cn.Modified) && (settled == nil || *settled == cn.Settled) &&
			(cust == 0 || cust == cn.CustomerID) && q.Get("creditNoteDraftUuid") == "" {
			out = append(out, s.creditNoteOut(r, co, cn))
		}
	}
	writePage(w, r, out)
	return nil
}

func (s *Server) getCreditNote(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	id, e := pathID(r, "creditNoteId")
	if e != nil {
		return e
	}
	cn := co.creditNote(id)
	if cn == nil {
		return notFound("credit note", id)
	}
	writeJSON(w, http.StatusOK, s.creditNoteOut(r, co, cn))
	return nil
}

// book numbers a credit note, applies it to the invoice's receivable and
// stores it.
func (s *Server) bookCreditNote(w http.ResponseWriter, r *http.Request, co *company, cn *creditNote, inv *invoice) *apiError {
	if co.creditNoteCounter == nil {
		return errNoCounter("credit_note")
	}
	*co.creditNoteCounter++
	cn.ID, cn.Number, cn.Modified = s.st.id(), *co.creditNoteCounter, s.today()
	if inv != nil {
		open := inv.Sale.outstanding()
		inv.Sale.Credited += cn.Net + cn.Vat
		inv.Sale.Modified = s.today()
		inv.Sale.settleIfPaid(cn.IssueDate)
		// Settled when it could be set off in full against what the
		// customer still owed; otherwise money is owed back.
		cn.Settled = open >= cn.Net+cn.Vat
		inv.CreditNotes = append(inv.CreditNotes, cn.ID)
		inv.Modified = s.today()
	}
	co.creditNotes = append(co.creditNotes, cn)
	s.created(w, r, co, "/creditNotes/"+strconv.FormatInt(cn.ID, 10))
	return nil
}

func (s *Server) createFullCreditNote(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in fullCreditNoteIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.IssueDate != nil, "issueDate"), required(in.InvoiceID != nil, "invoiceId")); e != nil {
		return e
	}
	if e := checkDate(*in.IssueDate, "issueDate"); e != nil {
		return e
	}
	inv := co.invoice(*in.InvoiceID)
	if inv == nil {
		return badRequest("invoiceId: invoice %d does not exist", *in.InvoiceID)
	}
	for _, id := range inv.CreditNotes {
		if cn := co.creditNote(id); cn != nil && cn.Net+cn.Vat == inv.Net+inv.Vat {
			return badRequest("Invoice %d is already fully credited", inv.ID)
		}
	}
	cn := &creditNote{IssueDate: *in.IssueDate, Text: in.CreditNoteText, Currency: inv.Sale.Currency,
		CustomerID: *inv.In.CustomerID, InvoiceID: inv.ID, Lines: append([]lineOut{}, inv.Lines...),
		Net: inv.Net, Vat: inv.Vat, YourReference: inv.In.YourReference}
	return s.bookCreditNote(w, r, co, cn, inv)
}

func (s *Server) createPartialCreditNote(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in partialCreditNoteIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.IssueDate != nil, "issueDate"), required(in.Lines != nil, "lines")); e != nil {
		return e
	}
	if e := checkDate(*in.IssueDate, "issueDate"); e != nil {
		return e
	}
	if len(in.Lines) == 0 {
		return badRequest("lines: must contain at least one line")
	}
	cn := &creditNote{IssueDate: *in.IssueDate, Text: in.CreditNoteText, Currency: in.Currency,
		YourReference: in.YourReference, OurReference: in.OurReference, OrderReference: in.OrderReference}
	var inv *invoice
	switch {
	case in.InvoiceID != 0:
		inv = co.invoice(in.InvoiceID)
		if inv == nil {
			return badRequest("invoiceId: invoice %d does not exist", in.InvoiceID)
		}
		cn.InvoiceID, cn.CustomerID = inv.ID, *inv.In.CustomerID
		if cn.Currency == "" {
			cn.Currency = inv.Sale.Currency
		}
	case in.ContactID != 0:
		c := co.contact(in.ContactID)
		if c == nil || !c.In.Customer {
			return badRequest("contactId: contact %d does not exist or is not a customer", in.ContactID)
		}
		cn.CustomerID = c.ID
		c.Referenced = true
	default:
		return badRequest("Either invoiceId or contactId must be given")
	}
	if cn.Currency == "" {
		cn.Currency = "NOK"
	}
	for i, l := range in.Lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if l.UnitPrice == nil {
			return badRequest("%s.unitPrice: must not be null", f)
		}
		lo, _, e := resolveLine(co, invoiceLineIn{UnitPrice: l.UnitPrice, Quantity: l.Quantity, Discount: l.Discount,
			ProductID: l.ProductID, Description: l.Description, Comment: l.Comment, IncomeAccount: l.IncomeAccount,
			VatType: l.VatType}, f)
		if e != nil {
			return e
		}
		cn.Lines = append(cn.Lines, lo)
		cn.Net += lo.Net
		cn.Vat += lo.Vat
	}
	if inv != nil && cn.Net+cn.Vat > inv.Net+inv.Vat {
		return badRequest("The credit note amount exceeds the invoice amount")
	}
	return s.bookCreditNote(w, r, co, cn, inv)
}

func (s *Server) sendCreditNote(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in sendIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if in.InvoiceID != nil {
		return badRequest("Unrecognized field \"invoiceId\"")
	}
	if e := required(in.CreditNoteID != nil, "creditNoteId"); e != nil {
		return e
	}
	cn := co.creditNote(*in.CreditNoteID)
	if cn == nil {
		return notFound("credit note", *in.CreditNoteID)
	}
	typ, e := dispatchFor(in, co.contact(cn.CustomerID))
	if e != nil {
		return e
	}
	cn.Dispatches = append(cn.Dispatches, dispatch{Date: s.today(), DispatchType: typ})
	cn.Modified = s.today()
	w.WriteHeader(http.StatusOK)
	return nil
}
