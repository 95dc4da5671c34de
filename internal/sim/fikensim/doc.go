// Package fikensim is a stateful, in-memory simulator of the Fiken API v2
// for `bokfor dev`, tests, chaos runs and benchmarks. It is faithful, not
// kind: it behaves like Fiken where the official spec
// (../shared/specs/fiken-openapi.yaml) and the reference notes
// (../shared/reference/fiken-api.md) say so, and is reached only from
// cmd/bokfor and tests, never from product code.
//
// New(Options) returns a *Server, an http.Handler serving
//
//   - the Fiken API under /api/v2/... (bearer token required),
//   - POST /oauth/token, the OAuth2 token endpoint (authorization_code and
//     refresh_token grants; refresh tokens rotate),
//   - the control API under /_sim/ (not part of Fiken).
//
// # Options
//
//   - BaseURL: scheme and host for Location headers (default: the request's Host).
//   - Now: clock for createdDate/lastModifiedDate (default time.Now).
//   - Seed: seed of the fault dice (0 = random).
//   - Tokens: accepted bearer tokens (empty = any non-empty token); tokens
//     issued by /oauth/token are always accepted.
//   - DisableRateLimits: no 429s and no violations, for engine benchmarks.
//   - DisableLatency: ignore latency_ms.
//   - RatePerSecond: per-credential limit, default 4.
//   - FaultTimeout: how long a timeout fault holds a request, default 30 s.
//   - Logger: debug log of requests (with X-Request-ID).
//
// # State
//
// Multi-company, seeded with company "demo": a chart of accounts (1500,
// 1920, 2400, 27xx, 3000, 3100, 3200, 3600, 3900, 7770, 7790, 8160), one
// bank account per payment provider (Driftskonto 1920:10001, Stripe
// 1920:10002, Vipps 1920:10003, Klarna 1920:10004, PayPal 1920:10005),
// the sales VAT types (HIGH 25 %, MEDIUM 15 %, LOW 12 %, RAW_FISH 11.11 %,
// NONE/EXEMPT*/OUTSIDE 0 %) and invoice and credit-note number series at
// 10000. Ids are unique across companies.
//
// # Fiken behaviour reproduced
//
//   - Creates answer 201 with an empty body and a Location of the new
//     resource; PUT/PATCH answer 200 with an empty body and a Location;
//     POST contactPerson answers 200 + Location; settled/writeOff/delete of
//     sales answer 200 with the sale.
//   - Request bodies are strict: 415 unless application/json (multipart
//     for attachments), 400 on unknown fields (read-only fields such as
//     contactId count as unknown), on missing required fields (including
//     the sale's undocumented "paid") and on wrong formats.
//   - PUT is full replacement: a product PUT without stock sets stock to
//     null; a contact PUT clears every field it does not carry.
//   - Write-only fields (contact phoneNumber, memberNumberString, currency;
//     sale paymentAccount) are never returned, but filters work on them.
//   - Lists page with page/pageSize (default 25, max 100) and the
//     Fiken-Api-Page, -Page-Size, -Page-Count, -Result-Count headers;
//     string filters are exact; date filters take yyyy-MM-dd only (a time
//     gives 400) in the five forms X, XLe, XLt, XGe, XGt.
//   - Invoices cannot be deleted (405); they need customer=true and a
//     bankAccountCode of a company bank account; the first invoice without
//     a number series fails with "Missing number series for drafts of
//     type: invoice". Line VAT is computed per line from the net unit
//     price × quantity (less discount) and the VAT type, rounded to øre.
//     Product-linked lines take price, VAT type and account from the
//     product unless given, and lower the product's stock by the quantity.
//   - Payment state lives on the invoice's sale: payments (with fee) on
//     /sales/{id}/payments settle it when nothing is outstanding; credit
//     notes reduce the outstanding balance.
//   - Rate rules per bearer token: a request arriving while another is in
//     flight gets 429 and counts as a violation; a request that would make
//     more than RatePerSecond accepted starts within one second gets 429
//     and counts as a violation. A request leaves the in-flight set before
//     its response is written.
//
// # Control API
//
//   - GET /_sim/stats: {"requests","by_status":{"201":N,"dropped":N},
//     "max_in_flight","rate_violations","faults_injected"}.
//   - GET/POST /_sim/faults: {"error_rate","timeout_rate",
//     "drop_after_commit_rate","latency_ms","max_faults","writes_only"}. error_rate
//     answers 500 without effect; timeout_rate holds the request without
//     effect until the client gives up; drop_after_commit_rate applies a
//     write (non-GET) and then closes the connection without an answer
//     (http.Hijacker); max_faults > 0 stops injecting after that many;
//     writes_only limits error and timeout faults to non-GET requests.
//   - POST /_sim/reset: fresh state, counters and faults.
//   - POST /_sim/invoices/{invoiceId}/settle, optional {"date","amount"}:
//     a bank payment on the invoice's sale (default: the outstanding
//     balance, today).
//   - POST /_sim/companies {"slug","name","has_api_access","no_counters"}:
//     another company (403 on its API calls when has_api_access is false).
//   - GET /_sim/companies/{slug}/contacts/{contactId}: the contact as
//     stored, write-only fields included.
//   - POST /_sim/companies/{slug}/products [{"name","unitPrice",
//     "incomeAccount","vatType","active","productNumber",
//     "lastModifiedDate"}] → {"ids"}: a catalogue in one go (benchmarks).
//
// # Simulator assumptions (untested against live Fiken)
//
// A contact PUT without contactPerson keeps the existing persons (they
// are managed through /contactPerson); credit notes do not restore stock;
// a payment bumps the invoice's lastModifiedDate; POST /invoices does not
// make its uuid searchable as invoiceDraftUuid; error bodies are
// {"error","error_description"} (Fiken documents no error schema);
// unknown company slugs answer 403.
package fikensim
