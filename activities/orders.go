package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
)

// Connectors give the shop and ledger clients of a tenant. Implementations
// cache clients and share rate limiters across tenants with one credential.
type Connectors interface {
	Shop(ctx context.Context, t *store.TenantRow) (shop.Shop, error)
	Ledger(ctx context.Context, t *store.TenantRow) (ledger.Ledger, error)
}

// Orders are the activities of the order workflow.
type Orders struct {
	Store      *store.Store
	Connectors Connectors
}

// OrderRef names one order of one tenant and its workflow.
type OrderRef struct {
	TenantID    string
	ShopOrderID string
	WorkflowID  string
}

// OrderView is the order as the shop has it now, judged by the tenant's
// settings, with the document that would be posted for it.
type OrderView struct {
	Order domain.Order
	// Transfer reports that the order is in one of the tenant's transfer states.
	Transfer bool
	// Cancelled reports that the order is in one of the cancel states.
	Cancelled bool
	// Document is what would be posted; nil when Problem is set.
	Document *ledgerdoc.Document
	// Problem says why no document can be built (an operator must act).
	Problem string
	// SettledState is the shop state written back when the ledger is settled.
	SettledState string
	// Posted is the document already in the ledger for this order, from
	// the store (no ledger call), or nil.
	Posted *ledger.Posted
	// Links are the ledger ids of the customer and the products when the
	// store links every one of them (a returning customer buying known
	// products): booking then needs neither ResolveCustomer nor
	// ResolveProducts. nil when anything must be looked up or created, or
	// when there is nothing to book.
	Links *Links
}

// Links are the ledger ids booking needs, as ResolveCustomer and
// ResolveProducts would return them.
type Links struct {
	// CustomerID is the ledger customer (or the tenant's cash customer).
	CustomerID string
	// ProductIDs holds the ledger product of each document line, "" for
	// lines that are not products or have no SKU.
	ProductIDs []string
}

func (a *Orders) tenant(ctx context.Context, id string) (*store.TenantRow, error) {
	t, err := a.Store.Tenant(ctx, id)
	if err != nil {
		return nil, classify("load tenant", err)
	}
	if t.Disabled {
		return nil, configError("tenant "+id+" is disabled", nil)
	}
	return t, nil
}

// LoadOrder re-reads the order from the shop (events are only hints) and
// builds the document the tenant's settings make of it.
func (a *Orders) LoadOrder(ctx context.Context, ref OrderRef) (*OrderView, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, ref.TenantID)
	if err != nil {
		return nil, err
	}
	sh, err := a.Connectors.Shop(ctx, t)
	if err != nil {
		return nil, configError("shop client", err)
	}
	o, err := sh.Order(ctx, ref.ShopOrderID)
	if err != nil {
		return nil, classify("read shop order", err)
	}
	v := &OrderView{
		Order:        *o,
		Transfer:     slices.Contains(t.Settings.TransferStates, o.StateID),
		Cancelled:    slices.Contains(t.Settings.CancelStates, o.StateID),
		SettledState: t.Settings.SettledState,
	}
	if d, err := ledgerdoc.Build(t.ID, &t.Settings, o); err != nil {
		v.Problem = err.Error()
	} else {
		v.Document = d
	}
	if l, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkInvoice, ref.ShopOrderID); err == nil {
		var p ledger.Posted
		if json.Unmarshal(l.Snapshot, &p) == nil {
			v.Posted = &p
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, classify("read invoice link", err)
	}
	if v.Posted == nil && v.Document != nil && v.Transfer && !v.Cancelled {
		if v.Links, err = a.storedLinks(ctx, t, o, v.Document.Lines); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// storedLinks returns the customer and product ids ResolveCustomer and
// ResolveProducts would return from the store alone (two queries however
// many lines), or nil when any of them is not linked yet.
func (a *Orders) storedLinks(ctx context.Context, t *store.TenantRow, o *domain.Order, lines []ledgerdoc.Line) (*Links, error) {
	key, cash := customerKey(t, o)
	links := &Links{CustomerID: cash, ProductIDs: make([]string, len(lines))}
	if cash == "" {
		l, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkCustomer, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, classify("read customer link", err)
		}
		links.CustomerID = l.LedgerID
	}
	var skus []string
	for _, l := range lines {
		if l.Kind == ledgerdoc.LineProduct && l.SKU != "" {
			skus = append(skus, l.SKU)
		}
	}
	if len(skus) == 0 {
		return links, nil
	}
	ids, err := a.Store.LedgerIDsByShopIDs(ctx, t.ID, store.LinkProduct, skus)
	if err != nil {
		return nil, classify("read product links", err)
	}
	for i, l := range lines {
		if l.Kind != ledgerdoc.LineProduct || l.SKU == "" {
			continue
		}
		id, ok := ids[l.SKU]
		if !ok {
			return nil, nil
		}
		links.ProductIDs[i] = id
	}
	return links, nil
}

// customerKey returns the store key of the order's customer link — the
// shop's customer id, or "guest:" and the e-mail for guests — or, for a
// guest of a tenant with a cash customer, that customer's ledger id.
func customerKey(t *store.TenantRow, o *domain.Order) (key, cash string) {
	if o.Customer.Guest && t.Settings.CashCustomer != "" {
		return "", t.Settings.CashCustomer
	}
	key = o.Customer.ID
	if o.Customer.Guest || key == "" || key == "0" {
		key = "guest:" + o.Customer.Email
	}
	return key, ""
}

// ResolveCustomerInput is the order whose customer to find or create.
type ResolveCustomerInput struct {
	OrderRef
	Order domain.Order
}

// ResolveCustomer returns the ledger customer of the order: the stored
// link, else a ledger lookup (shop id, organisation number, e-mail), else
// a new invoiceable customer. Guests are keyed by e-mail; with a tenant
// cash customer configured, guests are booked on it.
func (a *Orders) ResolveCustomer(ctx context.Context, in ResolveCustomerInput) (string, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return "", err
	}
	o := in.Order
	key, cash := customerKey(t, &o)
	if cash != "" {
		return cash, nil
	}
	if l, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkCustomer, key); err == nil {
		return l.LedgerID, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", classify("read customer link", err)
	}
	// Two orders of one new customer must not both create it.
	// ctx is now the lock's: it ends if the lock can no longer be vouched for.
	ctx, unlock, err := a.Store.Lock(ctx, t.ID+"/customer/"+key)
	if err != nil {
		return "", classify("lock customer", err)
	}
	defer unlock()
	if l, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkCustomer, key); err == nil {
		return l.LedgerID, nil
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return "", configError("ledger client", err)
	}
	c := ledger.Customer{Name: o.Customer.Name(), Email: o.Customer.Email, OrgNumber: o.Customer.OrgNumber,
		Phone: o.Billing.Phone, Address: o.Billing, Currency: o.Currency}
	if !o.Customer.Guest {
		c.ShopID = o.Customer.ID
	}
	if c.Name == "" {
		c.Name = o.Billing.FirstName + " " + o.Billing.LastName
	}
	if c.OrgNumber == "" {
		c.OrgNumber = o.Billing.VATNumber
	}
	id, err := lg.FindCustomer(ctx, c)
	if errors.Is(err, ledger.ErrNotFound) {
		id, err = lg.CreateCustomer(ctx, c)
		if err != nil {
			return "", classify("create customer", lockLost(ctx, err))
		}
	} else if err != nil {
		return "", classify("find customer", lockLost(ctx, err))
	}
	if err := a.Store.PutLink(ctx, store.Link{TenantID: t.ID, Kind: store.LinkCustomer, ShopID: key, LedgerID: id}); err != nil {
		return "", classify("store customer link", err)
	}
	return id, nil
}

// ResolveProductsInput are the document lines whose products to resolve.
type ResolveProductsInput struct {
	OrderRef
	Lines []ledgerdoc.Line
}

// ResolveProducts returns the ledger product id of each product line by
// SKU ("" for other lines and lines without SKU): the stored link, else a
// lookup by product number, else — when the tenant allows — a new product.
// Lines whose product cannot be linked are posted as free-text lines.
func (a *Orders) ResolveProducts(ctx context.Context, in ResolveProductsInput) ([]string, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Lines))
	var lg ledger.Ledger
	for i, l := range in.Lines {
		if l.Kind != ledgerdoc.LineProduct || l.SKU == "" {
			continue
		}
		if link, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkProduct, l.SKU); err == nil {
			ids[i] = link.LedgerID
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, classify("read product link", err)
		}
		if lg == nil {
			if lg, err = a.Connectors.Ledger(ctx, t); err != nil {
				return nil, configError("ledger client", err)
			}
		}
		id, err := a.resolveProduct(ctx, t, lg, l)
		if err != nil {
			return nil, err
		}
		ids[i] = id
		activity.RecordHeartbeat(ctx, i)
	}
	return ids, nil
}

// resolveProduct finds or creates one product under a lock on its SKU, so
// that concurrent orders of a new product create it once.
func (a *Orders) resolveProduct(ctx context.Context, t *store.TenantRow, lg ledger.Ledger, l ledgerdoc.Line) (string, error) {
	ctx, unlock, err := a.Store.Lock(ctx, t.ID+"/product/"+l.SKU)
	if err != nil {
		return "", classify("lock product", err)
	}
	defer unlock()
	if link, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkProduct, l.SKU); err == nil {
		return link.LedgerID, nil
	}
	{
		id, err := lg.FindProduct(ctx, l.SKU)
		if errors.Is(err, ledger.ErrNotFound) {
			if !t.Settings.CreateProducts {
				return "", nil
			}
			id, err = lg.CreateProduct(ctx, ledger.Product{SKU: l.SKU, Name: l.Description, UnitNet: int64(l.UnitNet),
				VATType: l.VATType, Account: l.Account, Active: true})
			if err != nil {
				return "", classify("create product "+l.SKU, lockLost(ctx, err))
			}
		} else if err != nil {
			return "", classify("find product "+l.SKU, lockLost(ctx, err))
		}
		if err := a.Store.PutLink(ctx, store.Link{TenantID: t.ID, Kind: store.LinkProduct, ShopID: l.SKU, LedgerID: id}); err != nil {
			return "", classify("store product link", err)
		}
		return id, nil
	}
}

// PostDocumentInput is the document to post with its resolved ids.
type PostDocumentInput struct {
	OrderRef
	Document   ledgerdoc.Document
	CustomerID string
	ProductIDs []string
}

// PostDocument puts the document in the ledger exactly once:
//
//  1. a stored link means it is there already (no ledger call);
//  2. if any earlier attempt was made (audit trail) the ledger is searched
//     by our reference first, and a hit is adopted;
//  3. the attempt is recorded, then the document created; the result is
//     linked and audited at once;
//  4. a failure that may have been applied (lost response) is resolved by
//     the lookup of step 2 before any new create.
func (a *Orders) PostDocument(ctx context.Context, in PostDocumentInput) (*ledger.Posted, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	return a.post(ctx, t, in)
}

func (a *Orders) post(ctx context.Context, t *store.TenantRow, in PostDocumentInput) (*ledger.Posted, error) {
	d := &in.Document
	if p, err := a.linkedPosted(ctx, t.ID, in.ShopOrderID); err != nil || p != nil {
		return p, err
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return nil, configError("ledger client", err)
	}
	audit := store.AuditEntry{TenantID: t.ID, WorkflowID: in.WorkflowID, Ledger: lg.Kind(), Operation: "post_" + string(d.Kind), Reference: d.Reference}
	p, outcome, err := a.createOnce(ctx, audit,
		func() (*ledger.Posted, error) { return lg.FindDocument(ctx, d.Reference, d.Kind) },
		func() (*ledger.Posted, error) { return lg.PostDocument(ctx, d, in.CustomerID, in.ProductIDs) })
	if err != nil {
		return nil, err
	}
	return a.adopt(ctx, audit, in.ShopOrderID, p, outcome)
}

// createOnce runs the exactly-once protocol of PostDocument for one
// ledger object identified by audit.Reference: when an earlier attempt
// is on the audit trail, find it in the ledger first and adopt it; else
// record the attempt and create. It returns the object and whether it was
// "found" or "created"; the caller links and audits the result.
func (a *Orders) createOnce(ctx context.Context, audit store.AuditEntry, find, create func() (*ledger.Posted, error)) (*ledger.Posted, string, error) {
	trail, err := a.Store.AuditTrail(ctx, audit.TenantID, audit.Reference)
	if err != nil {
		return nil, "", classify("read audit trail", err)
	}
	if len(trail) > 0 {
		p, err := find()
		if err == nil {
			return p, "found", nil
		}
		if !errors.Is(err, ledger.ErrNotFound) {
			return nil, "", classify("look up "+audit.Reference, err)
		}
	}
	audit.Outcome = "attempt"
	if err := a.Store.Audit(ctx, audit); err != nil {
		return nil, "", classify("audit", err)
	}
	p, err := create()
	if err != nil {
		audit.Outcome = "failed"
		audit.Detail, _ = json.Marshal(map[string]string{"error": err.Error()})
		_ = a.Store.Audit(ctx, audit)
		return nil, "", classify(strings.ReplaceAll(audit.Operation, "_", " ")+" "+audit.Reference, err)
	}
	return p, "created", nil
}

func (a *Orders) linkedPosted(ctx context.Context, tenantID, shopOrderID string) (*ledger.Posted, error) {
	l, err := a.Store.LinkByShopID(ctx, tenantID, store.LinkInvoice, shopOrderID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, classify("read invoice link", err)
	}
	var p ledger.Posted
	if err := json.Unmarshal(l.Snapshot, &p); err != nil || p.ID == "" {
		p = ledger.Posted{ID: l.LedgerID}
	}
	return &p, nil
}

func (a *Orders) adopt(ctx context.Context, audit store.AuditEntry, shopOrderID string, p *ledger.Posted, outcome string) (*ledger.Posted, error) {
	snap, _ := json.Marshal(p)
	if err := a.Store.PutLink(ctx, store.Link{TenantID: audit.TenantID, Kind: store.LinkInvoice, ShopID: shopOrderID, LedgerID: p.ID, Snapshot: snap}); err != nil {
		return nil, classify("store invoice link", err)
	}
	audit.Outcome, audit.LedgerID = outcome, p.ID
	audit.Detail, _ = json.Marshal(map[string]any{"number": p.Number, "gross": p.Gross})
	if err := a.Store.Audit(ctx, audit); err != nil {
		return nil, classify("audit", err)
	}
	return p, nil
}

// SendInvoiceInput is a posted invoice to send.
type SendInvoiceInput struct {
	OrderRef
	Posted ledger.Posted
	Method string
}

// SendInvoice asks the ledger to send the invoice.
func (a *Orders) SendInvoice(ctx context.Context, in SendInvoiceInput) error {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return err
	}
	return a.send(ctx, t, in)
}

func (a *Orders) send(ctx context.Context, t *store.TenantRow, in SendInvoiceInput) error {
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return configError("ledger client", err)
	}
	return classify("send invoice", lg.SendInvoice(ctx, in.Posted, in.Method))
}

// PostAndSendInput is an invoice to post and then send by Method.
type PostAndSendInput struct {
	PostDocumentInput
	Method string
}

// PostAndSendResult is the posted invoice and whether sending it worked.
// SendError is why it did not; the invoice is posted all the same.
type PostAndSendResult struct {
	Posted    *ledger.Posted
	Sent      bool
	SendError string
}

// PostAndSend posts the invoice exactly once, as PostDocument does, and
// then sends it, as SendInvoice does: one activity, so one round trip
// through the task queue and six history events less per unpaid invoice.
// A failed send does not fail the activity (that would leave the posted
// invoice unknown to the workflow): the result says so, and the workflow
// sends with SendInvoice, retries and parking included. A retry after a
// lost result finds the invoice by its link and sends it again, as a
// retried SendInvoice would.
func (a *Orders) PostAndSend(ctx context.Context, in PostAndSendInput) (*PostAndSendResult, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	p, err := a.post(ctx, t, in.PostDocumentInput)
	if err != nil {
		return nil, err
	}
	res := &PostAndSendResult{Posted: p}
	if err := a.send(ctx, t, SendInvoiceInput{OrderRef: in.OrderRef, Posted: *p, Method: in.Method}); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		res.SendError = err.Error()
		return res, nil
	}
	res.Sent = true
	return res, nil
}

// SetShopStateInput is the state to write to a shop order.
type SetShopStateInput struct {
	OrderRef
	State string
}

// SetShopState moves the shop order to the named state.
func (a *Orders) SetShopState(ctx context.Context, in SetShopStateInput) error {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return err
	}
	sh, err := a.Connectors.Shop(ctx, t)
	if err != nil {
		return configError("shop client", err)
	}
	// The shop reports this change back by webhook: record the echo first
	// (the webhook can arrive before the write returns) so the edge drops it.
	stateID, err := sh.StateID(ctx, in.State)
	if err != nil {
		return classify("find shop order state", err)
	}
	if err := a.Store.ExpectEcho(ctx, t.ID, in.ShopOrderID, stateID, time.Hour); err != nil {
		return classify("record expected echo", err)
	}
	return classify("set shop order state", sh.SetOrderState(ctx, in.ShopOrderID, in.State))
}

// CreditInput is a refund (or, with Full, a cancellation) to credit.
type CreditInput struct {
	OrderRef
	Invoice ledger.Posted
	// RefundID is the shop's credit slip id, or "cancel" for a full credit.
	RefundID string
	Full     bool
	Lines    []ledgerdoc.Line
	Date     string
}

// CreditReference is bokfor's reference of a credit note.
func CreditReference(tenantID, shopOrderID, refundID string) string {
	return ledgerdoc.Reference(tenantID, shopOrderID) + "-k" + refundID
}

// PostCreditNote credits a refund exactly once, by the same protocol as
// PostDocument with the credit note's own reference.
func (a *Orders) PostCreditNote(ctx context.Context, in CreditInput) (*ledger.Posted, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	ref := CreditReference(t.ID, in.ShopOrderID, in.RefundID)
	linkKey := in.ShopOrderID + "/" + in.RefundID
	if l, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkCreditNote, linkKey); err == nil {
		return &ledger.Posted{ID: l.LedgerID}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, classify("read credit link", err)
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return nil, configError("ledger client", err)
	}
	audit := store.AuditEntry{TenantID: t.ID, WorkflowID: in.WorkflowID, Ledger: lg.Kind(), Operation: "post_credit_note", Reference: ref}
	p, outcome, err := a.createOnce(ctx, audit,
		func() (*ledger.Posted, error) { return lg.FindCreditNote(ctx, in.Invoice.ID, ref) },
		func() (*ledger.Posted, error) {
			return lg.PostCreditNote(ctx, ledger.CreditNote{Reference: ref, InvoiceID: in.Invoice.ID, IssueDate: in.Date, Full: in.Full, Lines: in.Lines})
		})
	if err != nil {
		return nil, err
	}
	if err := a.Store.PutLink(ctx, store.Link{TenantID: t.ID, Kind: store.LinkCreditNote, ShopID: linkKey, LedgerID: p.ID}); err != nil {
		return nil, classify("store credit link", err)
	}
	audit.Outcome, audit.LedgerID = outcome, p.ID
	_ = a.Store.Audit(ctx, audit)
	return p, nil
}

// RefundLines turns a credit slip into credit-note lines using the
// document's VAT mapping for each rate (refunds credit at the rate sold).
func RefundLines(doc *ledgerdoc.Document, r domain.Refund) ([]ledgerdoc.Line, error) {
	mapping := map[domain.VATRate]ledgerdoc.Line{}
	for _, l := range doc.Lines {
		if l.Kind != ledgerdoc.LineRounding {
			if _, ok := mapping[l.Rate]; !ok {
				mapping[l.Rate] = l
			}
		}
	}
	var out []ledgerdoc.Line
	for _, rl := range r.Lines {
		m, ok := mapping[rl.TaxRate]
		if !ok {
			return nil, fmt.Errorf("refund line %s has VAT rate %s that the invoice does not use", rl.SKU, rl.TaxRate)
		}
		qty := max(rl.Quantity, 1)
		unit := rl.TaxExcl / money.Ore(qty)
		out = append(out, ledgerdoc.Line{Kind: ledgerdoc.LineProduct, SKU: rl.SKU, Description: "Retur " + rl.SKU, Quantity: qty,
			UnitNet: unit, Net: unit * money.Ore(qty), Rate: rl.TaxRate, VATType: m.VATType, Account: m.Account})
	}
	if r.ShippingTaxExcl != 0 {
		for _, l := range doc.Lines {
			if l.Kind == ledgerdoc.LineShipping {
				out = append(out, ledgerdoc.Line{Kind: ledgerdoc.LineShipping, Description: "Retur frakt", Quantity: 1,
					UnitNet: r.ShippingTaxExcl, Net: r.ShippingTaxExcl, Rate: l.Rate, VATType: l.VATType, Account: l.Account})
				break
			}
		}
	}
	for i := range out {
		out[i].VAT = ledgerdoc.LineVAT(out[i].Net, out[i].Rate)
		out[i].Gross = out[i].Net + out[i].VAT
	}
	return out, nil
}

// PostPaymentInput is a payment to post against a posted invoice.
type PostPaymentInput struct {
	OrderRef
	Posted  ledger.Posted
	Payment ledgerdoc.Payment
}

// PostPayment posts the shop's payment against the invoice once: a stored
// link means it is done; the ledger adapter adopts an equal payment that
// an earlier attempt made.
func (a *Orders) PostPayment(ctx context.Context, in PostPaymentInput) error {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return err
	}
	if _, err := a.Store.LinkByShopID(ctx, t.ID, store.LinkPayment, in.ShopOrderID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return classify("read payment link", err)
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return configError("ledger client", err)
	}
	ref := ledgerdoc.Reference(t.ID, in.ShopOrderID) + "-payment"
	audit := store.AuditEntry{TenantID: t.ID, WorkflowID: in.WorkflowID, Ledger: lg.Kind(), Operation: "post_payment", Reference: ref, LedgerID: in.Posted.ID}
	if err := lg.PostPayment(ctx, in.Posted, in.Payment); err != nil {
		audit.Outcome = "failed"
		audit.Detail, _ = json.Marshal(map[string]string{"error": err.Error()})
		_ = a.Store.Audit(ctx, audit)
		return classify("post payment", err)
	}
	if err := a.Store.PutLink(ctx, store.Link{TenantID: t.ID, Kind: store.LinkPayment, ShopID: in.ShopOrderID, LedgerID: in.Posted.ID}); err != nil {
		return classify("store payment link", err)
	}
	audit.Outcome = "created"
	audit.Detail, _ = json.Marshal(map[string]any{"amount": in.Payment.Amount, "fee": in.Payment.Fee, "account": in.Payment.Account})
	_ = a.Store.Audit(ctx, audit)
	return nil
}

// CheckDocumentInput names a posted document to look at.
type CheckDocumentInput struct {
	OrderRef
	Reference string
	Kind      ledgerdoc.Kind
}

// CheckDocument reads the document's state from the ledger (the
// settlement backstop for an order whose watcher signal went missing).
func (a *Orders) CheckDocument(ctx context.Context, in CheckDocumentInput) (*ledger.Posted, error) {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	lg, err := a.Connectors.Ledger(ctx, t)
	if err != nil {
		return nil, configError("ledger client", err)
	}
	p, err := lg.FindDocument(ctx, in.Reference, in.Kind)
	if err != nil {
		return nil, classify("check document", err)
	}
	return p, nil
}

// NotifyCustomerInput is a message for the customer on the shop order.
type NotifyCustomerInput struct {
	OrderRef
	Text string
}

// NotifyCustomer writes the message to the shop order once (the shop
// adapter skips a message with the same text).
func (a *Orders) NotifyCustomer(ctx context.Context, in NotifyCustomerInput) error {
	defer keepAlive(ctx)()
	t, err := a.tenant(ctx, in.TenantID)
	if err != nil {
		return err
	}
	sh, err := a.Connectors.Shop(ctx, t)
	if err != nil {
		return configError("shop client", err)
	}
	return classify("notify customer", sh.NotifyCustomer(ctx, in.ShopOrderID, in.Text))
}
