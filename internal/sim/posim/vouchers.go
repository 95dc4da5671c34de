package posim

import (
	"net/http"
	"time"

	"github.com/google/uuid"
)

// bankVoucher is a stored bank journal voucher; JSON is BankVoucherDto.
type bankVoucher struct {
	ID                      string      `json:"Id"`
	VoucherNo               int64       `json:"VoucherNo"`
	VoucherDate             string      `json:"VoucherDate"`
	CurrencyCode            string      `json:"CurrencyCode"`
	Description             *string     `json:"Description"`
	ExternalImportReference *string     `json:"ExternalImportReference"`
	IsReversed              bool        `json:"IsReversed"`
	Created                 string      `json:"CreatedDateTimeOffset"`
	VoucherLines            []bvLineOut `json:"VoucherLines"`
}

// bvLineOut is BankVoucherLineDto.
type bvLineOut struct {
	ID                      int64   `json:"Id"`
	AccountID               int64   `json:"AccountId"`
	VatID                   int64   `json:"VatId"`
	CurrencyAmount          float64 `json:"CurrencyAmount"`
	CurrencyCode            string  `json:"CurrencyCode"`
	PostingDate             string  `json:"PostingDate"`
	Description             *string `json:"Description"`
	CustomMatchingReference *string `json:"CustomMatchingReference"`
	ExternalLineReference   *string `json:"ExternalLineReference"`
	InvoiceNo               *string `json:"InvoiceNo"`
	CreatedDateTimeOffset   string  `json:"CreatedDateTimeOffset"`
}

// bvIn is BankVoucherPostDto.
type bvIn struct {
	VoucherDate             string  `json:"VoucherDate"`
	CurrencyCode            string  `json:"CurrencyCode"`
	Description             *string `json:"Description"`
	ExternalImportReference *string `json:"ExternalImportReference"`
	VoucherLines            []struct {
		AccountID               *int64   `json:"AccountId"`
		VatID                   *int64   `json:"VatId"`
		CurrencyAmount          *float64 `json:"CurrencyAmount"`
		PostingDate             string   `json:"PostingDate"`
		Description             *string  `json:"Description"`
		CustomMatchingReference *string  `json:"CustomMatchingReference"`
		ExternalLineReference   *string  `json:"ExternalLineReference"`
		InvoiceNo               *string  `json:"InvoiceNo"`
	} `json:"VoucherLines"`
}

// postBankVoucher validates and posts a bank voucher, then books its
// customer sub-ledger lines as ledger entries matched against open items
// (invoices and entries of manual journals): same CustomMatchingReference
// (or, for an invoice, InvoiceNo) and exactly the opposite amount.
func (s *Server) postBankVoucher(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in bvIn
	if e := decode(r, &in); e != nil {
		return e
	}
	if in.CurrencyCode == "" || in.VoucherDate == "" {
		return badRequest("CurrencyCode and VoucherDate are required")
	}
	if _, err := time.Parse("2006-01-02", in.VoucherDate); err != nil {
		return badRequest("VoucherDate is not a date")
	}
	if cl.voucherRefTaken(in.ExternalImportReference) {
		return duplicate("Voucher", *in.ExternalImportReference)
	}
	if len(in.VoucherLines) < 2 {
		return badRequest("a voucher needs at least two lines")
	}
	now := s.opts.Now()
	v := &bankVoucher{ID: uuid.NewString(), VoucherNo: cl.nextVouchNo, VoucherDate: in.VoucherDate, CurrencyCode: in.CurrencyCode,
		Description: in.Description, ExternalImportReference: in.ExternalImportReference, Created: stamp(now)}
	var sum int64
	var entries []*subEntry
	for i, l := range in.VoucherLines {
		if l.AccountID == nil || l.VatID == nil || l.PostingDate == "" || l.CurrencyAmount == nil {
			return badRequest("line %d: AccountId, VatId, PostingDate and CurrencyAmount are required", i+1)
		}
		amount := ore(*l.CurrencyAmount)
		if amount == 0 {
			return badRequest("line %d: CurrencyAmount must not be 0", i+1)
		}
		cust := cl.customerBySubledger(*l.AccountID)
		if cust == nil && cl.accountByID(*l.AccountID) == nil {
			return &apiErr{http.StatusNotFound, "Object(s) not found", "Account with id = " + itoa(*l.AccountID) + " not found."}
		}
		if cl.vatCode(*l.VatID) == nil {
			return &apiErr{http.StatusNotFound, "Object(s) not found", "VatCode with id = " + itoa(*l.VatID) + " not found."}
		}
		sum += amount
		v.VoucherLines = append(v.VoucherLines, bvLineOut{ID: s.id(), AccountID: *l.AccountID, VatID: *l.VatID, CurrencyAmount: nok(amount),
			CurrencyCode: in.CurrencyCode, PostingDate: l.PostingDate, Description: l.Description,
			CustomMatchingReference: l.CustomMatchingReference, ExternalLineReference: l.ExternalLineReference,
			InvoiceNo: l.InvoiceNo, CreatedDateTimeOffset: stamp(now)})
		if cust != nil {
			entries = append(entries, &subEntry{ID: s.id(), VoucherID: v.ID, VoucherNo: v.VoucherNo, VoucherType: "BankJournal",
				VoucherDate: v.VoucherDate, PostingDate: l.PostingDate, CustomerID: cust.ID, CustomerNo: cust.Number, Amount: amount,
				Balance: amount, Currency: in.CurrencyCode, CMR: l.CustomMatchingReference, ExtRef: in.ExternalImportReference,
				InvoiceNo: l.InvoiceNo, ByIntegration: true, Created: now, LastChanged: now})
		}
	}
	if sum != 0 {
		return badRequest("the voucher does not balance: the lines sum to %.2f", nok(sum))
	}
	cl.nextVouchNo++
	cl.vouchers = append(cl.vouchers, v)
	cl.book(now, entries)
	w.Header().Set("Location", s.base(r)+"/v2/Vouchers/BankJournals/"+v.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getBankVoucher(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	for _, v := range cl.vouchers {
		if v.ID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, v)
			return nil
		}
	}
	return notFound("BankVoucher", r.PathValue("id"))
}
