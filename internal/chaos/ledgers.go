package chaos

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/posim"
)

// The ledgers a chaos tenant can book into.
const (
	LedgerFiken       = "fiken"
	LedgerPowerOffice = "poweroffice"
)

// ParseLedgers parses a comma-separated list of ledgers ("fiken",
// "poweroffice"); the tenants of a run take them in turn.
func ParseLedgers(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		switch p = strings.TrimSpace(strings.ToLower(p)); p {
		case LedgerFiken, LedgerPowerOffice:
			out = append(out, p)
		case "":
		default:
			return nil, fmt.Errorf("chaos: unknown ledger %q (fiken, poweroffice)", p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("chaos: no ledger in %q", s)
	}
	return out, nil
}

// poFaults are the PowerOffice simulator's injected faults: the same
// shares as Fiken's.
func poFaults() posim.Faults {
	return posim.Faults{ErrorRate: 0.03, TimeoutRate: 0.002, DropAfterCommitRate: 0.05, LatencyMS: 2}
}

// startPowerOffice serves the PowerOffice Go simulator in this process.
// Unlike `bokfor sim poweroffice`, it invoices asynchronously, as
// PowerOffice does: for 300 ms after createAndSendInvoice the invoice is
// being processed (not listed, no number yet).
func (r *run) startPowerOffice(ctx context.Context) error {
	r.po = posim.New(posim.Options{BaseURL: "http://" + r.poAddr, InvoiceProcessing: 300 * time.Millisecond,
		Seed: r.cfg.Seed ^ 0x5eed})
	ln, err := net.Listen("tcp", r.poAddr)
	if err != nil {
		return fmt.Errorf("chaos: PowerOffice simulator: %w", err)
	}
	srv := &http.Server{Handler: r.po, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	return nil
}

// poClient is a PowerOffice client of tenant t's PowerOffice client (the
// company), on a subscription key of its own so that the run's reads do
// not use the tenants' request budget. One per tenant, kept for the run.
func (r *run) poClient(t tenantInfo) (*poweroffice.Client, error) {
	r.poMu.Lock()
	defer r.poMu.Unlock()
	if c, ok := r.poClients[t.ID]; ok {
		return c, nil
	}
	if r.poLimiter == nil {
		// One limiter for the run's clients: they share a subscription key.
		r.poLimiter = ratelimit.NewLocal(150 * time.Millisecond)
	}
	c, err := poweroffice.New(poweroffice.Config{BaseURL: "http://" + r.poAddr + "/v2", ApplicationKey: r.poApp,
		ClientKey: t.ClientKey, SubscriptionKey: "chaos-checker-sub", Limiter: r.poLimiter})
	if err != nil {
		return nil, err
	}
	if r.poClients == nil {
		r.poClients = map[string]*poweroffice.Client{}
	}
	r.poClients[t.ID] = c
	return c, nil
}

// settleInvoice pays the invoice with document id doc in the tenant's
// ledger, as the customer's bank payment would.
func (r *run) settleInvoice(ctx context.Context, t tenantInfo, doc string) error {
	if t.Ledger == LedgerFiken {
		return postJSON(ctx, "http://"+r.fikenAddr+"/_sim/invoices/"+doc+"/settle", map[string]any{}, nil)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return r.payPowerOffice(cctx, t, doc)
}

// payPowerOffice pays a PowerOffice invoice in full, as if the bank had
// matched the customer's payment: posim's
// /_sim/invoices/{invoiceNo}/settle, naming the tenant's client (invoice
// numbers are per client). The number is read from the invoice, which is
// not there while PowerOffice is still making it.
func (r *run) payPowerOffice(ctx context.Context, t tenantInfo, doc string) error {
	c, err := r.poClient(t)
	if err != nil {
		return err
	}
	inv, err := c.GetOutgoingInvoice(ctx, doc)
	if err != nil || inv.Paid() {
		return err
	}
	return postJSON(ctx, fmt.Sprintf("http://%s/_sim/invoices/%d/settle?client=%s", r.poAddr, inv.InvoiceNo, url.QueryEscape(t.ClientKey)),
		map[string]any{}, nil)
}

// ledgerDoc is an invoice or credit note as the checks see it.
type ledgerDoc struct {
	Gross   money.Ore
	Settled bool
	// Lines are a Fiken invoice's lines (VAT per rate); nil for
	// PowerOffice, whose outgoing invoices come without lines.
	Lines []fiken.InvoiceLine
}

// ledgerState is what a tenant's ledger holds, by bokfor's references.
type ledgerState struct {
	Invoices map[string][]ledgerDoc // by order reference
	Credits  map[string]int         // credit notes by reference
	// Emails are the customers' e-mail addresses (lower case), one per
	// customer; Products the product names, one per product.
	Emails, Products []string
	// Uninvoiced are sales orders never turned into an invoice
	// (PowerOffice).
	Uninvoiced []string
	NInvoices  int
	NCredits   int
}

// ledgerState reads tenant t's ledger through the ledger's own API.
func (r *run) ledgerState(ctx context.Context, t tenantInfo) (*ledgerState, error) {
	st := &ledgerState{Invoices: map[string][]ledgerDoc{}, Credits: map[string]int{}}
	if t.Ledger == LedgerFiken {
		fc, err := fiken.New(fiken.Config{BaseURL: "http://" + r.fikenAddr + "/api/v2", CompanySlug: t.Company, Token: fiken.PersonalToken("chaos-checker-" + t.ID)})
		if err != nil {
			return nil, err
		}
		invs, err := fc.ListInvoices(ctx, fiken.InvoiceFilter{})
		if err != nil {
			return nil, fmt.Errorf("chaos: list invoices of %s: %w", t.ID, err)
		}
		cns, err := fc.ListCreditNotes(ctx, fiken.CreditNoteFilter{})
		if err != nil {
			return nil, fmt.Errorf("chaos: list credit notes of %s: %w", t.ID, err)
		}
		contacts, err := fc.ListContacts(ctx, fiken.ContactFilter{})
		if err != nil {
			return nil, fmt.Errorf("chaos: list contacts of %s: %w", t.ID, err)
		}
		products, err := fc.ListProducts(ctx, fiken.ProductFilter{})
		if err != nil {
			return nil, fmt.Errorf("chaos: list products of %s: %w", t.ID, err)
		}
		for _, inv := range invs {
			st.Invoices[inv.OrderReference] = append(st.Invoices[inv.OrderReference],
				ledgerDoc{Gross: money.Ore(inv.Gross), Settled: inv.Sale != nil && inv.Sale.Settled, Lines: inv.Lines})
		}
		for _, cn := range cns {
			st.Credits[cn.OrderReference]++
		}
		for _, c := range contacts {
			if c.Email != "" {
				st.Emails = append(st.Emails, strings.ToLower(c.Email))
			}
		}
		for _, p := range products {
			st.Products = append(st.Products, p.Name)
		}
		st.NInvoices, st.NCredits = len(invs), len(cns)
		return st, nil
	}
	c, err := r.poClient(t)
	if err != nil {
		return nil, err
	}
	docs, err := c.ListOutgoingInvoices(ctx, poweroffice.InvoiceFilter{FromDate: "2000-01-01", ToDate: "2100-01-01"})
	if err != nil {
		return nil, fmt.Errorf("chaos: list outgoing invoices of %s: %w", t.ID, err)
	}
	custs, err := c.ListCustomers(ctx, poweroffice.CustomerFilter{})
	if err != nil {
		return nil, fmt.Errorf("chaos: list customers of %s: %w", t.ID, err)
	}
	prods, err := c.ListProductsChanged(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("chaos: list products of %s: %w", t.ID, err)
	}
	open, err := c.ListOwnSalesOrders(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("chaos: list sales orders of %s: %w", t.ID, err)
	}
	for _, d := range docs {
		if d.VoucherType == "OutgoingCreditNote" {
			st.Credits[d.CustomMatchingReference]++
			st.NCredits++
			continue
		}
		st.NInvoices++
		// The order reference is both the sales order's external import
		// reference and its matching reference; an invoice missing either
		// is keyed by what it has, so that it shows up as stray.
		ref := d.CustomMatchingReference
		if d.ExternalImportReference != ref {
			ref = d.ExternalImportReference + " / " + d.CustomMatchingReference
		}
		st.Invoices[ref] = append(st.Invoices[ref], ledgerDoc{Gross: d.TotalAmount.Ore(), Settled: d.Paid()})
	}
	for _, cu := range custs {
		if cu.EmailAddress != "" {
			st.Emails = append(st.Emails, strings.ToLower(cu.EmailAddress))
		}
	}
	for _, p := range prods {
		// The generated line products (shipping, rounding, …) are one
		// per kind and account, kept unique by their code.
		if strings.HasPrefix(p.Code, "BOKFOR-") {
			st.Products = append(st.Products, p.Code)
			continue
		}
		st.Products = append(st.Products, p.Name)
	}
	for _, so := range open {
		st.Uninvoiced = append(st.Uninvoiced, so.ExternalImportReference+" (sales order "+strconv.FormatInt(so.SalesOrderNo, 10)+")")
	}
	return st, nil
}
