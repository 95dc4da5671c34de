package fiken

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/bokfor/bokfor/internal/apierr"
)

// InvoiceFilter selects invoices. Settled false means "not fully
// settled". Date filters are date-only.
type InvoiceFilter struct {
	OrderReference   string
	InvoiceNumber    string
	InvoiceDraftUUID string
	CustomerID       int64
	Settled          *bool
	IssueDate        DateFilter
	LastModified     DateFilter
	DueDate          DateFilter
}

func (f InvoiceFilter) query() url.Values {
	q := url.Values{}
	setStr(q, "orderReference", f.OrderReference)
	setStr(q, "invoiceNumber", f.InvoiceNumber)
	setStr(q, "invoiceDraftUuid", f.InvoiceDraftUUID)
	setInt(q, "customerId", f.CustomerID)
	setBool(q, "settled", f.Settled)
	f.IssueDate.apply(q, "issueDate")
	f.LastModified.apply(q, "lastModified")
	f.DueDate.apply(q, "dueDate")
	return q
}

// ListInvoices returns every invoice matching f, page by page.
func (c *Client) ListInvoices(ctx context.Context, f InvoiceFilter) ([]Invoice, error) {
	return listAll[Invoice](ctx, c, "GET /invoices", c.company("/invoices"), f.query())
}

// InvoicesPage returns one page of invoices matching f; pageSize 1 with
// ResultCount is a cheap count.
func (c *Client) InvoicesPage(ctx context.Context, f InvoiceFilter, page, pageSize int) (Page[Invoice], error) {
	return getPage[Invoice](ctx, c, "GET /invoices", c.company("/invoices"), f.query(), page, pageSize)
}

// GetInvoice returns one invoice, with its sale (settlement state).
func (c *Client) GetInvoice(ctx context.Context, id int64) (Invoice, error) {
	var inv Invoice
	err := c.get(ctx, "GET /invoices/{id}", c.company("/invoices/"+strconv.FormatInt(id, 10)), nil, &inv)
	return inv, err
}

// CreateInvoice creates and books an invoice and returns its id. It is
// not idempotent: use CreateInvoiceOnce unless you resolve ambiguity
// yourself.
func (c *Client) CreateInvoice(ctx context.Context, req InvoiceRequest) (int64, error) {
	return c.create(ctx, "POST /invoices", c.company("/invoices"), req)
}

// UpdateInvoice changes an invoice's due date or sentManually flag, the
// only changes Fiken allows after issue.
func (c *Client) UpdateInvoice(ctx context.Context, id int64, req UpdateInvoiceRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPatch, op: "PATCH /invoices/{id}",
		path: c.company("/invoices/" + strconv.FormatInt(id, 10)), body: req}, nil)
	return err
}

// SendInvoice sends an invoice by the given methods. Sending twice sends
// twice; callers record that it was sent.
func (c *Client) SendInvoice(ctx context.Context, req SendInvoiceRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPost, op: "POST /invoices/send",
		path: c.company("/invoices/send"), body: req}, nil)
	return err
}

// GetInvoiceCounter returns the invoice number series; KindNotFound when
// the company has none yet.
func (c *Client) GetInvoiceCounter(ctx context.Context) (Counter, error) {
	var ct Counter
	err := c.get(ctx, "GET /invoices/counter", c.company("/invoices/counter"), nil, &ct)
	return ct, err
}

// CreateInvoiceCounter creates the invoice number series at base (the
// first invoice gets base+1); base 0 means Fiken's default 10000.
func (c *Client) CreateInvoiceCounter(ctx context.Context, base int32) error {
	return c.createCounter(ctx, "POST /invoices/counter", c.company("/invoices/counter"), base)
}

// EnsureInvoiceCounter creates the invoice number series when it is
// missing, so that the first invoice does not fail.
func (c *Client) EnsureInvoiceCounter(ctx context.Context, base int32) (Counter, error) {
	return c.ensureCounter(ctx, c.GetInvoiceCounter, func(ctx context.Context) error { return c.CreateInvoiceCounter(ctx, base) })
}

func (c *Client) createCounter(ctx context.Context, op, path string, base int32) error {
	req := request{method: http.MethodPost, op: op, path: path}
	if base > 0 {
		req.body = Counter{Value: base}
	}
	_, err := c.do(ctx, req, nil)
	return err
}

func (c *Client) ensureCounter(ctx context.Context, get func(context.Context) (Counter, error), create func(context.Context) error) (Counter, error) {
	ct, err := get(ctx)
	if err == nil || !apierr.Is(err, apierr.KindNotFound) {
		return ct, err
	}
	if err := create(ctx); err != nil && !apierr.Is(err, apierr.KindConflict) && !apierr.Is(err, apierr.KindAmbiguous) {
		return Counter{}, err
	}
	// Read back: also resolves an ambiguous or conflicting create.
	return get(ctx)
}
