// Package ratelimit governs how fast bokfor may call a rate-limited API
// with one credential, across every goroutine and every process that
// shares that credential.
//
// The rule it enforces per key (Fiken: one request in flight per
// credential, about 4 requests per second, see
// ../shared/reference/fiken-api.md §3):
//
//   - at most one request in flight: Acquire returns only when no other
//     holder of the same key — in this process or any other process using
//     the same PostgreSQL database — holds it, and the caller keeps it for
//     the whole request (until release is called);
//   - request starts at least Interval apart (default 300 ms, i.e. at most
//     3.3 requests per second, leaving margin for network jitter under
//     Fiken's 4/s);
//   - backoff: Defer pushes the key's next allowed start into the future,
//     for everyone, when the API answered 429 (honouring Retry-After).
//
// Two implementations share the Limiter interface:
//
//   - Local: in-process only (tests, benchmarks, single-binary dev).
//   - Postgres: a session-level pg_advisory_lock keyed by a 64-bit hash of
//     the key is held on a dedicated pooled connection for the duration of
//     the request, and the table rate_slots stores the next allowed start
//     per key, read and written only while the lock is held. Times are the
//     database server's clock_timestamp(), so processes on machines with
//     skewed clocks still agree. If a process dies while holding the lock,
//     its session ends and PostgreSQL releases the lock. Inside one process
//     a Local mutex per key is taken first so that waiters of one key hold
//     at most one pooled connection.
//
// Schema holds the DDL; Setup applies it idempotently.
package ratelimit
