// Package domain holds the shop-neutral types that every shop connector maps
// its orders, customers, products and stock into, and that the ledger
// document builder consumes. It does no I/O.
//
// Conventions:
//   - Money is money.Ore (int64 hundredths) in the currency of the object it
//     belongs to (an order's amounts are in the order's currency); floats are
//     never used.
//   - VAT rates are integer basis points: 2500 = 25 %, 1500 = 15 %,
//     1200 = 12 %, 0 = 0 %.
//   - Currency conversion rates are integers scaled by 10^6 (RateScale), as
//     shops store them with six decimals.
//   - Ids are the shop's own ids, kept as strings so that every shop fits.
//   - Amounts are the shop's own, already rounded to øre; the builder never
//     recomputes VAT from gross. Where the shop's total differs from the sum of
//     its lines (per-total rounding), the difference is visible through
//     Order.RoundingDifference.
package domain
