package codec

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"go.temporal.io/sdk/converter"
)

// HandlerOptions configure the codec endpoint.
type HandlerOptions struct {
	// Token is the bearer token an operator (or the Web UI, with "include
	// cross-origin credentials") must present. Empty: the endpoint is off
	// and answers 404 — decrypted payloads are personal data.
	Token string
	// AllowOrigin is the Web UI's origin for CORS, e.g.
	// "http://127.0.0.1:8233"; empty: no CORS headers.
	AllowOrigin string
}

// Handler returns the remote codec endpoint the Temporal Web UI and CLI
// call: POST …/encode and POST …/decode with {"payloads":[…]}, as
// converter.NewPayloadCodecHTTPHandler serves it, behind a bearer token.
// Mount it under a prefix with http.StripPrefix.
func Handler(c *Codec, o HandlerOptions) http.Handler {
	inner := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.AllowOrigin != "" {
			w.Header().Set("Access-Control-Allow-Origin", o.AllowOrigin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization,Content-Type,X-Namespace")
			w.Header().Set("Access-Control-Allow-Methods", "POST,OPTIONS")
			w.Header().Set("Vary", "Origin")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if o.Token == "" {
			http.NotFound(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(o.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="bokfor codec"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	})
}
