// Package poweroffice is the client of the PowerOffice Go API v2 that
// bokfor uses to book webshop orders. It knows nothing of Temporal,
// workflows or the store; the ledger adapter (poledger) and the activities
// decide on retries from the typed errors it returns.
//
// # Authentication
//
// OAuth 2.0 client credentials: the application key and the client key
// (HTTP Basic on the token call) plus the APIM subscription key, sent as
// Ocp-Apim-Subscription-Key on every call including the token call. The
// access token is cached and renewed shortly before expires_in; a 401
// renews it once. CheckPrivileges reads /ClientIntegrationInformation and
// names the privileges the integration lacks.
//
// # Rate limit
//
// PowerOffice allows 10 requests per second per subscription key, shared
// by every client (tenant) on that key. All requests, the token call
// included, pass the Limiter under RateKey (a hash of the subscription key,
// never the key itself); with ratelimit.Postgres the limit holds across
// processes. 429 defers the key for everyone, honouring Retry-After.
//
// # Lists
//
// Lists page with PageNumber/PageSize until a short page; an empty result
// is 204 No Content. Pages are fetched one after the other.
//
// # Errors
//
// Every failure is an *apierr.Error with API "poweroffice": 401/403 →
// KindAuth, 404 → KindNotFound, 409 → KindConflict, 429 → KindRateLimited,
// 5xx and network failures → KindTransient (KindAmbiguous for a POST whose
// request went out), other 4xx → KindValidation, with the ProblemDetails
// title and detail as Message. A 400 that rejects a duplicate
// ExternalImportReference is KindConflict, so that the caller looks the
// object up instead of parking the order (PowerOffice documents the
// uniqueness but not the error; v1 answered ApiUniqueConstraint).
//
// # Money
//
// Amounts are JSON doubles in PowerOffice; they are converted to and from
// money.Ore at the edge (Amount) and never handled as floats in between.
package poweroffice
