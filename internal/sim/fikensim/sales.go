package fikensim

import (
	"net/http"
	"strconv"
)

// orderLine is a sale line (request and response).
type orderLine struct {
	Description        *string `json:"description"`
	NetPrice           *int64  `json:"netPrice,omitempty"`
	Vat                *int64  `json:"vat,omitempty"`
	Account            string  `json:"account,omitempty"`
	VatType            *string `json:"vatType"`
	NetPriceInCurrency *int64  `json:"netPriceInCurrency,omitempty"`
	VatInCurrency      *int64  `json:"vatInCurrency,omitempty"`
	ProjectID          *int64  `json:"projectId,omitempty"`
}

// saleIn is the body of POST /sales. paid is required by Fiken but not
// defined in the spec; the simulator takes it as a boolean.
type saleIn struct {
	SaleNumber          string      `json:"saleNumber,omitempty"`
	Date                *string     `json:"date"`
	Kind                *string     `json:"kind"`
	Paid                *bool       `json:"paid"`
	TotalPaid           *int64      `json:"totalPaid,omitempty"`
	TotalPaidInCurrency *int64      `json:"totalPaidInCurrency,omitempty"`
	Lines               []orderLine `json:"lines"`
	CustomerID          int64       `json:"customerId,omitempty"`
	Currency            *string     `json:"currency"`
	DueDate             string      `json:"dueDate,omitempty"`
	Kid                 string      `json:"kid,omitempty"`
	PaymentAccount      string      `json:"paymentAccount,omitempty"`
	PaymentDate         string      `json:"paymentDate,omitempty"`
	PaymentFee          *int64      `json:"paymentFee,omitempty"`
	ProjectID           int64       `json:"projectId,omitempty"`
}

// paymentIn is the body of POST /sales/{saleId}/payments.
type paymentIn struct {
	Date        *string `json:"date"`
	Account     *string `json:"account"`
	Amount      *int64  `json:"amount"`
	AmountInNok *int64  `json:"amountInNok,omitempty"`
	Currency    string  `json:"currency,omitempty"`
	Fee         *int64  `json:"fee,omitempty"`
}

// paymentOut is a payment as returned.
type paymentOut struct {
	PaymentID   int64  `json:"paymentId"`
	Date        string `json:"date"`
	Account     string `json:"account"`
	Amount      int64  `json:"amount"`
	AmountInNok int64  `json:"amountInNok"`
	Currency    string `json:"currency"`
	Fee         int64  `json:"fee"`
}

// attachmentOut is an attachment as returned.
type attachmentOut struct {
	Identifier  string `json:"identifier"`
	DownloadURL string `json:"downloadUrl"`
	Comment     string `json:"comment,omitempty"`
	Type        string `json:"type"`
}

// sale is a stored sale; every invoice has one.
type sale struct {
	ID            int64
	TransactionID int64
	Modified      string
	SaleNumber    string
	Date          string
	Kind          string
	Net, Vat      int64
	Settled       bool
	SettledDate   string
	WriteOff      bool
	Deleted       bool
	Payments      []paymentOut
	Credited      int64
	Lines         []orderLine
	CustomerID    int64
	Currency      string
	DueDate       string
	Kid           string
	PaymentDate   string
	Attachments   []attachmentOut
}

func (sl *sale) gross() int64 { return sl.Net + sl.Vat }

func (sl *sale) paid() int64 {
	var p int64
	for _, x := range sl.Payments {
		p += x.Amount
	}
	return p
}

// outstanding is what the customer still owes.
func (sl *sale) outstanding() int64 {
	if sl.Settled && sl.Kind == "cash_sale" {
		return 0
	}
	return max(0, sl.gross()-sl.paid()-sl.Credited)
}

// settleIfPaid marks the sale settled when nothing is outstanding.
func (sl *sale) settleIfPaid(date string) {
	if !sl.Settled && sl.gross() > 0 && sl.outstanding() == 0 {
		sl.Settled, sl.SettledDate = true, date
	}
}

// saleOut is a sale as returned (paymentAccount is write-only).
type saleOut struct {
	SaleID             int64           `json:"saleId"`
	LastModifiedDate   string          `json:"lastModifiedDate"`
	TransactionID      int64           `json:"transactionId"`
	SaleNumber         string          `json:"saleNumber,omitempty"`
	Date               string          `json:"date"`
	Kind               string          `json:"kind"`
	NetAmount          int64           `json:"netAmount"`
	VatAmount          int64           `json:"vatAmount"`
	Settled            bool            `json:"settled"`
	SettledDate        string          `json:"settledDate,omitempty"`
	WriteOff           bool            `json:"writeOff"`
	TotalPaid          int64           `json:"totalPaid"`
	OutstandingBalance int64           `json:"outstandingBalance"`
	Lines              []orderLine     `json:"lines"`
	Customer           *contactOut     `json:"customer,omitempty"`
	Currency           string          `json:"currency"`
	DueDate            string          `json:"dueDate,omitempty"`
	Kid                string          `json:"kid,omitempty"`
	SalePayments       []paymentOut    `json:"salePayments"`
	SaleAttachments    []attachmentOut `json:"saleAttachments"`
	PaymentDate        string          `json:"paymentDate,omitempty"`
	Deleted            bool            `json:"deleted"`
}

func (sl *sale) out(co *company) saleOut {
	o := saleOut{SaleID: sl.ID, LastModifiedDate: sl.Modified, TransactionID: sl.TransactionID,
		SaleNumber: sl.SaleNumber, Date: sl.Date, Kind: sl.Kind, NetAmount: sl.Net, VatAmount: sl.Vat,
		Settled: sl.Settled, SettledDate: sl.SettledDate, WriteOff: sl.WriteOff, TotalPaid: sl.paid(),
		OutstandingBalance: sl.outstanding(), Lines: append([]orderLine{}, sl.Lines...), Currency: sl.Currency,
		DueDate: sl.DueDate, Kid: sl.Kid, SalePayments: append([]paymentOut{}, sl.Payments...),
		SaleAttachments: append([]attachmentOut{}, sl.Attachments...), PaymentDate: sl.PaymentDate, Deleted: sl.Deleted}
	for i := range o.Lines {
		o.Lines[i].ProjectID = nil // write-only
	}
	if c := co.contact(sl.CustomerID); c != nil {
		co := c.out()
		o.Customer = &co
	}
	return o
}

func (s *Server) listSales(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	lm, e1 := parseDateFilter(q, "lastModified")
	d, e2 := parseDateFilter(q, "date")
	settled, e3 := boolFilter(q, "settled")
	contactID, e4 := intFilter(q, "contactId")
	if e := firstErr(e1, e2, e3, e4); e != nil {
		return e
	}
	var out []saleOut
	for _, sl := range co.sales {
		if lm.match(sl.Modified) && d.match(sl.Date) && (settled == nil || *settled == sl.Settled) &&
			(contactID == 0 || contactID == sl.CustomerID) && eqFilter(q, "saleNumber", sl.SaleNumber) {
			out = append(out, sl.out(co))
		}
	}
	writePage(w, r, out)
	return nil
}

func (s *Server) createSale(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in saleIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.Date != nil, "date"), required(in.Kind != nil, "kind"),
		required(in.Paid != nil, "paid"), required(in.Lines != nil, "lines"),
		required(in.Currency != nil, "currency")); e != nil {
		return e
	}
	if e := firstErr(checkDate(*in.Date, "date"), s.checkCurrency(*in.Currency)); e != nil {
		return e
	}
	if len(in.Lines) == 0 {
		return badRequest("lines: must contain at least one line")
	}
	sl := &sale{ID: s.st.id(), TransactionID: s.st.id(), Modified: s.today(), SaleNumber: in.SaleNumber,
		Date: *in.Date, Kind: *in.Kind, Currency: *in.Currency, DueDate: in.DueDate, Kid: in.Kid, CustomerID: in.CustomerID}
	switch *in.Kind {
	case "cash_sale":
		if in.PaymentAccount == "" {
			return badRequest("paymentAccount: required for cash_sale")
		}
	case "invoice", "external_invoice":
		if in.CustomerID == 0 {
			return badRequest("customerId: required for kind %s", *in.Kind)
		}
	default:
		return badRequest("kind: must be one of cash_sale, invoice, external_invoice")
	}
	if in.CustomerID != 0 {
		c := co.contact(in.CustomerID)
		if c == nil || !c.In.Customer {
			return badRequest("customerId: contact %d does not exist or is not a customer", in.CustomerID)
		}
		c.Referenced = true
	}
	for i, l := range in.Lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if e := firstErr(required(l.Description != nil && *l.Description != "", f+".description"),
			required(l.VatType != nil, f+".vatType")); e != nil {
			return e
		}
		rate, ok := vatRate(*l.VatType)
		if !ok {
			return badRequest("%s.vatType: %q is not a valid VAT type for sales", f, *l.VatType)
		}
		if l.NetPrice == nil && l.NetPriceInCurrency == nil {
			return badRequest("%s: either netPrice or netPriceInCurrency must be provided", f)
		}
		if l.Account != "" && !co.validAccount(l.Account) {
			return badRequest("%s.account: account %q does not exist", f, l.Account)
		}
		net := deref(l.NetPrice)
		if l.NetPrice == nil {
			net = *l.NetPriceInCurrency
			l.NetPrice = &net
		}
		if l.Vat == nil {
			_, vat := lineAmounts(net, ratOne(), nil, rate)
			l.Vat = &vat
		}
		sl.Net += net
		sl.Vat += *l.Vat
		sl.Lines = append(sl.Lines, l)
	}
	if *in.Paid || *in.Kind == "cash_sale" {
		if in.PaymentAccount == "" {
			return badRequest("paymentAccount: required when paid")
		}
		if !co.validAccount(in.PaymentAccount) {
			return badRequest("paymentAccount: account %q does not exist", in.PaymentAccount)
		}
		date := in.PaymentDate
		if date == "" {
			date = *in.Date
		}
		amount := sl.gross()
		if in.TotalPaid != nil {
			amount = *in.TotalPaid
		}
		sl.Payments = append(sl.Payments, paymentOut{PaymentID: s.st.id(), Date: date, Account: in.PaymentAccount,
			Amount: amount, AmountInNok: amount, Currency: sl.Currency, Fee: deref(in.PaymentFee)})
		sl.PaymentDate = date
		if *in.Kind == "cash_sale" {
			sl.Settled, sl.SettledDate = true, date
		}
		sl.settleIfPaid(date)
	}
	co.sales = append(co.sales, sl)
	s.created(w, r, co, "/sales/"+strconv.FormatInt(sl.ID, 10))
	return nil
}

func (s *Server) checkCurrency(c string) *apiError {
	if !currencyRE.MatchString(c) {
		return badRequest("currency: must match ^[A-Z]{3}$")
	}
	return nil
}

func (s *Server) findSale(r *http.Request, co *company) (*sale, *apiError) {
	id, e := pathID(r, "saleId")
	if e != nil {
		return nil, e
	}
	sl := co.sale(id)
	if sl == nil {
		return nil, notFound("sale", id)
	}
	return sl, nil
}

func (s *Server) getSale(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, sl.out(co))
	return nil
}

func (s *Server) listSalePayments(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, append([]paymentOut{}, sl.Payments...))
	return nil
}

func (s *Server) getSalePayment(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	id, e := pathID(r, "paymentId")
	if e != nil {
		return e
	}
	for _, p := range sl.Payments {
		if p.PaymentID == id {
			writeJSON(w, http.StatusOK, p)
			return nil
		}
	}
	return notFound("payment", id)
}

func (s *Server) createSalePayment(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	var in paymentIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.Date != nil, "date"), required(in.Account != nil, "account"),
		required(in.Amount != nil, "amount")); e != nil {
		return e
	}
	if e := checkDate(*in.Date, "date"); e != nil {
		return e
	}
	if !co.validAccount(*in.Account) {
		return badRequest("account: account %q does not exist", *in.Account)
	}
	if sl.Deleted {
		return badRequest("sale %d is deleted", sl.ID)
	}
	p := s.addPayment(sl, *in.Date, *in.Account, *in.Amount, deref(in.Fee))
	if in.Currency != "" {
		p.Currency = in.Currency
	}
	if in.AmountInNok != nil {
		p.AmountInNok = *in.AmountInNok
	}
	s.created(w, r, co, "/sales/"+strconv.FormatInt(sl.ID, 10)+"/payments/"+strconv.FormatInt(p.PaymentID, 10))
	return nil
}

// addPayment books a payment on sl and settles it when fully paid.
func (s *Server) addPayment(sl *sale, date, account string, amount, fee int64) *paymentOut {
	sl.Payments = append(sl.Payments, paymentOut{PaymentID: s.st.id(), Date: date, Account: account,
		Amount: amount, AmountInNok: amount, Currency: sl.Currency, Fee: fee})
	sl.Modified = s.today()
	sl.settleIfPaid(date)
	s.touchInvoiceOf(sl)
	return &sl.Payments[len(sl.Payments)-1]
}

func (s *Server) settledSale(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	d := r.URL.Query().Get("settledDate")
	if e := firstErr(required(d != "", "settledDate"), checkDate(d, "settledDate")); e != nil {
		return e
	}
	sl.Settled, sl.SettledDate, sl.Modified = true, d, s.today()
	s.touchInvoiceOf(sl)
	writeJSON(w, http.StatusOK, sl.out(co))
	return nil
}

// writeOffIn is the body of PATCH /sales/{saleId}/writeOff.
type writeOffIn struct {
	Type    *string `json:"type"`
	Date    *string `json:"date"`
	Comment string  `json:"comment,omitempty"`
}

func (s *Server) writeOffSale(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	var in writeOffIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.Type != nil, "type"), required(in.Date != nil, "date")); e != nil {
		return e
	}
	switch *in.Type {
	case "OVERDUE_6_MONTHS", "COLLECTION_FAILED", "CUSTOMER_BANKRUPTCY", "DEEMED_IRRECOVERABLE":
	default:
		return badRequest("type: invalid write-off type %q", *in.Type)
	}
	switch {
	case checkDate(*in.Date, "date") != nil:
		return checkDate(*in.Date, "date")
	case sl.Kind == "cash_sale":
		return badRequest("Cannot write off a cash sale")
	case sl.WriteOff || sl.Settled || sl.Deleted:
		return badRequest("Sale %d is already written off, settled or deleted", sl.ID)
	case sl.outstanding() <= 0:
		return badRequest("Sale %d has no outstanding balance", sl.ID)
	case *in.Date <= sl.Date:
		return badRequest("date: the write-off date must be after the sale date")
	}
	sl.WriteOff, sl.Settled, sl.SettledDate, sl.Modified = true, true, *in.Date, s.today()
	s.touchInvoiceOf(sl)
	writeJSON(w, http.StatusOK, sl.out(co))
	return nil
}

func (s *Server) deleteSale(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	if r.URL.Query().Get("description") == "" {
		return badRequest("description: must not be null")
	}
	if sl.Deleted {
		return badRequest("Sale %d is already deleted", sl.ID)
	}
	sl.Deleted, sl.Modified = true, s.today()
	writeJSON(w, http.StatusOK, sl.out(co))
	return nil
}

// touchInvoiceOf bumps lastModifiedDate of the invoice whose sale is sl
// (simulator assumption: a payment modifies the invoice).
func (s *Server) touchInvoiceOf(sl *sale) {
	for _, co := range s.st.companies {
		for _, inv := range co.invoices {
			if inv.Sale == sl {
				inv.Modified = s.today()
				return
			}
		}
	}
}
