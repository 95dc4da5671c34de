package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bokfor/bokfor/internal/tenant"
)

// TenantRow is a tenant as stored, with its timestamps.
type TenantRow struct {
	tenant.Tenant
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (s *Store) seal(t *tenant.Tenant) ([]byte, error) {
	if s.box == nil {
		return nil, errors.New("store: no secret key configured (BOKFOR_SECRET_KEY or BOKFOR_SECRET_KEY_FILE)")
	}
	plain, err := json.Marshal(t.Secrets)
	if err != nil {
		return nil, err
	}
	return s.box.Seal(plain, []byte(t.ID)), nil
}

// CreateTenant stores a new tenant; ErrExists if the id is taken.
func (s *Store) CreateTenant(ctx context.Context, t *tenant.Tenant) error {
	if err := t.Validate(); err != nil {
		return err
	}
	sealed, err := s.seal(t)
	if err != nil {
		return err
	}
	settings, err := json.Marshal(t.Settings)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO tenants (id, name, disabled, settings, secrets, key_id) VALUES ($1,$2,$3,$4,$5,$6)`,
		t.ID, t.Name, t.Disabled, settings, sealed, s.box.KeyID())
	if isUniqueViolation(err) {
		return fmt.Errorf("tenant %q: %w", t.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: create tenant %q: %w", t.ID, err)
	}
	return nil
}

// UpdateTenant replaces a tenant's name, settings and state. Secrets given
// in t.Secrets are merged over the stored ones (a key with an empty value
// removes it), so an update need not repeat every credential.
func (s *Store) UpdateTenant(ctx context.Context, t *tenant.Tenant) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := s.getTenant(ctx, tx, t.ID, true)
		if err != nil {
			return err
		}
		merged := *t
		merged.Secrets = cur.Secrets
		if merged.Secrets == nil {
			merged.Secrets = map[string]string{}
		}
		for k, v := range t.Secrets {
			if v == "" {
				delete(merged.Secrets, k)
			} else {
				merged.Secrets[k] = v
			}
		}
		sealed, err := s.seal(&merged)
		if err != nil {
			return err
		}
		settings, err := json.Marshal(t.Settings)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tenants SET name=$2, disabled=$3, settings=$4, secrets=$5, key_id=$6, updated_at=now() WHERE id=$1`,
			t.ID, t.Name, t.Disabled, settings, sealed, s.box.KeyID())
		return err
	})
}

// Tenant loads one tenant with its secrets decrypted.
func (s *Store) Tenant(ctx context.Context, id string) (*TenantRow, error) {
	return s.getTenant(ctx, s.pool, id, true)
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) getTenant(ctx context.Context, q querier, id string, withSecrets bool) (*TenantRow, error) {
	var (
		r        TenantRow
		settings []byte
		sealed   []byte
	)
	err := q.QueryRow(ctx, `SELECT id, name, disabled, settings, secrets, created_at, updated_at FROM tenants WHERE id=$1`, id).
		Scan(&r.ID, &r.Name, &r.Disabled, &settings, &sealed, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("tenant %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: tenant %q: %w", id, err)
	}
	if err := json.Unmarshal(settings, &r.Settings); err != nil {
		return nil, fmt.Errorf("store: tenant %q settings: %w", id, err)
	}
	if withSecrets {
		if s.box == nil {
			return nil, errors.New("store: no secret key configured (BOKFOR_SECRET_KEY or BOKFOR_SECRET_KEY_FILE)")
		}
		plain, err := s.box.Open(sealed, []byte(r.ID))
		if err != nil {
			return nil, fmt.Errorf("tenant %q secrets: %w", id, err)
		}
		if err := json.Unmarshal(plain, &r.Secrets); err != nil {
			return nil, fmt.Errorf("tenant %q secrets: %w", id, err)
		}
	}
	return &r, nil
}

// Tenants lists every tenant ordered by id, without secrets.
func (s *Store) Tenants(ctx context.Context) ([]TenantRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, disabled, settings, created_at, updated_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: tenants: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (TenantRow, error) {
		var r TenantRow
		var settings []byte
		if err := row.Scan(&r.ID, &r.Name, &r.Disabled, &settings, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return r, err
		}
		return r, json.Unmarshal(settings, &r.Settings)
	})
}

// DeleteTenant removes a tenant and its links, orders and watermarks.
// Inbox and audit rows are kept as history.
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM tenants WHERE id=$1`, id)
	if err != nil {
		return fmt.Errorf("store: delete tenant %q: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("tenant %q: %w", id, ErrNotFound)
	}
	return nil
}

// ResealTenants re-encrypts with the current secret key every tenant's
// secrets that an earlier key sealed (one opened with a previous key of
// the box), and returns how many it resealed. Run after a key rotation;
// once it returns, the tenants no longer need the previous key.
func (s *Store) ResealTenants(ctx context.Context) (int, error) {
	if s.box == nil {
		return 0, errors.New("store: no secret key configured (BOKFOR_SECRET_KEY or BOKFOR_SECRET_KEY_FILE)")
	}
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, secrets FROM tenants WHERE key_id IS DISTINCT FROM $1 ORDER BY id FOR UPDATE`, s.box.KeyID())
		if err != nil {
			return err
		}
		type row struct {
			id     string
			sealed []byte
		}
		stale, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.sealed)
		})
		if err != nil {
			return err
		}
		for _, r := range stale {
			plain, err := s.box.Open(r.sealed, []byte(r.id))
			if err != nil {
				return fmt.Errorf("tenant %q secrets: %w (is its key in BOKFOR_SECRET_KEY_PREVIOUS?)", r.id, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE tenants SET secrets=$2, key_id=$3, updated_at=now() WHERE id=$1`,
				r.id, s.box.Seal(plain, []byte(r.id)), s.box.KeyID()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: reseal tenants: %w", err)
	}
	return n, nil
}
