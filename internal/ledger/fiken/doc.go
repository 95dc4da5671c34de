// Package fiken is the client of the Fiken API v2
// (https://api.fiken.no/api/v2) that bokfor uses to book webshop orders.
// It knows nothing of Temporal, workflows or the store; activities wrap
// its calls and decide on retries from the typed errors it returns.
//
// # Use
//
//	c, err := fiken.New(fiken.Config{
//		CompanySlug: "demo",
//		Token:       fiken.PersonalToken(tok), // or fiken.NewOAuthSource(app, store)
//		Limiter:     ratelimit.NewPostgres(pool, 0),
//	})
//
// Personal API tokens are only for a company's own integration; a service
// offered to other Fiken customers must use OAuth2 (OAuthConfig.AuthCodeURL,
// Exchange, and an OAuthSource that refreshes and hands the rotated
// refresh token to the TokenStore before using it).
//
// Every request carries a fresh X-Request-ID (a UUID), logged at debug
// level and returned in errors for support cases. Money is money.Ore
// (int64 øre, net of VAT where Fiken says so). Creates read the new id
// from the Location header of the 201; lists page sequentially with
// page/pageSize=100 until Fiken-Api-Page-Count, never in parallel.
//
// # Errors
//
// Every failure is an *apierr.Error with API "fiken":
//
//   - KindAuth: 401/403 (bad token, no access to the company, API module
//     inactive). A 401 with OAuth refreshes the token once first.
//   - KindValidation: 400/415 and other 4xx; Message is Fiken's text
//     verbatim (error_description/message of a JSON body, else the body).
//   - KindNotFound: 404. KindConflict: 409.
//   - KindRateLimited: 429, with RetryAfter when Fiken sends it. The
//     client pushes the credential's next slot back through the Limiter
//     (Retry-After, else Config.Backoff doubled per attempt) and repeats
//     GET/PUT/PATCH up to Config.MaxAttempts; a POST is returned to the
//     caller.
//   - KindTransient: 5xx on GET/PUT/PATCH, connection failures before a
//     POST was sent, timeouts of reads. Repeated internally like 429.
//   - KindAmbiguous: a POST whose headers were sent but whose response was
//     lost (timeout, reset, closed connection), or a 5xx answer to a POST,
//     or a 201 without a usable Location: the object may exist.
//
// # Exactly-once creates
//
// Fiken has no idempotency keys and invoices cannot be deleted, so a
// duplicate is a booked document that can only be credited. Every create
// the integration makes carries our reference (invoice orderReference,
// sale saleNumber, partial credit note orderReference) and goes through a
// *Once helper (CreateInvoiceOnce, CreateSaleOnce,
// CreatePartialCreditNoteOnce, CreateFullCreditNoteOnce,
// CreateSalePaymentOnce, CreateInvoicePaymentOnce) that follows this
// protocol:
//
//  1. Look the reference up (GET /invoices?orderReference=…,
//     GET /sales?saleNumber=…, the invoice's associatedCreditNotes, the
//     sale's payments — for CreateInvoicePaymentOnce the invoice's
//     sale.salePayments, read with the sale id it needs anyway). One
//     match: adopt it, created=false. Several: stop with KindConflict for
//     an operator.
//  2. POST the create. On 201 read the id from Location and GET the
//     document (invoiceNumber, kid, sale.saleId); created=true.
//     CreateInvoicePaymentOnce does not read the payment back: the
//     request is what was booked.
//  3. If the POST failed in a way that may have been applied (ambiguous,
//     rate limited, transient, unknown), look the reference up again
//     before anything else: found → adopt it, created=true; not found →
//     the create was not applied, POST again (at most 3 POSTs per call).
//  4. A POST refused outright (validation, auth, not found, conflict) is
//     returned: nothing was applied.
//  5. If a lookup after an ambiguous POST fails, the helper returns
//     KindAmbiguous. The caller must not create by other means: it calls
//     the helper again (an activity retry), which starts at step 1.
//
// Because every process serialises its Fiken calls per credential
// (package ratelimit), the lookup of step 1 and the POST of step 2 for one
// reference must additionally be run by one worker at a time; the order
// workflow (one per order) guarantees that. The caller stores the
// returned ids at once.
//
// # Other rules the client enforces
//
//   - UpdateProduct never wipes stock: a request without Stock is filled
//     with the current stock read just before the PUT.
//   - ModifyContact rebuilds the full-replacement body from the contact
//     Fiken returns plus the write-only fields the caller holds
//     (ContactWriteOnly), so an update keeps every field it did not mean
//     to change.
//   - EnsureInvoiceCounter/EnsureCreditNoteCounter create the number
//     series when missing.
//   - Request and response types are separate; request types contain
//     only writable fields, since Fiken answers 400 to unknown fields.
//
// # Deviations of the live API from the spec (with sources)
//
//   - saleRequest requires "paid" without defining it; SaleRequest.Paid is
//     a boolean as in API v1 (reference §7, trap 8; kradalby/fiken-go).
//   - POST …/contactPerson answers 200, not 201 (spec responses; reference
//     §4); handled like a create with Location.
//   - The spec defines no error responses or error schema; the contract
//     tests check error statuses against the list in the spec's prose
//     (spec L188-199) and bodies as JSON (reference §8).
//   - contact phoneNumber/memberNumberString/currency are writeOnly in the
//     spec, so they may not be read back (reference trap 9); the live API
//     may return them and Contact keeps them when it does.
//   - Rate limiting: the spec documents neither Retry-After nor the scope
//     of the one-request rule (reference §3); the client honours
//     Retry-After when present and keys the rule per credential
//     (PersonalToken: per token; OAuthSource: per app client id).
//   - A 5xx after a create is treated as ambiguous (reference §8: a
//     validation problem has been seen reported as 500; proxies may fail
//     after the backend committed).
package fiken
