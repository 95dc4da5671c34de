package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the advisory lock that serialises concurrent migrators.
const migrationLockID = 0x626f6b666f72 // "bokfor"

// Migration is one versioned schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql; versions must be contiguous from 1.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration file %q is not NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration versions must be contiguous from 1, found %d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version this binary expects.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// ErrNotMigrated means the database schema is older than this binary.
var ErrNotMigrated = errors.New("database schema is not migrated")

// ErrSchemaTooNew means the database was migrated by a newer bokfor.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// SchemaError reports a schema version mismatch with both versions.
type SchemaError struct {
	Err      error
	Have     int
	Want     int
	Database string
}

// Error explains the mismatch and what to do.
func (e *SchemaError) Error() string {
	if errors.Is(e.Err, ErrSchemaTooNew) {
		return fmt.Sprintf("%v: database %s is at schema version %d, this binary knows up to %d; upgrade bokfor", e.Err, e.Database, e.Have, e.Want)
	}
	return fmt.Sprintf("%v: database %s is at schema version %d, this binary needs %d; run `bokfor migrate`", e.Err, e.Database, e.Have, e.Want)
}

// Unwrap returns ErrNotMigrated or ErrSchemaTooNew.
func (e *SchemaError) Unwrap() error { return e.Err }

const createVersionTable = `CREATE TABLE IF NOT EXISTS bokfor_schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies every embedded migration the database lacks, each in its
// own transaction, under an advisory lock so that concurrent migrators do
// not collide. It is idempotent and returns the versions it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return nil, fmt.Errorf("store: migrate lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID) }()
	if _, err := conn.Exec(ctx, createVersionTable); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	have, err := currentVersion(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	if have > len(ms) {
		return nil, &SchemaError{Err: ErrSchemaTooNew, Have: have, Want: len(ms), Database: pool.Config().ConnConfig.Database}
	}
	var applied []int
	for _, m := range ms[have:] {
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO bokfor_schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// CheckSchema returns a *SchemaError unless the database is at exactly the
// version this binary expects. Worker and starter call it at start.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer conn.Release()
	have, err := currentVersion(ctx, conn.Conn())
	if err != nil {
		return err
	}
	want := LatestVersion()
	db := pool.Config().ConnConfig.Database
	switch {
	case have < want:
		return &SchemaError{Err: ErrNotMigrated, Have: have, Want: want, Database: db}
	case have > want:
		return &SchemaError{Err: ErrSchemaTooNew, Have: have, Want: want, Database: db}
	}
	return nil
}

func currentVersion(ctx context.Context, conn *pgx.Conn) (int, error) {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('bokfor_schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM bokfor_schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}
