package posim

import (
	"net/http"
	"slices"
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

// postBankVoucher validates and posts a bank voucher, then matches its
// customer sub-ledger lines against open invoices: same
// CustomMatchingReference (or InvoiceNo) and exactly the opposite amount.
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
	if ref := in.ExternalImportReference; ref != nil && *ref != "" && slices.ContainsFunc(cl.vouchers, func(v *bankVoucher) bool {
		return v.ExternalImportReference != nil && *v.ExternalImportReference == *ref
	}) {
		return duplicate("Voucher", *ref)
	}
	if len(in.VoucherLines) < 2 {
		return badRequest("a voucher needs at least two lines")
	}
	now := s.opts.Now()
	v := &bankVoucher{ID: uuid.NewString(), VoucherNo: cl.nextVouchNo, VoucherDate: in.VoucherDate, CurrencyCode: in.CurrencyCode,
		Description: in.Description, ExternalImportReference: in.ExternalImportReference, Created: stamp(now)}
	var sum int64
	type match struct {
		cust   *customer
		amount int64
		cmr    *string
		invNo  *string
	}
	var matches []match
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
			matches = append(matches, match{cust, amount, l.CustomMatchingReference, l.InvoiceNo})
		}
	}
	if sum != 0 {
		return badRequest("the voucher does not balance: the lines sum to %.2f", nok(sum))
	}
	cl.nextVouchNo++
	cl.vouchers = append(cl.vouchers, v)
	for _, m := range matches {
		for _, inv := range cl.invoices {
			byRef := m.cmr != nil && inv.CMR != nil && *m.cmr == *inv.CMR
			byNo := m.invNo != nil && *m.invNo == itoa(inv.InvoiceNo)
			if inv.ready(now) && inv.CustomerID == m.cust.ID && inv.Balance != 0 && inv.Balance == -m.amount && (byRef || byNo) {
				cl.nextMatchID++
				id := cl.nextMatchID
				inv.Balance, inv.BalanceChanged, inv.MatchID = 0, now, &id
				break
			}
		}
	}
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
