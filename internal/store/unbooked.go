package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// UnbookedOrders returns the shop order ids of a tenant's orders that have
// no ledger document yet and are not cancelled or skipped: their units
// have left the shop's stock but not yet the ledger's.
func (s *Store) UnbookedOrders(ctx context.Context, tenantID string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT shop_order_id FROM orders
		WHERE tenant_id=$1 AND ledger_doc_id IS NULL AND state NOT IN ('cancelled','skipped')
		ORDER BY shop_order_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unbooked orders %s: %w", tenantID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("store: unbooked orders %s: %w", tenantID, err)
	}
	return ids, nil
}
