package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"regexp"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
)

// TokenHeader carries a PrestaShop tenant's webhook token when the module
// cannot put it in the URL (?token=...).
const TokenHeader = "X-Bokfor-Token"

// entityPattern is a PHP class name, possibly namespaced: what ps_webhooks
// puts in "entity". Anything else (a NUL, invalid UTF-8, a novel) is
// refused rather than stored as a topic.
var entityPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\\]{0,99}$`)

// truncate cuts s to at most n bytes for a message.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// prestashopKind maps ps_webhooks entities to event kinds; entities
// about an order carry id_order (Order itself carries id).
func prestashopKind(entity string) string {
	switch entity {
	case "Order", "OrderHistory", "OrderSlip", "OrderDetail", "OrderInvoice", "OrderCarrier", "OrderCartRule", "OrderReturn":
		return KindOrder
	case "Customer", "Address":
		return KindCustomer
	case "Product", "Combination":
		return KindProduct
	case "StockAvailable":
		return KindStock
	default:
		// OrderPayment is keyed by order reference, not id: the poller
		// sees the order change instead.
		return KindOther
	}
}

// authPrestaShop accepts a delivery that carries one of the tenant's
// secrets as token (query ?token= or TokenHeader), or that is signed with
// one of them in prestashop.SignatureHeader. Comparisons are constant-time.
func authPrestaShop(r *http.Request, body []byte, secrets []string) bool {
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.Header.Get(TokenHeader)
	}
	sig := r.Header.Get(prestashop.SignatureHeader)
	ok := false
	for _, s := range secrets {
		if token != "" && equalSecret(token, s) {
			ok = true
		}
		if sig != "" && prestashop.VerifySignature(s, body, sig) {
			ok = true
		}
	}
	return ok
}

// equalSecret compares two secrets in time independent of their contents
// and lengths (it compares their SHA-256 digests).
func equalSecret(a, b string) bool {
	da, db := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return hmac.Equal(da[:], db[:])
}

// DecodePrestaShop decodes a ps_webhooks delivery
// {"action":"add|update|delete","entity":"Order","data":{...}}.
//
// The delivery key is a hash of entity, action, data.id and data.date_upd
// when the object has both (the module has no delivery id, and one change
// re-sent has the same modification time), else a hash of the whole body.
func DecodePrestaShop(_ http.Header, body []byte) (Event, error) {
	if _, err := decodeObject(body); err != nil {
		return Event{}, err
	}
	ev, err := prestashop.ParseWebhookEvent(body)
	if err != nil {
		return Event{}, malformed("%v", err)
	}
	switch ev.Action {
	case prestashop.ActionAdd, prestashop.ActionUpdate, prestashop.ActionDelete:
	default:
		return Event{}, malformed("unknown action %q", ev.Action)
	}
	if !entityPattern.MatchString(ev.Entity) {
		return Event{}, malformed("entity %q is not a class name", truncate(ev.Entity, 80))
	}
	if ev.Data == nil {
		return Event{}, malformed("data is required")
	}
	id, hasID, err := idField(ev.Data, "id")
	if err != nil {
		return Event{}, err
	}
	upd, err := stringField(ev.Data, "date_upd")
	if err != nil {
		return Event{}, err
	}
	out := Event{Topic: ev.Entity + "." + ev.Action, Kind: prestashopKind(ev.Entity), ResourceID: id}
	switch ev.Entity {
	case "Order":
		if !hasID {
			return Event{}, malformed("Order without id")
		}
		if ev.Action == prestashop.ActionUpdate {
			out.StateID, _, err = intField(ev.Data, "current_state")
		}
	case "OrderHistory":
		if ev.Action == prestashop.ActionAdd {
			out.StateID, _, err = intField(ev.Data, "id_order_state")
		}
	}
	if err != nil {
		return Event{}, err
	}
	if out.Kind == KindOrder && ev.Entity != "Order" {
		orderID, ok, err := idField(ev.Data, "id_order")
		if err != nil {
			return Event{}, err
		}
		if !ok {
			return Event{}, malformed("%s without id_order", ev.Entity)
		}
		out.ResourceID = orderID
	}
	if hasID && upd != "" {
		out.DeliveryKey = hashKey(SourcePrestaShop, ev.Entity, ev.Action, id, upd)
	} else {
		out.DeliveryKey = hashKey(SourcePrestaShop, "body", string(body))
	}
	return out, nil
}
