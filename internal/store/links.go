package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Link kinds.
const (
	LinkCustomer   = "customer"
	LinkProduct    = "product"
	LinkInvoice    = "invoice"
	LinkCreditNote = "credit_note"
	LinkSale       = "sale"
	LinkPayment    = "payment"
)

// Link ties a shop object to its ledger counterpart.
type Link struct {
	TenantID string
	Kind     string
	ShopID   string
	LedgerID string
	// Snapshot is the object as last synced, for three-way merges.
	Snapshot json.RawMessage
	SyncedAt time.Time
}

// PutLink inserts or replaces the link for (tenant, kind, shop id).
func (s *Store) PutLink(ctx context.Context, l Link) error {
	var snap any
	if len(l.Snapshot) > 0 {
		snap = []byte(l.Snapshot)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO links (tenant_id, kind, shop_id, ledger_id, snapshot, synced_at)
		VALUES ($1,$2,$3,$4,$5,now())
		ON CONFLICT (tenant_id, kind, shop_id) DO UPDATE SET ledger_id=excluded.ledger_id, snapshot=excluded.snapshot, synced_at=now()`,
		l.TenantID, l.Kind, l.ShopID, l.LedgerID, snap)
	if err != nil {
		return fmt.Errorf("store: put link %s/%s/%s: %w", l.TenantID, l.Kind, l.ShopID, err)
	}
	return nil
}

// The conditions of LinkByShopID and LinkByLedgerID; each has an index of
// its own (links_pkey, links_by_ledger) whose leading columns no other
// index shares (migration 0003).
const (
	linkByShopIDWhere   = `WHERE tenant_id=$1 AND kind=$2 AND shop_id=$3`
	linkByLedgerIDWhere = `WHERE tenant_id=$1 AND kind=$2 AND ledger_id=$3 LIMIT 1`
)

// LinkByShopID returns the link of a shop object, or ErrNotFound.
func (s *Store) LinkByShopID(ctx context.Context, tenantID, kind, shopID string) (*Link, error) {
	return s.oneLink(ctx, linkByShopIDWhere, tenantID, kind, shopID)
}

// LedgerIDsByShopIDs returns the ledger ids of the linked shop objects
// among shopIDs, by shop id, in one query; unlinked ids are absent.
func (s *Store) LedgerIDsByShopIDs(ctx context.Context, tenantID, kind string, shopIDs []string) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT shop_id, ledger_id FROM links WHERE tenant_id=$1 AND kind=$2 AND shop_id = ANY($3)`,
		tenantID, kind, shopIDs)
	if err != nil {
		return nil, fmt.Errorf("store: links: %w", err)
	}
	out := map[string]string{}
	for rows.Next() {
		var shopID, ledgerID string
		if err := rows.Scan(&shopID, &ledgerID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: links: %w", err)
		}
		out[shopID] = ledgerID
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: links: %w", err)
	}
	return out, nil
}

// LinkByLedgerID returns the link of a ledger object, or ErrNotFound.
func (s *Store) LinkByLedgerID(ctx context.Context, tenantID, kind, ledgerID string) (*Link, error) {
	return s.oneLink(ctx, linkByLedgerIDWhere, tenantID, kind, ledgerID)
}

// linkColumns is the select list of a Link.
const linkColumns = `SELECT tenant_id, kind, shop_id, ledger_id, snapshot, synced_at FROM links `

func (s *Store) oneLink(ctx context.Context, where string, args ...any) (*Link, error) {
	var l Link
	var snap []byte
	err := s.pool.QueryRow(ctx, linkColumns+where, args...).
		Scan(&l.TenantID, &l.Kind, &l.ShopID, &l.LedgerID, &snap, &l.SyncedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: link: %w", err)
	}
	l.Snapshot = snap
	return &l, nil
}

// OrderRecord is the per-order uniqueness record that outlives Temporal.
type OrderRecord struct {
	TenantID    string
	ShopOrderID string
	WorkflowID  string
	State       string
	LedgerDocID string
	LedgerDocNo string
	Reason      string
	UpdatedAt   time.Time
}

// PutOrder inserts or updates an order record; empty fields keep their
// stored value, so a later step never erases an earlier step's result.
func (s *Store) PutOrder(ctx context.Context, o OrderRecord) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO orders (tenant_id, shop_order_id, workflow_id, state, ledger_doc_id, ledger_doc_no, reason)
		VALUES ($1,$2,$3,$4,nullif($5,''),nullif($6,''),nullif($7,''))
		ON CONFLICT (tenant_id, shop_order_id) DO UPDATE SET
		  workflow_id=excluded.workflow_id,
		  state=coalesce(nullif(excluded.state,''), orders.state),
		  ledger_doc_id=coalesce(excluded.ledger_doc_id, orders.ledger_doc_id),
		  ledger_doc_no=coalesce(excluded.ledger_doc_no, orders.ledger_doc_no),
		  reason=excluded.reason,
		  updated_at=now()`,
		o.TenantID, o.ShopOrderID, o.WorkflowID, o.State, o.LedgerDocID, o.LedgerDocNo, o.Reason)
	if err != nil {
		return fmt.Errorf("store: put order %s/%s: %w", o.TenantID, o.ShopOrderID, err)
	}
	return nil
}

// Order returns an order record, or ErrNotFound.
func (s *Store) Order(ctx context.Context, tenantID, shopOrderID string) (*OrderRecord, error) {
	var o OrderRecord
	var docID, docNo, reason *string
	err := s.pool.QueryRow(ctx, `SELECT tenant_id, shop_order_id, workflow_id, state, ledger_doc_id, ledger_doc_no, reason, updated_at
		FROM orders WHERE tenant_id=$1 AND shop_order_id=$2`, tenantID, shopOrderID).
		Scan(&o.TenantID, &o.ShopOrderID, &o.WorkflowID, &o.State, &docID, &docNo, &reason, &o.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: order: %w", err)
	}
	o.LedgerDocID, o.LedgerDocNo, o.Reason = deref(docID), deref(docNo), deref(reason)
	return &o, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Watermark returns a named watermark of a tenant, or "" when unset.
func (s *Store) Watermark(ctx context.Context, tenantID, name string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM watermarks WHERE tenant_id=$1 AND name=$2`, tenantID, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: watermark %s/%s: %w", tenantID, name, err)
	}
	return v, nil
}

// SetWatermark stores a named watermark of a tenant.
func (s *Store) SetWatermark(ctx context.Context, tenantID, name, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO watermarks (tenant_id, name, value) VALUES ($1,$2,$3)
		ON CONFLICT (tenant_id, name) DO UPDATE SET value=excluded.value, updated_at=now()`, tenantID, name, value)
	if err != nil {
		return fmt.Errorf("store: set watermark %s/%s: %w", tenantID, name, err)
	}
	return nil
}

// AuditEntry records one write to a ledger.
type AuditEntry struct {
	ID         int64
	At         time.Time
	TenantID   string
	WorkflowID string
	Ledger     string
	Operation  string
	Reference  string
	LedgerID   string
	RequestID  string
	// Outcome is "created", "found" (an earlier attempt had created it),
	// "failed" or "ambiguous".
	Outcome string
	Detail  json.RawMessage
}

// Audit appends an entry to the audit trail.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	var detail any
	if len(e.Detail) > 0 {
		detail = []byte(e.Detail)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit (tenant_id, workflow_id, ledger, operation, reference, ledger_id, request_id, outcome, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		e.TenantID, e.WorkflowID, e.Ledger, e.Operation, e.Reference, e.LedgerID, e.RequestID, e.Outcome, detail)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditTrail returns a tenant's audit entries for a reference (all when
// reference is empty), oldest first.
func (s *Store) AuditTrail(ctx context.Context, tenantID, reference string) ([]AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, tenant_id, workflow_id, ledger, operation, reference, ledger_id, request_id, outcome, detail
		FROM audit WHERE tenant_id=$1 AND ($2='' OR reference=$2) ORDER BY id`, tenantID, reference)
	if err != nil {
		return nil, fmt.Errorf("store: audit trail: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		var d []byte
		err := r.Scan(&e.ID, &e.At, &e.TenantID, &e.WorkflowID, &e.Ledger, &e.Operation, &e.Reference, &e.LedgerID, &e.RequestID, &e.Outcome, &d)
		e.Detail = d
		return e, err
	})
}
