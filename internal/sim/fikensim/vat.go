package fikensim

import (
	"encoding/json"
	"math/big"
)

// vatRate returns the rate in percent of a sales VAT type (Norwegian
// rates; the spec lists none), and false for types not valid on sales.
func vatRate(vatType string) (*big.Rat, bool) {
	switch vatType {
	case "HIGH":
		return big.NewRat(25, 1), true
	case "MEDIUM":
		return big.NewRat(15, 1), true
	case "LOW":
		return big.NewRat(12, 1), true
	case "RAW_FISH":
		return big.NewRat(1111, 100), true
	case "NONE", "EXEMPT_IMPORT_EXPORT", "EXEMPT", "OUTSIDE", "EXEMPT_REVERSE":
		return big.NewRat(0, 1), true
	}
	return nil, false
}

// vatTypeFor maps a non-zero percentage to its VAT type.
func vatTypeFor(pct *big.Rat) (string, bool) {
	for _, t := range []string{"HIGH", "MEDIUM", "LOW", "RAW_FISH"} {
		if r, _ := vatRate(t); r.Cmp(pct) == 0 {
			return t, true
		}
	}
	return "", false
}

// ratOf parses a JSON number exactly.
func ratOf(n json.Number) (*big.Rat, bool) {
	return new(big.Rat).SetString(string(n))
}

// roundRat rounds half away from zero to an integer.
func roundRat(x *big.Rat) int64 {
	num := new(big.Int).Set(x.Num())
	den := x.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

// lineAmounts computes a line's net (unit price × quantity less discount
// percent) and VAT (net × rate), each rounded to whole øre.
func lineAmounts(unitPrice int64, qty, discountPct, ratePct *big.Rat) (net, vat int64) {
	n := new(big.Rat).Mul(big.NewRat(unitPrice, 1), qty)
	if discountPct != nil && discountPct.Sign() != 0 {
		keep := new(big.Rat).Sub(big.NewRat(100, 1), discountPct)
		n.Mul(n, keep).Quo(n, big.NewRat(100, 1))
	}
	net = roundRat(n)
	vat = roundRat(new(big.Rat).Quo(new(big.Rat).Mul(big.NewRat(net, 1), ratePct), big.NewRat(100, 1)))
	return net, vat
}

// ratOne is the quantity of an amount line.
func ratOne() *big.Rat { return big.NewRat(1, 1) }
