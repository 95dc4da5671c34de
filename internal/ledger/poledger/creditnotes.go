package poledger

import (
	"context"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
)

// FindCreditNote finds the credit note carrying reference: its outgoing
// credit note (of a sale voucher, its reversing manual journal). A credit
// sales order that an interrupted attempt created but did not invoice is
// reported missing, so that the next PostCreditNote adopts and invoices it
// (its create is refused as a duplicate) rather than leaving it half made.
func (l *Ledger) FindCreditNote(ctx context.Context, invoiceID string, reference string) (*ledger.Posted, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if id, ok := voucherID(invoiceID); ok {
		return l.findVoucherCredit(ctx, id, reference)
	}
	p, err := l.find(ctx, reference)
	if err != nil {
		return nil, err
	}
	if p.Number == "" {
		return nil, ledger.ErrNotFound
	}
	return p, nil
}

// PostCreditNote posts a sales order with negated lines related to the
// invoice and invoices it without delivery. A full credit copies the
// invoice's sales order lines. A sale voucher is credited by a reversing
// manual journal (creditVoucher).
func (l *Ledger) PostCreditNote(ctx context.Context, c ledger.CreditNote) (*ledger.Posted, error) {
	const op = "POST /SalesOrders/Complete"
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if id, ok := voucherID(c.InvoiceID); ok {
		return l.creditVoucher(ctx, id, c)
	}
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	inv, err := l.c.GetOutgoingInvoice(ctx, c.InvoiceID)
	if err != nil {
		return nil, err
	}
	in := poweroffice.SalesOrderPost{CustomerID: inv.CustomerID, SalesOrderStatus: poweroffice.StatusConfirmed, SalesOrderDate: c.IssueDate,
		ExternalImportReference: c.Reference, CustomMatchingReference: c.Reference, RelatedInvoiceNo: &inv.InvoiceNo}
	if c.Full {
		so, err := l.c.GetSalesOrder(ctx, c.InvoiceID)
		if err != nil {
			return nil, err
		}
		for i, ln := range so.SalesOrderLines {
			in.SalesOrderLines = append(in.SalesOrderLines, poweroffice.SalesOrderLine{ProductID: ln.ProductID, Description: ln.Description,
				Quantity: -ln.Quantity, ProductUnitPrice: ln.ProductUnitPrice, SortOrder: i + 1})
		}
	} else {
		lines, err := l.orderLines(ctx, op, c.Lines, nil, -1)
		if err != nil {
			return nil, err
		}
		in.SalesOrderLines = lines
	}
	so, err := l.c.CreateSalesOrder(ctx, in)
	if apierr.Is(err, apierr.KindConflict) {
		p, ferr := l.find(ctx, c.Reference)
		if ferr != nil {
			return nil, notYetVisible(ferr, c.Reference)
		}
		so.ID = p.ID
	} else if err != nil {
		return nil, err
	}
	note, err := l.invoiced(ctx, so.ID, c.IssueDate)
	if err != nil {
		return nil, err
	}
	return &ledger.Posted{ID: note.ID, Number: itoa(note.InvoiceNo), Gross: int64(note.TotalAmount.Ore())}, nil
}
