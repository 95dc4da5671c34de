package poledger

import (
	"context"
	"strings"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
)

// VoucherPrefix starts the ledger id of a sale posted as a manual journal
// voucher ("mj:<voucher id>"), so that payments, credit notes and sending
// know the route of a posted document from its id alone.
const VoucherPrefix = "mj:"

// SaftSourceID is the SAF-T SourceID of bokfor's vouchers.
const SaftSourceID = "bokfor"

// voucherID returns the manual voucher id of a ledger id, and whether it
// is one.
func voucherID(id string) (string, bool) { return strings.CutPrefix(id, VoucherPrefix) }

// noVATCode returns the id of VAT code "0" (the chart must be loaded).
func (l *Ledger) noVATCode() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.noVAT
}

// salesAccount returns the PowerOffice account of a document line,
// checking that its VAT code carries the line's rate (PowerOffice takes
// VAT from the account's code).
func (l *Ledger) salesAccount(op string, ln ledgerdoc.Line) (poweroffice.GeneralLedgerAccount, error) {
	acct, err := accountNo(ln.Account)
	if err != nil {
		return poweroffice.GeneralLedgerAccount{}, err
	}
	a, ok := l.account(acct)
	if !ok {
		return a, invalid(op, "line %q: sales account %d does not exist in PowerOffice", ln.Description, acct)
	}
	if got := l.rateBP(a); got != int64(ln.Rate) {
		return a, invalid(op, "line %q has %s VAT, but PowerOffice takes VAT from sales account %d, whose VAT code %s has %s: map this rate to a matching account in settings.vat",
			ln.Description, ln.Rate, acct, a.VatCode, rateString(got))
	}
	return a, nil
}

// voucherLines turns document lines into manual voucher lines of their
// gross amounts on their sales accounts with the accounts' VAT codes:
// sign -1 credits them (a sale), +1 debits them (a credit note). Lines of
// no amount are left out (PowerOffice refuses 0). It returns the lines and
// the sum of the documents' gross amounts.
func (l *Ledger) voucherLines(op string, in []ledgerdoc.Line, productIDs []string, date string, sign int64) ([]poweroffice.ManualVoucherLine, int64, error) {
	out := make([]poweroffice.ManualVoucherLine, 0, len(in))
	var sum int64
	for i, ln := range in {
		a, err := l.salesAccount(op, ln)
		if err != nil {
			return nil, 0, err
		}
		sum += int64(ln.Gross)
		if ln.Gross == 0 {
			continue
		}
		vat := a.VatCodeID
		if vat == 0 {
			vat = l.noVATCode()
		}
		qty := float64(-sign * int64(ln.Quantity))
		ml := poweroffice.ManualVoucherLine{AccountID: a.ID, VatID: vat, CurrencyAmount: poweroffice.Amount(sign * int64(ln.Gross)),
			PostingDate: date, Description: ln.Description, Quantity: &qty}
		if i < len(productIDs) && productIDs[i] != "" {
			if ml.ProductID, err = parseID(productIDs[i]); err != nil {
				return nil, 0, err
			}
		}
		out = append(out, ml)
	}
	return out, sum, nil
}

// postVoucher posts a sale the shop invoiced itself as one manual journal
// voucher: the customer's sub-ledger debited with the gross total and our
// reference as CustomMatchingReference (the open item payments match),
// each line's sales account credited with its gross amount and VAT code.
// A rejected duplicate reference adopts the voucher an earlier attempt
// posted.
func (l *Ledger) postVoucher(ctx context.Context, d *ledgerdoc.Document, cust int64, productIDs []string) (*ledger.Posted, error) {
	const op = "POST /Vouchers/ManualJournals"
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	if d.Gross == 0 {
		return nil, invalid(op, "%s has a total of 0: a sale voucher needs an amount on the customer's sub-ledger", d.Reference)
	}
	sub, err := l.subledger(ctx, cust)
	if err != nil {
		return nil, err
	}
	credit, sum, err := l.voucherLines(op, d.Lines, productIDs, d.IssueDate, -1)
	if err != nil {
		return nil, err
	}
	if sum != int64(d.Gross) {
		return nil, invalid(op, "the lines of %s sum to %s, its total is %s", d.Reference, money.Ore(sum), d.Gross)
	}
	text := "Salg " + d.ShopReference + " (" + d.Reference + ")"
	lines := append([]poweroffice.ManualVoucherLine{{AccountID: sub, VatID: l.noVATCode(), CurrencyAmount: poweroffice.Amount(d.Gross),
		PostingDate: d.IssueDate, Description: ledgerdoc.Truncate(text, ledgerdoc.MaxDescription), CustomMatchingReference: d.Reference}}, credit...)
	v, err := l.c.PostManualVoucher(ctx, poweroffice.ManualVoucherPost{VoucherDate: d.IssueDate, CurrencyCode: d.Currency,
		Description: ledgerdoc.Truncate(text, ledgerdoc.MaxDescription), ExternalImportReference: d.Reference, SaftSourceID: SaftSourceID,
		VoucherLines: lines})
	if apierr.Is(err, apierr.KindConflict) {
		p, ferr := l.findVoucher(ctx, d.Reference, d.Reference)
		if ferr != nil {
			return nil, notYetVisible(ferr, d.Reference)
		}
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p := &ledger.Posted{ID: VoucherPrefix + v.ID, Number: itoa(v.VoucherNo), Gross: int64(d.Gross)}
	if due, err := time.Parse(dateLayout, d.IssueDate); err == nil && d.DueDays > 0 {
		p.DueDate = due.AddDate(0, 0, d.DueDays)
	}
	return p, nil
}

// findVoucher looks up the manual journal whose ExternalImportReference is
// ref among the customer ledger entries matching cmr: the sale (cmr = ref)
// or one of its credit notes.
func (l *Ledger) findVoucher(ctx context.Context, cmr, ref string) (*ledger.Posted, error) {
	from, to := l.window()
	es, err := l.c.CustomerLedgerStatement(ctx, poweroffice.LedgerFilter{FromDate: from, ToDate: to, CustomMatchingReferences: cmr})
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.VoucherType == poweroffice.VoucherManualJournal && e.ExternalImportReference == ref {
			return entryPosted(e), nil
		}
	}
	return nil, ledger.ErrNotFound
}

// entryGross is an entry's amount in the voucher's currency.
func entryGross(e poweroffice.CustomerLedgerEntry) int64 {
	if e.CurrencyAmount != 0 {
		return int64(e.CurrencyAmount.Ore())
	}
	return int64(e.Amount.Ore())
}

func entryPosted(e poweroffice.CustomerLedgerEntry) *ledger.Posted {
	return &ledger.Posted{ID: VoucherPrefix + e.VoucherID, Number: itoa(e.VoucherNo), Gross: entryGross(e), Settled: !e.Open()}
}

// voucherOf reads a manual voucher we posted and its customer sub-ledger
// line (the one carrying the voucher's reference as matching reference,
// else the first with a matching reference).
func (l *Ledger) voucherOf(ctx context.Context, id string) (poweroffice.ManualVoucher, poweroffice.ManualVoucherLineRead, error) {
	v, err := l.c.GetManualVoucher(ctx, id)
	if err != nil {
		return v, poweroffice.ManualVoucherLineRead{}, err
	}
	var sub *poweroffice.ManualVoucherLineRead
	for i, ln := range v.VoucherLines {
		if ln.CustomMatchingReference == "" {
			continue
		}
		if sub == nil || ln.CustomMatchingReference == v.ExternalImportReference {
			sub = &v.VoucherLines[i]
		}
	}
	if sub == nil {
		return v, poweroffice.ManualVoucherLineRead{}, invalid("GET /Vouchers/ManualJournals/{id}", "voucher %s has no customer line with a matching reference", id)
	}
	return v, *sub, nil
}

// payVoucher pays a sale voucher from the payment's clearing account
// unless its sub-ledger entry is matched out already.
func (l *Ledger) payVoucher(ctx context.Context, id string, pay ledgerdoc.Payment) error {
	v, sub, err := l.voucherOf(ctx, id)
	if err != nil {
		return err
	}
	ref := v.ExternalImportReference
	p, err := l.findVoucher(ctx, sub.CustomMatchingReference, ref)
	switch {
	case err == nil && p.Settled:
		return nil
	case err != nil && !IsNotFound(err):
		return err
	}
	return l.pay(ctx, payTarget{subledger: sub.AccountID, cmr: sub.CustomMatchingReference, currency: v.CurrencyCode}, pay, ref+"-payment")
}

// findVoucherCredit finds a credit note of a sale voucher by its reference.
func (l *Ledger) findVoucherCredit(ctx context.Context, id, reference string) (*ledger.Posted, error) {
	_, sub, err := l.voucherOf(ctx, id)
	if err != nil {
		return nil, err
	}
	return l.findVoucher(ctx, sub.CustomMatchingReference, reference)
}

// creditVoucher posts the credit note of a sale voucher as a reversing
// manual journal: a full credit negates every line of the sale (its
// sub-ledger credit, with the sale's matching reference and amount,
// matches an open sale at once); a partial one debits the credited lines'
// gross amounts on their sales accounts and credits their sum to the
// customer's sub-ledger with the sale's matching reference.
func (l *Ledger) creditVoucher(ctx context.Context, id string, c ledger.CreditNote) (*ledger.Posted, error) {
	const op = "POST /Vouchers/ManualJournals"
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	v, sub, err := l.voucherOf(ctx, id)
	if err != nil {
		return nil, err
	}
	date := c.IssueDate
	if date == "" {
		date = l.opts.Now().Format(dateLayout)
	}
	var lines []poweroffice.ManualVoucherLine
	var gross int64
	if c.Full {
		for _, ln := range v.VoucherLines {
			ml := poweroffice.ManualVoucherLine{AccountID: ln.AccountID, VatID: ln.VatID, CurrencyAmount: -ln.CurrencyAmount, PostingDate: date,
				Description: ledgerdoc.Truncate("Kreditering: "+ln.Description, ledgerdoc.MaxDescription), CustomMatchingReference: ln.CustomMatchingReference}
			if ln.ProductID != nil {
				ml.ProductID = *ln.ProductID
			}
			if ln.Quantity != nil {
				q := -*ln.Quantity
				ml.Quantity = &q
			}
			lines = append(lines, ml)
		}
		gross = -int64(sub.CurrencyAmount.Ore())
	} else {
		debit, sum, err := l.voucherLines(op, c.Lines, nil, date, 1)
		if err != nil {
			return nil, err
		}
		if sum == 0 {
			return nil, invalid(op, "credit note %s has no amount", c.Reference)
		}
		gross = -sum
		lines = append([]poweroffice.ManualVoucherLine{{AccountID: sub.AccountID, VatID: l.noVATCode(), CurrencyAmount: poweroffice.Amount(gross),
			PostingDate: date, Description: "Kreditering " + c.Reference, CustomMatchingReference: sub.CustomMatchingReference}}, debit...)
	}
	nv, err := l.c.PostManualVoucher(ctx, poweroffice.ManualVoucherPost{VoucherDate: date, CurrencyCode: v.CurrencyCode,
		Description:             ledgerdoc.Truncate("Kreditering av "+v.ExternalImportReference+" ("+c.Reference+")", ledgerdoc.MaxDescription),
		ExternalImportReference: c.Reference, SaftSourceID: SaftSourceID, VoucherLines: lines})
	if apierr.Is(err, apierr.KindConflict) {
		p, ferr := l.findVoucher(ctx, sub.CustomMatchingReference, c.Reference)
		if ferr != nil {
			return nil, notYetVisible(ferr, c.Reference)
		}
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	return &ledger.Posted{ID: VoucherPrefix + nv.ID, Number: itoa(nv.VoucherNo), Gross: gross}, nil
}

// changedVouchers lists this integration's sale vouchers whose customer
// ledger entry changed after since: their match state is their
// settlement.
func (l *Ledger) changedVouchers(ctx context.Context, since string) ([]ledger.Settlement, error) {
	from, to := l.window()
	es, err := l.c.CustomerLedgerStatement(ctx, poweroffice.LedgerFilter{FromDate: from, ToDate: to, VoucherTypes: poweroffice.VoucherManualJournal,
		LastChangedAfter: since, OnlyCreatedByCurrentIntegration: true})
	if err != nil {
		return nil, err
	}
	var out []ledger.Settlement
	for _, e := range es {
		// The sale's own line: a credit note's carries the sale's matching
		// reference under its own import reference.
		if e.VoucherType != poweroffice.VoucherManualJournal || e.ExternalImportReference == "" || e.CustomMatchingReference != e.ExternalImportReference {
			continue
		}
		s := ledger.Settlement{Reference: e.ExternalImportReference, ID: VoucherPrefix + e.VoucherID, Number: itoa(e.VoucherNo),
			Gross: entryGross(e), Currency: e.CurrencyCode, Settled: !e.Open()}
		if s.Settled {
			s.SettledDate = day(e.LastChangedDateTime)
		}
		out = append(out, s)
	}
	return out, nil
}
