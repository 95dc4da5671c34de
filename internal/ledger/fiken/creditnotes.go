package fiken

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreditNoteFilter selects credit notes.
type CreditNoteFilter struct {
	CustomerID          int64
	Settled             *bool
	CreditNoteDraftUUID string
	IssueDate           DateFilter
	LastModified        DateFilter
}

func (f CreditNoteFilter) query() url.Values {
	q := url.Values{}
	setInt(q, "customerId", f.CustomerID)
	setBool(q, "settled", f.Settled)
	setStr(q, "creditNoteDraftUuid", f.CreditNoteDraftUUID)
	f.IssueDate.apply(q, "issueDate")
	f.LastModified.apply(q, "lastModified")
	return q
}

// ListCreditNotes returns every credit note matching f.
func (c *Client) ListCreditNotes(ctx context.Context, f CreditNoteFilter) ([]CreditNote, error) {
	return listAll[CreditNote](ctx, c, "GET /creditNotes", c.company("/creditNotes"), f.query())
}

// GetCreditNote returns one credit note.
func (c *Client) GetCreditNote(ctx context.Context, id int64) (CreditNote, error) {
	var cn CreditNote
	err := c.get(ctx, "GET /creditNotes/{id}", c.company("/creditNotes/"+strconv.FormatInt(id, 10)), nil, &cn)
	return cn, err
}

// CreateFullCreditNote credits a whole invoice and returns the credit
// note's id. Not idempotent; see CreateFullCreditNoteOnce.
func (c *Client) CreateFullCreditNote(ctx context.Context, req FullCreditNoteRequest) (int64, error) {
	return c.create(ctx, "POST /creditNotes/full", c.company("/creditNotes/full"), req)
}

// CreatePartialCreditNote credits part of an invoice and returns the
// credit note's id. Not idempotent; see CreatePartialCreditNoteOnce.
func (c *Client) CreatePartialCreditNote(ctx context.Context, req PartialCreditNoteRequest) (int64, error) {
	return c.create(ctx, "POST /creditNotes/partial", c.company("/creditNotes/partial"), req)
}

// SendCreditNote sends a credit note (credit notes are booked, not sent,
// on creation).
func (c *Client) SendCreditNote(ctx context.Context, req SendCreditNoteRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPost, op: "POST /creditNotes/send",
		path: c.company("/creditNotes/send"), body: req}, nil)
	return err
}

// GetCreditNoteCounter returns the credit-note number series.
func (c *Client) GetCreditNoteCounter(ctx context.Context) (Counter, error) {
	var ct Counter
	err := c.get(ctx, "GET /creditNotes/counter", c.company("/creditNotes/counter"), nil, &ct)
	return ct, err
}

// EnsureCreditNoteCounter creates the credit-note number series when it
// is missing.
func (c *Client) EnsureCreditNoteCounter(ctx context.Context, base int32) (Counter, error) {
	return c.ensureCounter(ctx, c.GetCreditNoteCounter, func(ctx context.Context) error {
		return c.createCounter(ctx, "POST /creditNotes/counter", c.company("/creditNotes/counter"), base)
	})
}
