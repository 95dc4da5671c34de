package prestashop_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

// TestProductsReadsAHundredPerRequest reads 250 seeded products, the
// simulator's products with combinations and an id the shop does not
// have in one Products call: a products request per hundred ids, one
// combinations request per product that has them, the tax rules once per
// group, the unknown id left out — and every product as Product reads it.
func TestProductsReadsAHundredPerRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	seed := make([]prestashopsim.SeedProduct, 250)
	for i := range seed {
		seed[i] = prestashopsim.SeedProduct{Reference: fmt.Sprintf("BATCH-%03d", i), Name: fmt.Sprintf("Vare %d", i),
			PriceTaxExcl: fmt.Sprintf("%d.00", 100+i), TaxRate: []string{"25", "15"}[i%2], Stock: 1}
	}
	var added struct{ IDs []int }
	e.control(t, "/_sim/products", seed, &added)
	if len(added.IDs) != len(seed) {
		t.Fatalf("added %d products", len(added.IDs))
	}
	// The simulator's own catalogue: ids 1–5, some with combinations.
	ids := append([]int{1, 2, 3, 4, 5}, added.IDs...)
	ids = append(ids, 999999)

	_, mark := e.requests(t, 0)
	got, err := e.c.Products(ctx(t), ids)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := e.requests(t, mark)
	if len(got) != len(ids)-1 {
		t.Fatalf("read %d products, want %d (the unknown id left out)", len(got), len(ids)-1)
	}
	withVariants := 0
	for _, p := range got {
		if len(p.Variants) > 0 {
			withVariants++
		}
	}
	if withVariants == 0 {
		t.Fatal("no product with combinations among the simulator's own; the test needs one")
	}
	if n["products"] != 3 || n["combinations"] != withVariants {
		t.Errorf("requests %v: want 3 products requests (256 ids, 100 per request) and %d for combinations", n, withVariants)
	}
	if n["tax_rules"] > 4 || n["taxes"] > 4 {
		t.Errorf("requests %v: the tax rule groups should be read once each", n)
	}
	for i, p := range got {
		one, err := e.c.Product(ctx(t), ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, one) {
			t.Fatalf("product %d from the batch\n%+v\nalone\n%+v", ids[i], p, one)
		}
	}
}
