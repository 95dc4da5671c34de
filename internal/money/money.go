// Package money holds exact amounts as int64 øre (hundredths of the
// currency unit) and parses the decimal strings shops and ledgers send,
// without ever passing through a float.
package money

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Ore is an amount in hundredths of the currency unit (øre for NOK, cents
// for EUR). All money in bokfor is Ore from parsing to posting.
type Ore int64

// ErrSyntax is returned for a string that is not a decimal number.
var ErrSyntax = errors.New("money: not a decimal amount")

// ErrRange is returned for an amount that does not fit in int64 øre.
var ErrRange = errors.New("money: amount out of range")

// Parse reads a decimal string such as "1234.5", "-0.125000" or "1e2"-free
// plain notation and rounds it half away from zero to whole øre. A comma
// is accepted as the decimal separator. Leading and trailing spaces are
// ignored; an empty string is an error.
func Parse(s string) (Ore, error) {
	return parseScaled(s, 2)
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Ore {
	o, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return o
}

// ParseUnits reads a decimal string and returns it scaled by 10^scale,
// rounded half away from zero. ParseUnits(s, 2) is Parse; quantities and
// rates use other scales.
func ParseUnits(s string, scale int) (int64, error) {
	o, err := parseScaled(s, scale)
	return int64(o), err
}

func parseScaled(s string, scale int) (Ore, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("%w: empty", ErrSyntax)
	}
	neg := false
	switch t[0] {
	case '-':
		neg = true
		t = t[1:]
	case '+':
		t = t[1:]
	}
	t = strings.Replace(t, ",", ".", 1)
	intPart, frac, _ := strings.Cut(t, ".")
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if !digits(intPart) || !digits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if intPart == "" {
		intPart = "0"
	}
	var roundUp bool
	if len(frac) > scale {
		roundUp = frac[scale] >= '5'
		frac = frac[:scale]
	}
	frac += strings.Repeat("0", scale-len(frac))
	v, err := strconv.ParseInt(strings.TrimLeft(intPart+frac, "0")+"0", 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrRange, s)
	}
	v /= 10 // undo the trailing "0" that keeps an all-zero string parseable
	if roundUp {
		if v == 1<<63-1 {
			return 0, fmt.Errorf("%w: %q", ErrRange, s)
		}
		v++
	}
	if neg {
		v = -v
	}
	return Ore(v), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount as a plain decimal with two places, "-12.50".
func (o Ore) String() string {
	v := int64(o)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MulRate returns o × num / den rounded half away from zero, for VAT and
// currency conversions expressed as integer ratios (e.g. 25/125). den must
// be positive.
func MulRate(o Ore, num, den int64) Ore {
	if den <= 0 {
		panic("money: denominator must be positive")
	}
	p := int64(o) * num
	neg := p < 0
	if neg {
		p = -p
	}
	q := p / den
	if 2*(p%den) >= den {
		q++
	}
	if neg {
		q = -q
	}
	return Ore(q)
}

// Allocate splits total over weights in proportion, largest remainder
// first, so that the parts always sum to exactly total. It is used to
// spread an order-level discount over VAT rates by tax base. Weights must
// be non-negative and not all zero.
func Allocate(total Ore, weights []Ore) []Ore {
	parts := make([]Ore, len(weights))
	var sum int64
	for _, w := range weights {
		if w < 0 {
			panic("money: negative weight")
		}
		sum += int64(w)
	}
	if sum == 0 {
		if len(parts) > 0 {
			parts[0] = total
		}
		return parts
	}
	neg := total < 0
	t := int64(total)
	if neg {
		t = -t
	}
	type rem struct {
		i int
		r int64
	}
	var given int64
	rems := make([]rem, len(weights))
	for i, w := range weights {
		// t × w can overflow int64: multiply and divide in 128 bits (the
		// quotient is at most t, so it fits).
		hi, lo := bits.Mul64(uint64(t), uint64(w))
		q, r := bits.Div64(hi, lo, uint64(sum))
		parts[i] = Ore(q)
		given += int64(q)
		rems[i] = rem{i, int64(r)}
	}
	// Hand out the remaining øre to the largest remainders, ties by index.
	for left := t - given; left > 0; left-- {
		best := -1
		for j := range rems {
			if best < 0 || rems[j].r > rems[best].r {
				best = j
			}
		}
		parts[rems[best].i]++
		rems[best].r = -1
	}
	if neg {
		for i := range parts {
			parts[i] = -parts[i]
		}
	}
	return parts
}
