package webhook

import (
	"net/http"
	"strings"
)

// Shopify webhook headers.
const (
	// ShopifySignatureHeader is base64(HMAC-SHA256(raw body, secret)).
	ShopifySignatureHeader = "X-Shopify-Hmac-Sha256"
	// ShopifyTopicHeader is e.g. "orders/paid".
	ShopifyTopicHeader = "X-Shopify-Topic"
	// ShopifyWebhookIDHeader is stable across retries of one delivery.
	ShopifyWebhookIDHeader = "X-Shopify-Webhook-Id"
)

// shopifyKind maps a Shopify topic to an event kind and the body field
// that holds the order id for order events.
func shopifyKind(topic string) (kind, orderField string) {
	resource, _, _ := strings.Cut(topic, "/")
	switch resource {
	case "orders":
		return KindOrder, "id"
	case "refunds", "order_transactions", "fulfillments":
		return KindOrder, "order_id"
	case "customers":
		return KindCustomer, ""
	case "products":
		return KindProduct, ""
	case "inventory_levels", "inventory_items":
		return KindStock, ""
	default:
		return KindOther, ""
	}
}

// DecodeShopify decodes a Shopify delivery: the topic from X-Shopify-Topic,
// the delivery key from X-Shopify-Webhook-Id (a hash of topic and body when
// it is missing), the order id from the body ("id" for orders/*,
// "order_id" for refunds, transactions and fulfillments).
func DecodeShopify(h http.Header, body []byte) (Event, error) {
	topic := strings.TrimSpace(h.Get(ShopifyTopicHeader))
	if topic == "" || len(topic) > 200 || !strings.Contains(topic, "/") || !printable(topic) {
		return Event{}, malformed("topic %q", truncate(topic, 80))
	}
	m, err := decodeObject(body)
	if err != nil {
		return Event{}, err
	}
	kind, orderField := shopifyKind(topic)
	idName := "id"
	if orderField != "" {
		idName = orderField
	}
	id, hasID, err := idField(m, idName)
	switch {
	case err != nil && kind == KindOther:
		// Topics bokfor does not act on may key their objects otherwise
		// (carts and checkouts by token): keep the event, without an id.
		id, hasID = "", false
	case err != nil:
		return Event{}, err
	}
	if kind == KindOrder && !hasID {
		return Event{}, malformed("%s without %s", topic, idName)
	}
	out := Event{Topic: topic, Kind: kind, ResourceID: id}
	if wid := strings.TrimSpace(h.Get(ShopifyWebhookIDHeader)); wid != "" {
		if len(wid) > 200 {
			return Event{}, malformed("%s too long", ShopifyWebhookIDHeader)
		}
		if !printable(wid) {
			return Event{}, malformed("%s is not printable UTF-8", ShopifyWebhookIDHeader)
		}
		out.DeliveryKey = wid
	} else {
		out.DeliveryKey = hashKey(SourceShopify, topic, "body", string(body))
	}
	return out, nil
}
