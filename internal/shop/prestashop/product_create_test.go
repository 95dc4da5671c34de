package prestashop

import "testing"

func TestLinkRewrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Te 100 g", "te-100-g"},
		{"Kaffe, mørkbrent – 500 g", "kaffe-morkbrent-500-g"},
		{"Blåbær & Ærter", "blabaer-aerter"},
		{"!!!", "product"},
		{"  T-skjorte  ", "t-skjorte"},
	} {
		if got := linkRewrite(tc.in); got != tc.want {
			t.Errorf("linkRewrite(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
