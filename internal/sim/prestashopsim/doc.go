// Package prestashopsim is a faithful simulator of a PrestaShop 1.7/8
// webservice shop with a ps_webhooks-style webhook emitter, for tests,
// `bokfor sim prestashop` and `bokfor dev`. It is faithful rather than
// kind: it reproduces the quirks the client must survive.
//
// # Webservice (/api/...)
//
//   - Auth: HTTP Basic with the key as user and an empty password (?ws_key=
//     also works, as in PrestaShop, and is counted in /_sim/stats as
//     ws_key_in_url). Each key has per-resource method permissions.
//   - Output: XML by default, JSON with output_format=JSON, io_format=JSON or
//     the Output-Format / Io-Format header. In JSON every scalar but "id" is
//     a string, money has six decimals, an empty list is the bare array [],
//     multilingual fields are an array of {"id","value"} unless language=N
//     is given, and dates are "YYYY-MM-DD HH:MM:SS" shop-local.
//   - Input: POST/PUT/PATCH bodies are XML only (JSON gives error 127). POST
//     must not carry <id>, PUT/PATCH must (errors 90/91). PUT sets every field
//     missing from the body to empty (NULL) and fails if a required one is
//     missing; PATCH (Version "8" only; 405 on "1.7") changes only the fields
//     sent. ps_method=PUT|PATCH|DELETE overrides the verb.
//   - Lists: display=full|[a,b], filter[f]=[a|b] / [a,b] (BETWEEN, compared
//     as strings unless both sides are integers) / [v] / LIKE with % /
//     >[v] / <[v] / ![v], sort=[f_ASC,g_DESC], limit=n|offset,n. Filtering or
//     sorting on a date field needs date=1 (else 400).
//   - Multishop: id_shop=N restricts resources that carry id_shop (stock,
//     orders) and sets it on stock written.
//   - Side effects: POST order_histories changes the order's current_state
//     (addWs), records a payment when the new state is paid and none exists,
//     and sends the customer e-mail only with sendemail=1 (counted in
//     stats); changing an address an order uses soft-deletes it and saves
//     the change as a new address (new id in the answer); writes to orders, customers, products, combinations,
//     stock_availables, order_histories and order_slip emit webhooks.
//
// # Options
//
// New(Options{}) is an 8.x shop that accepts DefaultKey for everything, with
// seed 0 and no webhook. Options.Keys sets the accepted keys, each with
// per-resource methods (Key.Permissions, e.g. {"orders": {"GET"}}; nil allows
// all). Version "1.7" removes PATCH. Seed makes references and other random
// values reproducible. WebhookURL / WebhookSecret / WebhookTimeout configure
// the emitter (also settable at run time through POST /_sim/webhook).
// Shops lists the shop ids of a multishop installation (stock rows exist per
// shop; id_shop filters). RoundType is PS_ROUND_TYPE for orders that do not
// name one (default 2). SingleAssocAsObject renders one-element associations
// as objects. Now and Location set the shop clock and time zone (default
// time.Now, UTC). HangTimeout bounds requests picked by timeout_rate.
//
// # Seed
//
// Languages 1 (no) and 2 (en); PrestaShop's default order states 1–14;
// taxes 25/15/12/0 % with one tax rule group each for Norway; currencies
// NOK (id 1, default, rate 1) and EUR (id 2); carriers "Posten" (id 1) and
// "PostNord" (id 2); a small catalogue of products (one with combinations)
// with stock; no orders.
//
// # Totals
//
// Orders placed through POST /_sim/orders get the totals PrestaShop's cart
// calculator gives, per the order's round_type:
//  1. the stored price is round6(incl / (1+r)), the shown price
//     round6(excl × (1+r));
//  2. round_type 1 (item) rounds the unit prices to øre and multiplies;
//     2 (line) rounds each line total; 3 (total) keeps lines at six decimals;
//  3. amount discounts (tax incl) apply in order, each capped at what
//     remains, spread over the lines in proportion to what remains of their
//     tax-included totals (the last line takes the remainder), each share
//     losing VAT at its line's rate;
//  4. shipping excl is round2(incl / (1+r));
//  5. total_paid_tax_incl = round2(Σ lines incl − Σ discounts + shipping incl),
//     total_paid_tax_excl likewise with the tax-excluded amounts.
//
// # Webhooks
//
// Like prestaalba/ps_webhooks: after a change commits, the simulator POSTs
// {"action":"add|update|delete","entity":"Order","data":{...all fields...}}
// synchronously, with a 3 s timeout and no retry. With a secret it adds the
// header prestashop.SignatureHeader ("X-Webhook-Signature") =
// "sha256=" + hex HMAC-SHA256 of the body.
//
// # Control API (/_sim/...)
//
//	GET  /_sim/stats                  counters (requests, webhooks, e-mails, faults)
//	GET|POST /_sim/faults             {"error_rate","timeout_rate","drop_after_commit_rate","latency_ms"} (applied to /api only)
//	POST /_sim/reset                  back to the seed (faults and stats cleared)
//	POST /_sim/webhook                {"url","secret"} ("" url disables)
//	POST /_sim/products               [{"reference","name","price_tax_excl","tax_rate","stock","date_upd"}] → {"ids"} (bulk catalogue)
//	POST /_sim/orders                 place an order as a checkout would → {"id","reference"}
//	POST /_sim/orders/{id}/refund     {"lines":[{"reference","quantity"}],"shipping":true} → {"id"}
//	POST /_sim/orders/{id}/state      {"state":6} → {"id"} (an order_histories row)
//	POST /_sim/orders/{id}/payment    {"amount","method","transaction_id"} → {"id"} (an order_payments row)
//
// POST /_sim/orders also takes "reference": an existing reference places a
// split order (same reference; the cart's one payment grows to cover it).
package prestashopsim
