package prestashopsim

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAddProducts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		status     int
		contain    string
	}{
		{"two products", `[{"reference":"B-1","name":"Bench 1","price_tax_excl":"100.00","tax_rate":"25","stock":3,"date_upd":"2026-01-02 03:04:05"},
			{"reference":"B-2","name":"Bench 2","price_tax_excl":"80.00","tax_rate":"15","stock":1}]`, 201, `"ids":[`},
		{"unknown rate", `[{"reference":"B-3","name":"Bench 3","price_tax_excl":"1.00","tax_rate":"7"}]`, 400, "no tax rule group"},
		{"bad date", `[{"reference":"B-4","name":"Bench 4","price_tax_excl":"1.00","tax_rate":"25","date_upd":"yesterday"}]`, 400, "date_upd"},
		{"no reference", `[{"name":"Bench 5","price_tax_excl":"1.00","tax_rate":"25"}]`, 400, "required"},
		{"unknown field", `[{"sku":"B-6"}]`, 400, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(New(Options{}))
			defer srv.Close()
			status, _, body := do(t, srv, "POST", "/_sim/products", tc.body, false)
			if status != tc.status || !strings.Contains(body, tc.contain) {
				t.Fatalf("POST /_sim/products = %d %s, want %d containing %q", status, body, tc.status, tc.contain)
			}
			if tc.status != 201 {
				if _, _, list := do(t, srv, "GET", "/api/products?filter[reference]=[B-1]", "", true); strings.Contains(list, "<product ") {
					t.Fatalf("a refused batch added products: %s", list)
				}
				return
			}
			_, _, got := do(t, srv, "GET", "/api/products?display=[id,reference,price,date_upd]&filter[reference]=[B-1]&output_format=JSON", "", true)
			for _, want := range []string{`"reference":"B-1"`, `"price":"100.000000"`, `"date_upd":"2026-01-02 03:04:05"`} {
				if !strings.Contains(got, want) {
					t.Fatalf("seeded product B-1 = %s, want %s", got, want)
				}
			}
		})
	}
}
