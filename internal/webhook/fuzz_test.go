package webhook

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
)

// checkDecoded fails on a panic-free but inconsistent decode: every
// accepted event has a topic, a delivery key and a kind, and an order
// event names its order.
func checkDecoded(t *testing.T, ev Event, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, errMalformed) {
			t.Fatalf("error is not malformed: %v", err)
		}
		return
	}
	if ev.Topic == "" || ev.DeliveryKey == "" || ev.Kind == "" {
		t.Fatalf("incomplete event %+v", ev)
	}
	if ev.Kind == KindOrder && ev.ResourceID == "" {
		t.Fatalf("order event without order id %+v", ev)
	}
	// What is stored as text must be storable (no NUL, valid UTF-8), and
	// an id is a positive int64 in canonical form.
	if !printable(ev.Topic) || !printable(ev.DeliveryKey) {
		t.Fatalf("topic or delivery key is not printable text: %+v", ev)
	}
	if ev.ResourceID != "" {
		if n, err := strconv.ParseInt(ev.ResourceID, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != ev.ResourceID {
			t.Fatalf("resource id %q is not a canonical positive id", ev.ResourceID)
		}
	}
}

func FuzzDecodePrestaShop(f *testing.F) {
	for _, s := range []string{
		`{"action":"update","entity":"Order","data":{"id":"42","current_state":"3","date_upd":"2026-11-25 10:00:00"}}`,
		`{"action":"add","entity":"OrderHistory","data":{"id":9,"id_order":"42","id_order_state":12}}`,
		`{"action":"delete","entity":"Product","data":{"id":"1","name":{"1":"Ting"}}}`,
		`{"action":"add","entity":"Order","data":{"id":null}}`,
		`{"action":"add","entity":"Order","data":{}} trailing`,
		`[]`, `null`, ``, `{`, `{"data":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := DecodePrestaShop(nil, body)
		checkDecoded(t, ev, err)
	})
}

func FuzzDecodeWooCommerce(f *testing.F) {
	for _, s := range [][2]string{
		{"order.updated", `{"id":77,"date_modified_gmt":"2026-11-25T10:00:00"}`},
		{"order.deleted", `{"id":77}`},
		{"product.created", `{"id":"5"}`},
		{"", `{"id":1}`},
		{"order.updated", `webhook_id=1`},
		{"x", `{"id":-1}`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, topic string, body []byte) {
		h := http.Header{}
		h.Set(WooTopicHeader, topic)
		ev, err := DecodeWooCommerce(h, body)
		checkDecoded(t, ev, err)
		_ = IsWooPing(h, body)
	})
}

func FuzzDecodeShopify(f *testing.F) {
	for _, s := range [][3]string{
		{"orders/paid", "b54557e4", `{"id":820982911946154508}`},
		{"refunds/create", "", `{"id":1,"order_id":"2"}`},
		{"customers/update", "w", `{"id":1}`},
		{"orders", "w", `{"id":1}`},
		{"orders/create", "w", `{"id":1e3}`},
	} {
		f.Add(s[0], s[1], []byte(s[2]))
	}
	f.Fuzz(func(t *testing.T, topic, webhookID string, body []byte) {
		h := http.Header{}
		h.Set(ShopifyTopicHeader, topic)
		h.Set(ShopifyWebhookIDHeader, webhookID)
		ev, err := DecodeShopify(h, body)
		checkDecoded(t, ev, err)
	})
}
