package codec

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"go.temporal.io/sdk/converter"
)

// HandlerOptions configure the codec endpoint.
type HandlerOptions struct {
	// Token is the bearer token an operator (or the Web UI, passing its
	// access token) must present. Empty: the endpoint is off and answers
	// 404 — decrypted payloads are personal data — unless Open is set.
	Token string
	// Open serves without a token: only for `bokfor dev`, whose starter
	// listens on 127.0.0.1 and whose data is made up.
	Open bool
	// AllowOrigins are the Web UI origins allowed by CORS, e.g.
	// "http://127.0.0.1:8233"; empty: no CORS headers.
	AllowOrigins []string
}

// Handler returns the remote codec endpoint the Temporal Web UI and CLI
// call: POST …/encode and POST …/decode with {"payloads":[…]}, as
// converter.NewPayloadCodecHTTPHandler serves it, behind a bearer token.
// Mount it under a prefix with http.StripPrefix.
func Handler(c *Codec, o HandlerOptions) http.Handler {
	inner := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && slices.Contains(o.AllowOrigins, origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			hdrs := "Authorization,Content-Type,X-Namespace"
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				hdrs = req
			}
			w.Header().Set("Access-Control-Allow-Headers", hdrs)
			w.Header().Set("Access-Control-Allow-Methods", "POST,OPTIONS")
			w.Header().Set("Vary", "Origin")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if o.Open {
			inner.ServeHTTP(w, r)
			return
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
