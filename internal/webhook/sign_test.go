package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
)

// signB64 is how WooCommerce and Shopify sign: base64 HMAC-SHA256.
func signB64(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signPS is how a signing PrestaShop module (and the simulator) signs.
func signPS(secret string, body []byte) string { return prestashop.Sign(secret, body) }
