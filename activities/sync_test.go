package activities

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// fakeShop is an in-memory shop catalogue that counts calls. Methods of
// shop.Shop the sync does not use are left to the nil embedded interface.
type fakeShop struct {
	shop.Shop
	mu       sync.Mutex
	seq      int
	products map[string]*domain.Product
	changed  map[string]int // product id → change sequence
	reads    int
	writes   int
}

func (f *fakeShop) Kind() string { return "fake" }

func (f *fakeShop) touch(id string) {
	f.seq++
	f.changed[id] = f.seq
}

func (f *fakeShop) ChangedProducts(_ context.Context, wm string) ([]string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	from, _ := strconv.Atoi(wm)
	var ids []string
	for id, s := range f.changed {
		if s > from {
			ids = append(ids, id)
		}
	}
	return ids, strconv.Itoa(f.seq), nil
}

func (f *fakeShop) Product(_ context.Context, id string) (*domain.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	p, ok := f.products[id]
	if !ok {
		return nil, shop.ErrNotFound
	}
	c := *p
	return &c, nil
}

func (f *fakeShop) Products(_ context.Context, ids []string) ([]*domain.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	var out []*domain.Product
	for _, id := range ids {
		if p, ok := f.products[id]; ok {
			c := *p
			out = append(out, &c)
		}
	}
	return out, nil
}

func (f *fakeShop) ProductIDsBySKU(_ context.Context, sku string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	for id, p := range f.products {
		if p.SKU == sku {
			return []string{id}, nil
		}
	}
	return nil, nil
}

func (f *fakeShop) UpdateProduct(_ context.Context, id string, c shop.ProductChange) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	p := f.products[id]
	if c.Name != nil {
		p.Name = *c.Name
	}
	if c.PriceNet != nil {
		p.PriceTaxExcl = money.Ore(*c.PriceNet)
	}
	if c.Active != nil {
		p.Active = *c.Active
	}
	f.touch(id)
	return nil
}

func (f *fakeShop) CreateProduct(context.Context, shop.NewProduct) (string, error) {
	return "", fmt.Errorf("not expected")
}

func (f *fakeShop) StockLevels(context.Context, string) ([]domain.StockLevel, error) { return nil, nil }

func (f *fakeShop) SetStock(context.Context, string, int) error { return fmt.Errorf("not expected") }

// fakeLedger is an in-memory ledger catalogue with a settable date.
type fakeLedger struct {
	ledger.Ledger
	mu       sync.Mutex
	today    string
	next     int
	products map[string]*ledger.CatalogProduct
	lists    int
	listed   int
	reads    int
	writes   int
}

func (f *fakeLedger) Kind() string { return "fake" }

func (f *fakeLedger) ChangedProducts(_ context.Context, since time.Time) ([]ledger.CatalogProduct, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	var out []ledger.CatalogProduct
	for _, p := range f.products {
		if since.IsZero() || p.Modified >= since.Format(time.DateOnly) {
			out = append(out, *p)
		}
	}
	f.listed += len(out)
	return out, nil
}

func (f *fakeLedger) CatalogProduct(_ context.Context, id string) (*ledger.CatalogProduct, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	p, ok := f.products[id]
	if !ok {
		return nil, ledger.ErrNotFound
	}
	c := *p
	return &c, nil
}

func (f *fakeLedger) ProductBySKU(_ context.Context, sku string) (*ledger.CatalogProduct, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	for _, p := range f.products {
		if p.SKU == sku {
			c := *p
			return &c, nil
		}
	}
	return nil, ledger.ErrNotFound
}

func (f *fakeLedger) CreateCatalogProduct(_ context.Context, p ledger.CatalogProduct) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	f.next++
	p.ID, p.Modified = strconv.Itoa(f.next), f.today
	f.products[p.ID] = &p
	return p.ID, nil
}

func (f *fakeLedger) UpdateCatalogProduct(_ context.Context, p ledger.CatalogProduct) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	cur := f.products[p.ID]
	if p.Stock == nil {
		p.Stock = cur.Stock
	}
	p.Modified = f.today
	f.products[p.ID] = &p
	return nil
}

type fakeConnectors struct {
	shop   *fakeShop
	ledger *fakeLedger
}

func (c fakeConnectors) Shop(context.Context, *store.TenantRow) (shop.Shop, error) {
	return c.shop, nil
}
func (c fakeConnectors) Ledger(context.Context, *store.TenantRow) (ledger.Ledger, error) {
	return c.ledger, nil
}

func testStore(t *testing.T, settings func(*tenant.Settings)) *store.Store {
	t.Helper()
	ctx := context.Background()
	pool, err := store.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := store.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	key, _ := secrets.ParseKey(secrets.GenerateKey())
	box, _ := secrets.New(key)
	s := store.New(pool, box)
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	settings(&tn.Settings)
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	return s
}

func runProductSync(t *testing.T, a *Syncs) SyncResult {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	v, err := env.ExecuteActivity(a.SyncProducts, SyncInput{TenantID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	var res SyncResult
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestProductSyncOfALargeCatalogueTouchesOnlyWhatChanged syncs 5 000
// products, then changes 50 (25 in the shop, 25 in the ledger): the next
// run reads and writes exactly those 50, and a run after that nothing.
func TestProductSyncOfALargeCatalogueTouchesOnlyWhatChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("5 000 products")
	}
	t.Parallel()
	const n = 5000
	s := testStore(t, func(st *tenant.Settings) {
		st.CreateProducts = true
		st.ProductFields = map[string]string{"name": "newest", "price": "newest", "active": "newest"}
	})
	now := time.Now().UTC()
	fs := &fakeShop{products: map[string]*domain.Product{}, changed: map[string]int{}}
	fl := &fakeLedger{products: map[string]*ledger.CatalogProduct{}, today: now.AddDate(0, 0, -10).Format(time.DateOnly)}
	for i := 1; i <= n; i++ {
		id := strconv.Itoa(i)
		fs.products[id] = &domain.Product{ID: id, SKU: fmt.Sprintf("SKU-%05d", i), Name: "Vare " + id, PriceTaxExcl: money.Ore(1000 + i),
			TaxRate: domain.VAT25, Active: true}
		fs.touch(id)
	}
	a := &Syncs{Store: s, Connectors: fakeConnectors{fs, fl}}

	res := runProductSync(t, a)
	if res.Created != n || fl.writes != n || fs.writes != 0 {
		t.Fatalf("first run %+v (ledger writes %d, shop writes %d), want %d created", res, fl.writes, fs.writes, n)
	}
	if fl.reads != 0 {
		t.Fatalf("first run looked up %d ledger products one by one; the complete listing should do", fl.reads)
	}
	if fs.reads != n/productsPerRead {
		t.Fatalf("first run made %d shop product reads, want %d (a hundred products per read)", fs.reads, n/productsPerRead)
	}

	// Ten days later: 25 names changed in the shop, 25 prices in the ledger.
	fl.today = now.Format(time.DateOnly)
	for i := 1; i <= 25; i++ {
		id := strconv.Itoa(i * 7)
		fs.products[id].Name += " (ny)"
		fs.touch(id)
	}
	var ledgerChanged []string
	for _, p := range fl.products {
		if len(ledgerChanged) == 25 {
			break
		}
		if n, _ := strconv.Atoi(p.SKU[4:]); n%7 != 0 {
			p.UnitNet += 100
			p.Modified = fl.today
			ledgerChanged = append(ledgerChanged, p.SKU)
		}
	}
	fs.reads, fs.writes, fl.reads, fl.writes, fl.listed = 0, 0, 0, 0, 0
	res = runProductSync(t, a)
	if res.Updated != 50 || res.Read != 50 || res.Conflicts != 0 || res.Created != 0 {
		t.Fatalf("after 50 changes: %+v, want 50 read and updated", res)
	}
	if fl.writes != 25 || fs.writes != 25 {
		t.Fatalf("after 50 changes: %d ledger and %d shop writes, want 25 each", fl.writes, fs.writes)
	}
	// The shop: the 25 it changed in one batch read, the 25 the ledger
	// changed one by one (through their links).
	if fl.listed != 25 || fs.reads != 26 || fl.reads != 25 {
		t.Fatalf("after 50 changes: ledger listed %d and read %d one by one, shop read %d; want 25, 25 and 26", fl.listed, fl.reads, fs.reads)
	}
	for _, sku := range ledgerChanged {
		i, _ := strconv.Atoi(sku[4:])
		if p := fs.products[strconv.Itoa(i)]; p.PriceTaxExcl != money.Ore(1000+i+100) {
			t.Fatalf("shop %s price %s, want the ledger's new price", sku, p.PriceTaxExcl)
		}
	}

	// The next day nothing changed: the listings are empty but for the
	// overlap of our own writes, and nothing is written.
	fs.reads, fs.writes, fl.reads, fl.writes = 0, 0, 0, 0
	res = runProductSync(t, a)
	if res.Updated != 0 || fs.writes != 0 || fl.writes != 0 {
		t.Fatalf("quiet run %+v wrote %d to the shop and %d to the ledger, want nothing", res, fs.writes, fl.writes)
	}
}

// plainLedger is a ledger without sync support.
type plainLedger struct{ ledger.Ledger }

func (plainLedger) Kind() string { return "plain" }

// TestSyncOfALedgerWithoutSupportIsANoteNotAFailure: a tenant whose ledger
// cannot sync yet gets an empty result saying so, not a failed run every
// interval.
func TestSyncOfALedgerWithoutSupportIsANoteNotAFailure(t *testing.T) {
	t.Parallel()
	s := testStore(t, func(*tenant.Settings) {})
	fs := &fakeShop{products: map[string]*domain.Product{}, changed: map[string]int{}}
	a := &Syncs{Store: s, Connectors: plainConnectors{fs}}
	var suite testsuite.WorkflowTestSuite
	for name, act := range map[string]any{"products": a.SyncProducts, "stock": a.SyncStock, "customers": a.SyncCustomers} {
		env := suite.NewTestActivityEnvironment()
		env.RegisterActivity(a)
		v, err := env.ExecuteActivity(act, SyncInput{TenantID: "demo"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var res SyncResult
		if err := v.Get(&res); err != nil {
			t.Fatal(err)
		}
		if len(res.Notes) != 1 || res.Read != 0 {
			t.Fatalf("%s: %+v, want nothing read and one note", name, res)
		}
	}
}

type plainConnectors struct{ shop *fakeShop }

func (c plainConnectors) Shop(context.Context, *store.TenantRow) (shop.Shop, error) {
	return c.shop, nil
}

func (c plainConnectors) Ledger(context.Context, *store.TenantRow) (ledger.Ledger, error) {
	return plainLedger{}, nil
}

func TestSyncResultAddKeepsAtMostFiftyNotes(t *testing.T) {
	t.Parallel()
	var r SyncResult
	for i := range 30 {
		var p SyncResult
		p.Read, p.Updated, p.Conflicts = 2, 1, 1
		p.ConflictDetails = []string{fmt.Sprintf("SKU-%d price", i)}
		p.note("a %d", i)
		p.note("b %d", i)
		r.add(p)
	}
	if r.Read != 60 || r.Updated != 30 || r.Conflicts != 30 || r.Skipped != 60 {
		t.Fatalf("counts %+v", r)
	}
	if len(r.Notes) != maxNotes || r.Notes[0] != "a 0" || r.Notes[maxNotes-1] != "b 24" || len(r.ConflictDetails) != 30 {
		t.Fatalf("%d notes (first %q, last %q), %d conflict details", len(r.Notes), r.Notes[0], r.Notes[len(r.Notes)-1], len(r.ConflictDetails))
	}
}
