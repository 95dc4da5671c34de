package posim

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// invoice is a stored outgoing invoice; its id is the sales order's.
type invoice struct {
	ID              string
	EntryID         int64
	InvoiceNo       int64
	VoucherNo       int64
	VoucherDate     string
	DueDate         string
	CustomerID      int64
	CustomerNo      int64
	Net, Total      int64
	Balance         int64
	CMR, ExtRef     *string
	ImportedOrderNo *int64
	OrderNo         int64
	OrderDate       string
	Currency        string
	MatchID         *int64
	Created         time.Time
	LastChanged     time.Time
	BalanceChanged  time.Time
	Sent            time.Time
	delivery        string
	voucherType     string
	// readyAt is when PowerOffice has finished making the invoice.
	readyAt time.Time
}

// ready reports whether the invoice is made by now.
func (inv *invoice) ready(now time.Time) bool { return !now.Before(inv.readyAt) }

// dto renders OutgoingInvoiceDto.
func (inv *invoice) dto() map[string]any {
	return map[string]any{
		"Id": inv.ID, "InvoiceNo": inv.InvoiceNo, "VoucherNo": inv.VoucherNo, "VoucherDate": inv.VoucherDate,
		"DueDate": inv.DueDate, "CustomerId": inv.CustomerID, "CustomerNo": inv.CustomerNo,
		"NetAmount": nok(inv.Net), "NetPostedAmount": nok(inv.Net), "TotalAmount": nok(inv.Total), "TotalPostedAmount": nok(inv.Total),
		"Balance": nok(inv.Balance), "BalanceLastChangedDateTimeOffset": stamp(inv.BalanceChanged),
		"CustomMatchingReference": inv.CMR, "ExternalImportReference": inv.ExtRef, "ImportedOrderNo": inv.ImportedOrderNo,
		"OrderNo": inv.OrderNo, "OrderDate": inv.OrderDate, "CurrencyCode": inv.Currency, "MatchId": inv.MatchID,
		"IsCreatedByCurrentIntegration": true, "IsReversed": false, "VoucherType": inv.voucherType,
		"CreatedDateTimeOffset": stamp(inv.Created), "LastChangedDateTimeOffset": stamp(inv.LastChanged),
		"SentDateTimeOffset": stamp(inv.Sent),
	}
}

func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	q := r.URL.Query()
	from, e := date(q, "fromDate")
	if e != nil {
		return e
	}
	to, e := date(q, "toDate")
	if e != nil {
		return e
	}
	bal, hasBal, e := after(q, "balanceLastChangedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	sent, hasSent, e := after(q, "sentDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	cmrs, ids, nos, custs := list(q, "customMatchingReferences"), list(q, "invoiceIds"), list(q, "invoiceNos"), list(q, "customerNos")
	unpaid := q.Get("onlyUnpaidInvoices") == "true"
	out := []map[string]any{}
	for _, inv := range cl.invoices {
		switch {
		case from != "" && inv.VoucherDate < from:
		case to != "" && inv.VoucherDate > to:
		case hasBal && !inv.BalanceChanged.After(bal):
		case hasSent && !inv.Sent.After(sent):
		case cmrs != nil && (inv.CMR == nil || !slices.Contains(cmrs, *inv.CMR)):
		case ids != nil && !slices.Contains(ids, inv.ID):
		case nos != nil && !inRanges(inv.InvoiceNo, nos):
		case custs != nil && !inRanges(inv.CustomerNo, custs):
		case unpaid && inv.Balance == 0:
		case !inv.ready(s.opts.Now()):
		default:
			out = append(out, inv.dto())
		}
	}
	return writeList(w, r, out)
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	inv := cl.invoice(r.PathValue("id"))
	if inv == nil || !inv.ready(s.opts.Now()) {
		return notFound("OutgoingInvoice", r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, inv.dto())
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
