package ratelimit

import (
	"context"
	"crypto/rand"
	"errors"
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
// of the last requests of a key with a rolling window (see windowFor);
// holder, held_until and held_epoch are the request in flight (see
// Postgres.Acquire). It is idempotent (it also adds the newer columns to a
// table made by an older version) and may be copied into the store's
// migrations.
const Schema = `CREATE TABLE IF NOT EXISTS rate_slots (
	key             text PRIMARY KEY,
	next_at         timestamptz NOT NULL DEFAULT now(),
	last_request_at timestamptz,
	requests        bigint NOT NULL DEFAULT 0,
	deferred_until  timestamptz,
	recent          timestamptz[]
);
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS deferred_until timestamptz;
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS recent timestamptz[];
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS holder text;
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS held_until timestamptz;
ALTER TABLE rate_slots ADD COLUMN IF NOT EXISTS held_epoch timestamptz`

// MaxRequest bounds how long one request may hold its key: the ledger
// clients give up after 60 s. A request in flight across a database
// restart keeps its key this long at most (see Postgres.Acquire).
const MaxRequest = 65 * time.Second

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
//
// The advisory lock alone would not keep one request in flight across a
// database restart: the restart ends the holder's session and its lock
// while its request may still be under way (a slow or held response), and
// the next holder would start a second one. So the booked slot also names
// its holder (holder, held_until = slot + MaxRequest) and the server's
// start time (held_epoch), and the release clears them. A holder that
// finds another's entry waits for its release or expiry — but only when
// the server has restarted since that entry was booked: without a restart
// the other session's end means its process died, and the entry is void
// (a crashed worker must not stall its tenants' requests for a minute).
// A release that cannot reach the database retries in the background
// until it can, so a restart stalls a key only for as long as it lasts.
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
	holder := rand.Text()
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
		// On the held session, in this order: the request is over (with a
		// rolling window its entry in recent becomes its end, a time after
		// the API saw it arrive) and its holder entry is cleared, then the
		// advisory lock is released. Not one statement: a data-modifying
		// WITH runs concurrently with its main query, so the unlock could
		// let the next holder book the key before this end is recorded.
		if _, err := conn.Exec(ctx, endRequest, key, holder, winN); err != nil {
			// The session is gone (a database restart) or in doubt: drop
			// it (its advisory lock goes with it), and clear the entry
			// from another connection, retrying until the database is
			// back so that the key does not wait for the entry's expiry.
			_ = conn.Conn().Close(ctx)
			go p.endRequestLater(key, holder, winN)
		} else if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", id); err != nil {
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
		localRelease()
	}
	if err := p.pace(ctx, conn.Conn(), key, holder); err != nil {
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
func (p *Postgres) pace(ctx context.Context, conn *pgx.Conn, key, holder string) error {
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
		// Another holder's entry blocks the booking only if it is live
		// and was booked before the server's latest start (see Acquire).
		var waitMS float64
		err := conn.QueryRow(ctx, `
			INSERT INTO rate_slots AS s (key, next_at, last_request_at, requests, recent, holder, held_until, held_epoch)
			VALUES ($1, statement_timestamp() + make_interval(secs => $2::float8 / 1000), statement_timestamp(), 1,
				CASE WHEN $3::int > 0 THEN ARRAY[statement_timestamp()] END,
				$5, statement_timestamp() + make_interval(secs => $6::float8), pg_postmaster_start_time())
			ON CONFLICT (key) DO UPDATE SET
				last_request_at = `+slot+`,
				next_at = `+slot+` + make_interval(secs => $2::float8 / 1000),
				requests = s.requests + 1,
				recent = CASE WHEN $3::int > 0 THEN
					(COALESCE(s.recent, '{}') || `+slot+`)[GREATEST(COALESCE(cardinality(s.recent), 0) + 2 - $3::int, 1):]
				END,
				holder = $5,
				held_until = `+slot+` + make_interval(secs => $6::float8),
				held_epoch = pg_postmaster_start_time()
			WHERE s.holder IS NULL OR s.holder = $5 OR s.held_until <= statement_timestamp()
				OR s.held_epoch IS NOT DISTINCT FROM pg_postmaster_start_time()
			RETURNING EXTRACT(EPOCH FROM last_request_at - statement_timestamp())::float8 * 1000`,
			key, ivMS, winN, winMS, holder, MaxRequest.Seconds()).Scan(&waitMS)
		if errors.Is(err, pgx.ErrNoRows) {
			// A request from before the restart may still be in flight.
			if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
				return err
			}
			continue
		}
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

// endRequest is the statement that ends a holder's request ($1 key, $2
// holder, $3 the key's window size): its entry in recent becomes its end,
// and its holder entry is cleared. It changes nothing once another holder
// has booked the key.
const endRequest = `UPDATE rate_slots SET
		recent = CASE WHEN $3::int > 0 AND cardinality(recent) > 0
			THEN recent[1:cardinality(recent)-1] || GREATEST(recent[cardinality(recent)], statement_timestamp())
			ELSE recent END,
		holder = NULL, held_until = NULL, held_epoch = NULL
	WHERE key = $1 AND holder = $2`

// endRequestLater runs endRequest from the pool until it succeeds or the
// entry would have expired anyway. Unrecorded, a request's entry in recent
// keeps its start: the window is then measured from the start, as for a
// crashed holder.
func (p *Postgres) endRequestLater(key, holder string, winN int) {
	deadline := time.Now().Add(MaxRequest)
	for wait := 200 * time.Millisecond; time.Now().Before(deadline); wait = min(2*wait, 2*time.Second) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := p.pool.Exec(ctx, endRequest, key, holder, winN)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(wait)
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
