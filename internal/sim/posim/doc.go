// Package posim simulates the parts of PowerOffice Go API v2 that bokfor
// uses, faithfully enough for contract and end-to-end tests and for
// `bokfor dev`:
//
//   - the token endpoint (POST /OAuth/Token and /Demo/OAuth/Token): client
//     credentials with HTTP Basic application:client key and the
//     subscription key header; tokens expire after TokenLifetime;
//   - the API under /v2/: every call needs the Ocp-Apim-Subscription-Key
//     header and a bearer token; each client key is its own PowerOffice
//     client (company) seeded with a chart of accounts and SAF-T VAT
//     codes; VAT is computed from the product's sales account, never
//     taken from the request;
//   - customers (ExternalImportReference unique, SubledgerAccountId
//     read-only, JSON Patch), products (Code unique, POST answers 200),
//     sales orders (POST /SalesOrders/Complete, ExternalImportReference
//     unique; createAndSendInvoice answers 202 and turns the order into an
//     outgoing invoice with the same id), outgoing invoices with Balance,
//     bank and manual journal vouchers (ExternalImportReference unique
//     across both) that must balance; their customer sub-ledger lines
//     become customer ledger entries matched against open invoices and
//     entries with the same CustomMatchingReference and exactly the
//     opposite amount. Manual journals refuse properties their DTO does
//     not have (additionalProperties: false), zero amounts and SAF-T ids
//     over 35 characters;
//   - the customer ledger statement (GET /Customerledger/Statement, both
//     dates required) with every kind of entry — invoices, credit notes,
//     payments, manual journals — so that clients must pick theirs;
//   - 204 No Content for empty lists, PageNumber/PageSize paging,
//     ProblemDetails errors, 403 for privileges the client has not granted;
//   - 10 requests per second per subscription key, shared by all clients:
//     excess requests get APIM's 429 and count as rate violations.
//
// The control API under /_sim/ is shared with the other simulators:
// GET /_sim/stats, GET|POST /_sim/faults (error_rate, timeout_rate,
// drop_after_commit_rate, latency_ms, max_faults, writes_only),
// POST /_sim/reset, POST /_sim/invoices/{invoiceNo}/settle[?client=KEY],
// which pays an invoice in full as if the bank had matched a payment
// (invoice numbers are per client: when several clients hold an open
// invoice with the number, it answers 409 until the client is named), and
// POST /_sim/customerledger/{reference}/settle, which does the same for
// the open customer ledger entry (a manual journal's sale) carrying that
// CustomMatchingReference.
package posim
