package fiken

import (
	"context"
	"errors"
	"fmt"

	"github.com/bokfor/bokfor/internal/apierr"
)

// maxCreateAttempts bounds how often an exactly-once helper POSTs after
// lookups showed the previous attempt was not applied.
const maxCreateAttempts = 3

// createOnce runs the exactly-once protocol of the package doc: look up,
// create, and after any failure that may have been applied, look up again
// before creating again.
func createOnce[T any](ctx context.Context, op string, lookup func(context.Context) ([]T, error),
	create func(context.Context) (int64, error), get func(context.Context, int64) (T, error)) (T, bool, error) {
	var zero T
	adopt := func(found []T) (T, bool, error) {
		if len(found) > 1 {
			return zero, false, &apierr.Error{Kind: apierr.KindConflict, API: apiName, Op: op,
				Message: fmt.Sprintf("%d documents carry this reference; an operator must resolve the duplicates", len(found))}
		}
		return found[0], false, nil
	}
	found, err := lookup(ctx)
	if err != nil {
		return zero, false, err
	}
	if len(found) > 0 {
		return adopt(found)
	}
	var lastErr error
	for attempt := 0; attempt < maxCreateAttempts; attempt++ {
		id, err := create(ctx)
		if err == nil {
			t, gerr := get(ctx, id)
			if gerr != nil {
				return zero, true, fmt.Errorf("fiken: %s created id %d but reading it back failed: %w", op, id, gerr)
			}
			return t, true, nil
		}
		switch apierr.KindOf(err) {
		case apierr.KindAmbiguous, apierr.KindRateLimited, apierr.KindTransient, apierr.KindUnknown:
		default:
			return zero, false, err // refused: nothing was applied
		}
		lastErr = err
		// The create may have been applied: look before creating again.
		found, lerr := lookup(ctx)
		if lerr != nil {
			// Still unresolved: the caller must run the helper again,
			// which looks up first.
			return zero, false, &apierr.Error{Kind: apierr.KindAmbiguous, API: apiName, Op: op,
				Message: "create may have been applied and the lookup failed", Err: errors.Join(err, lerr)}
		}
		if len(found) > 0 {
			t, _, aerr := adopt(found)
			return t, aerr == nil, aerr
		}
	}
	return zero, false, lastErr
}

// CreateInvoiceOnce creates the invoice for req.OrderReference exactly
// once: it returns the existing invoice when one carries the reference,
// and resolves lost responses by looking the reference up before any new
// attempt. created reports whether this call (or its lost predecessor
// within this call) made it. req.OrderReference is required.
func (c *Client) CreateInvoiceOnce(ctx context.Context, req InvoiceRequest) (inv Invoice, created bool, err error) {
	if req.OrderReference == "" {
		return Invoice{}, false, &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: "CreateInvoiceOnce",
			Message: "orderReference is required for an exactly-once create"}
	}
	return createOnce(ctx, "POST /invoices",
		func(ctx context.Context) ([]Invoice, error) {
			return c.ListInvoices(ctx, InvoiceFilter{OrderReference: req.OrderReference})
		},
		func(ctx context.Context) (int64, error) { return c.CreateInvoice(ctx, req) },
		c.GetInvoice)
}

// CreateSaleOnce creates the sale for req.SaleNumber exactly once, like
// CreateInvoiceOnce. req.SaleNumber is required.
func (c *Client) CreateSaleOnce(ctx context.Context, req SaleRequest) (Sale, bool, error) {
	if req.SaleNumber == "" {
		return Sale{}, false, &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: "CreateSaleOnce",
			Message: "saleNumber is required for an exactly-once create"}
	}
	return createOnce(ctx, "POST /sales",
		func(ctx context.Context) ([]Sale, error) {
			all, err := c.ListSales(ctx, SaleFilter{SaleNumber: req.SaleNumber})
			var live []Sale
			for _, s := range all {
				if !s.Deleted {
					live = append(live, s)
				}
			}
			return live, err
		},
		func(ctx context.Context) (int64, error) { return c.CreateSale(ctx, req) },
		c.GetSale)
}

// CreatePartialCreditNoteOnce creates the partial credit note carrying
// req.OrderReference (our refund reference) exactly once. Credit notes
// cannot be filtered by reference, so the lookup reads the invoice's
// associated credit notes (or, without InvoiceID, the contact's).
func (c *Client) CreatePartialCreditNoteOnce(ctx context.Context, req PartialCreditNoteRequest) (CreditNote, bool, error) {
	if req.OrderReference == "" {
		return CreditNote{}, false, &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: "CreatePartialCreditNoteOnce",
			Message: "orderReference is required for an exactly-once create"}
	}
	match := func(cn CreditNote) bool { return cn.OrderReference == req.OrderReference }
	return createOnce(ctx, "POST /creditNotes/partial",
		func(ctx context.Context) ([]CreditNote, error) {
			return c.creditNotesOf(ctx, req.InvoiceID, req.ContactID, match)
		},
		func(ctx context.Context) (int64, error) { return c.CreatePartialCreditNote(ctx, req) },
		c.GetCreditNote)
}

// CreateFullCreditNoteOnce credits the whole invoice exactly once: an
// associated credit note whose gross equals the invoice's gross counts as
// the full credit note.
func (c *Client) CreateFullCreditNoteOnce(ctx context.Context, req FullCreditNoteRequest) (CreditNote, bool, error) {
	return createOnce(ctx, "POST /creditNotes/full",
		func(ctx context.Context) ([]CreditNote, error) {
			inv, err := c.GetInvoice(ctx, req.InvoiceID)
			if err != nil {
				return nil, err
			}
			return c.creditNotesOf(ctx, req.InvoiceID, 0, func(cn CreditNote) bool { return cn.Gross == inv.Gross })
		},
		func(ctx context.Context) (int64, error) { return c.CreateFullCreditNote(ctx, req) },
		c.GetCreditNote)
}

// creditNotesOf returns the credit notes of an invoice (or of a contact
// when invoiceID is 0) that match.
func (c *Client) creditNotesOf(ctx context.Context, invoiceID, contactID int64, match func(CreditNote) bool) ([]CreditNote, error) {
	var out []CreditNote
	if invoiceID == 0 {
		all, err := c.ListCreditNotes(ctx, CreditNoteFilter{CustomerID: contactID})
		if err != nil {
			return nil, err
		}
		for _, cn := range all {
			if match(cn) {
				out = append(out, cn)
			}
		}
		return out, nil
	}
	inv, err := c.GetInvoice(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	for _, id := range inv.AssociatedCreditNotes {
		cn, err := c.GetCreditNote(ctx, id)
		if err != nil {
			return nil, err
		}
		if match(cn) {
			out = append(out, cn)
		}
	}
	return out, nil
}

// CreateSalePaymentOnce books the payment exactly once, treating an
// existing payment on the sale with the same date, account and amount as
// this one. Do not use it for two genuinely separate payments that share
// all three.
func (c *Client) CreateSalePaymentOnce(ctx context.Context, saleID int64, req PaymentRequest) (Payment, bool, error) {
	return createOnce(ctx, "POST /sales/{id}/payments",
		func(ctx context.Context) ([]Payment, error) {
			all, err := c.ListSalePayments(ctx, saleID)
			if err != nil {
				return nil, err
			}
			var out []Payment
			for _, p := range all {
				if p.Date == req.Date && p.Account == req.Account && p.Amount == req.Amount {
					out = append(out, p)
				}
			}
			return out, nil
		},
		func(ctx context.Context) (int64, error) { return c.CreateSalePayment(ctx, saleID, req) },
		func(ctx context.Context, id int64) (Payment, error) {
			all, err := c.ListSalePayments(ctx, saleID)
			if err != nil {
				return Payment{}, err
			}
			for _, p := range all {
				if p.PaymentID == id {
					return p, nil
				}
			}
			return Payment{}, &apierr.Error{Kind: apierr.KindNotFound, API: apiName, Op: "GET /sales/{id}/payments",
				Message: fmt.Sprintf("payment %d not on sale %d", id, saleID)}
		})
}

// CreateInvoicePaymentOnce books a payment on the sale behind an invoice
// exactly once, like CreateSalePaymentOnce (same matching by date, account
// and amount, same caveat), in two requests when nothing fails instead of
// four: GET /invoices/{id} both names the sale (sale.saleId) and lists its
// payments (sale.salePayments), which is the lookup of the protocol, and
// the payment is not read back after its 201 — the returned Payment is the
// request with the id from Location. After a POST that may have been
// applied the invoice is read again before anything else.
func (c *Client) CreateInvoicePaymentOnce(ctx context.Context, invoiceID int64, req PaymentRequest) (Payment, bool, error) {
	const op = "POST /sales/{id}/payments"
	var saleID int64
	return createOnce(ctx, op,
		func(ctx context.Context) ([]Payment, error) {
			inv, err := c.GetInvoice(ctx, invoiceID)
			if err != nil {
				return nil, err
			}
			if inv.Sale == nil || inv.Sale.SaleID == 0 {
				return nil, &apierr.Error{Kind: apierr.KindValidation, API: apiName, Op: "GET /invoices/{id}",
					Message: fmt.Sprintf("invoice %d has no sale to pay", invoiceID)}
			}
			saleID = inv.Sale.SaleID
			var out []Payment
			for _, p := range inv.Sale.SalePayments {
				if p.Date == req.Date && p.Account == req.Account && p.Amount == req.Amount {
					out = append(out, p)
				}
			}
			return out, nil
		},
		func(ctx context.Context) (int64, error) { return c.CreateSalePayment(ctx, saleID, req) },
		func(_ context.Context, id int64) (Payment, error) {
			p := Payment{PaymentID: id, Date: req.Date, Account: req.Account, Amount: req.Amount, Currency: req.Currency}
			if req.Fee != nil {
				p.Fee = *req.Fee
			}
			if req.AmountInNok != nil {
				p.AmountInNok = *req.AmountInNok
			}
			return p, nil
		})
}
