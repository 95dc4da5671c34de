// Package store keeps what must outlive Temporal's retention in PostgreSQL:
// tenants with their settings and encrypted secrets, links between shop and
// ledger ids with the last synced snapshot, the per-order uniqueness record,
// the webhook inbox, sync watermarks and the audit trail of ledger writes.
//
// The schema is versioned by embedded SQL migrations (Migrate); processes
// check the version at start (CheckSchema) and refuse to run on a database
// that is behind or ahead of the binary.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bokfor/bokfor/internal/secrets"
)

// DefaultMaxConns is the pool size unless DATABASE_URL sets pool_max_conns.
const DefaultMaxConns = 20

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExists is returned when creating a row whose key is taken.
var ErrExists = errors.New("store: already exists")

// Store is the PostgreSQL-backed persistence of bokfor. It is safe for
// concurrent use.
type Store struct {
	pool *pgxpool.Pool
	box  *secrets.Box
	// leaseForTest, when set, replaces LockLease (tests of expiry).
	leaseForTest time.Duration
}

// New wraps a pool. box seals and opens tenant secrets; it may be nil for
// processes that never read secrets (then secret access returns an error).
func New(pool *pgxpool.Pool, box *secrets.Box) *Store {
	return &Store{pool: pool, box: box}
}

// Pool returns the underlying connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Open connects a pool to databaseURL and pings it.
func Open(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if !strings.Contains(databaseURL, "pool_max_conns") {
		// Rate limiters and find-or-create locks hold a connection each
		// while they work; pgx's default (max(4, CPUs)) is too small.
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", Redact(databaseURL), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s is not reachable: %w", Redact(databaseURL), err)
	}
	return pool, nil
}

// CreateDatabase creates the database named in databaseURL if it does not
// exist, connecting to the server's "postgres" database to do so.
func CreateDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	name := u.Path
	if len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	if name == "" {
		return errors.New("DATABASE_URL names no database")
	}
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("database server %s is not reachable: %w", Redact(u.String()), err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// Redact returns the URL with any password replaced by "xxxxx".
func Redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
