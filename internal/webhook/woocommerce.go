package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// WooCommerce webhook headers.
const (
	// WooSignatureHeader is base64(HMAC-SHA256(raw body, secret)).
	WooSignatureHeader = "X-WC-Webhook-Signature"
	// WooTopicHeader is e.g. "order.updated".
	WooTopicHeader = "X-WC-Webhook-Topic"
)

// verifyBase64HMAC reports, in constant time, whether sig is the base64
// HMAC-SHA256 of body under secret.
func verifyBase64HMAC(secret string, body []byte, sig string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(m.Sum(nil), got)
}

// authHMACHeader returns an authenticator that accepts a body signed in
// header with one of the tenant's secrets.
func authHMACHeader(header string) func(*http.Request, []byte, []string) bool {
	return func(r *http.Request, body []byte, secrets []string) bool {
		sig := r.Header.Get(header)
		if sig == "" {
			return false
		}
		ok := false
		for _, s := range secrets {
			if verifyBase64HMAC(s, body, sig) {
				ok = true
			}
		}
		return ok
	}
}

// IsWooPing reports whether a request is WooCommerce's activation ping: a
// form-encoded body "webhook_id=<n>" and nothing else, sent unsigned when a
// webhook is saved as active. It must be answered 200.
func IsWooPing(h http.Header, body []byte) bool {
	body = bytes.TrimSpace(body)
	if !bytes.HasPrefix(body, []byte("webhook_id=")) {
		return false
	}
	if ct := h.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return false
	}
	v, err := url.ParseQuery(string(body))
	if err != nil || len(v) != 1 || len(v["webhook_id"]) != 1 {
		return false
	}
	_, err = strconv.ParseUint(v.Get("webhook_id"), 10, 64)
	return err == nil
}

// wooKind maps a WooCommerce resource to an event kind.
func wooKind(resource string) string {
	switch resource {
	case "order":
		return KindOrder
	case "customer":
		return KindCustomer
	case "product":
		return KindProduct
	default:
		return KindOther
	}
}

// DecodeWooCommerce decodes a WooCommerce delivery: the topic from
// X-WC-Webhook-Topic (or X-WC-Webhook-Resource + Event), the body the
// resource as the REST API returns it (for "deleted" only {"id":n}).
//
// X-WC-Webhook-Delivery-ID is not used: it has one-second resolution and
// collides. The delivery key is a hash of topic, id and date_modified_gmt,
// or of topic and the whole body when there is no modification time.
func DecodeWooCommerce(h http.Header, body []byte) (Event, error) {
	topic := strings.TrimSpace(h.Get(WooTopicHeader))
	if topic == "" {
		res, evt := strings.TrimSpace(h.Get("X-WC-Webhook-Resource")), strings.TrimSpace(h.Get("X-WC-Webhook-Event"))
		if res == "" || evt == "" {
			return Event{}, malformed("no %s header", WooTopicHeader)
		}
		topic = res + "." + evt
	}
	resource, _, ok := strings.Cut(topic, ".")
	if !ok || resource == "" || len(topic) > 200 || !printable(topic) {
		return Event{}, malformed("topic %q", truncate(topic, 80))
	}
	m, err := decodeObject(body)
	if err != nil {
		return Event{}, err
	}
	id, hasID, err := idField(m, "id")
	if err != nil {
		return Event{}, err
	}
	if !hasID {
		return Event{}, malformed("no id")
	}
	modified, err := stringField(m, "date_modified_gmt")
	if err != nil {
		return Event{}, err
	}
	out := Event{Topic: topic, Kind: wooKind(resource), ResourceID: id}
	if modified != "" {
		out.DeliveryKey = hashKey(SourceWooCommerce, topic, id, modified)
	} else {
		out.DeliveryKey = hashKey(SourceWooCommerce, topic, "body", string(body))
	}
	return out, nil
}
