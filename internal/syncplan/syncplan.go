// Package syncplan decides what a two-way sync writes: a three-way merge of
// one object's fields (shop, ledger and the snapshot stored at the last
// sync) under per-field ownership, and the stock quantity each side should
// hold. It does no I/O; activities read both sides, ask for a Plan and
// carry it out.
//
// Ownership of a field (tenant settings product_fields/customer_fields):
//
//   - shop: the shop's value is written to the ledger whenever they differ.
//   - ledger: the ledger's value is written to the shop whenever they differ.
//   - newest: the side that changed since the snapshot wins; a value that
//     only one side changed is copied to the other, so a change on one
//     side is never mistaken for a change on the other. When both sides
//     changed the field to different values (or there is no snapshot yet
//     and they differ), the ledger wins (ConflictRule) and, when there was
//     a snapshot, the field is reported as a conflict.
//   - never (and fields without an owner): nothing is written.
//
// A field missing from either side's record (the side cannot read it) is
// left alone.
package syncplan

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Ownership values, as in tenant settings.
const (
	OwnerShop   = "shop"
	OwnerLedger = "ledger"
	OwnerNewest = "newest"
	OwnerNever  = "never"
)

// ConflictRule documents who wins a true conflict on a newest field: the
// ledger, because the accounting system is the record the merchant's
// accountant signs off.
const ConflictRule = "ledger wins"

// Product field names, the keys of tenant settings product_fields.
const (
	FieldName        = "name"
	FieldPrice       = "price"
	FieldVAT         = "vat"
	FieldActive      = "active"
	FieldDescription = "description"
	FieldSKU         = "sku"
)

// Customer field names, the keys of tenant settings customer_fields.
const (
	FieldEmail   = "email"
	FieldOrgNo   = "organization_number"
	FieldPhone   = "phone"
	FieldAddress = "address"
)

// Record is one object's synced fields in canonical string form (prices in
// øre, booleans "true"/"false"), keyed by field name.
type Record map[string]string

// Clone returns a copy of r (nil stays nil).
func (r Record) Clone() Record { return maps.Clone(r) }

// Plan is what to write for one object.
type Plan struct {
	// ToShop holds the fields to write to the shop, with their new values.
	ToShop Record
	// ToLedger holds the fields to write to the ledger.
	ToLedger Record
	// Snapshot is the record to store as the new base: the value both
	// sides hold once the plan is carried out (the shop's value for fields
	// that are not synced).
	Snapshot Record
	// Conflicts lists the newest fields both sides changed, sorted.
	Conflicts []string
}

// Writes reports whether the plan writes anything.
func (p Plan) Writes() bool { return len(p.ToShop) > 0 || len(p.ToLedger) > 0 }

// Merge plans one object's sync from its base (the snapshot of the last
// sync, nil when there is none), the shop's and the ledger's current
// records and the per-field owners.
func Merge(base, shop, ledger Record, owners map[string]string) Plan {
	p := Plan{ToShop: Record{}, ToLedger: Record{}, Snapshot: Record{}}
	for _, f := range slices.Sorted(maps.Keys(shop)) {
		s := shop[f]
		l, ok := ledger[f]
		if !ok {
			p.Snapshot[f] = s
			continue
		}
		if s == l {
			p.Snapshot[f] = s
			continue
		}
		switch owners[f] {
		case OwnerShop:
			p.ToLedger[f], p.Snapshot[f] = s, s
		case OwnerLedger:
			p.ToShop[f], p.Snapshot[f] = l, l
		case OwnerNewest:
			b, hasBase := base[f]
			shopChanged := !hasBase || s != b
			ledgerChanged := !hasBase || l != b
			switch {
			case shopChanged && !ledgerChanged:
				p.ToLedger[f], p.Snapshot[f] = s, s
			case ledgerChanged && !shopChanged:
				p.ToShop[f], p.Snapshot[f] = l, l
			default:
				p.ToShop[f], p.Snapshot[f] = l, l
				if hasBase {
					p.Conflicts = append(p.Conflicts, f)
				}
			}
		default:
			p.Snapshot[f] = s
		}
	}
	return p
}

// Owners returns the effective owners: defaults overlaid with the tenant's
// settings; fields not in either are not synced.
func Owners(defaults, settings map[string]string) map[string]string {
	out := maps.Clone(defaults)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, settings)
	return out
}

// ReadOnlyShop returns owners for an object the shop cannot be written to
// (a combination): every synced field becomes shop-owned, so the ledger
// follows the shop and nothing is planned for the shop.
func ReadOnlyShop(owners map[string]string) map[string]string {
	out := map[string]string{}
	for f, o := range owners {
		if o == OwnerNever {
			out[f] = o
			continue
		}
		out[f] = OwnerShop
	}
	return out
}

// Bool formats a boolean field.
func Bool(b bool) string { return strconv.FormatBool(b) }

// Int formats an integer field (øre).
func Int(n int64) string { return strconv.FormatInt(n, 10) }

// ParseBool reads a boolean field.
func ParseBool(s string) bool { return s == "true" }

// ParseInt reads an integer field; a malformed value reads as 0.
func ParseInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// VariantName names a combination in the ledger: the product's name and
// the combination's SKU with the product's SKU prefix removed
// ("T-skjorte" + "SKU-TSHIRT-M" → "T-skjorte M").
func VariantName(productName, productSKU, variantSKU string) string {
	suffix := variantSKU
	if productSKU != "" {
		if rest, ok := strings.CutPrefix(variantSKU, productSKU); ok {
			suffix = strings.TrimLeft(rest, "-_ /")
		}
	}
	if suffix == "" {
		return productName
	}
	return productName + " " + suffix
}

// ShopStock is the quantity the shop should show when the ledger is the
// stock master: the ledger's stock (whole units, rounded down) less the
// units of shop orders the ledger has not booked yet, which the shop has
// already taken off its own stock.
func ShopStock(ledgerStock float64, unbooked int) int {
	return int(math.Floor(ledgerStock)) - unbooked
}

// LedgerStock is the stock the ledger should hold when the shop is the
// stock master: the shop's quantity.
func LedgerStock(shopQuantity int) float64 { return float64(shopQuantity) }
