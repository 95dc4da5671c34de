package poweroffice

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/bokfor/bokfor/internal/money"
)

// Amount is a PowerOffice money amount (a JSON double) held as øre. It is
// written with exactly two decimals and read without passing through a
// float unless PowerOffice used exponent notation.
type Amount money.Ore

// Ore returns the amount in øre.
func (a Amount) Ore() money.Ore { return money.Ore(a) }

// MarshalJSON writes the amount as a decimal number, "-12.50".
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(money.Ore(a).String()), nil }

// UnmarshalJSON reads a JSON number, rounding to whole øre half away from
// zero; null reads as 0.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*a = 0
		return nil
	}
	o, err := money.Parse(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return fmt.Errorf("poweroffice: amount %s: %w", s, err)
		}
		if o, err = money.Parse(strconv.FormatFloat(f, 'f', -1, 64)); err != nil {
			return fmt.Errorf("poweroffice: amount %s: %w", s, err)
		}
	}
	*a = Amount(o)
	return nil
}
