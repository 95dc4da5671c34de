package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/tenant"
)

func openPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func migrated(t testing.TB) *Store {
	t.Helper()
	pool := openPool(t)
	if _, err := Migrate(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	key, _ := secrets.ParseKey(secrets.GenerateKey())
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return New(pool, box)
}

func TestMigrateIsIdempotentAndChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := openPool(t)

	err := CheckSchema(ctx, pool)
	if !errors.Is(err, ErrNotMigrated) || !strings.Contains(err.Error(), "run `bokfor migrate`") {
		t.Fatalf("CheckSchema on empty db = %v, want ErrNotMigrated with advice", err)
	}
	applied, err := Migrate(ctx, pool)
	if err != nil || len(applied) != LatestVersion() {
		t.Fatalf("first Migrate applied %v, %v; want %d versions", applied, err, LatestVersion())
	}
	applied, err = Migrate(ctx, pool)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, %v; want nothing", applied, err)
	}
	if err := CheckSchema(ctx, pool); err != nil {
		t.Fatalf("CheckSchema after migrate: %v", err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO bokfor_schema_migrations (version, name) VALUES (999, 'future')`); err != nil {
		t.Fatal(err)
	}
	if err := CheckSchema(ctx, pool); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("CheckSchema on newer db = %v, want ErrSchemaTooNew", err)
	}
	if _, err := Migrate(ctx, pool); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Migrate on newer db = %v, want ErrSchemaTooNew", err)
	}
}

func TestConcurrentMigrators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := openPool(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() { _, err := Migrate(ctx, pool); errs <- err }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := CheckSchema(ctx, pool); err != nil {
		t.Fatal(err)
	}
}

func TestTenantSecretsAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTenant(ctx, tn); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	// The raw row must not contain any secret, in any column.
	var raw []byte
	if err := s.Pool().QueryRow(ctx, `SELECT convert_to(t::text, 'UTF8') FROM tenants t WHERE id=$1`, tn.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	for name, v := range tn.Secrets {
		if bytes.Contains(raw, []byte(v)) {
			t.Fatalf("raw tenant row contains secret %s", name)
		}
	}
	got, err := s.Tenant(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secrets["ledger_token"] != tn.Secrets["ledger_token"] || got.Settings.Ledger.Company != "demo" {
		t.Fatalf("round trip lost data: %+v", got.Tenant)
	}

	// An update merges secrets: a new one is added, an empty one removed,
	// others kept.
	upd := *tn
	upd.Name = "Renamed"
	upd.Secrets = map[string]string{"ledger_token": "rotated", "shop_webhook_secret": ""}
	if err := s.UpdateTenant(ctx, &upd); err != nil {
		t.Fatal(err)
	}
	got, err = s.Tenant(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Renamed" || got.Secrets["ledger_token"] != "rotated" || got.Secrets["shop_api_key"] != tn.Secrets["shop_api_key"] {
		t.Fatalf("update: %+v", got.Tenant)
	}
	if _, ok := got.Secrets["shop_webhook_secret"]; ok {
		t.Fatal("empty secret value should remove it")
	}

	// Another key cannot open the secrets and says so.
	k2, _ := secrets.ParseKey(secrets.GenerateKey())
	box2, _ := secrets.New(k2)
	if _, err := New(s.Pool(), box2).Tenant(ctx, tn.ID); !errors.Is(err, secrets.ErrWrongKey) {
		t.Fatalf("wrong key: %v, want ErrWrongKey", err)
	}

	list, err := s.Tenants(ctx)
	if err != nil || len(list) != 1 || list[0].Secrets != nil {
		t.Fatalf("Tenants = %+v, %v", list, err)
	}
	if err := s.DeleteTenant(ctx, tn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tenant(ctx, tn.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestLinksOrdersWatermarksAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	tn, _ := tenant.Parse(tenant.ExampleYAML())
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkByShopID(ctx, "demo", LinkCustomer, "7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing link: %v", err)
	}
	l := Link{TenantID: "demo", Kind: LinkCustomer, ShopID: "7", LedgerID: "1001", Snapshot: []byte(`{"name":"Kari"}`)}
	if err := s.PutLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	l.LedgerID = "1002"
	if err := s.PutLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.LinkByLedgerID(ctx, "demo", LinkCustomer, "1002")
	if err != nil || got.ShopID != "7" || !strings.Contains(string(got.Snapshot), "Kari") {
		t.Fatalf("LinkByLedgerID = %+v, %v", got, err)
	}
	for _, p := range []Link{{TenantID: "demo", Kind: LinkProduct, ShopID: "A", LedgerID: "p-A"}, {TenantID: "demo", Kind: LinkProduct, ShopID: "7", LedgerID: "p-7"}} {
		if err := s.PutLink(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := s.LedgerIDsByShopIDs(ctx, "demo", LinkProduct, []string{"A", "B", "7", "A"})
	if err != nil || len(ids) != 2 || ids["A"] != "p-A" || ids["7"] != "p-7" {
		t.Fatalf("LedgerIDsByShopIDs = %v, %v; want A and 7 of the product kind only", ids, err)
	}
	if ids, err := s.LedgerIDsByShopIDs(ctx, "other", LinkProduct, []string{"A"}); err != nil || len(ids) != 0 {
		t.Fatalf("another tenant's links: %v, %v", ids, err)
	}

	if err := s.PutOrder(ctx, OrderRecord{TenantID: "demo", ShopOrderID: "42", WorkflowID: "order-demo-42", State: "invoiced", LedgerDocID: "9", LedgerDocNo: "10001"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutOrder(ctx, OrderRecord{TenantID: "demo", ShopOrderID: "42", WorkflowID: "order-demo-42", State: "settled"}); err != nil {
		t.Fatal(err)
	}
	o, err := s.Order(ctx, "demo", "42")
	if err != nil || o.State != "settled" || o.LedgerDocNo != "10001" {
		t.Fatalf("Order = %+v, %v (a later step must not erase the document number)", o, err)
	}

	if v, err := s.Watermark(ctx, "demo", "orders"); err != nil || v != "" {
		t.Fatalf("unset watermark = %q, %v", v, err)
	}
	if err := s.SetWatermark(ctx, "demo", "orders", "2026-11-25 10:00:00|17"); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Watermark(ctx, "demo", "orders"); v != "2026-11-25 10:00:00|17" {
		t.Fatalf("watermark = %q", v)
	}

	if err := s.Audit(ctx, AuditEntry{TenantID: "demo", Ledger: "fiken", Operation: "create_invoice", Reference: "order-42", LedgerID: "9", Outcome: "created"}); err != nil {
		t.Fatal(err)
	}
	trail, err := s.AuditTrail(ctx, "demo", "order-42")
	if err != nil || len(trail) != 1 || trail[0].Outcome != "created" {
		t.Fatalf("AuditTrail = %+v, %v", trail, err)
	}
}

func TestInboxDeduplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	ev := InboxEvent{TenantID: "demo", Source: "prestashop", DeliveryKey: "k1", Topic: "order", ResourceID: "42", Headers: map[string]string{"X": "y"}, Body: []byte(`{"a":1}`)}
	id1, fresh, err := s.PutInbox(ctx, ev)
	if err != nil || !fresh {
		t.Fatalf("first put: %d %v %v", id1, fresh, err)
	}
	id2, fresh, err := s.PutInbox(ctx, ev)
	if err != nil || fresh || id2 != id1 {
		t.Fatalf("duplicate put: %d %v %v, want %d false", id2, fresh, err, id1)
	}
	ev.DeliveryKey = "k2"
	id3, _, _ := s.PutInbox(ctx, ev)
	if err := s.MarkFailed(ctx, id1, "temporal unreachable"); err != nil {
		t.Fatal(err)
	}
	pending, err := s.Undelivered(ctx, 10)
	if err != nil || len(pending) != 2 || pending[0].ID != id1 || pending[1].ID != id3 || pending[0].Attempts != 1 {
		t.Fatalf("Undelivered = %+v, %v", pending, err)
	}
	if err := s.MarkDelivered(ctx, id1); err != nil {
		t.Fatal(err)
	}
	pending, _ = s.Undelivered(ctx, 10)
	if len(pending) != 1 || pending[0].ID != id3 {
		t.Fatalf("after delivery: %+v", pending)
	}
	e, err := s.InboxEventByID(ctx, id1)
	if err != nil || e.DeliveredAt == nil || string(e.Body) != `{"a":1}` || e.Headers["X"] != "y" {
		t.Fatalf("InboxEventByID = %+v, %v", e, err)
	}
}

func TestKeyRotationResealsTenantSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := openPool(t)
	if _, err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	oldKey, _ := secrets.ParseKey(secrets.GenerateKey())
	newKey, _ := secrets.ParseKey(secrets.GenerateKey())
	oldBox, _ := secrets.New(oldKey)
	rotatedBox, _ := secrets.New(newKey, oldKey)
	newOnlyBox, _ := secrets.New(newKey)

	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	if err := New(pool, oldBox).CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	// The new key alone cannot read the tenant; with the old key as a
	// previous key it can, before any reseal.
	if _, err := New(pool, newOnlyBox).Tenant(ctx, tn.ID); !errors.Is(err, secrets.ErrWrongKey) {
		t.Fatalf("new key only, before reseal: %v, want ErrWrongKey", err)
	}
	rotated := New(pool, rotatedBox)
	if got, err := rotated.Tenant(ctx, tn.ID); err != nil || got.Secrets["ledger_token"] != tn.Secrets["ledger_token"] {
		t.Fatalf("rotated box before reseal: %v", err)
	}
	n, err := rotated.ResealTenants(ctx)
	if err != nil || n != 1 {
		t.Fatalf("ResealTenants = %d, %v; want 1", n, err)
	}
	if n, err := rotated.ResealTenants(ctx); err != nil || n != 0 {
		t.Fatalf("second ResealTenants = %d, %v; want 0", n, err)
	}
	// Now the previous key can go.
	got, err := New(pool, newOnlyBox).Tenant(ctx, tn.ID)
	if err != nil || got.Secrets["ledger_token"] != tn.Secrets["ledger_token"] {
		t.Fatalf("new key only, after reseal: %v", err)
	}
	var keyID string
	if err := pool.QueryRow(ctx, `SELECT key_id FROM tenants WHERE id=$1`, tn.ID).Scan(&keyID); err != nil || keyID != secrets.KeyID(newKey) {
		t.Fatalf("key_id = %q, %v; want %s", keyID, err, secrets.KeyID(newKey))
	}
	// A row sealed with a key the box does not hold is reported, not lost.
	if err := New(pool, oldBox).UpdateTenant(ctx, tn); err == nil {
		t.Fatal("the old key alone could update a tenant sealed with the new key")
	}
	strangerKey, _ := secrets.ParseKey(secrets.GenerateKey())
	stranger, _ := secrets.New(strangerKey)
	if _, err := New(pool, stranger).ResealTenants(ctx); !errors.Is(err, secrets.ErrWrongKey) {
		t.Fatalf("reseal with an unrelated key: %v, want ErrWrongKey", err)
	}
}

// Held locks hold no connection: a holder may wait long on the ledger's
// rate limit, and everyone else's queries must still get connections.
func TestHeldLocksHoldNoConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	s := New(pool, nil)
	var unlocks []func()
	for _, k := range []string{"a", "b", "c", "d"} {
		_, u, err := s.Lock(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		unlocks = append(unlocks, u)
	}
	for range 3 {
		var one int
		if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatalf("query while locks are held: %v", err)
		}
	}
	if n := pool.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d connections acquired with four locks held, want 0", n)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, _, err := s.Lock(short, "c"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lock c while held: %v, want to wait", err)
	}
	for _, u := range unlocks {
		u()
	}
}

// TestLinkLookupsReadOnlyTheirLink plans LinkByShopID and LinkByLedgerID
// over 20 000 links of one tenant and kind that were never analyzed (as
// during a first product sync on a server without autovacuum): each must
// find its link by index conditions alone, not read the tenant's links of
// the kind through the other index and filter them (which made every
// lookup cost a scan of the table).
func TestLinkLookupsReadOnlyTheirLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := migrated(t)
	tn, _ := tenant.Parse(tenant.ExampleYAML())
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO links (tenant_id, kind, shop_id, ledger_id, snapshot)
		SELECT 'demo', 'product', 'SKU-' || lpad(g::text, 6, '0'), (1000000 + g)::text, '{"shop_product_id":"1"}'
		FROM generate_series(1, 20000) g`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, where, arg, index string
	}{
		{"by shop id", linkByShopIDWhere, "SKU-000123", "links_pkey"},
		{"by ledger id", linkByLedgerIDWhere, "1000123", "links_by_ledger"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.pool.Query(ctx, "EXPLAIN "+linkColumns+tc.where, "demo", LinkProduct, tc.arg)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			plan := strings.Join(lines, "\n")
			if !strings.Contains(plan, "Index Scan using "+tc.index+" ") || strings.Contains(plan, "Filter:") {
				t.Fatalf("plan:\n%s\nwant an index scan of %s without a filter", plan, tc.index)
			}
			if _, err := s.oneLink(ctx, tc.where, "demo", LinkProduct, tc.arg); err != nil {
				t.Fatalf("the link: %v", err)
			}
		})
	}
}
