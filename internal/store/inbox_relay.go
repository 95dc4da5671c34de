package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// relayLockID is the advisory lock that lets one relay at a time deliver
// the inbox, whatever the number of starter replicas.
const relayLockID = 0x626f6b666f72_01 // "bokfor" + 1

// HasOlderUndelivered reports whether the tenant has an undelivered event
// that arrived before event id. The edge leaves such an event to the
// relay so that a tenant's events reach Temporal in arrival order.
func (s *Store) HasOlderUndelivered(ctx context.Context, tenantID string, id int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM inbox WHERE tenant_id=$1 AND id < $2 AND delivered_at IS NULL)`,
		tenantID, id).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: older undelivered %s/%d: %w", tenantID, id, err)
	}
	return ok, nil
}

// OldestUndelivered returns when the oldest undelivered event arrived;
// ok is false when every event was delivered.
func (s *Store) OldestUndelivered(ctx context.Context) (at time.Time, ok bool, err error) {
	var t *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT min(received_at) FROM inbox WHERE delivered_at IS NULL`).Scan(&t); err != nil {
		return time.Time{}, false, fmt.Errorf("store: oldest undelivered: %w", err)
	}
	if t == nil {
		return time.Time{}, false, nil
	}
	return *t, true, nil
}

// WithRelayLock runs fn while holding the inbox relay's advisory lock, so
// that only one relay among all processes delivers at a time. It returns
// false without running fn when another relay holds the lock. The lock is
// held by a transaction and released when fn returns or the process dies.
func (s *Store) WithRelayLock(ctx context.Context, fn func(ctx context.Context) error) (bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("store: relay lock: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var got bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(relayLockID)).Scan(&got); err != nil {
		return false, fmt.Errorf("store: relay lock: %w", err)
	}
	if !got {
		return false, nil
	}
	if err := fn(ctx); err != nil {
		return true, err
	}
	if err := tx.Commit(ctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		return true, fmt.Errorf("store: relay lock release: %w", err)
	}
	return true, nil
}
