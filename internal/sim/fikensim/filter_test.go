package fikensim

import "testing"

// TestEqFilterOfIsEqFilter checks the hoisted filter against eqFilter.
func TestEqFilterOfIsEqFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    map[string][]string
	}{
		{"absent", map[string][]string{"other": {"x"}}},
		{"empty list", map[string][]string{"name": {}}},
		{"empty value", map[string][]string{"name": {""}}},
		{"value", map[string][]string{"name": {"Kaffe"}}},
		{"first of two", map[string][]string{"name": {"Kaffe", "Te"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := eqFilterOf(tc.q, "name")
			for _, v := range []string{"", "Kaffe", "Te", "kaffe"} {
				if got, want := f(v), eqFilter(tc.q, "name", v); got != want {
					t.Errorf("value %q: %v, eqFilter says %v", v, got, want)
				}
			}
		})
	}
}
