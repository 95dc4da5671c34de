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
//   - request starts paced by Interval (default 260 ms): each slot is
//     booked from the previous slot, so a waiter's lateness is not added
//     to every interval and a backlog runs at the configured rate, and a
//     start later than its slot by more than a slack of 4 % of the
//     interval pushes the next slot, so two starts are never closer than
//     96 % of the interval (250 ms by default);
//   - for Fiken keys (prefix "fiken:") a rolling window: a start waits
//     until one second after the end of the request four back, so Fiken
//     never sees five requests within a second however the requests are
//     delayed on the way; a backlog runs at 4 / (1 s + request duration),
//     3.8 per second at 40 ms;
//   - backoff: Defer pushes the key's next allowed start into the future,
//     for everyone — a holder already waiting for its slot included — when
//     the API answered 429 (honouring Retry-After).
//
// Two implementations share the Limiter interface:
//
//   - Local: in-process only (tests, benchmarks, single-binary dev).
//   - Postgres: a session-level pg_advisory_lock keyed by a 64-bit hash of
//     the key is held on a dedicated pooled connection for the duration of
//     the request, and the table rate_slots stores the next allowed start
//     per key, booked only while the lock is held (Defer only moves it
//     later). Times are the database server's, so processes on machines
//     with skewed clocks still agree. If a process dies while holding the lock,
//     its session ends and PostgreSQL releases the lock. A database restart
//     ends the session too, while the holder's request may still be under
//     way, so the booked slot also names its holder until the release
//     (held_until at most MaxRequest ahead) and the server's start time; a
//     holder waits for an entry booked before the server's latest start,
//     and ignores one booked since (its process died). Inside one process
//     a Local mutex per key is taken first so that waiters of one key hold
//     at most one pooled connection.
//
// Schema holds the DDL; Setup applies it idempotently.
package ratelimit
