package posim

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// soLine is a stored sales order line with the amounts Go computed.
type soLine struct {
	ID          string   `json:"Id"`
	SalesOrder  string   `json:"SalesOrderId"`
	ProductID   *int64   `json:"ProductId"`
	ProductCode *string  `json:"ProductCode"`
	Description string   `json:"Description"`
	Quantity    float64  `json:"Quantity"`
	UnitPrice   float64  `json:"ProductUnitPrice"`
	Allowance   *float64 `json:"Allowance"`
	ExtRef      *string  `json:"ExternalImportReference"`
	SortOrder   int      `json:"SortOrder"`
	LineType    string   `json:"LineType"`
	NetAmount   float64  `json:"NetAmount"`
	VatAmount   float64  `json:"VatAmount"`
	TotalAmount float64  `json:"TotalAmount"`
	VatCode     *string  `json:"VatCode"`
	VatID       *int64   `json:"VatId"`
	VatRate     *float64 `json:"VatRate"`
	net, vat    int64
}

// salesOrder is a stored sales order; JSON is SalesOrderDto.
type salesOrder struct {
	ID                      string  `json:"Id"`
	SalesOrderNo            int64   `json:"SalesOrderNo"`
	CustomerID              int64   `json:"CustomerId"`
	CustomerNo              int64   `json:"CustomerNo"`
	SalesOrderStatus        string  `json:"SalesOrderStatus"`
	SalesOrderDate          string  `json:"SalesOrderDate"`
	DeliveryDate            string  `json:"DeliveryDate"`
	PaymentTerm             int     `json:"PaymentTerm"`
	CurrencyCode            string  `json:"CurrencyCode"`
	CustomerReference       *string `json:"CustomerReference"`
	ExternalImportReference *string `json:"ExternalImportReference"`
	CustomMatchingReference *string `json:"CustomMatchingReference"`
	ImportedOrderNo         *int64  `json:"ImportedOrderNo"`
	RelatedInvoiceNo        *int64  `json:"RelatedInvoiceNo"`
	IsCreatedByIntegration  bool    `json:"IsCreatedByCurrentIntegration"`
	LineCount               int64   `json:"LineCount"`
	NetAmount               float64 `json:"NetAmount"`
	TotalAmount             float64 `json:"TotalAmount"`
	Created                 string  `json:"CreatedDateTimeOffset"`
	LastChanged             string  `json:"LastChangedDateTimeOffset"`
	lines                   []soLine
	net, total              int64
	invoiced                bool
	sendRequest             string
}

// salesOrderComplete is SalesOrderCompleteDto: the order with its lines.
type salesOrderComplete struct {
	*salesOrder
	SalesOrderLines []soLine `json:"SalesOrderLines"`
}

// soIn is the part of SalesOrderCompletePostDto the simulator keeps.
type soIn struct {
	CustomerID              *int64  `json:"CustomerId"`
	CustomerNo              *int64  `json:"CustomerNo"`
	SalesOrderStatus        string  `json:"SalesOrderStatus"`
	SalesOrderDate          string  `json:"SalesOrderDate"`
	DeliveryDate            string  `json:"DeliveryDate"`
	PaymentTerm             *int    `json:"PaymentTerm"`
	CurrencyCode            string  `json:"CurrencyCode"`
	CustomerReference       *string `json:"CustomerReference"`
	ExternalImportReference *string `json:"ExternalImportReference"`
	CustomMatchingReference *string `json:"CustomMatchingReference"`
	ImportedOrderNo         *int64  `json:"ImportedOrderNo"`
	RelatedInvoiceNo        *int64  `json:"RelatedInvoiceNo"`
	SalesOrderLines         []struct {
		ProductID               *int64   `json:"ProductId"`
		ProductCode             string   `json:"ProductCode"`
		Description             string   `json:"Description"`
		Quantity                *float64 `json:"Quantity"`
		ProductUnitPrice        *float64 `json:"ProductUnitPrice"`
		Allowance               *float64 `json:"Allowance"`
		ExternalImportReference *string  `json:"ExternalImportReference"`
		SortOrder               *int     `json:"SortOrder"`
		LineType                string   `json:"LineType"`
	} `json:"SalesOrderLines"`
}

func (s *Server) createSalesOrder(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in soIn
	if e := decode(r, &in); e != nil {
		return e
	}
	var cust *customer
	switch {
	case in.CustomerID != nil:
		cust = cl.customer(*in.CustomerID)
	case in.CustomerNo != nil:
		for _, c := range cl.customers {
			if c.Number == *in.CustomerNo {
				cust = c
			}
		}
	default:
		return badRequest("CustomerId or CustomerNo is required")
	}
	if cust == nil {
		return &apiErr{http.StatusNotFound, "Object(s) not found", "Customer not found."}
	}
	if ref := in.ExternalImportReference; ref != nil && *ref != "" && slices.ContainsFunc(cl.orders, func(o *salesOrder) bool {
		return o.ExternalImportReference != nil && *o.ExternalImportReference == *ref
	}) {
		return duplicate("SalesOrder", *ref)
	}
	now := s.opts.Now()
	so := &salesOrder{ID: uuid.NewString(), SalesOrderNo: cl.nextOrderNo, CustomerID: cust.ID, CustomerNo: cust.Number,
		SalesOrderStatus: "Draft", SalesOrderDate: now.Format("2006-01-02"), PaymentTerm: 14, CurrencyCode: "NOK",
		CustomerReference: in.CustomerReference, ExternalImportReference: in.ExternalImportReference,
		CustomMatchingReference: in.CustomMatchingReference, ImportedOrderNo: in.ImportedOrderNo, IsCreatedByIntegration: true,
		RelatedInvoiceNo: in.RelatedInvoiceNo,
		Created:          stamp(now), LastChanged: stamp(now)}
	if in.SalesOrderStatus != "" {
		if in.SalesOrderStatus != "Draft" && in.SalesOrderStatus != "Confirmed" {
			return badRequest("SalesOrderStatus must be Draft or Confirmed")
		}
		so.SalesOrderStatus = in.SalesOrderStatus
	}
	if in.SalesOrderDate != "" {
		if _, err := time.Parse("2006-01-02", in.SalesOrderDate); err != nil {
			return badRequest("SalesOrderDate is not a date")
		}
		so.SalesOrderDate = in.SalesOrderDate
	}
	so.DeliveryDate = so.SalesOrderDate
	if in.PaymentTerm != nil {
		so.PaymentTerm = *in.PaymentTerm
	}
	if in.CurrencyCode != "" {
		so.CurrencyCode = strings.ToUpper(in.CurrencyCode)
	}
	for i, l := range in.SalesOrderLines {
		var p *product
		switch {
		case l.ProductID != nil:
			p = cl.product(*l.ProductID)
		case l.ProductCode != "":
			p = cl.productByCode(l.ProductCode)
		}
		if (l.ProductID != nil || l.ProductCode != "") && p == nil {
			return &apiErr{http.StatusNotFound, "Object(s) not found", "Product of line " + itoa(int64(i+1)) + " not found."}
		}
		ln := soLine{ID: uuid.NewString(), SalesOrder: so.ID, Description: l.Description, ExtRef: l.ExternalImportReference,
			SortOrder: i + 1, LineType: "Normal", Allowance: l.Allowance}
		if l.LineType != "" {
			ln.LineType = l.LineType
		}
		if l.SortOrder != nil {
			ln.SortOrder = *l.SortOrder
		}
		if l.Quantity != nil {
			ln.Quantity = *l.Quantity
		}
		if p != nil {
			ln.ProductID, ln.ProductCode = &p.ID, p.Code
			if ln.Description == "" {
				ln.Description = p.Name
			}
			if p.UnitPrice != nil {
				ln.UnitPrice = *p.UnitPrice
			}
		}
		if l.ProductUnitPrice != nil {
			ln.UnitPrice = *l.ProductUnitPrice
		}
		if ln.LineType == "Normal" {
			if ln.Quantity == 0 {
				return badRequest("line %d: Quantity must not be 0", i+1)
			}
			allowance := 0.0
			if l.Allowance != nil {
				allowance = *l.Allowance
			}
			ln.net = ore(ln.UnitPrice * ln.Quantity * (1 - allowance/100))
			// VAT comes from the product's sales account; a line without
			// a product (or an account) gets none.
			if p != nil && p.StandardSalesAccountID != nil && !cust.IsVatFree {
				if acc := cl.accountByID(*p.StandardSalesAccountID); acc != nil {
					if vc := cl.vatCode(acc.VatCodeID); vc != nil {
						rate := float64(vc.RateBP) / 10000
						ln.VatCode, ln.VatID, ln.VatRate = &vc.Code, &vc.ID, &rate
						ln.vat = vatOf(ln.net, vc.RateBP)
					}
				}
			}
		}
		ln.NetAmount, ln.VatAmount, ln.TotalAmount = nok(ln.net), nok(ln.vat), nok(ln.net+ln.vat)
		so.net += ln.net
		so.total += ln.net + ln.vat
		so.lines = append(so.lines, ln)
	}
	so.LineCount = int64(len(so.lines))
	so.NetAmount, so.TotalAmount = nok(so.net), nok(so.total)
	cl.nextOrderNo++
	cl.orders = append(cl.orders, so)
	w.Header().Set("Location", s.base(r)+"/v2/SalesOrders/"+so.ID+"/Complete")
	writeJSON(w, http.StatusCreated, salesOrderComplete{so, so.lines})
	return nil
}

func (s *Server) getSalesOrder(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	so := cl.order(r.PathValue("id"))
	if so == nil {
		return notFound("SalesOrder", r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, salesOrderComplete{so, so.lines})
	return nil
}

// listSalesOrders lists orders not yet invoiced (an invoiced order lives
// on as the outgoing invoice with the same id).
func (s *Server) listSalesOrders(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	q := r.URL.Query()
	changed, hasChanged, e := after(q, "lastChangedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	nos, status := list(q, "customerNos"), q.Get("orderStatus")
	out := []salesOrder{}
	for _, so := range cl.orders {
		switch {
		case so.invoiced:
		case nos != nil && !inRanges(so.CustomerNo, nos):
		case status != "" && !strings.EqualFold(status, so.SalesOrderStatus):
		case hasChanged && !mustTime(so.LastChanged).After(changed):
		default:
			out = append(out, *so)
		}
	}
	return writeList(w, r, out)
}

func (s *Server) deleteSalesOrder(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	so := cl.order(r.PathValue("id"))
	if so == nil {
		return notFound("SalesOrder", r.PathValue("id"))
	}
	if so.invoiced {
		return &apiErr{http.StatusConflict, "Conflict", "the sales order is invoiced and cannot be deleted"}
	}
	cl.orders = slices.DeleteFunc(cl.orders, func(o *salesOrder) bool { return o == so })
	w.WriteHeader(http.StatusOK)
	return nil
}

// sendIn is SendInvoiceRequestPostDto.
type sendIn struct {
	DeliveryType    string  `json:"DeliveryType"`
	EmailAddress    *string `json:"EmailAddress"`
	OverrideDueDate *string `json:"OverrideDueDate"`
	VoucherDate     *string `json:"VoucherDate"`
}

// createAndSendInvoice invoices the order at once (the real API does it
// asynchronously; sentState reports the result either way).
func (s *Server) createAndSendInvoice(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	so := cl.order(r.PathValue("id"))
	if so == nil {
		return notFound("SalesOrder", r.PathValue("id"))
	}
	var in sendIn
	if e := decode(r, &in); e != nil {
		return e
	}
	switch in.DeliveryType {
	case "Auto", "PdfByEmail", "PdfPrintForDownload":
	default:
		return badRequest("DeliveryType must be Auto, PdfByEmail or PdfPrintForDownload")
	}
	if in.DeliveryType == "PdfByEmail" && (in.EmailAddress == nil || *in.EmailAddress == "") {
		if c := cl.customer(so.CustomerID); c == nil || (c.InvoiceEmailAddress == "" && c.EmailAddress == "") {
			return badRequest("PdfByEmail needs an e-mail address")
		}
	}
	if so.invoiced {
		return badRequest("the sales order %s is already invoiced", so.ID)
	}
	if len(so.lines) == 0 {
		return badRequest("the sales order has no lines")
	}
	now := s.opts.Now()
	date := so.SalesOrderDate
	if in.VoucherDate != nil && *in.VoucherDate != "" {
		date = *in.VoucherDate
	}
	d, _ := time.Parse("2006-01-02", date)
	due := d.AddDate(0, 0, so.PaymentTerm).Format("2006-01-02")
	if in.OverrideDueDate != nil && *in.OverrideDueDate != "" {
		due = *in.OverrideDueDate
	}
	inv := &invoice{ID: so.ID, EntryID: s.id(), InvoiceNo: cl.nextInvNo, VoucherNo: cl.nextVouchNo, VoucherDate: date, DueDate: due,
		CustomerID: so.CustomerID, CustomerNo: so.CustomerNo, Net: so.net, Total: so.total, Balance: so.total,
		CMR: so.CustomMatchingReference, ExtRef: so.ExternalImportReference, ImportedOrderNo: so.ImportedOrderNo,
		OrderNo: so.SalesOrderNo, OrderDate: so.SalesOrderDate, Currency: so.CurrencyCode,
		Created: now, LastChanged: now, BalanceChanged: now, Sent: now, delivery: in.DeliveryType, voucherType: "OutgoingInvoice"}
	if so.total < 0 {
		inv.voucherType = "OutgoingCreditNote"
	}
	inv.readyAt = now.Add(s.opts.InvoiceProcessing)
	cl.nextInvNo++
	cl.nextVouchNo++
	cl.invoices = append(cl.invoices, inv)
	so.invoiced, so.sendRequest = true, uuid.NewString()
	so.LastChanged = stamp(now)
	w.Header().Set("Location", s.base(r)+"/v2/SalesOrders/sentState?id="+so.ID)
	writeJSON(w, http.StatusAccepted, map[string]any{"Id": so.sendRequest, "DeliveryType": in.DeliveryType,
		"EmailAddress": in.EmailAddress, "OverrideDueDate": in.OverrideDueDate, "VoucherDate": in.VoucherDate})
	return nil
}

func (s *Server) sentState(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	id := r.URL.Query().Get("id")
	now := s.opts.Now()
	out := []map[string]any{}
	for _, inv := range cl.invoices {
		if id != "" && inv.ID != id {
			continue
		}
		if !inv.ready(now) {
			out = append(out, map[string]any{"Id": inv.ID, "InvoiceNo": nil, "DueDate": nil,
				"SentDateTimeOffset": nil, "IsInvoiceBeingProcessed": true, "LastErrorMessage": nil})
			continue
		}
		out = append(out, map[string]any{"Id": inv.ID, "InvoiceNo": inv.InvoiceNo, "DueDate": inv.DueDate,
			"SentDateTimeOffset": stamp(inv.Sent), "IsInvoiceBeingProcessed": false, "LastErrorMessage": nil})
	}
	return writeList(w, r, out)
}
