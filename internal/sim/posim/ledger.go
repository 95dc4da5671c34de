package posim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// subEntry is a posting on a customer's sub-ledger made by a voucher line
// (bank or manual journal); invoices keep their own balance and are shown
// in the statement beside these.
type subEntry struct {
	ID            int64
	VoucherID     string
	VoucherNo     int64
	VoucherType   string
	VoucherDate   string
	PostingDate   string
	CustomerID    int64
	CustomerNo    int64
	Amount        int64
	Balance       int64
	Currency      string
	CMR, ExtRef   *string
	InvoiceNo     *string
	MatchID       *int64
	ByIntegration bool
	Created       time.Time
	LastChanged   time.Time
}

// manualVoucher is a stored manual journal voucher; JSON is ManualVoucherDto.
type manualVoucher struct {
	ID                      string      `json:"Id"`
	VoucherNo               int64       `json:"VoucherNo"`
	VoucherDate             string      `json:"VoucherDate"`
	CurrencyCode            string      `json:"CurrencyCode"`
	Description             *string     `json:"Description"`
	ExternalImportReference *string     `json:"ExternalImportReference"`
	ImportedVoucherNo       *int64      `json:"ImportedVoucherNo"`
	SaftSourceID            *string     `json:"SaftSourceId"`
	SaftBatchID             *string     `json:"SaftBatchId"`
	IsReversed              bool        `json:"IsReversed"`
	Created                 string      `json:"CreatedDateTimeOffset"`
	VoucherLines            []mvLineOut `json:"VoucherLines"`
}

// mvLineOut is ManualVoucherLineDto.
type mvLineOut struct {
	ID                      int64    `json:"Id"`
	AccountID               int64    `json:"AccountId"`
	VatID                   int64    `json:"VatId"`
	CurrencyAmount          float64  `json:"CurrencyAmount"`
	CurrencyCode            string   `json:"CurrencyCode"`
	PostingDate             string   `json:"PostingDate"`
	Description             *string  `json:"Description"`
	CustomMatchingReference *string  `json:"CustomMatchingReference"`
	ExternalLineReference   *string  `json:"ExternalLineReference"`
	ProductID               *int64   `json:"ProductId"`
	Quantity                *float64 `json:"Quantity"`
	CreatedDateTimeOffset   string   `json:"CreatedDateTimeOffset"`
}

// mvLineIn is ManualVoucherLinePostDto, every property of the spec, so
// that an unknown one can be refused as additionalProperties: false says.
type mvLineIn struct {
	AccountID               *int64   `json:"AccountId"`
	CurrencyAmount          *float64 `json:"CurrencyAmount"`
	CurrencyCode            *string  `json:"CurrencyCode"`
	CurrencyExchangeRate    *float64 `json:"CurrencyExchangeRate"`
	CustomMatchingReference *string  `json:"CustomMatchingReference"`
	DepartmentID            *int64   `json:"DepartmentId"`
	Description             *string  `json:"Description"`
	Dim1ID                  *int64   `json:"Dim1Id"`
	Dim2ID                  *int64   `json:"Dim2Id"`
	Dim3ID                  *int64   `json:"Dim3Id"`
	ExternalLineReference   *string  `json:"ExternalLineReference"`
	LocationID              *int64   `json:"LocationId"`
	PostingDate             string   `json:"PostingDate"`
	ProductID               *int64   `json:"ProductId"`
	ProjectID               *int64   `json:"ProjectId"`
	Quantity                *float64 `json:"Quantity"`
	Quantity2               *float64 `json:"Quantity2"`
	VatID                   *int64   `json:"VatId"`
	VatReturnSpecification  *string  `json:"VatReturnSpecification"`
}

// voucherHead is the header ManualVoucherPostDto and BankVoucherPostDto
// share, every property of the spec.
type voucherHead struct {
	CurrencyCode            string  `json:"CurrencyCode"`
	Description             *string `json:"Description"`
	ExternalImportReference *string `json:"ExternalImportReference"`
	ImportedVoucherNo       *int64  `json:"ImportedVoucherNo"`
	SaftBatchID             *string `json:"SaftBatchId"`
	SaftSourceID            *string `json:"SaftSourceId"`
	VoucherDate             string  `json:"VoucherDate"`
}

// mvIn is ManualVoucherPostDto.
type mvIn struct {
	voucherHead
	VoucherLines []mvLineIn `json:"VoucherLines"`
}

// checkHead validates a voucher header with n lines: CurrencyCode and
// VoucherDate, SAF-T ids of at most 35 characters, a unique
// ExternalImportReference and at least two lines.
func (cl *client) checkHead(h *voucherHead, n int) *apiErr {
	if h.CurrencyCode == "" || h.VoucherDate == "" {
		return badRequest("CurrencyCode and VoucherDate are required")
	}
	if len(h.CurrencyCode) != 3 {
		return badRequest("CurrencyCode must be an ISO 4217 code")
	}
	if _, err := time.Parse("2006-01-02", h.VoucherDate); err != nil {
		return badRequest("VoucherDate is not a date")
	}
	for name, v := range map[string]*string{"SaftSourceId": h.SaftSourceID, "SaftBatchId": h.SaftBatchID} {
		if v != nil && utf8.RuneCountInString(*v) > 35 {
			return badRequest("%s is longer than 35 characters", name)
		}
	}
	if cl.voucherRefTaken(h.ExternalImportReference) {
		return duplicate("Voucher", *h.ExternalImportReference)
	}
	if n < 2 {
		return badRequest("a voucher needs at least two lines")
	}
	return nil
}

// checkLine validates voucher line i: AccountId (a ledger account or a
// customer sub-ledger, returned as cust), VatId and PostingDate, a
// non-zero CurrencyAmount (returned in øre), and the product if named.
func (cl *client) checkLine(i int, l *mvLineIn) (amount int64, cust *customer, e *apiErr) {
	if l.AccountID == nil || l.VatID == nil || l.PostingDate == "" {
		return 0, nil, badRequest("line %d: AccountId, VatId and PostingDate are required", i+1)
	}
	if _, err := time.Parse("2006-01-02", l.PostingDate); err != nil {
		return 0, nil, badRequest("line %d: PostingDate is not a date", i+1)
	}
	if l.CurrencyAmount == nil || ore(*l.CurrencyAmount) == 0 {
		return 0, nil, badRequest("line %d: CurrencyAmount must be a positive or negative number, not 0", i+1)
	}
	cust = cl.customerBySubledger(*l.AccountID)
	if cust == nil && cl.accountByID(*l.AccountID) == nil {
		return 0, nil, &apiErr{http.StatusNotFound, "Object(s) not found", "Account with id = " + itoa(*l.AccountID) + " not found."}
	}
	if cl.vatCode(*l.VatID) == nil {
		return 0, nil, &apiErr{http.StatusNotFound, "Object(s) not found", "VatCode with id = " + itoa(*l.VatID) + " not found."}
	}
	if l.ProductID != nil && cl.product(*l.ProductID) == nil {
		return 0, nil, &apiErr{http.StatusNotFound, "Object(s) not found", "Product with id = " + itoa(*l.ProductID) + " not found."}
	}
	return ore(*l.CurrencyAmount), cust, nil
}

// decodeStrict reads a JSON body and refuses properties the DTO does not
// have (the spec's additionalProperties: false).
func decodeStrict(r *http.Request, v any) *apiErr {
	ct := r.Header.Get("Content-Type")
	if !strings.Contains(ct, "json") {
		return &apiErr{http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type must be JSON, not " + ct}
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		return badRequest("request body: %v", err)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body: %v", err)
	}
	return nil
}

// voucherRefTaken reports whether a posted voucher of any type holds ref
// as its ExternalImportReference (unique per client).
func (cl *client) voucherRefTaken(ref *string) bool {
	if ref == nil || *ref == "" {
		return false
	}
	return slices.ContainsFunc(cl.vouchers, func(v *bankVoucher) bool {
		return v.ExternalImportReference != nil && *v.ExternalImportReference == *ref
	}) || slices.ContainsFunc(cl.manual, func(v *manualVoucher) bool {
		return v.ExternalImportReference != nil && *v.ExternalImportReference == *ref
	})
}

// postManualVoucher validates and posts a manual journal voucher: the
// header's CurrencyCode and VoucherDate, every line's AccountId (a ledger
// account or a customer sub-ledger), VatId and PostingDate, a non-zero
// gross CurrencyAmount, lines balancing to 0, SAF-T ids of at most 35
// characters and a unique ExternalImportReference. Sub-ledger lines
// become customer ledger entries and are matched at once.
func (s *Server) postManualVoucher(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in mvIn
	if e := decodeStrict(r, &in); e != nil {
		return e
	}
	if e := cl.checkHead(&in.voucherHead, len(in.VoucherLines)); e != nil {
		return e
	}
	now := s.opts.Now()
	v := &manualVoucher{ID: uuid.NewString(), VoucherNo: cl.nextVouchNo, VoucherDate: in.VoucherDate, CurrencyCode: strings.ToUpper(in.CurrencyCode),
		Description: in.Description, ExternalImportReference: in.ExternalImportReference, ImportedVoucherNo: in.ImportedVoucherNo,
		SaftSourceID: in.SaftSourceID, SaftBatchID: in.SaftBatchID, Created: stamp(now)}
	var sum int64
	var entries []*subEntry
	for i, l := range in.VoucherLines {
		amount, cust, e := cl.checkLine(i, &l)
		if e != nil {
			return e
		}
		sum += amount
		v.VoucherLines = append(v.VoucherLines, mvLineOut{ID: s.id(), AccountID: *l.AccountID, VatID: *l.VatID, CurrencyAmount: nok(amount),
			CurrencyCode: v.CurrencyCode, PostingDate: l.PostingDate, Description: l.Description,
			CustomMatchingReference: l.CustomMatchingReference, ExternalLineReference: l.ExternalLineReference,
			ProductID: l.ProductID, Quantity: l.Quantity, CreatedDateTimeOffset: stamp(now)})
		if cust != nil {
			entries = append(entries, &subEntry{ID: s.id(), VoucherID: v.ID, VoucherNo: v.VoucherNo, VoucherType: "ManualJournal",
				VoucherDate: v.VoucherDate, PostingDate: l.PostingDate, CustomerID: cust.ID, CustomerNo: cust.Number, Amount: amount,
				Balance: amount, Currency: v.CurrencyCode, CMR: l.CustomMatchingReference, ExtRef: in.ExternalImportReference,
				ByIntegration: true, Created: now, LastChanged: now})
		}
	}
	if sum != 0 {
		return badRequest("the voucher does not balance: the lines sum to %.2f", nok(sum))
	}
	cl.nextVouchNo++
	cl.manual = append(cl.manual, v)
	cl.book(now, entries)
	w.Header().Set("Location", s.base(r)+"/v2/Vouchers/ManualJournals/"+v.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getManualVoucher(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	for _, v := range cl.manual {
		if v.ID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, v)
			return nil
		}
	}
	return notFound("ManualVoucher", r.PathValue("id"))
}

// book adds sub-ledger entries and matches each against the open items.
func (cl *client) book(now time.Time, entries []*subEntry) {
	for _, e := range entries {
		cl.entries = append(cl.entries, e)
		cl.match(now, e)
	}
}

// match settles entry e against the first open item of the same customer
// with exactly the opposite open amount and the same
// CustomMatchingReference — or, for an invoice, the InvoiceNo e names.
func (cl *client) match(now time.Time, e *subEntry) {
	if e.Balance == 0 {
		return
	}
	same := func(a, b *string) bool { return a != nil && b != nil && *a != "" && *a == *b }
	settle := func() {
		cl.nextMatchID++
		id := cl.nextMatchID
		e.Balance, e.MatchID, e.LastChanged = 0, &id, now
	}
	for _, inv := range cl.invoices {
		byNo := e.InvoiceNo != nil && *e.InvoiceNo == itoa(inv.InvoiceNo)
		if inv.ready(now) && inv.CustomerID == e.CustomerID && inv.Balance != 0 && inv.Balance == -e.Balance && (same(e.CMR, inv.CMR) || byNo) {
			settle()
			inv.Balance, inv.BalanceChanged, inv.MatchID = 0, now, e.MatchID
			return
		}
	}
	for _, o := range cl.entries {
		if o != e && o.CustomerID == e.CustomerID && o.Balance != 0 && o.Balance == -e.Balance && same(e.CMR, o.CMR) {
			settle()
			o.Balance, o.MatchID, o.LastChanged = 0, e.MatchID, now
			return
		}
	}
}

// entryDTO renders a CustomerLedgerEntryDto; absent values are left out.
func (e *subEntry) dto(cl *client) map[string]any {
	m := map[string]any{"Id": e.ID, "Amount": nok(e.Amount), "CurrencyAmount": nok(e.Amount), "CurrencyCode": e.Currency,
		"Balance": nok(e.Balance), "VoucherId": e.VoucherID, "VoucherNo": e.VoucherNo, "VoucherType": e.VoucherType,
		"VoucherDate": e.VoucherDate, "PostingDate": e.PostingDate, "CustomerId": e.CustomerID, "CustomerAccountNo": e.CustomerNo,
		"IsCreatedByCurrentIntegration": e.ByIntegration, "IsWriteOff": false,
		"CreatedDateTimeOffset": stamp(e.Created), "LastChangedDateTimeOffset": stamp(e.LastChanged)}
	if c := cl.customer(e.CustomerID); c != nil {
		m["CustomerName"] = strings.TrimSpace(c.Name)
	}
	for k, v := range map[string]*string{"CustomMatchingReference": e.CMR, "ExternalImportReference": e.ExtRef, "InvoiceNo": e.InvoiceNo} {
		if v != nil {
			m[k] = *v
		}
	}
	if e.MatchID != nil {
		m["MatchId"] = *e.MatchID
	}
	return m
}

// invoiceEntry is an outgoing invoice as its customer ledger entry.
func (inv *invoice) entry() *subEntry {
	no := itoa(inv.InvoiceNo)
	return &subEntry{ID: inv.EntryID, VoucherID: inv.ID, VoucherNo: inv.VoucherNo, VoucherType: inv.voucherType, VoucherDate: inv.VoucherDate,
		PostingDate: inv.VoucherDate, CustomerID: inv.CustomerID, CustomerNo: inv.CustomerNo, Amount: inv.Total, Balance: inv.Balance,
		Currency: inv.Currency, CMR: inv.CMR, ExtRef: inv.ExtRef, InvoiceNo: &no, MatchID: inv.MatchID, ByIntegration: true,
		Created: inv.Created, LastChanged: inv.BalanceChanged}
}

// customerStatement is GET /Customerledger/Statement: every entry of the
// customer ledger — invoices, credit notes, payments, manual journals —
// posted between fromDate and toDate (both required), filtered by
// customMatchingReferences, voucherTypes, customerNos, invoiceNos,
// lastChangedDateTimeOffsetGreaterThan, createdDateTimeOffsetGreaterThan
// and onlyCreatedByCurrentIntegration.
func (s *Server) customerStatement(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	q := r.URL.Query()
	if q.Get("fromDate") == "" || q.Get("toDate") == "" {
		return badRequest("fromDate and toDate are required")
	}
	from, e := date(q, "fromDate")
	if e != nil {
		return e
	}
	to, e := date(q, "toDate")
	if e != nil {
		return e
	}
	changed, hasChanged, e := after(q, "lastChangedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	created, hasCreated, e := after(q, "createdDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	cmrs, types, custs, nos := list(q, "customMatchingReferences"), list(q, "voucherTypes"), list(q, "customerNos"), list(q, "invoiceNos")
	only := q.Get("onlyCreatedByCurrentIntegration") == "true"
	now := s.opts.Now()
	all := make([]*subEntry, 0, len(cl.invoices)+len(cl.entries))
	for _, inv := range cl.invoices {
		if inv.ready(now) {
			all = append(all, inv.entry())
		}
	}
	all = append(all, cl.entries...)
	slices.SortStableFunc(all, func(a, b *subEntry) int { return strings.Compare(a.PostingDate, b.PostingDate) })
	out := []map[string]any{}
	for _, en := range all {
		switch {
		case en.PostingDate < from || en.PostingDate > to:
		case hasChanged && !en.LastChanged.After(changed):
		case hasCreated && !en.Created.After(created):
		case cmrs != nil && (en.CMR == nil || !slices.Contains(cmrs, *en.CMR)):
		case types != nil && !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, en.VoucherType) }):
		case custs != nil && !inRanges(en.CustomerNo, custs):
		case nos != nil && (en.InvoiceNo == nil || !slices.Contains(nos, *en.InvoiceNo)):
		case only && !en.ByIntegration:
		default:
			out = append(out, en.dto(cl))
		}
	}
	return writeList(w, r, out)
}

// SettleEntry pays the open receivable of the customer ledger carrying
// reference as its CustomMatchingReference (a manual journal's sale, in
// whichever client holds it) in full, as if the bank feed had matched a
// payment: a matched payment entry not made by the integration. It
// reports whether such an entry was found.
func (s *Server) SettleEntry(reference string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	for _, cl := range s.clients {
		for _, e := range cl.entries {
			if e.CMR == nil || *e.CMR != reference || e.Balance <= 0 {
				continue
			}
			cl.nextMatchID++
			id := cl.nextMatchID
			pay := &subEntry{ID: s.id(), VoucherID: uuid.NewString(), VoucherNo: cl.nextVouchNo, VoucherType: "BankJournal",
				VoucherDate: now.Format("2006-01-02"), PostingDate: now.Format("2006-01-02"), CustomerID: e.CustomerID, CustomerNo: e.CustomerNo,
				Amount: -e.Balance, Currency: e.Currency, MatchID: &id, Created: now, LastChanged: now}
			cl.nextVouchNo++
			e.Balance, e.MatchID, e.LastChanged = 0, &id, now
			cl.entries = append(cl.entries, pay)
			return true
		}
	}
	return false
}

func (s *Server) handleSettleEntry(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("reference")
	if !s.SettleEntry(ref) {
		writeProblem(w, http.StatusNotFound, "Object(s) not found", "no open customer ledger entry with CustomMatchingReference = "+ref)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reference": ref, "settled": true})
}
