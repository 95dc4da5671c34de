package fikensim

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// companyOut is a company as returned.
type companyOut struct {
	Name                string `json:"name"`
	Slug                string `json:"slug"`
	OrganizationNumber  string `json:"organizationNumber"`
	VatType             string `json:"vatType"`
	CreationDate        string `json:"creationDate"`
	HasAPIAccess        bool   `json:"hasApiAccess"`
	TestCompany         bool   `json:"testCompany"`
	AccountingStartDate string `json:"accountingStartDate"`
}

func (co *company) out() companyOut {
	return companyOut{Name: co.Name, Slug: co.Slug, OrganizationNumber: co.OrganizationNumber, VatType: co.VatType,
		CreationDate: co.Created, HasAPIAccess: co.HasAPIAccess, TestCompany: true, AccountingStartDate: co.Created[:4] + "-01-01"}
}

func (s *Server) listCompanies(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []companyOut
	for _, slug := range s.st.order {
		out = append(out, s.st.companies[slug].out())
	}
	writePage(w, r, out)
}

func (s *Server) getCompany(w http.ResponseWriter, _ *http.Request, co *company) *apiError {
	writeJSON(w, http.StatusOK, co.out())
	return nil
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	from, to := q.Get("fromAccount"), q.Get("toAccount")
	var out []account
	add := func(a account) {
		main := a.Code
		if i := strings.IndexByte(main, ':'); i >= 0 {
			main = main[:i]
		}
		if (from == "" || main >= from) && (to == "" || main <= to) {
			out = append(out, a)
		}
	}
	for _, a := range co.accounts {
		add(a)
	}
	for _, b := range co.bankAccounts {
		add(account{Code: b.AccountCode, Name: b.Name})
	}
	for _, c := range co.contacts {
		if c.CustomerNumber != 0 {
			add(account{Code: "1500:" + strconv.Itoa(int(c.CustomerNumber)), Name: deref(c.In.Name)})
		}
	}
	writePage(w, r, out)
	return nil
}

// bankAccountIn is the body of POST /bankAccounts.
type bankAccountIn struct {
	Name              *string `json:"name"`
	BankAccountNumber *string `json:"bankAccountNumber"`
	BIC               string  `json:"bic,omitempty"`
	IBAN              string  `json:"iban,omitempty"`
	ForeignService    string  `json:"foreignService,omitempty"`
	Type              *string `json:"type"`
	Inactive          bool    `json:"inactive,omitempty"`
}

// bankAccountOut is a bank account as returned.
type bankAccountOut struct {
	BankAccountID     int64  `json:"bankAccountId"`
	Name              string `json:"name"`
	AccountCode       string `json:"accountCode"`
	BankAccountNumber string `json:"bankAccountNumber"`
	IBAN              string `json:"iban,omitempty"`
	BIC               string `json:"bic,omitempty"`
	ForeignService    string `json:"foreignService,omitempty"`
	Type              string `json:"type"`
	Inactive          bool   `json:"inactive"`
}

func (b *bankAccount) out() bankAccountOut {
	return bankAccountOut{BankAccountID: b.ID, Name: b.Name, AccountCode: b.AccountCode, BankAccountNumber: b.Number,
		IBAN: b.IBAN, BIC: b.BIC, ForeignService: b.ForeignService, Type: b.Type, Inactive: b.Inactive}
}

func (s *Server) listBankAccounts(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	inactive, e := boolFilter(r.URL.Query(), "inactive")
	if e != nil {
		return e
	}
	var out []bankAccountOut
	for _, b := range co.bankAccounts {
		if inactive == nil || *inactive == b.Inactive {
			out = append(out, b.out())
		}
	}
	writePage(w, r, out)
	return nil
}

func (s *Server) createBankAccount(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in bankAccountIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := firstErr(required(in.Name != nil && *in.Name != "", "name"),
		required(in.BankAccountNumber != nil, "bankAccountNumber"), required(in.Type != nil, "type")); e != nil {
		return e
	}
	switch *in.Type {
	case "normal", "tax_deduction", "foreign", "credit_card":
	default:
		return badRequest("type: must be one of normal, tax_deduction, foreign, credit_card")
	}
	if in.ForeignService != "" && *in.Type != "foreign" {
		return badRequest("foreignService: only for accounts of type foreign")
	}
	b := co.addBankAccount(s.st, *in.Name, *in.BankAccountNumber, *in.Type, in.ForeignService)
	b.IBAN, b.BIC, b.Inactive = in.IBAN, in.BIC, in.Inactive
	s.created(w, r, co, "/bankAccounts/"+strconv.FormatInt(b.ID, 10))
	return nil
}

// readAttachment parses Fiken's multipart attachment form (filename and
// file; .png, .jpeg, .jpg, .gif or .pdf).
func readAttachment(r *http.Request) (string, *apiError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return "", &apiError{status: http.StatusUnsupportedMediaType, msg: "Unsupported Media Type: multipart/form-data expected"}
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return "", badRequest("invalid multipart body: %v", err)
	}
	name := r.FormValue("filename")
	f, _, err := r.FormFile("file")
	if err != nil {
		return "", badRequest("file: must not be null")
	}
	defer f.Close()
	if _, err := io.Copy(io.Discard, f); err != nil {
		return "", badRequest("file: %v", err)
	}
	lower := strings.ToLower(name)
	for _, ext := range []string{".png", ".jpeg", ".jpg", ".gif", ".pdf"} {
		if strings.HasSuffix(lower, ext) {
			return name, nil
		}
	}
	return "", badRequest("filename: must end with .png, .jpeg, .jpg, .gif or .pdf")
}

func (s *Server) addInvoiceAttachment(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	inv, e := s.findInvoice(r, co)
	if e != nil {
		return e
	}
	name, e := readAttachment(r)
	if e != nil {
		return e
	}
	id := s.st.id()
	inv.Attachments = append(inv.Attachments, attachmentOut{Identifier: name, Type: "unspecified",
		DownloadURL: s.baseURL(r) + "/api/v2/files/" + strconv.FormatInt(id, 10) + "/" + name})
	inv.Modified = s.today()
	s.created(w, r, co, "/invoices/"+strconv.FormatInt(inv.ID, 10)+"/attachments/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) listInvoiceAttachments(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	inv, e := s.findInvoice(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, append([]attachmentOut{}, inv.Attachments...))
	return nil
}

func (s *Server) addSaleAttachment(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	q := r.URL.Query()
	toSale, e1 := boolFilter(q, "attachToSale")
	toPay, e2 := boolFilter(q, "attachToPayment")
	if e := firstErr(e1, e2); e != nil {
		return e
	}
	if (toSale == nil || !*toSale) && (toPay == nil || !*toPay) {
		return badRequest("At least one of attachToSale and attachToPayment must be true")
	}
	name, e := readAttachment(r)
	if e != nil {
		return e
	}
	id := s.st.id()
	sl.Attachments = append(sl.Attachments, attachmentOut{Identifier: name, Type: "unspecified",
		DownloadURL: s.baseURL(r) + "/api/v2/files/" + strconv.FormatInt(id, 10) + "/" + name})
	sl.Modified = s.today()
	s.created(w, r, co, "/sales/"+strconv.FormatInt(sl.ID, 10)+"/attachments/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) listSaleAttachments(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	sl, e := s.findSale(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, append([]attachmentOut{}, sl.Attachments...))
	return nil
}
