package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// Kinds of object an event is about.
const (
	// KindOrder events are signalled to the order workflow.
	KindOrder = "order"
	// KindCustomer events trigger the tenant's customer sync.
	KindCustomer = "customer"
	// KindProduct events trigger the tenant's product sync.
	KindProduct = "product"
	// KindStock events trigger the tenant's stock sync.
	KindStock = "stock"
	// KindOther events are stored for the record and not acted on.
	KindOther = "other"
)

// Event is a decoded delivery: what the edge needs to store, de-duplicate
// and route it. The raw body stays the record.
type Event struct {
	// Topic names what happened in the source's words, e.g. "Order.update",
	// "order.updated" or "orders/paid".
	Topic string
	// DeliveryKey de-duplicates deliveries of one source for one tenant.
	DeliveryKey string
	// Kind is KindOrder, KindCustomer, KindProduct, KindStock or KindOther.
	Kind string
	// ResourceID is the shop order id for KindOrder, else the object's id
	// (may be empty).
	ResourceID string
	// StateID is the order state an event moves the order into, when the
	// payload says so (PrestaShop OrderHistory id_order_state, Order
	// current_state); used to recognise echoes.
	StateID string
}

// hashKey returns a delivery key derived from parts: hex SHA-256 of the
// parts separated by NUL bytes.
func hashKey(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keepHeaders copies the named headers of h (those present), each value
// cut to 512 bytes, into a map keyed by canonical name.
func keepHeaders(h http.Header, names []string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		if v := h.Get(n); v != "" {
			if len(v) > 512 {
				v = v[:512]
			}
			out[http.CanonicalHeaderKey(n)] = v
		}
	}
	return out
}

// headerOf rebuilds an http.Header from stored headers.
func headerOf(m map[string]string) http.Header {
	h := make(http.Header, len(m))
	for k, v := range m {
		h.Set(k, v)
	}
	return h
}
