package prestashopsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOneOfMatchesAsCompareDoes checks the set look-up of a [a|b|...]
// filter against the definition it replaces: some alternative compares
// equal to the value (as integers when both are, else as strings).
func TestOneOfMatchesAsCompareDoes(t *testing.T) {
	t.Parallel()
	alts := []string{"1", "07", "-3", "abc", " 5", "2026-01-02 10:00:00", ""}
	values := []string{"1", "01", "7", "007", "-3", "3", "abc", "ABC", "5", " 5", "2026-01-02 10:00:00", "2026-01-02", "", "x", "99999999999999999999"}
	m := oneOf(alts)
	for _, v := range values {
		want := false
		for _, a := range alts {
			if compare(v, a) == 0 {
				want = true
			}
		}
		if got := m(v); got != want {
			t.Errorf("value %q: matched %v, compare says %v", v, got, want)
		}
	}
}

// TestIDFilterListsThoseRecordsInIDOrder lists products by an id filter
// (the look-up shortcut) and by an id range (the full scan): both in id
// order, unknown ids left out, the other filters still applied.
func TestIDFilterListsThoseRecordsInIDOrder(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{}))
	defer srv.Close()
	for _, tc := range []struct{ query, want string }{
		{"filter[id]=[3|1|999|1]", `{"products":[{"id":1},{"id":3}]}`},
		{"filter[id]=[04|2]", `{"products":[{"id":2},{"id":4}]}`},
		{"filter[id]=[2,4]", `{"products":[{"id":2},{"id":3},{"id":4}]}`},
		{"filter[id]=[1|2|3]&filter[reference]=[nothing]", `[]`},
	} {
		path := "/api/products?output_format=JSON&display=[id]&" + strings.NewReplacer("[", "%5B", "]", "%5D", "|", "%7C").Replace(tc.query)
		code, _, body := do(t, srv, http.MethodGet, path, "", true)
		if code != http.StatusOK || strings.TrimSpace(body) != tc.want {
			t.Errorf("%s: %d %s, want %s", tc.query, code, body, tc.want)
		}
	}
}
