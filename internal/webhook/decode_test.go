package webhook

import (
	"errors"
	"net/http"
	"testing"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestDecodePrestaShop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		body                      string
		wantErr                   bool
		topic, kind, res, stateID string
	}{
		{name: "order update", body: `{"action":"update","entity":"Order","data":{"id":"42","current_state":"3","date_upd":"2026-11-25 10:00:00"}}`,
			topic: "Order.update", kind: KindOrder, res: "42", stateID: "3"},
		{name: "order add has no echo state", body: `{"action":"add","entity":"Order","data":{"id":42,"current_state":"3"}}`,
			topic: "Order.add", kind: KindOrder, res: "42"},
		{name: "order history", body: `{"action":"add","entity":"OrderHistory","data":{"id":"9","id_order":"42","id_order_state":"12","date_add":"2026-11-25 10:00:00"}}`,
			topic: "OrderHistory.add", kind: KindOrder, res: "42", stateID: "12"},
		{name: "order slip", body: `{"action":"add","entity":"OrderSlip","data":{"id":"3","id_order":"42"}}`,
			topic: "OrderSlip.add", kind: KindOrder, res: "42"},
		{name: "customer", body: `{"action":"update","entity":"Customer","data":{"id":"5","email":"x@y.no"}}`,
			topic: "Customer.update", kind: KindCustomer, res: "5"},
		{name: "stock", body: `{"action":"update","entity":"StockAvailable","data":{"id":"5","quantity":"3"}}`,
			topic: "StockAvailable.update", kind: KindStock, res: "5"},
		{name: "unknown entity", body: `{"action":"update","entity":"Carrier","data":{"id":"5"}}`,
			topic: "Carrier.update", kind: KindOther, res: "5"},
		{name: "not json", body: `hello`, wantErr: true},
		{name: "array", body: `[{"action":"add"}]`, wantErr: true},
		{name: "trailing data", body: `{"action":"add","entity":"Order","data":{"id":1}} {}`, wantErr: true},
		{name: "no entity", body: `{"action":"add","data":{"id":1}}`, wantErr: true},
		{name: "bad action", body: `{"action":"upsert","entity":"Order","data":{"id":1}}`, wantErr: true},
		{name: "no data", body: `{"action":"add","entity":"Order"}`, wantErr: true},
		{name: "order without id", body: `{"action":"add","entity":"Order","data":{"reference":"X"}}`, wantErr: true},
		{name: "negative id", body: `{"action":"add","entity":"Order","data":{"id":"-1"}}`, wantErr: true},
		{name: "history without id_order", body: `{"action":"add","entity":"OrderHistory","data":{"id":"1"}}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := DecodePrestaShop(nil, []byte(tt.body))
			if tt.wantErr {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("err = %v, want malformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Topic != tt.topic || ev.Kind != tt.kind || ev.ResourceID != tt.res || ev.StateID != tt.stateID || len(ev.DeliveryKey) != 64 {
				t.Fatalf("event = %+v", ev)
			}
		})
	}
}

func TestPrestaShopDeliveryKey(t *testing.T) {
	t.Parallel()
	key := func(body string) string {
		t.Helper()
		ev, err := DecodePrestaShop(nil, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return ev.DeliveryKey
	}
	a := key(`{"action":"update","entity":"Order","data":{"id":"42","date_upd":"2026-11-25 10:00:00","total_paid":"10"}}`)
	// Same object, same modification time, other field order/noise: one change.
	if b := key(`{"action":"update","entity":"Order","data":{"total_paid":"10.0","date_upd":"2026-11-25 10:00:00","id":42}}`); a != b {
		t.Fatal("same change got two keys")
	}
	if b := key(`{"action":"update","entity":"Order","data":{"id":"42","date_upd":"2026-11-25 10:00:01"}}`); a == b {
		t.Fatal("a later change got the same key")
	}
	if b := key(`{"action":"delete","entity":"Order","data":{"id":"42","date_upd":"2026-11-25 10:00:00"}}`); a == b {
		t.Fatal("delete got the update's key")
	}
	// Without date_upd the whole body decides.
	h1 := key(`{"action":"add","entity":"OrderHistory","data":{"id":"1","id_order":"42"}}`)
	if h2 := key(`{"action":"add","entity":"OrderHistory","data":{"id":"2","id_order":"42"}}`); h1 == h2 {
		t.Fatal("two history rows got one key")
	}
}

func TestDecodeWooCommerce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		h               http.Header
		body            string
		wantErr         bool
		topic, kind, id string
	}{
		{name: "order updated", h: hdr(WooTopicHeader, "order.updated"), body: `{"id":77,"status":"processing","date_modified_gmt":"2026-11-25T10:00:00"}`,
			topic: "order.updated", kind: KindOrder, id: "77"},
		{name: "topic from resource and event", h: hdr("X-WC-Webhook-Resource", "order", "X-WC-Webhook-Event", "deleted"), body: `{"id":77}`,
			topic: "order.deleted", kind: KindOrder, id: "77"},
		{name: "product", h: hdr(WooTopicHeader, "product.updated"), body: `{"id":5}`, topic: "product.updated", kind: KindProduct, id: "5"},
		{name: "coupon", h: hdr(WooTopicHeader, "coupon.created"), body: `{"id":5}`, topic: "coupon.created", kind: KindOther, id: "5"},
		{name: "no topic", h: hdr(), body: `{"id":77}`, wantErr: true},
		{name: "bad topic", h: hdr(WooTopicHeader, "order"), body: `{"id":77}`, wantErr: true},
		{name: "no id", h: hdr(WooTopicHeader, "order.updated"), body: `{"status":"x"}`, wantErr: true},
		{name: "float id", h: hdr(WooTopicHeader, "order.updated"), body: `{"id":7.5}`, wantErr: true},
		{name: "ping body", h: hdr(WooTopicHeader, "order.updated"), body: `webhook_id=3`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := DecodeWooCommerce(tt.h, []byte(tt.body))
			if tt.wantErr {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("err = %v, want malformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Topic != tt.topic || ev.Kind != tt.kind || ev.ResourceID != tt.id || ev.DeliveryKey == "" {
				t.Fatalf("event = %+v", ev)
			}
		})
	}
}

func TestWooDeliveryKeyIgnoresWeakDeliveryID(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":77,"date_modified_gmt":"2026-11-25T10:00:00"}`)
	a, _ := DecodeWooCommerce(hdr(WooTopicHeader, "order.updated", "X-WC-Webhook-Delivery-ID", "aaa"), body)
	b, _ := DecodeWooCommerce(hdr(WooTopicHeader, "order.updated", "X-WC-Webhook-Delivery-ID", "bbb"), body)
	c, _ := DecodeWooCommerce(hdr(WooTopicHeader, "order.updated"), []byte(`{"id":77,"date_modified_gmt":"2026-11-25T10:00:05"}`))
	if a.DeliveryKey != b.DeliveryKey || a.DeliveryKey == c.DeliveryKey {
		t.Fatalf("keys %s %s %s", a.DeliveryKey, b.DeliveryKey, c.DeliveryKey)
	}
}

func TestIsWooPing(t *testing.T) {
	t.Parallel()
	form := hdr("Content-Type", "application/x-www-form-urlencoded")
	tests := []struct {
		name string
		h    http.Header
		body string
		want bool
	}{
		{"ping", form, "webhook_id=12", true},
		{"ping without content type", hdr(), "webhook_id=12\n", true},
		{"json content type", hdr("Content-Type", "application/json"), "webhook_id=12", false},
		{"extra field", form, "webhook_id=12&x=1", false},
		{"not a number", form, "webhook_id=abc", false},
		{"json", form, `{"webhook_id":12}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsWooPing(tt.h, []byte(tt.body)); got != tt.want {
				t.Fatalf("IsWooPing = %v", got)
			}
		})
	}
}

func TestDecodeShopify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                 string
		h                    http.Header
		body                 string
		wantErr              bool
		topic, kind, id, key string
	}{
		{name: "orders paid", h: hdr(ShopifyTopicHeader, "orders/paid", ShopifyWebhookIDHeader, "b54557e4"), body: `{"id":820982911946154508,"financial_status":"paid"}`,
			topic: "orders/paid", kind: KindOrder, id: "820982911946154508", key: "b54557e4"},
		{name: "refund", h: hdr(ShopifyTopicHeader, "refunds/create", ShopifyWebhookIDHeader, "w2"), body: `{"id":1,"order_id":820982911946154508}`,
			topic: "refunds/create", kind: KindOrder, id: "820982911946154508", key: "w2"},
		{name: "inventory", h: hdr(ShopifyTopicHeader, "inventory_levels/update", ShopifyWebhookIDHeader, "w3"), body: `{"inventory_item_id":5}`,
			topic: "inventory_levels/update", kind: KindStock, key: "w3"},
		{name: "no topic", h: hdr(ShopifyWebhookIDHeader, "w"), body: `{"id":1}`, wantErr: true},
		{name: "refund without order", h: hdr(ShopifyTopicHeader, "refunds/create"), body: `{"id":1}`, wantErr: true},
		{name: "truncated", h: hdr(ShopifyTopicHeader, "orders/paid"), body: `{"id":1`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := DecodeShopify(tt.h, []byte(tt.body))
			if tt.wantErr {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("err = %v, want malformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Topic != tt.topic || ev.Kind != tt.kind || ev.ResourceID != tt.id || ev.DeliveryKey != tt.key {
				t.Fatalf("event = %+v", ev)
			}
		})
	}
	// Without a webhook id the body decides.
	a, _ := DecodeShopify(hdr(ShopifyTopicHeader, "orders/paid"), []byte(`{"id":1}`))
	b, _ := DecodeShopify(hdr(ShopifyTopicHeader, "orders/paid"), []byte(`{"id":2}`))
	if len(a.DeliveryKey) != 64 || a.DeliveryKey == b.DeliveryKey {
		t.Fatalf("keys %q %q", a.DeliveryKey, b.DeliveryKey)
	}
}

func TestAuthenticators(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":1}`)
	secrets := []string{"new-secret", "old-secret"}
	tests := []struct {
		name   string
		source string
		target string
		h      http.Header
		want   bool
	}{
		{"ps token query", SourcePrestaShop, "/?token=new-secret", hdr(), true},
		{"ps previous token", SourcePrestaShop, "/?token=old-secret", hdr(), true},
		{"ps token header", SourcePrestaShop, "/", hdr(TokenHeader, "new-secret"), true},
		{"ps signature", SourcePrestaShop, "/", hdr("X-Webhook-Signature", signPS("new-secret", body)), true},
		{"ps wrong token", SourcePrestaShop, "/?token=new-secreT", hdr(), false},
		{"ps token prefix", SourcePrestaShop, "/?token=new", hdr(), false},
		{"ps forged signature", SourcePrestaShop, "/", hdr("X-Webhook-Signature", signPS("guess", body)), false},
		{"ps nothing", SourcePrestaShop, "/", hdr(), false},
		{"woo signed", SourceWooCommerce, "/", hdr(WooSignatureHeader, signB64("new-secret", body)), true},
		{"woo rotated", SourceWooCommerce, "/", hdr(WooSignatureHeader, signB64("old-secret", body)), true},
		{"woo forged", SourceWooCommerce, "/", hdr(WooSignatureHeader, signB64("guess", body)), false},
		{"woo not base64", SourceWooCommerce, "/", hdr(WooSignatureHeader, "!!!"), false},
		{"woo token is not enough", SourceWooCommerce, "/?token=new-secret", hdr(TokenHeader, "new-secret"), false},
		{"shopify signed", SourceShopify, "/", hdr(ShopifySignatureHeader, signB64("new-secret", body)), true},
		{"shopify missing", SourceShopify, "/", hdr(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, _ := lookupSource(tt.source)
			r, _ := http.NewRequest(http.MethodPost, "http://x"+tt.target, nil)
			r.Header = tt.h
			if got := src.authenticate(r, body, secrets); got != tt.want {
				t.Fatalf("authenticate = %v", got)
			}
			if src.authenticate(r, body, nil) {
				t.Fatal("authenticated without any secret")
			}
		})
	}
}
