package prestashop

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// SignatureHeader is the header a signing webhook module (and the
// simulator, when given a secret) puts on each delivery:
// "sha256=" + hex(HMAC-SHA256(raw body, secret)). The stock ps_webhooks
// module does not sign.
const SignatureHeader = "X-Webhook-Signature"

// Sign returns the SignatureHeader value for body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports, in constant time, whether header is the
// signature of the raw body under secret.
func VerifySignature(secret string, body []byte, header string) bool {
	want := Sign(secret, body)
	return hmac.Equal([]byte(want), []byte(strings.TrimSpace(header)))
}

// Webhook actions as the ps_webhooks module names them.
const (
	// ActionAdd is sent after an object was created.
	ActionAdd = "add"
	// ActionUpdate is sent after an object was changed.
	ActionUpdate = "update"
	// ActionDelete is sent after an object was deleted.
	ActionDelete = "delete"
)

// WebhookEvent is one delivery of the ps_webhooks module:
// {"action":"add|update|delete","entity":"Order","data":{...}} where data
// holds the ObjectModel's public fields. Treat it as a hint: re-read the
// object through the webservice.
type WebhookEvent struct {
	// Action is ActionAdd, ActionUpdate or ActionDelete.
	Action string `json:"action"`
	// Entity is the ObjectModel class: Order, Customer, Product,
	// StockAvailable, OrderHistory, OrderSlip, ...
	Entity string `json:"entity"`
	// Data holds the object's fields (numbers may arrive as strings).
	Data map[string]json.RawMessage `json:"data"`
}

// ParseWebhookEvent decodes a delivery body strictly enough to reject
// garbage: action and entity must be present.
func ParseWebhookEvent(body []byte) (WebhookEvent, error) {
	var ev WebhookEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ev); err != nil {
		return WebhookEvent{}, fmt.Errorf("prestashop: webhook body: %w", err)
	}
	if ev.Action == "" || ev.Entity == "" {
		return WebhookEvent{}, fmt.Errorf("prestashop: webhook body: action and entity are required")
	}
	return ev, nil
}

// Int returns the integer field name of Data, accepting a JSON number or a
// numeric string; ok is false when absent or not an integer.
func (e WebhookEvent) Int(name string) (int, bool) {
	raw, ok := e.Data[name]
	if !ok {
		return 0, false
	}
	s := strings.Trim(string(raw), `"`)
	i, err := strconv.Atoi(s)
	return i, err == nil
}

// ID returns the object's id ("id" in Data).
func (e WebhookEvent) ID() (int, bool) { return e.Int("id") }

// OrderID returns the order the event is about: the id of an Order, or the
// id_order of an OrderHistory, OrderSlip or OrderDetail.
func (e WebhookEvent) OrderID() (int, bool) {
	if e.Entity == "Order" {
		return e.ID()
	}
	return e.Int("id_order")
}
