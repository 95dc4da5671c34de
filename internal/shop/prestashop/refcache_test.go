package prestashop_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

// requests counts the webservice requests the client made after the first
// from, by resource ("taxes", "orders"), and returns the new mark.
func (e *env) requests(t *testing.T, from int) (map[string]int, int) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	n := map[string]int{}
	for _, raw := range e.urls[from:] {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/api/"), "/")
		n[res]++
	}
	return n, len(e.urls)
}

func total(n map[string]int) int {
	s := 0
	for _, v := range n {
		s += v
	}
	return s
}

// referenceResources are the resources the reference caches keep.
var referenceResources = []string{"currencies", "taxes", "countries", "carriers", "tax_rules"}

// orderReads is what one read of mixedOrder costs without the reference
// data: orders, order_details, customers, addresses ×2 (invoice and
// delivery are read apart even when they are the same row),
// order_cart_rules, order_payments, order_slip.
const orderReads = 8

// TestReferenceCacheOrder reads mixedOrder repeatedly while moving the
// clock. Uncached, one read costs 15 requests, 7 of them reference data:
// the order's currency and again the payment's, the two lines' taxes (25 %
// and 15 %), the country of each of the two addresses, and the carrier. A
// cold read with the cache costs 13 (the second currency and country are
// hits) and a warm one 8.
func TestReferenceCacheOrder(t *testing.T) {
	t.Parallel()
	type step struct {
		advance time.Duration
		want    map[string]int // reference requests of this read
	}
	cold := map[string]int{"currencies": 1, "taxes": 2, "countries": 1, "carriers": 1}
	uncached := map[string]int{"currencies": 2, "taxes": 2, "countries": 2, "carriers": 1}
	warm := map[string]int{}
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"default ttl", 0, []step{
			{0, cold},
			{0, warm},
			{5*time.Minute - time.Second, warm},
			{time.Second, cold}, // 5 minutes after the first read
			{time.Minute, warm},
		}},
		{"one minute", time.Minute, []step{
			{0, cold},
			{59 * time.Second, warm},
			{time.Second, cold},
		}},
		{"disabled", -1, []step{
			{0, uncached},
			{0, uncached},
			{time.Hour, uncached},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{}, prestashop.Config{ReferenceTTL: tt.ttl})
			clk := &clock{t: time.Date(2025, 5, 28, 10, 0, 0, 0, time.UTC)}
			prestashop.SetClock(e.c, clk.Now)
			p := e.place(t, fmt.Sprintf(mixedOrder, 2))
			_, mark := e.requests(t, 0)
			var first *domain.Order
			for i, s := range tt.steps {
				clk.Add(s.advance)
				o, err := e.c.Order(ctx(t), p.ID)
				if err != nil {
					t.Fatalf("read %d: %v", i, err)
				}
				var n map[string]int
				n, mark = e.requests(t, mark)
				for _, res := range referenceResources {
					if n[res] != s.want[res] {
						t.Errorf("read %d: %d %s requests, want %d", i, n[res], res, s.want[res])
					}
				}
				if want := orderReads + total(s.want); total(n) != want {
					t.Errorf("read %d: %d requests (%v), want %d", i, total(n), n, want)
				}
				if first == nil {
					first = o
					if o.Currency != "NOK" || o.Payments[0].Currency != "NOK" || o.Billing.Country != "NO" || o.Delivery.Country != "NO" ||
						o.Shipping.Carrier != "Posten" || o.Lines[0].TaxRate != domain.VAT25 || o.Lines[1].TaxName != "MVA 15%" {
						t.Errorf("read %d: reference data mapped wrong: %+v", i, o)
					}
				} else if !reflect.DeepEqual(o, first) {
					t.Errorf("read %d differs from the first:\n%+v\n%+v", i, o, first)
				}
			}
		})
	}
}

// TestReferenceCacheErrors checks that failed reads are not kept: the next
// read asks the shop again, and only a success is then answered from the
// cache.
func TestReferenceCacheErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// perms limits the client's key to these resources; nil: all.
		perms    map[string][]string
		resource string
		// run makes the reads and checks their results.
		run  func(t *testing.T, e *env, c *prestashop.Client)
		want int // requests for resource
	}{
		{"not found", nil, "taxes", func(t *testing.T, e *env, c *prestashop.Client) {
			for range 2 {
				if _, err := c.Tax(ctx(t), 9999); apierr.KindOf(err) != apierr.KindNotFound {
					t.Errorf("Tax(9999): %v, want not found", err)
				}
			}
		}, 2},
		{"server error, then success", nil, "taxes", func(t *testing.T, e *env, c *prestashop.Client) {
			e.control(t, "/_sim/faults", prestashopsim.Faults{ErrorRate: 1}, nil)
			if _, err := c.Tax(ctx(t), 1); apierr.KindOf(err) != apierr.KindTransient {
				t.Errorf("Tax(1) during faults: %v, want transient", err)
			}
			e.control(t, "/_sim/faults", prestashopsim.Faults{}, nil)
			for range 2 { // the first asks the shop, the second is a hit
				if tax, err := c.Tax(ctx(t), 1); err != nil || tax.Rate != domain.VAT25 {
					t.Errorf("Tax(1) = %+v, %v", tax, err)
				}
			}
		}, 2},
		{"tax not permitted", map[string][]string{"products": {"GET"}, "tax_rules": {"GET"}}, "tax_rules", func(t *testing.T, e *env, c *prestashop.Client) {
			for range 2 { // the group's rate is not kept when its tax fails
				if _, err := c.Product(ctx(t), 2); apierr.KindOf(err) != apierr.KindAuth {
					t.Errorf("Product(2): %v, want auth", err)
				}
			}
		}, 2},
		{"country not permitted", map[string][]string{"addresses": {"GET"}}, "countries", func(t *testing.T, e *env, c *prestashop.Client) {
			for range 2 {
				// The address is read; its country is left empty.
				if a, err := c.Address(ctx(t), 1); err != nil || a.City != "Oslo" || a.Country != "" {
					t.Errorf("Address(1) = %+v, %v", a, err)
				}
			}
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const limited = "LIMITEDKEY000000000000000000000X"
			opts, cfg := prestashopsim.Options{}, prestashop.Config{}
			if tt.perms != nil {
				opts.Keys = []prestashopsim.Key{{Key: prestashopsim.DefaultKey}, {Key: limited, Permissions: tt.perms}}
				cfg.Key = limited
			}
			e := newEnv(t, opts, cfg)
			_, mark := e.requests(t, 0)
			tt.run(t, e, e.c)
			if n, _ := e.requests(t, mark); n[tt.resource] != tt.want {
				t.Errorf("%d %s requests (%v), want %d", n[tt.resource], tt.resource, n, tt.want)
			}
		})
	}
}

// TestReferenceCacheProducts reads three products of one tax rule group.
// Uncached each costs 3 requests (the product, the group's rules, the
// tax); cached only the first reads the rules and the tax: 5 instead of 9.
func TestReferenceCacheProducts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ttl  time.Duration
		want map[string]int
	}{
		{"cached", 0, map[string]int{"products": 3, "tax_rules": 1, "taxes": 1}},
		{"disabled", -1, map[string]int{"products": 3, "tax_rules": 3, "taxes": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{}, prestashop.Config{ReferenceTTL: tt.ttl})
			var added struct{ IDs []int }
			e.control(t, "/_sim/products", []prestashopsim.SeedProduct{
				{Reference: "SKU-A", Name: "A", PriceTaxExcl: "100.00", TaxRate: "25", Stock: 1},
				{Reference: "SKU-B", Name: "B", PriceTaxExcl: "200.00", TaxRate: "25", Stock: 1},
				{Reference: "SKU-C", Name: "C", PriceTaxExcl: "300.00", TaxRate: "25", Stock: 1},
			}, &added)
			if len(added.IDs) != 3 {
				t.Fatalf("added %v", added.IDs)
			}
			_, mark := e.requests(t, 0)
			for _, id := range added.IDs {
				p, err := e.c.Product(ctx(t), id)
				if err != nil {
					t.Fatal(err)
				}
				if p.TaxRate != domain.VAT25 || p.TaxGroupID != "1" {
					t.Errorf("product %d: rate %v group %s, want 25 %% in group 1", id, p.TaxRate, p.TaxGroupID)
				}
			}
			if n, _ := e.requests(t, mark); !reflect.DeepEqual(n, tt.want) {
				t.Errorf("requests %v, want %v", n, tt.want)
			}
		})
	}
}

// TestReferenceCacheConcurrent reads the same reference data from many
// goroutines (run with -race).
func TestReferenceCacheConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			o, err := e.c.Order(ctx(t), p.ID)
			if err == nil && (o.Currency != "NOK" || o.Billing.Country != "NO" || o.Lines[0].TaxRate != domain.VAT25) {
				err = fmt.Errorf("order %+v", o)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
