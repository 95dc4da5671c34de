package store

import (
	"context"
	"fmt"
	"time"
)

// DefaultEchoTTL is how long an expected echo is recognised when
// ExpectEcho is given no positive ttl.
const DefaultEchoTTL = 15 * time.Minute

// ExpectEcho records that bokfor is about to move shop order shopOrderID of
// a tenant into order state stateID (the shop's numeric id, as a string),
// so that the webhook the shop emits for that change — an OrderHistory
// "add" and the Order "update" it causes — is recognised as bokfor's own
// echo and dropped at the edge instead of signalling the order workflow.
//
// Call it BEFORE the write: ps_webhooks delivers synchronously, inside the
// shop's request, so the echo can arrive before the write returns.
// Recording the same expectation again extends it. Expired expectations of
// the tenant are purged on the way.
func (s *Store) ExpectEcho(ctx context.Context, tenantID, shopOrderID, stateID string, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = DefaultEchoTTL
	}
	_, err := s.pool.Exec(ctx, `WITH purge AS (DELETE FROM expected_echoes WHERE tenant_id=$1 AND expires_at < now())
		INSERT INTO expected_echoes (tenant_id, shop_order_id, state_id, expires_at)
		VALUES ($1,$2,$3, now() + make_interval(secs => $4))
		ON CONFLICT (tenant_id, shop_order_id, state_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
		tenantID, shopOrderID, stateID, ttl.Seconds())
	if err != nil {
		return fmt.Errorf("store: expect echo %s/%s/%s: %w", tenantID, shopOrderID, stateID, err)
	}
	return nil
}

// IsExpectedEcho reports whether moving shopOrderID into stateID is an
// unexpired echo recorded by ExpectEcho. The expectation is not consumed:
// one write causes several events (and each may be delivered twice).
func (s *Store) IsExpectedEcho(ctx context.Context, tenantID, shopOrderID, stateID string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM expected_echoes
		WHERE tenant_id=$1 AND shop_order_id=$2 AND state_id=$3 AND expires_at >= now())`,
		tenantID, shopOrderID, stateID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: expected echo %s/%s/%s: %w", tenantID, shopOrderID, stateID, err)
	}
	return ok, nil
}
