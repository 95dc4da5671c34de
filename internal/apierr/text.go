package apierr

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMessage caps the length of an error message kept from a response
// body.
const MaxMessage = 4096

// MaxRetryAfter caps the wait a Retry-After header may ask for: a broken
// or hostile value must not stall a company's requests for days.
const MaxRetryAfter = 10 * time.Minute

// CleanText makes s storable and printable text, as an API's error
// message must be before it becomes an order's needs_attention reason:
// invalid UTF-8 becomes U+FFFD, control characters other than newline and
// tab are dropped (PostgreSQL text cannot hold a NUL), surrounding space
// is trimmed, and the result is cut to at most n bytes on a character
// boundary.
func CleanText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// ParseRetryAfter reads a Retry-After header (delay seconds or an HTTP
// date) into a wait between 0 and MaxRetryAfter; 0 when absent or
// unreadable.
func ParseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n >= int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	}
	return min(max(d, 0), MaxRetryAfter)
}
