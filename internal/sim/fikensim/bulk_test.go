package fikensim_test

import (
	"strings"
	"testing"

	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

func TestAddProducts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body string
		status           int
		contain          string
	}{
		{"two products", "/_sim/companies/demo/products", `[{"name":"Bench 1","unitPrice":10000,"incomeAccount":"3000","vatType":"HIGH","active":true,"productNumber":"B-1","lastModifiedDate":"2026-01-02"},
			{"name":"Bench 2","unitPrice":8000,"incomeAccount":"3000","vatType":"MEDIUM","active":true,"productNumber":"B-2"}]`, 201, `"ids":[`},
		{"unknown company", "/_sim/companies/nope/products", `[]`, 404, "no such company"},
		{"bad VAT type", "/_sim/companies/demo/products", `[{"name":"X","unitPrice":1,"incomeAccount":"3000","vatType":"NOPE","active":true}]`, 400, "vatType"},
		{"bad date", "/_sim/companies/demo/products", `[{"name":"X","unitPrice":1,"incomeAccount":"3000","vatType":"HIGH","active":true,"lastModifiedDate":"2.1.2026"}]`, 400, "lastModifiedDate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newSim(t, fikensim.Options{DisableRateLimits: true, DisableLatency: true})
			resp, body := e.json("POST", tc.path, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.contain) {
				t.Fatalf("POST %s = %d %s, want %d containing %q", tc.path, resp.StatusCode, body, tc.status, tc.contain)
			}
			_, list := e.json("GET", "/products?productNumber=B-1", "")
			if added := strings.Contains(string(list), `"productNumber":"B-1"`); added != (tc.status == 201) {
				t.Fatalf("after %s the listing is %s", tc.name, list)
			}
			if tc.status == 201 && !strings.Contains(string(list), `"lastModifiedDate":"2026-01-02"`) {
				t.Fatalf("seeded B-1 = %s, want lastModifiedDate 2026-01-02", list)
			}
		})
	}
}
