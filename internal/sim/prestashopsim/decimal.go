package prestashopsim

import (
	"fmt"
	"strconv"

	"github.com/bokfor/bokfor/internal/money"
)

// micro is an amount in millionths of the currency unit, the precision
// PrestaShop stores prices with (DECIMAL(20,6)).
type micro int64

const microPerUnit = 1_000_000

// parseMicro reads a decimal string to six decimals.
func parseMicro(s string) (micro, error) {
	v, err := money.ParseUnits(s, 6)
	return micro(v), err
}

// String formats with six decimals, as PrestaShop outputs money: "169.900000".
func (m micro) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%06d", sign, v/microPerUnit, v%microPerUnit)
}

// divRound returns a/b rounded half away from zero (PrestaShop's default
// PS_ROUND_HALF_UP). b must be positive.
func divRound(a, b int64) int64 {
	neg := a < 0
	if neg {
		a = -a
	}
	q := a / b
	if 2*(a%b) >= b {
		q++
	}
	if neg {
		q = -q
	}
	return q
}

// round2 rounds to whole øre (two decimals), half away from zero.
func (m micro) round2() micro { return micro(divRound(int64(m), 10_000) * 10_000) }

// exclOf returns incl / (1 + bp/10000), rounded to six decimals.
func exclOf(incl micro, bp int) micro {
	return micro(divRound(int64(incl)*10_000, int64(10_000+bp)))
}

// inclOf returns excl × (1 + bp/10000), rounded to six decimals.
func inclOf(excl micro, bp int) micro {
	return micro(divRound(int64(excl)*int64(10_000+bp), 10_000))
}

// mulDiv returns a × b / c rounded half away from zero; c must be positive.
func mulDiv(a micro, b, c int64) micro { return micro(divRound(int64(a)*b, c)) }

// rateString formats basis points as PrestaShop outputs a tax rate: "25.000".
func rateString(bp int) string {
	return fmt.Sprintf("%d.%03d", bp/100, (bp%100)*10)
}

// parseRateBP reads a percentage ("25", "25.000") into basis points.
func parseRateBP(s string) (int, error) {
	v, err := money.ParseUnits(s, 2)
	return int(v), err
}

func itoa(i int) string { return strconv.Itoa(i) }

func atoi(s string) int {
	i, _ := strconv.Atoi(s)
	return i
}
