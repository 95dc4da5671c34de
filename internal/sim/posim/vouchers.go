package posim

import (
	"net/http"
	"strings"

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

// bvLineIn is BankVoucherLinePostDto: the manual line's properties plus
// Cid and InvoiceNo.
type bvLineIn struct {
	mvLineIn
	Cid       *string `json:"Cid"`
	InvoiceNo *string `json:"InvoiceNo"`
}

// bvIn is BankVoucherPostDto.
type bvIn struct {
	voucherHead
	VoucherLines []bvLineIn `json:"VoucherLines"`
}

// postBankVoucher validates and posts a bank voucher, then books its
// customer sub-ledger lines as ledger entries matched against open items
// (invoices and entries of manual journals): same CustomMatchingReference
// (or, for an invoice, InvoiceNo) and exactly the opposite amount.
func (s *Server) postBankVoucher(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in bvIn
	if e := decodeStrict(r, &in); e != nil {
		return e
	}
	if e := cl.checkHead(&in.voucherHead, len(in.VoucherLines)); e != nil {
		return e
	}
	now := s.opts.Now()
	v := &bankVoucher{ID: uuid.NewString(), VoucherNo: cl.nextVouchNo, VoucherDate: in.VoucherDate, CurrencyCode: strings.ToUpper(in.CurrencyCode),
		Description: in.Description, ExternalImportReference: in.ExternalImportReference, Created: stamp(now)}
	var sum int64
	var entries []*subEntry
	for i, l := range in.VoucherLines {
		amount, cust, e := cl.checkLine(i, &l.mvLineIn)
		if e != nil {
			return e
		}
		sum += amount
		v.VoucherLines = append(v.VoucherLines, bvLineOut{ID: s.id(), AccountID: *l.AccountID, VatID: *l.VatID, CurrencyAmount: nok(amount),
			CurrencyCode: v.CurrencyCode, PostingDate: l.PostingDate, Description: l.Description,
			CustomMatchingReference: l.CustomMatchingReference, ExternalLineReference: l.ExternalLineReference,
			InvoiceNo: l.InvoiceNo, CreatedDateTimeOffset: stamp(now)})
		if cust != nil {
			entries = append(entries, &subEntry{ID: s.id(), VoucherID: v.ID, VoucherNo: v.VoucherNo, VoucherType: "BankJournal",
				VoucherDate: v.VoucherDate, PostingDate: l.PostingDate, CustomerID: cust.ID, CustomerNo: cust.Number, Amount: amount,
				Balance: amount, Currency: v.CurrencyCode, CMR: l.CustomMatchingReference, ExtRef: in.ExternalImportReference,
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
