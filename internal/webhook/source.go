package webhook

import (
	"net/http"

	"github.com/bokfor/bokfor/internal/tenant"
)

// Sources, as named in the webhook path.
const (
	// SourcePrestaShop is the ps_webhooks module (or a signing fork).
	SourcePrestaShop = tenant.ShopPrestaShop
	// SourceWooCommerce is WooCommerce's built-in webhooks.
	SourceWooCommerce = tenant.ShopWooCommerce
	// SourceShopify is Shopify's webhooks.
	SourceShopify = tenant.ShopShopify
)

// Secret names in a tenant's secrets that authenticate its webhooks. The
// previous secret, when set, is accepted too while a rotation settles
// (Shopify keeps signing with the old key for up to an hour).
const (
	SecretWebhook         = "shop_webhook_secret"
	SecretWebhookPrevious = "shop_webhook_secret_previous"
)

// source is one platform's webhook habits.
type source struct {
	// headers are kept with the stored event (never a secret or token).
	headers []string
	// authenticate checks the request against the tenant's secrets.
	authenticate func(r *http.Request, body []byte, secrets []string) bool
	// decode turns headers and body into an Event, or errMalformed.
	decode func(h http.Header, body []byte) (Event, error)
}

// lookupSource returns the source named in the path.
func lookupSource(name string) (source, bool) {
	switch name {
	case SourcePrestaShop:
		return source{
			headers:      []string{"Content-Type", "User-Agent"},
			authenticate: authPrestaShop,
			decode:       DecodePrestaShop,
		}, true
	case SourceWooCommerce:
		return source{
			headers: []string{"Content-Type", "User-Agent", "X-WC-Webhook-Source", WooTopicHeader, "X-WC-Webhook-Resource",
				"X-WC-Webhook-Event", "X-WC-Webhook-ID", "X-WC-Webhook-Delivery-ID"},
			authenticate: authHMACHeader(WooSignatureHeader),
			decode:       DecodeWooCommerce,
		}, true
	case SourceShopify:
		return source{
			headers: []string{"Content-Type", "User-Agent", ShopifyTopicHeader, "X-Shopify-Shop-Domain", "X-Shopify-API-Version",
				ShopifyWebhookIDHeader, "X-Shopify-Triggered-At", "X-Shopify-Event-Id"},
			authenticate: authHMACHeader(ShopifySignatureHeader),
			decode:       DecodeShopify,
		}, true
	default:
		return source{}, false
	}
}

// Decode decodes a stored or received event of source; errors wrap a
// malformed-input error for bodies the edge would answer 400.
func Decode(sourceName string, h http.Header, body []byte) (Event, error) {
	src, ok := lookupSource(sourceName)
	if !ok {
		return Event{}, malformed("unknown source %q", sourceName)
	}
	return src.decode(h, body)
}

// tenantSecrets returns the non-empty webhook secrets of a tenant.
func tenantSecrets(s map[string]string) []string {
	var out []string
	for _, k := range []string{SecretWebhook, SecretWebhookPrevious} {
		if v := s[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}
