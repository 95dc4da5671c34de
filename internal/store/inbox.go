package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// InboxEvent is one raw webhook delivery as received.
type InboxEvent struct {
	ID          int64
	TenantID    string
	Source      string
	DeliveryKey string
	Topic       string
	ResourceID  string
	Headers     map[string]string
	Body        []byte
	ReceivedAt  time.Time
	DeliveredAt *time.Time
	Attempts    int
	LastError   string
}

// PutInbox stores an event unless one with the same delivery key exists.
// It returns the event's id and whether it was new; a duplicate returns
// the original's id and false.
func (s *Store) PutInbox(ctx context.Context, e InboxEvent) (int64, bool, error) {
	headers, err := json.Marshal(e.Headers)
	if err != nil {
		return 0, false, err
	}
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO inbox (tenant_id, source, delivery_key, topic, resource_id, headers, body)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (tenant_id, source, delivery_key) DO NOTHING RETURNING id`,
		e.TenantID, e.Source, e.DeliveryKey, e.Topic, e.ResourceID, headers, e.Body).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.pool.QueryRow(ctx, `SELECT id FROM inbox WHERE tenant_id=$1 AND source=$2 AND delivery_key=$3`,
			e.TenantID, e.Source, e.DeliveryKey).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("store: inbox duplicate lookup: %w", err)
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: put inbox: %w", err)
	}
	return id, true, nil
}

// MarkDelivered records that an event reached its workflow.
func (s *Store) MarkDelivered(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE inbox SET delivered_at=now(), attempts=attempts+1, last_error=NULL WHERE id=$1`, id)
	if err != nil {
		return fmt.Errorf("store: mark delivered %d: %w", id, err)
	}
	return nil
}

// MarkFailed records a failed delivery attempt.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE inbox SET attempts=attempts+1, last_error=$2 WHERE id=$1`, id, reason)
	if err != nil {
		return fmt.Errorf("store: mark failed %d: %w", id, err)
	}
	return nil
}

// Undelivered returns up to limit undelivered events in arrival order.
func (s *Store) Undelivered(ctx context.Context, limit int) ([]InboxEvent, error) {
	return s.inboxQuery(ctx, `WHERE delivered_at IS NULL ORDER BY id LIMIT $1`, limit)
}

// InboxList returns the newest events of a tenant (all tenants when empty).
func (s *Store) InboxList(ctx context.Context, tenantID string, limit int) ([]InboxEvent, error) {
	return s.inboxQuery(ctx, `WHERE ($2='' OR tenant_id=$2) ORDER BY id DESC LIMIT $1`, limit, tenantID)
}

// InboxEventByID returns one event, or ErrNotFound.
func (s *Store) InboxEventByID(ctx context.Context, id int64) (*InboxEvent, error) {
	es, err := s.inboxQuery(ctx, `WHERE id=$1`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, ErrNotFound
	}
	return &es[0], nil
}

func (s *Store) inboxQuery(ctx context.Context, where string, args ...any) ([]InboxEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, tenant_id, source, delivery_key, topic, resource_id, headers, body, received_at, delivered_at, attempts, coalesce(last_error,'')
		FROM inbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: inbox: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (InboxEvent, error) {
		var e InboxEvent
		var h []byte
		err := r.Scan(&e.ID, &e.TenantID, &e.Source, &e.DeliveryKey, &e.Topic, &e.ResourceID, &h, &e.Body, &e.ReceivedAt, &e.DeliveredAt, &e.Attempts, &e.LastError)
		if err == nil {
			err = json.Unmarshal(h, &e.Headers)
		}
		return e, err
	})
}

// LastWebhookAt returns when the tenant's newest webhook arrived, or the
// zero time when none ever did.
func (s *Store) LastWebhookAt(ctx context.Context, tenantID string) (time.Time, error) {
	var at *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT max(received_at) FROM inbox WHERE tenant_id=$1`, tenantID).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("store: last webhook of %s: %w", tenantID, err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return *at, nil
}
