package syncplan

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	t.Parallel()
	owners := map[string]string{"a": OwnerShop, "b": OwnerLedger, "c": OwnerNewest, "d": OwnerNever}
	tests := []struct {
		name             string
		base, shop, led  Record
		owners           map[string]string
		toShop, toLedger Record
		snapshot         Record
		conflicts        []string
		writes           bool
	}{
		{
			name: "equal sides write nothing",
			base: Record{"a": "1", "c": "x"}, shop: Record{"a": "1", "c": "x"}, led: Record{"a": "1", "c": "x"},
			snapshot: Record{"a": "1", "c": "x"},
		},
		{
			name: "shop-owned field goes to the ledger even if the ledger changed it",
			base: Record{"a": "1"}, shop: Record{"a": "1"}, led: Record{"a": "2"},
			toLedger: Record{"a": "1"}, snapshot: Record{"a": "1"}, writes: true,
		},
		{
			name: "ledger-owned field goes to the shop even if the shop changed it",
			base: Record{"b": "1"}, shop: Record{"b": "3"}, led: Record{"b": "1"},
			toShop: Record{"b": "1"}, snapshot: Record{"b": "1"}, writes: true,
		},
		{
			name: "newest: shop changed, ledger did not",
			base: Record{"c": "old"}, shop: Record{"c": "new"}, led: Record{"c": "old"},
			toLedger: Record{"c": "new"}, snapshot: Record{"c": "new"}, writes: true,
		},
		{
			name: "newest: ledger changed, shop did not — never mistaken for a shop change",
			base: Record{"c": "old"}, shop: Record{"c": "old"}, led: Record{"c": "new"},
			toShop: Record{"c": "new"}, snapshot: Record{"c": "new"}, writes: true,
		},
		{
			name: "newest: both changed differently is a conflict the ledger wins",
			base: Record{"c": "old"}, shop: Record{"c": "s"}, led: Record{"c": "l"},
			toShop: Record{"c": "l"}, snapshot: Record{"c": "l"}, conflicts: []string{"c"}, writes: true,
		},
		{
			name: "newest: both changed to the same value is no conflict",
			base: Record{"c": "old"}, shop: Record{"c": "same"}, led: Record{"c": "same"},
			snapshot: Record{"c": "same"},
		},
		{
			name: "newest without a snapshot: ledger wins, not reported",
			base: nil, shop: Record{"c": "s"}, led: Record{"c": "l"},
			toShop: Record{"c": "l"}, snapshot: Record{"c": "l"}, writes: true,
		},
		{
			name: "never: nothing written, shop value remembered",
			base: Record{"d": "1"}, shop: Record{"d": "2"}, led: Record{"d": "3"},
			snapshot: Record{"d": "2"},
		},
		{
			name: "field without owner is not synced",
			base: nil, shop: Record{"z": "1"}, led: Record{"z": "2"},
			snapshot: Record{"z": "1"},
		},
		{
			name: "field the ledger cannot read is left alone",
			base: nil, shop: Record{"a": "1"}, led: Record{},
			snapshot: Record{"a": "1"},
		},
		{
			name: "read-only shop turns ledger and newest fields into shop-owned",
			base: Record{"b": "1", "c": "1", "d": "1"}, shop: Record{"b": "1", "c": "1", "d": "1"}, led: Record{"b": "2", "c": "2", "d": "2"},
			owners:   ReadOnlyShop(owners),
			toLedger: Record{"b": "1", "c": "1"}, snapshot: Record{"b": "1", "c": "1", "d": "1"}, writes: true,
		},
		{
			name: "several fields at once",
			base: Record{"a": "1", "b": "1", "c": "1"}, shop: Record{"a": "2", "b": "2", "c": "1"}, led: Record{"a": "1", "b": "1", "c": "3"},
			toShop: Record{"b": "1", "c": "3"}, toLedger: Record{"a": "2"}, snapshot: Record{"a": "2", "b": "1", "c": "3"}, writes: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.owners
			if o == nil {
				o = owners
			}
			p := Merge(tc.base, tc.shop, tc.led, o)
			norm := func(r Record) Record {
				if r == nil {
					return Record{}
				}
				return r
			}
			if !reflect.DeepEqual(p.ToShop, norm(tc.toShop)) {
				t.Errorf("ToShop = %v, want %v", p.ToShop, tc.toShop)
			}
			if !reflect.DeepEqual(p.ToLedger, norm(tc.toLedger)) {
				t.Errorf("ToLedger = %v, want %v", p.ToLedger, tc.toLedger)
			}
			if !reflect.DeepEqual(p.Snapshot, norm(tc.snapshot)) {
				t.Errorf("Snapshot = %v, want %v", p.Snapshot, tc.snapshot)
			}
			if !reflect.DeepEqual(p.Conflicts, tc.conflicts) {
				t.Errorf("Conflicts = %v, want %v", p.Conflicts, tc.conflicts)
			}
			if p.Writes() != tc.writes {
				t.Errorf("Writes = %v, want %v", p.Writes(), tc.writes)
			}
		})
	}
}

func TestMergeTwiceIsStable(t *testing.T) {
	t.Parallel()
	owners := map[string]string{"a": OwnerShop, "b": OwnerLedger, "c": OwnerNewest}
	shop := Record{"a": "s", "b": "s", "c": "s"}
	led := Record{"a": "l", "b": "l", "c": "l"}
	p := Merge(Record{"a": "0", "b": "0", "c": "0"}, shop, led, owners)
	for f, v := range p.ToShop {
		shop[f] = v
	}
	for f, v := range p.ToLedger {
		led[f] = v
	}
	if again := Merge(p.Snapshot, shop, led, owners); again.Writes() || len(again.Conflicts) > 0 {
		t.Fatalf("second merge plans %+v, want nothing", again)
	}
}

func TestOwners(t *testing.T) {
	t.Parallel()
	got := Owners(map[string]string{FieldVAT: OwnerShop, FieldName: OwnerNewest}, map[string]string{FieldName: OwnerLedger})
	want := map[string]string{FieldVAT: OwnerShop, FieldName: OwnerLedger}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Owners = %v, want %v", got, want)
	}
}

func TestVariantName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, sku, vsku, want string }{
		{"T-skjorte", "SKU-TSHIRT", "SKU-TSHIRT-M", "T-skjorte M"},
		{"T-skjorte", "SKU-TSHIRT", "OTHER-1", "T-skjorte OTHER-1"},
		{"T-skjorte", "", "V1", "T-skjorte V1"},
		{"T-skjorte", "SKU", "SKU", "T-skjorte"},
	} {
		if got := VariantName(tc.name, tc.sku, tc.vsku); got != tc.want {
			t.Errorf("VariantName(%q,%q,%q) = %q, want %q", tc.name, tc.sku, tc.vsku, got, tc.want)
		}
	}
}

func TestStock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ledger   float64
		unbooked int
		want     int
	}{
		{10, 0, 10},
		{10, 3, 7},
		{10.9, 0, 10},
		{2, 5, -3},
		{0, 0, 0},
	} {
		if got := ShopStock(tc.ledger, tc.unbooked); got != tc.want {
			t.Errorf("ShopStock(%v, %d) = %d, want %d", tc.ledger, tc.unbooked, got, tc.want)
		}
	}
	if got := LedgerStock(7); got != 7 {
		t.Errorf("LedgerStock(7) = %v", got)
	}
}
