package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// TestStoredLinksAreWhatTheResolveActivitiesWouldReturn checks LoadOrder's
// shortcut: it names the customer and products only when the store links
// every one of them, with the same keys ResolveCustomer and
// ResolveProducts use, and otherwise leaves booking to those activities.
func TestStoredLinksAreWhatTheResolveActivitiesWouldReturn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testStore(t, func(*tenant.Settings) {})
	for _, l := range []store.Link{
		{TenantID: "demo", Kind: store.LinkCustomer, ShopID: "7", LedgerID: "c-7"},
		{TenantID: "demo", Kind: store.LinkCustomer, ShopID: "guest:kari@example.no", LedgerID: "c-guest"},
		{TenantID: "demo", Kind: store.LinkProduct, ShopID: "A", LedgerID: "p-A"},
		{TenantID: "demo", Kind: store.LinkProduct, ShopID: "B", LedgerID: "p-B"},
	} {
		require.NoError(t, s.PutLink(ctx, l))
	}
	a := &Orders{Store: s}
	row, err := s.Tenant(ctx, "demo")
	require.NoError(t, err)
	withCash := *row
	withCash.Settings.CashCustomer = "cash-1"

	product := func(sku string) ledgerdoc.Line { return ledgerdoc.Line{Kind: ledgerdoc.LineProduct, SKU: sku} }
	shipping := ledgerdoc.Line{Kind: ledgerdoc.LineShipping}
	customer := domain.Customer{ID: "7"}
	guest := domain.Customer{Guest: true, Email: "kari@example.no"}
	for _, tc := range []struct {
		name     string
		tenant   *store.TenantRow
		customer domain.Customer
		lines    []ledgerdoc.Line
		want     *Links
	}{
		{"returning customer, known products", row, customer, []ledgerdoc.Line{product("A"), shipping, product("B")},
			&Links{CustomerID: "c-7", ProductIDs: []string{"p-A", "", "p-B"}}},
		{"a line without SKU is free text", row, customer, []ledgerdoc.Line{product(""), product("A")},
			&Links{CustomerID: "c-7", ProductIDs: []string{"", "p-A"}}},
		{"guest keyed by e-mail", row, guest, []ledgerdoc.Line{product("A")}, &Links{CustomerID: "c-guest", ProductIDs: []string{"p-A"}}},
		{"guest on the cash customer", &withCash, domain.Customer{Guest: true, Email: "new@example.no"}, []ledgerdoc.Line{product("B")},
			&Links{CustomerID: "cash-1", ProductIDs: []string{"p-B"}}},
		{"customer id 0 is a guest", row, domain.Customer{ID: "0", Email: "kari@example.no"}, []ledgerdoc.Line{product("A")},
			&Links{CustomerID: "c-guest", ProductIDs: []string{"p-A"}}},
		{"no product lines", row, customer, []ledgerdoc.Line{shipping}, &Links{CustomerID: "c-7", ProductIDs: []string{""}}},
		{"new customer", row, domain.Customer{ID: "8"}, []ledgerdoc.Line{product("A")}, nil},
		{"new product", row, customer, []ledgerdoc.Line{product("A"), product("NEW")}, nil},
		{"other tenant's links do not count", &store.TenantRow{Tenant: tenant.Tenant{ID: "other"}}, customer, []ledgerdoc.Line{product("A")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &domain.Order{Customer: tc.customer}
			got, err := a.storedLinks(ctx, tc.tenant, o, tc.lines)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
