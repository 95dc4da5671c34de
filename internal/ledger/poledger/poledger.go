// Package poledger implements ledger.Ledger on the PowerOffice Go v2
// client.
//
// Mapping:
//   - A shop customer is a PowerOffice customer with the shop customer id
//     in ExternalImportReference; the ledger id is the contact Id, and bank
//     voucher lines use its SubledgerAccountId.
//   - A product is matched by Code = SKU and created with the line's sales
//     account. PowerOffice takes VAT from the sales account, never from
//     the order line: the tenant's VAT rules must map each rate to an
//     account whose VAT code has that rate (the VATType field is not sent).
//     Lines without a product (shipping, wrapping, discount, fee,
//     rounding) are booked on generated products "BOKFOR-<KIND>-<ACCOUNT>".
//   - An invoice (route A) is POST /SalesOrders/Complete, Confirmed, with
//     our reference as ExternalImportReference and CustomMatchingReference;
//     SendInvoice calls createAndSendInvoice. The sales order's id stays the
//     outgoing invoice's id. Go's computed total is checked against ours;
//     a difference deletes the (uninvoiced) order and fails validation.
//   - A cash invoice (paid at checkout) is the same sales order, invoiced
//     without delivery (PdfPrintForDownload) and paid at once by a bank
//     journal voucher from the payment method's clearing account to the
//     customer sub-ledger with the matching reference.
//   - Payments (PostPayment) are bank journal vouchers: clearing account
//     debited with the amount less the fee, fee account with the fee,
//     customer sub-ledger credited with the amount and our matching
//     reference, which settles the invoice when the amounts agree.
//   - Invoice vouchers (route B, the shop invoices itself) are manual
//     journal vouchers (POST /Vouchers/ManualJournals), PowerOffice's
//     documented batch posting of already-invoiced sales, since POST
//     /Vouchers/OutgoingInvoiceJournals is not in the public v2 spec
//     snapshot: the customer's sub-ledger debited with the gross total
//     and our reference as CustomMatchingReference, each line's sales
//     account credited with its gross amount and the account's VAT code
//     (Go splits off the VAT), ExternalImportReference = our reference,
//     SaftSourceId "bokfor". The ledger id is "mj:<voucher id>"
//     (VoucherPrefix), which routes payments, credit notes and sending.
//     Its state is read from the customer ledger statement: the
//     sub-ledger entry's Balance 0 means settled. Limits: no
//     OutgoingInvoices row (PowerOffice's invoice lists and reminders do
//     not see it), no due date or KID in PowerOffice, and Go's VAT split
//     of a gross line may differ from ours by an øre (the total cannot).
//     Sending is a no-op; credit notes are reversing manual journals on
//     the sale's matching reference (a full credit matches the open sale).
//   - Credit notes are sales orders with negated lines and
//     RelatedInvoiceNo, invoiced without delivery.
package poledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
)

// Options configures a Ledger.
type Options struct {
	// FeeAccounts maps a payment clearing account number ("1905") to the
	// account payment provider fees are posted on ("7770").
	FeeAccounts map[string]string
	// SelfInvoiced says the tenant has a payment method whose sales the
	// shop invoices itself: they are posted as manual journal vouchers,
	// the privilege check includes ManualVoucher_Full and CustomerLedger,
	// and ChangedDocuments also reads the customer ledger (one more call
	// per watcher tick).
	SelfInvoiced bool
	// SkipPrivilegeCheck leaves out the /ClientIntegrationInformation call
	// before the first operation.
	SkipPrivilegeCheck bool
	// Now is the clock for date windows; default time.Now.
	Now func() time.Time
}

// Ledger is one PowerOffice Go client.
type Ledger struct {
	c    *poweroffice.Client
	opts Options

	mu         sync.Mutex
	checked    bool
	accounts   map[int64]poweroffice.GeneralLedgerAccount // by number
	vatCodes   map[int64]poweroffice.VatCode              // by id
	noVAT      int64                                      // id of VAT code "0"
	products   map[string]int64                           // generated product codes
	subledgers map[int64]int64                            // customer id → sub-ledger account id
}

// New wraps a client.
func New(c *poweroffice.Client, opts Options) *Ledger {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Ledger{c: c, opts: opts, products: map[string]int64{}, subledgers: map[int64]int64{}}
}

var _ ledger.Ledger = (*Ledger)(nil)

// Kind returns "poweroffice".
func (l *Ledger) Kind() string { return "poweroffice" }

// Client returns the underlying client.
func (l *Ledger) Client() *poweroffice.Client { return l.c }

func invalid(op, format string, args ...any) error {
	return &apierr.Error{Kind: apierr.KindValidation, API: "poweroffice", Op: op, Message: fmt.Sprintf(format, args...)}
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, invalid("id", "%q is not a PowerOffice id", s)
	}
	return id, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// accountNo reads an account number; "1920:10002" (Fiken style) keeps the
// part before the colon.
func accountNo(s string) (int64, error) {
	head, _, _ := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return 0, invalid("account", "%q is not an account number", s)
	}
	return n, nil
}

// ready checks the privileges once per Ledger.
func (l *Ledger) ready(ctx context.Context) error {
	l.mu.Lock()
	done := l.checked || l.opts.SkipPrivilegeCheck
	l.mu.Unlock()
	if done {
		return nil
	}
	need := poweroffice.RequiredPrivileges()
	if l.opts.SelfInvoiced {
		need = append(need, poweroffice.VoucherPrivileges()...)
	}
	if _, err := l.c.CheckPrivileges(ctx, need...); err != nil {
		return err
	}
	l.mu.Lock()
	l.checked = true
	l.mu.Unlock()
	return nil
}

// chart loads accounts and VAT codes once.
func (l *Ledger) chart(ctx context.Context) error {
	l.mu.Lock()
	loaded := l.accounts != nil
	l.mu.Unlock()
	if loaded {
		return nil
	}
	accts, err := l.c.GeneralLedgerAccounts(ctx)
	if err != nil {
		return err
	}
	codes, err := l.c.VatCodes(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts = map[int64]poweroffice.GeneralLedgerAccount{}
	for _, a := range accts {
		l.accounts[a.AccountNo] = a
	}
	l.vatCodes = map[int64]poweroffice.VatCode{}
	for _, v := range codes {
		l.vatCodes[v.ID] = v
		if v.Code == "0" {
			l.noVAT = v.ID
		}
	}
	return nil
}

// account returns a loaded account by number.
func (l *Ledger) account(no int64) (poweroffice.GeneralLedgerAccount, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.accounts[no]
	return a, ok
}

// rateBP returns the VAT rate of an account in basis points.
func (l *Ledger) rateBP(a poweroffice.GeneralLedgerAccount) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.vatCodes[a.VatCodeID]
	if !ok {
		return 0
	}
	return int64(v.Rate*10000 + 0.5)
}

// IsNotFound reports whether err means "no such object".
func IsNotFound(err error) bool {
	return errors.Is(err, ledger.ErrNotFound) || apierr.Is(err, apierr.KindNotFound)
}
