// Package prestashop is a client for the PrestaShop 1.7/8 webservice (also
// KomplettNettbutikk). It reads JSON (output_format=JSON, display=full) and
// writes XML, survives the webservice's quirks (numbers as strings,
// six-decimal money, multilingual fields as a string or an array of
// {id,value}, the bare [] for an empty list, one-element associations as an
// object), and maps what it reads into the shop-neutral types of
// internal/domain with money as øre in the order's currency.
//
// Authentication is the key as HTTP Basic user with an empty password; the
// key never goes into a URL. Config.ShopID adds id_shop for multishop
// installations. Config.Version selects PATCH (8.x) or GET-modify-PUT (1.7)
// for partial updates, since a PUT sets every field it does not carry to
// NULL.
//
// Every failure is an *apierr.Error: KindAuth (401/403), KindValidation
// (400/405/…), KindNotFound (404), KindRateLimited (429), KindTransient
// (5xx, no connection, a read that timed out) and KindAmbiguous (a write
// whose response was lost: look before retrying).
//
// The key needs GET on orders, order_details, order_cart_rules,
// order_payments, order_slip, order_states, customers, addresses, countries
// (optional: without it addresses have no country code), currencies,
// carriers, cart_rules, taxes, tax_rules, products, combinations and
// stock_availables; POST on order_histories and order_states; PATCH (8.x) or
// PUT (1.7) on stock_availables and products.
//
// Dates are shop-local wall time; set Config.Location to the shop's zone.
//
// Webhooks: the shop's ps_webhooks-style module posts WebhookEvent bodies;
// ParseWebhookEvent decodes them and VerifySignature checks the optional
// SignatureHeader. Events are hints: re-read through the webservice, and
// ignore the echo of SetOrderState (an OrderHistory add and an Order update
// into the state bokfor set).
//
// The client knows nothing of Temporal or the store; each method is one
// logical operation, most of them one HTTP call (Order is a composite read).
package prestashop
