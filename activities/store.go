// Package activities turns shop, ledger and store calls into Temporal
// activities with typed, classified errors. Activities are small — one
// external call each — and idempotent: a retried activity finds what an
// earlier attempt did before it writes again.
package activities

import (
	"context"

	"github.com/bokfor/bokfor/internal/store"
)

// Store holds the read-model and audit writes that workflows run as local
// activities: fast, local and idempotent.
type Store struct {
	Store *store.Store
}

// OrderRecordInput is the order workflow's state to persist.
type OrderRecordInput struct {
	TenantID    string
	ShopOrderID string
	WorkflowID  string
	State       string
	LedgerDocID string
	LedgerDocNo string
	Reason      string
}

// RecordOrder upserts the order's uniqueness record and state.
func (a *Store) RecordOrder(ctx context.Context, in OrderRecordInput) error {
	return a.Store.PutOrder(ctx, store.OrderRecord{
		TenantID: in.TenantID, ShopOrderID: in.ShopOrderID, WorkflowID: in.WorkflowID, State: in.State,
		LedgerDocID: in.LedgerDocID, LedgerDocNo: in.LedgerDocNo, Reason: in.Reason,
	})
}
