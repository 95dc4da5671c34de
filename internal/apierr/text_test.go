package apierr

import (
	"net/http"
	"testing"
	"time"
)

func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"  Feil i\tfelt\n ", 100, "Feil i\tfelt"},
		{"a\x00b\x1b[31mc\x7f", 100, "ab[31mc"},
		{"bad \xff\xfe utf8", 100, "bad \uFFFD utf8"},
		{"ææææ", 3, "æ"},
		{"", 10, ""},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in, tt.n); got != tt.want {
			t.Errorf("CleanText(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{" 7 ", 7 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"99999999999", MaxRetryAfter},
		{"99999999999999999999999", 0}, // not an int64: unreadable
		{"soon", 0},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
		{time.Now().Add(48 * time.Hour).UTC().Format(http.TimeFormat), MaxRetryAfter},
	}
	for _, tt := range tests {
		if got := ParseRetryAfter(tt.in); got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
