// Package webhook is bokfor's public edge for shop webhooks and the relay
// behind it.
//
// Handler serves POST /webhooks/{tenant}/{source} for the sources
// "prestashop" (ps_webhooks JSON, authenticated by the tenant's secret
// token or an HMAC signature), "woocommerce" and "shopify" (HMAC-SHA256 of
// the raw body). Each delivery is authenticated, decoded strictly, stored
// in the inbox (PostgreSQL) before it is answered, de-duplicated by a
// delivery key, and then signalled to its order workflow with
// signal-with-start. When Temporal cannot be reached the event stays in the
// inbox and the Relay delivers it later, oldest first per tenant.
//
// Events are hints: the order workflow re-reads the order from the shop.
// Events about customers, products and stock are stored and marked
// delivered without a signal until the sync workflows exist. Echoes of
// bokfor's own status writes (recorded beforehand with
// store.(*Store).ExpectEcho) are stored and dropped.
//
// # Configuring the shops
//
// The secret is the tenant's "shop_webhook_secret" (a second one,
// "shop_webhook_secret_previous", is accepted during a rotation).
//
//	PrestaShop (ps_webhooks)  https://<starter>/webhooks/<tenant>/prestashop?token=<secret>
//	                          (or header X-Bokfor-Token; a signing module may send
//	                          X-Webhook-Signature: sha256=<hex HMAC> instead)
//	WooCommerce               https://<starter>/webhooks/<tenant>/woocommerce, secret = <secret>
//	Shopify                   https://<starter>/webhooks/<tenant>/shopify, signing key = <secret>
//
// Subscribe PrestaShop to Order, OrderHistory and OrderSlip (add, update);
// WooCommerce to order.created/updated/deleted; Shopify to orders/*,
// refunds/create and order_transactions/create. Other topics are accepted
// and kept, but not acted on yet.
package webhook
