package poledger

import (
	"context"
	"strconv"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
)

const dateLayout = "2006-01-02"

// window returns a broad invoice-date window for OutgoingInvoices
// (fromDate/toDate were found required in practice).
func (l *Ledger) window() (from, to string) {
	now := l.opts.Now()
	return now.AddDate(-3, 0, 0).Format(dateLayout), now.AddDate(1, 0, 0).Format(dateLayout)
}

// PostDocument posts the order as a sales order (one create). A cash
// invoice is then invoiced without delivery and paid from the payment
// method's clearing account. When PowerOffice rejects our reference as a
// duplicate, an earlier attempt created the order: it is adopted and, for
// a cash invoice, its remaining steps are finished. An invoice voucher
// (the shop invoiced itself) is one manual journal voucher instead.
func (l *Ledger) PostDocument(ctx context.Context, d *ledgerdoc.Document, customerID string, productIDs []string) (*ledger.Posted, error) {
	const op = "POST /SalesOrders/Complete"
	cust, err := parseID(customerID)
	if err != nil {
		return nil, err
	}
	if d.Kind == ledgerdoc.KindInvoiceVoucher {
		return l.postVoucher(ctx, d, cust, productIDs)
	}
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	in := poweroffice.SalesOrderPost{CustomerID: cust, SalesOrderStatus: poweroffice.StatusConfirmed, SalesOrderDate: d.IssueDate,
		CurrencyCode: d.Currency, CustomerReference: ledgerdoc.Truncate(d.ShopReference, 50),
		ExternalImportReference: d.Reference, CustomMatchingReference: d.Reference}
	if d.DueDays > 0 {
		days := d.DueDays
		in.PaymentTerm = &days
	}
	if n, err := strconv.ParseInt(d.ShopOrderID, 10, 64); err == nil {
		in.ImportedOrderNo = &n
	}
	lines, err := l.orderLines(ctx, op, d.Lines, productIDs, 1)
	if err != nil {
		return nil, err
	}
	in.SalesOrderLines = lines
	so, err := l.c.CreateSalesOrder(ctx, in)
	if apierr.Is(err, apierr.KindConflict) {
		return l.resume(ctx, d, cust)
	}
	if err != nil {
		return nil, err
	}
	if so.TotalAmount.Ore() != d.Gross {
		// Go computed VAT from the sales accounts and got another total:
		// remove the order (not invoiced yet) rather than book a wrong one.
		derr := l.c.DeleteSalesOrder(ctx, so.ID)
		return nil, &apierr.Error{Kind: apierr.KindValidation, API: "poweroffice", Op: op, Err: derr,
			Message: "PowerOffice computed a total of " + so.TotalAmount.Ore().String() + " for " + d.Reference + ", the document's is " +
				d.Gross.String() + ": check that each VAT rate maps to a sales account with that VAT code"}
	}
	p := &ledger.Posted{ID: so.ID, Gross: int64(so.TotalAmount.Ore())}
	if d.Kind == ledgerdoc.KindCashInvoice {
		return l.finishCash(ctx, p, d, cust)
	}
	if due, err := time.Parse(dateLayout, d.IssueDate); err == nil && d.DueDays > 0 {
		p.DueDate = due.AddDate(0, 0, d.DueDays)
	}
	return p, nil
}

// orderLines turns document lines into sales order lines (sign -1 negates
// the quantities of a credit note), checking that each line's sales
// account carries the line's VAT rate.
func (l *Ledger) orderLines(ctx context.Context, op string, in []ledgerdoc.Line, productIDs []string, sign float64) ([]poweroffice.SalesOrderLine, error) {
	out := make([]poweroffice.SalesOrderLine, 0, len(in))
	for i, ln := range in {
		a, err := l.salesAccount(op, ln)
		if err != nil {
			return nil, err
		}
		acct := a.AccountNo
		var pid int64
		if i < len(productIDs) && productIDs[i] != "" {
			if pid, err = parseID(productIDs[i]); err != nil {
				return nil, err
			}
		} else if ln.Kind == ledgerdoc.LineProduct && ln.SKU != "" {
			// Credit lines come without resolved ids: the SKU's product.
			p, err := l.c.FindProductByCode(ctx, ln.SKU)
			if err != nil {
				return nil, err
			}
			if p != nil {
				pid = p.ID
			}
		}
		if pid == 0 {
			if pid, err = l.lineProduct(ctx, ln.Kind, acct); err != nil {
				return nil, err
			}
		}
		out = append(out, poweroffice.SalesOrderLine{ProductID: pid, Description: ln.Description, Quantity: sign * float64(ln.Quantity),
			ProductUnitPrice: poweroffice.Amount(ln.UnitNet), ExternalImportReference: "L" + strconv.Itoa(i+1), SortOrder: i + 1})
	}
	return out, nil
}

func rateString(bp int64) string {
	return money.Ore(bp).String() + " %"
}

// resume adopts the order an earlier attempt created (its reference was
// rejected as a duplicate) and finishes a cash invoice.
func (l *Ledger) resume(ctx context.Context, d *ledgerdoc.Document, cust int64) (*ledger.Posted, error) {
	p, err := l.find(ctx, d.Reference)
	if err != nil {
		return nil, notYetVisible(err, d.Reference)
	}
	if d.Kind == ledgerdoc.KindCashInvoice && !p.Settled {
		return l.finishCash(ctx, p, d, cust)
	}
	return p, nil
}

// notYetVisible turns "not found" after PowerOffice refused our reference
// as a duplicate into a transient error: the object exists but is not
// readable yet (replica lag, invoicing in progress).
func notYetVisible(err error, ref string) error {
	if !IsNotFound(err) {
		return err
	}
	return &apierr.Error{Kind: apierr.KindTransient, API: "poweroffice", Op: "GET /OutgoingInvoices",
		Message: "PowerOffice holds " + ref + " but does not list it yet", Err: err}
}

// finishCash invoices a cash sale without delivery (unless invoiced) and
// pays it from the clearing account (unless paid). Each step is guarded by
// a read, and the payment voucher by its own reference.
func (l *Ledger) finishCash(ctx context.Context, p *ledger.Posted, d *ledgerdoc.Document, cust int64) (*ledger.Posted, error) {
	inv, err := l.invoiced(ctx, p.ID, d.IssueDate)
	if err != nil {
		return nil, err
	}
	if !inv.Paid() {
		sub, err := l.subledger(ctx, cust)
		if err != nil {
			return nil, err
		}
		pay := ledgerdoc.Payment{Date: d.IssueDate, Account: d.PaymentAccount, Amount: inv.Balance.Ore()}
		if err := l.pay(ctx, invoiceTarget(inv, sub), pay, d.Reference+"-cash"); err != nil {
			return nil, err
		}
	}
	return &ledger.Posted{ID: p.ID, Number: itoa(inv.InvoiceNo), Gross: int64(inv.TotalAmount.Ore()), Settled: true}, nil
}

// invoiced returns the outgoing invoice of a sales order, invoicing it
// without delivery first when it is not invoiced yet.
func (l *Ledger) invoiced(ctx context.Context, id, date string) (poweroffice.OutgoingInvoice, error) {
	st, err := l.c.SentState(ctx, id)
	if err != nil {
		return poweroffice.OutgoingInvoice{}, err
	}
	if st == nil {
		err := l.c.CreateAndSendInvoice(ctx, id, poweroffice.SendInvoiceRequest{DeliveryType: poweroffice.DeliveryPdfDownload, VoucherDate: date})
		if err != nil && !apierr.Is(err, apierr.KindAmbiguous) {
			return poweroffice.OutgoingInvoice{}, err
		}
	}
	inv, err := l.c.GetOutgoingInvoice(ctx, id)
	if apierr.Is(err, apierr.KindNotFound) {
		// createAndSendInvoice is asynchronous: try again shortly.
		return inv, &apierr.Error{Kind: apierr.KindTransient, API: "poweroffice", Op: "GET /OutgoingInvoices/{id}",
			Message: "the invoice of sales order " + id + " is still being created", Err: err}
	}
	return inv, err
}

// payTarget is the open item a payment clears: the customer's sub-ledger
// account, the item's matching reference and, for an outgoing invoice,
// its number (a second matching key).
type payTarget struct {
	subledger int64
	cmr       string
	invoiceNo string
	currency  string
}

// invoiceTarget is the open item of an outgoing invoice.
func invoiceTarget(inv poweroffice.OutgoingInvoice, subledger int64) payTarget {
	return payTarget{subledger: subledger, cmr: inv.CustomMatchingReference, invoiceNo: itoa(inv.InvoiceNo)}
}

// pay posts a bank journal voucher moving pay.Amount from the customer
// sub-ledger (credit, with the item's matching reference) to the
// clearing account (debit, less the fee) and the fee account. A rejected
// duplicate reference means an earlier attempt posted it.
func (l *Ledger) pay(ctx context.Context, to payTarget, pay ledgerdoc.Payment, ref string) error {
	const op = "POST /Vouchers/BankJournals"
	if err := l.chart(ctx); err != nil {
		return err
	}
	if pay.Account == "" {
		return invalid(op, "the payment method has no clearing account (settings.payment_methods[].account)")
	}
	clearNo, err := accountNo(pay.Account)
	if err != nil {
		return err
	}
	clearing, ok := l.account(clearNo)
	if !ok {
		return invalid(op, "clearing account %d does not exist in PowerOffice", clearNo)
	}
	noVAT := l.noVATCode()
	date := pay.Date
	if date == "" {
		date = l.opts.Now().Format(dateLayout)
	}
	cmr := to.cmr
	lines := []poweroffice.BankVoucherLine{
		{AccountID: clearing.ID, VatID: noVAT, CurrencyAmount: poweroffice.Amount(pay.Amount - pay.Fee), PostingDate: date,
			Description: "Betaling " + cmr},
	}
	if pay.Fee != 0 {
		feeNo, ok := l.opts.FeeAccounts[pay.Account]
		if !ok {
			feeNo = l.opts.FeeAccounts[strconv.FormatInt(clearNo, 10)]
		}
		if feeNo == "" {
			return invalid(op, "a fee of %s, but no fee account for clearing account %d (settings.payment_methods[].fee_account)", pay.Fee, clearNo)
		}
		fn, err := accountNo(feeNo)
		if err != nil {
			return err
		}
		fee, ok := l.account(fn)
		if !ok {
			return invalid(op, "fee account %d does not exist in PowerOffice", fn)
		}
		lines = append(lines, poweroffice.BankVoucherLine{AccountID: fee.ID, VatID: noVAT, CurrencyAmount: poweroffice.Amount(pay.Fee),
			PostingDate: date, Description: "Gebyr " + cmr})
	}
	lines = append(lines, poweroffice.BankVoucherLine{AccountID: to.subledger, VatID: noVAT, CurrencyAmount: poweroffice.Amount(-pay.Amount),
		PostingDate: date, Description: "Betaling " + cmr, CustomMatchingReference: cmr, InvoiceNo: to.invoiceNo})
	currency := "NOK"
	if to.currency != "" {
		currency = to.currency
	}
	_, err = l.c.PostBankVoucher(ctx, poweroffice.BankVoucherPost{VoucherDate: date, CurrencyCode: currency,
		Description: "Betaling " + cmr, ExternalImportReference: ref, VoucherLines: lines})
	if apierr.Is(err, apierr.KindConflict) {
		return nil
	}
	return err
}

// FindDocument returns the document carrying reference: its outgoing
// invoice, else the sales order not invoiced yet; for an invoice voucher
// its manual journal's customer ledger entry (settled when matched out).
// A cash invoice counts as posted only once paid; a partial one is
// reported missing, so that the next PostDocument resumes it (its create
// is refused as a duplicate).
func (l *Ledger) FindDocument(ctx context.Context, reference string, kind ledgerdoc.Kind) (*ledger.Posted, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if kind == ledgerdoc.KindInvoiceVoucher {
		return l.findVoucher(ctx, reference, reference)
	}
	p, err := l.find(ctx, reference)
	if err != nil {
		return nil, err
	}
	if kind == ledgerdoc.KindCashInvoice && !p.Settled {
		return nil, ledger.ErrNotFound
	}
	return p, nil
}

// find looks reference up among outgoing invoices, then sales orders.
func (l *Ledger) find(ctx context.Context, reference string) (*ledger.Posted, error) {
	from, to := l.window()
	invs, err := l.c.ListOutgoingInvoices(ctx, poweroffice.InvoiceFilter{FromDate: from, ToDate: to, CustomMatchingReferences: reference})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if !inv.IsReversed && (inv.ExternalImportReference == reference || inv.CustomMatchingReference == reference) {
			return invoicePosted(inv), nil
		}
	}
	orders, err := l.c.ListOwnSalesOrders(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, so := range orders {
		if so.ExternalImportReference == reference {
			return &ledger.Posted{ID: so.ID, Gross: int64(so.TotalAmount.Ore())}, nil
		}
	}
	return nil, ledger.ErrNotFound
}

func invoicePosted(inv poweroffice.OutgoingInvoice) *ledger.Posted {
	p := &ledger.Posted{ID: inv.ID, Number: itoa(inv.InvoiceNo), Gross: int64(inv.TotalAmount.Ore()), Settled: inv.Paid()}
	if d, err := time.Parse(dateLayout, inv.DueDate); err == nil {
		p.DueDate = d
	}
	return p
}

// deliveryType maps a send method to createAndSendInvoice's DeliveryType:
// email → PdfByEmail; ehf, efaktura, letter and auto → Auto (EHF,
// eFaktura or AvtaleGiro where possible, else e-mail); none → posted
// without delivery.
func deliveryType(method string) string {
	switch method {
	case "email":
		return poweroffice.DeliveryPdfByEmail
	case "none", "":
		return poweroffice.DeliveryPdfDownload
	default:
		return poweroffice.DeliveryAuto
	}
}

// SendInvoice invoices the sales order and delivers it by method, unless
// it is invoiced already (a repeat after a lost 202 is harmless). A sale
// voucher has nothing to send — the shop invoiced the customer — and is
// left as it is.
func (l *Ledger) SendInvoice(ctx context.Context, p ledger.Posted, method string) error {
	if _, ok := voucherID(p.ID); ok {
		return nil
	}
	if err := l.ready(ctx); err != nil {
		return err
	}
	st, err := l.c.SentState(ctx, p.ID)
	if err != nil || st != nil {
		return err
	}
	return l.c.CreateAndSendInvoice(ctx, p.ID, poweroffice.SendInvoiceRequest{DeliveryType: deliveryType(method)})
}

// PostPayment pays the invoice from the payment's clearing account with
// its fee (invoicing the sales order without delivery first if nobody
// sent it). A paid invoice means an earlier attempt posted it. A sale
// voucher is paid the same way, against its sub-ledger entry.
func (l *Ledger) PostPayment(ctx context.Context, p ledger.Posted, pay ledgerdoc.Payment) error {
	if err := l.ready(ctx); err != nil {
		return err
	}
	if id, ok := voucherID(p.ID); ok {
		return l.payVoucher(ctx, id, pay)
	}
	inv, err := l.invoiced(ctx, p.ID, pay.Date)
	if err != nil {
		return err
	}
	if inv.Paid() {
		return nil
	}
	sub, err := l.subledger(ctx, inv.CustomerID)
	if err != nil {
		return err
	}
	return l.pay(ctx, invoiceTarget(inv, sub), pay, inv.CustomMatchingReference+"-payment")
}

// ChangedDocuments lists this integration's outgoing invoices whose
// balance changed after since (exclusive in PowerOffice; since is a day
// start and the watcher re-reads the last day) with our reference and
// settlement state. When the tenant posts sale vouchers
// (Options.SelfInvoiced) a second call reads their customer ledger
// entries whose match state changed.
func (l *Ledger) ChangedDocuments(ctx context.Context, since time.Time) ([]ledger.Settlement, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	from, to := l.window()
	invs, err := l.c.ListOutgoingInvoices(ctx, poweroffice.InvoiceFilter{FromDate: from, ToDate: to,
		BalanceChangedAfter: since.Add(-time.Second).UTC().Format(time.RFC3339), OnlyCreatedByCurrentIntegration: true})
	if err != nil {
		return nil, err
	}
	out := make([]ledger.Settlement, 0, len(invs))
	for _, inv := range invs {
		ref := inv.ExternalImportReference
		if ref == "" {
			ref = inv.CustomMatchingReference
		}
		if ref == "" || inv.VoucherType == "OutgoingCreditNote" {
			continue
		}
		s := ledger.Settlement{Reference: ref, ID: inv.ID, Number: itoa(inv.InvoiceNo), Settled: inv.Paid()}
		if s.Settled {
			if t, err := time.Parse(time.RFC3339Nano, inv.BalanceLastChanged); err == nil {
				s.SettledDate = t.Format(dateLayout)
			}
		}
		out = append(out, s)
	}
	if l.opts.SelfInvoiced {
		vs, err := l.changedVouchers(ctx, since.Add(-time.Second).UTC().Format(time.RFC3339))
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}
