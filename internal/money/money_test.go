package money

import (
	"errors"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Ore
		err  error
	}{
		{"0", 0, nil},
		{"12", 1200, nil},
		{"12.5", 1250, nil},
		{"12.50", 1250, nil},
		{"1234.567890", 123457, nil},
		{"99.994999", 9999, nil},
		{"-0.005", -1, nil},
		{"-10.004", -1000, nil},
		{"+3.10", 310, nil},
		{"0,75", 75, nil},
		{".5", 50, nil},
		{" 100.000000 ", 10000, nil},
		{"", 0, ErrSyntax},
		{"abc", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{"1e3", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{"99999999999999999999", 0, ErrRange},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for in, want := range map[Ore]string{0: "0.00", 5: "0.05", -5: "-0.05", 123456: "1234.56", -100: "-1.00"} {
		if got := in.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(in), got, want)
		}
	}
}

func TestMulRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		o        Ore
		num, den int64
		want     Ore
	}{
		{12500, 25, 125, 2500},
		{10, 25, 125, 2},   // 2.0
		{13, 25, 125, 3},   // 2.6
		{-13, 25, 125, -3}, // half away from zero, symmetric
		{1, 1, 2, 1},
		{-1, 1, 2, -1},
		{99, 15, 115, 13}, // 12.91
	}
	for _, tt := range tests {
		if got := MulRate(tt.o, tt.num, tt.den); got != tt.want {
			t.Errorf("MulRate(%d,%d,%d) = %d, want %d", tt.o, tt.num, tt.den, got, tt.want)
		}
	}
}

func TestAllocateSumsExactly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total   Ore
		weights []Ore
		want    []Ore
	}{
		{100, []Ore{1, 1, 1}, []Ore{34, 33, 33}},
		{-100, []Ore{1, 1, 1}, []Ore{-34, -33, -33}},
		{1000, []Ore{8000, 2000}, []Ore{800, 200}},
		{7, []Ore{0, 5}, []Ore{0, 7}},
		{5, []Ore{0, 0}, []Ore{5, 0}},
	}
	for _, tt := range tests {
		got := Allocate(tt.total, tt.weights)
		var sum Ore
		for i := range got {
			sum += got[i]
			if got[i] != tt.want[i] {
				t.Errorf("Allocate(%d,%v) = %v, want %v", tt.total, tt.weights, got, tt.want)
				break
			}
		}
		if sum != tt.total {
			t.Errorf("Allocate(%d,%v) sums to %d", tt.total, tt.weights, sum)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.005", "-3", "0,5", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(o.String())
		if err != nil || back != o {
			t.Fatalf("round trip %q -> %d -> %q -> %d, %v", s, o, o.String(), back, err)
		}
	})
}

// Totals and weights whose product overflows int64 are split exactly
// (the product used to overflow and the hand-out loop never ended).
func TestAllocateHugeAmounts(t *testing.T) {
	t.Parallel()
	const big = Ore(4_000_000_000_000_000_000)
	tests := []struct {
		total   Ore
		weights []Ore
		want    []Ore
	}{
		{big, []Ore{big, big}, []Ore{big / 2, big / 2}},
		{-big, []Ore{1, big}, []Ore{-1, -big + 1}},
		{big + 1, []Ore{big, big, big}, nil},
	}
	for _, tt := range tests {
		got := Allocate(tt.total, tt.weights)
		var sum Ore
		for _, p := range got {
			sum += p
		}
		if sum != tt.total {
			t.Errorf("Allocate(%d, %v) = %v, sums to %d", tt.total, tt.weights, got, sum)
		}
		if tt.want != nil && !slices.Equal(got, tt.want) {
			t.Errorf("Allocate(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
		}
	}
}
