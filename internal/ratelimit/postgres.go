package ratelimit

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema is the DDL of the table the Postgres limiter keeps its pacing in:
// next_at is the key's next allowed start, last_request_at the start
// booked last, deferred_until the end of the latest Defer, recent the ends
// of the last requests of a key with a rolling window (see windowFor). It
// is idempotent (it also adds the newer columns to a table made by an
// older version) and may be copied into the store's migrations.
const Schema = `CREATE TABLE IF NOT EXISTS rate_slots (
	key             text PRIMARY KEY,
	next_at         timestamptz NOT NULL DEFAULT now(),
	last_request_at timestamptz,
	requests        bigint NOT NULL DEFAULT 0,
	deferred_until  timestamptz,
	recent          timestamptz[]
);
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS deferred_until timestamptz;
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS recent timestamptz[]`

// setupLockID serialises concurrent Setup calls: CREATE TABLE IF NOT
// EXISTS is not safe against itself in PostgreSQL.
const setupLockID = 0x626f6b666f72 // "bokfor"

// Setup creates the limiter's table if it is missing. It is safe to call
// concurrently from several processes.
func Setup(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(setupLockID)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, Schema)
		return err
	})
	if err != nil {
		return fmt.Errorf("ratelimit: create rate_slots: %w", err)
	}
	return nil
}

// Postgres is a Limiter shared by every process that uses the same
// database. See the package doc for the protocol.
type Postgres struct {
	pool     *pgxpool.Pool
	interval time.Duration
	// prefixed are per-API intervals by key prefix (e.g. "poweroffice/").
	prefixed []prefixInterval
	local    *Local
	setupMu  sync.Mutex
	setUp    bool
}

// NewPostgres returns a limiter on pool spacing request starts at least
// interval apart per key (DefaultInterval when interval <= 0). The table is
// created on first use if missing.
func NewPostgres(pool *pgxpool.Pool, interval time.Duration) *Postgres {
	if interval <= 0 {
		interval = DefaultInterval
	}
	// The local layer only serialises; pacing lives in the database.
	return &Postgres{pool: pool, interval: interval, local: NewLocal(time.Nanosecond)}
}

type prefixInterval struct {
	prefix   string
	interval time.Duration
}

// WithInterval spaces keys that start with prefix by interval instead of
// the default — one limiter for APIs with different limits (Fiken about 4
// per second per credential, PowerOffice Go 10 per second per
// subscription key). Call it before the limiter is used.
func (p *Postgres) WithInterval(prefix string, interval time.Duration) *Postgres {
	p.prefixed = append(p.prefixed, prefixInterval{prefix, interval})
	return p
}

func (p *Postgres) intervalFor(key string) time.Duration {
	for _, pi := range p.prefixed {
		if strings.HasPrefix(key, pi.prefix) {
			return pi.interval
		}
	}
	return p.interval
}

// LockID returns the advisory-lock id used for key.
func LockID(key string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("bokfor.ratelimit:" + key))
	return int64(h.Sum64())
}

// setup runs Setup once per limiter; a failure is retried on next use.
func (p *Postgres) setup(ctx context.Context) error {
	p.setupMu.Lock()
	defer p.setupMu.Unlock()
	if p.setUp {
		return nil
	}
	if err := Setup(ctx, p.pool); err != nil {
		return err
	}
	p.setUp = true
	return nil
}

// Acquire takes the key's advisory lock on a dedicated connection, waits
// until the key's next allowed start and records this start.
func (p *Postgres) Acquire(ctx context.Context, key string) (func(), error) {
	if err := p.setup(ctx); err != nil {
		return nil, err
	}
	localRelease, err := p.local.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		localRelease()
		return nil, fmt.Errorf("ratelimit: acquire connection: %w", err)
	}
	id := LockID(key)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", id); err != nil {
		// A cancelled wait may leave the session in doubt: drop it so
		// that any lock it might hold is released with it.
		_ = conn.Conn().Close(context.Background())
		conn.Release()
		localRelease()
		return nil, fmt.Errorf("ratelimit: advisory lock: %w", err)
	}
	winN, _ := windowFor(key)
	release := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if winN > 0 {
			// The request is over: its entry in recent becomes its end, a
			// time after the API saw it arrive.
			if _, err := conn.Exec(ctx, `
				UPDATE rate_slots SET recent = recent[1:cardinality(recent)-1] || GREATEST(recent[cardinality(recent)], statement_timestamp())
				WHERE key = $1 AND cardinality(recent) > 0`, key); err != nil {
				// Unrecorded, the entry keeps the start time: the window
				// is then measured from the start, as by a crashed holder.
				_ = conn.Conn().Close(ctx)
			}
		}
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", id); err != nil {
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
		localRelease()
	}
	if err := p.pace(ctx, conn.Conn(), key); err != nil {
		release()
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(release) }, nil
}

// pace books the key's next slot, waits for it and makes sure the next
// holder starts at least the interval less the slack after this start.
// The caller holds the advisory lock, so no other process books slots of
// the key meanwhile (Defer may still move next_at and deferred_until).
//
// Slots are booked from the previous slot, not from the time the holder
// wakes: next_at = max(next_at, now) + interval. The time a waiter
// overshoots its slot (timer, scheduling, the database round trip) is
// therefore not added to every interval, and a backlog runs at the
// configured rate. Only an overshoot beyond the slack (see slackFor) moves
// the next slot: after the wait next_at becomes at least now + interval -
// slack, so two starts are never closer than interval - slack (less one
// round trip to the database) whatever the delays.
//
// A key with a rolling window of n requests per w (Fiken: 4 per second)
// also waits until w after the end of the request n back. The API saw
// that request arrive before it answered, and sees this one after its
// start, so no window of w at the API ever holds more than n arrivals,
// whatever the delays on the way (client, network) — the interval alone
// cannot promise that.
func (p *Postgres) pace(ctx context.Context, conn *pgx.Conn, key string) error {
	interval := p.intervalFor(key)
	ivMS := float64(interval) / float64(time.Millisecond)
	minGapMS := float64(interval-slackFor(interval)) / float64(time.Millisecond)
	winN, win := windowFor(key)
	winMS := float64(win) / float64(time.Millisecond)
	for {
		// statement_timestamp() is one instant for the whole statement and
		// not later than its execution, so the wait errs on the long side.
		// The slot: the key's next_at, now, and with a window of n
		// requests per w the end of the request n back plus w. recent
		// gets the slot (its end replaces it on release) and keeps n.
		const slot = `GREATEST(s.next_at, statement_timestamp(),
			CASE WHEN $3::int > 0 AND cardinality(s.recent) >= $3::int
				THEN s.recent[cardinality(s.recent) - $3::int + 1] + make_interval(secs => $4::float8 / 1000) END)`
		var waitMS float64
		err := conn.QueryRow(ctx, `
			INSERT INTO rate_slots AS s (key, next_at, last_request_at, requests, recent)
			VALUES ($1, statement_timestamp() + make_interval(secs => $2::float8 / 1000), statement_timestamp(), 1,
				CASE WHEN $3::int > 0 THEN ARRAY[statement_timestamp()] END)
			ON CONFLICT (key) DO UPDATE SET
				last_request_at = `+slot+`,
				next_at = `+slot+` + make_interval(secs => $2::float8 / 1000),
				requests = s.requests + 1,
				recent = CASE WHEN $3::int > 0 THEN
					(COALESCE(s.recent, '{}') || `+slot+`)[GREATEST(COALESCE(cardinality(s.recent), 0) + 2 - $3::int, 1):]
				END
			RETURNING EXTRACT(EPOCH FROM last_request_at - statement_timestamp())::float8 * 1000`, key, ivMS, winN, winMS).Scan(&waitMS)
		if err != nil {
			return fmt.Errorf("ratelimit: book slot: %w", err)
		}
		if waitMS <= 0 {
			// Booked at the statement's own time: nothing to correct.
			return nil
		}
		if err := sleepCtx(ctx, time.Duration(waitMS*float64(time.Millisecond))); err != nil {
			// The booked slot stays unused; the next holder only waits
			// the interval after it.
			return err
		}
		// Honour an overshoot beyond the slack and a Defer that came in
		// while this holder slept (a 429 answered to the previous holder).
		var deferMS float64
		err = conn.QueryRow(ctx, `
			UPDATE rate_slots SET next_at = GREATEST(next_at, statement_timestamp() + make_interval(secs => $2::float8 / 1000))
			WHERE key = $1
			RETURNING COALESCE(EXTRACT(EPOCH FROM deferred_until - statement_timestamp())::float8 * 1000, 0)`, key, minGapMS).Scan(&deferMS)
		if err != nil {
			return fmt.Errorf("ratelimit: confirm slot: %w", err)
		}
		if deferMS <= 0 {
			return nil
		}
		// Deferred: book again; Defer pushed next_at past deferred_until.
	}
}

// Defer pushes key's next allowed start to at least now+d for all
// processes, including a holder already waiting for its slot.
func (p *Postgres) Defer(ctx context.Context, key string, d time.Duration) error {
	if err := p.setup(ctx); err != nil {
		return err
	}
	_, err := p.pool.Exec(ctx, `
		INSERT INTO rate_slots AS s (key, next_at, deferred_until)
		VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000), clock_timestamp() + make_interval(secs => $2::float8 / 1000))
		ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(s.next_at, EXCLUDED.next_at),
			deferred_until = GREATEST(s.deferred_until, EXCLUDED.deferred_until)`, key, float64(d)/float64(time.Millisecond))
	if err != nil {
		return fmt.Errorf("ratelimit: defer: %w", err)
	}
	return nil
}
