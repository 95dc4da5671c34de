package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// migratedStore returns the environment of a migrated database with a
// fresh secret key, and a store on it.
func migratedStore(t *testing.T) (map[string]string, *store.Store) {
	t.Helper()
	key := secrets.GenerateKey()
	envv := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "BOKFOR_SECRET_KEY": key}
	if r := runCmd(t, envv, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	pool, err := store.Open(context.Background(), envv["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	k, err := secrets.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New(k)
	if err != nil {
		t.Fatal(err)
	}
	return envv, store.New(pool, box)
}

func simOrder(t *testing.T, ps *prestashopsim.Server, module, vat string, state int) string {
	t.Helper()
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "kari@example.no", "Kari", "Nordmann"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Storgata 1", "0155", "Oslo", "NO"
	in.Currency, in.Payment, in.Module, in.State = "NOK", module, module, state
	in.Lines = []prestashopsim.PlaceOrderLine{
		{Reference: "KOPP-1", Name: "Kaffekopp", Quantity: 3, UnitPriceTaxIncl: "199.00", TaxRate: "25"},
		{Reference: "MAT-" + vat, Name: "Kaffebønner 1 kg", Quantity: 2, UnitPriceTaxIncl: "249.90", TaxRate: vat},
	}
	in.Shipping = &struct {
		PriceTaxIncl string `json:"price_tax_incl"`
		TaxRate      string `json:"tax_rate"`
		Carrier      int    `json:"carrier"`
	}{PriceTaxIncl: "49.00", TaxRate: "25"}
	res, err := ps.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(res.ID)
}

func TestPreviewPrintsTheDocumentAndNeverCallsTheLedger(t *testing.T) {
	t.Parallel()
	envv, s := migratedStore(t)
	ps := prestashopsim.New(prestashopsim.Options{})
	psSrv := httptest.NewServer(ps)
	t.Cleanup(psSrv.Close)
	var ledgerCalls atomic.Int64
	ledgerSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ledgerCalls.Add(1)
		http.Error(w, "preview must not call the ledger", http.StatusTeapot)
	}))
	t.Cleanup(ledgerSrv.Close)

	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	tn.Settings.Shop.BaseURL = psSrv.URL
	tn.Settings.Ledger.BaseURL = ledgerSrv.URL + "/api/v2"
	if err := s.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	// A second tenant on the same shop that maps only 25 % VAT.
	narrow := *tn
	narrow.ID = "narrow"
	narrow.Settings.VAT = tn.Settings.VAT[:1]
	if err := s.CreateTenant(context.Background(), &narrow); err != nil {
		t.Fatal(err)
	}

	// 3×199.00 + 2×249.90 + 49.00 shipping = 1145.80 incl. VAT.
	const shopTotal = money.Ore(114580)
	vipps := simOrder(t, ps, "vipps", "15", 2)
	wire := simOrder(t, ps, "ps_wirepayment", "15", 2)
	cod := simOrder(t, ps, "cod", "15", 2)
	waiting := simOrder(t, ps, "vipps", "15", 1)
	cancelled := simOrder(t, ps, "vipps", "15", 6)
	// The wire order was booked earlier: its invoice link is in the store.
	if err := s.PutLink(context.Background(), store.Link{TenantID: "demo", Kind: store.LinkInvoice, ShopID: wire, LedgerID: "9002",
		Snapshot: json.RawMessage(`{"id":"9002","number":"10002"}`)}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // in stdout (code 0) or stderr (code 1)
		check    func(t *testing.T, stdout string)
	}{
		{"cash invoice table", []string{"--order", vipps}, 0,
			[]string{"nothing is posted", "cash_invoice", "bokfor-demo-" + vipps, "1920:10002", "Kaffekopp", "Kaffebønner 1 kg",
				"Frakt", "HIGH", "MEDIUM", "3000", "Per VAT rate", "25%", "15%", "1145.80 NOK", "Rounding", "a transfer state", "not posted by bokfor yet"}, nil},
		{"unpaid invoice with fee", []string{"--order", wire}, 0,
			[]string{"invoice", "Fakturagebyr", "Send method", "email", "Due days", "14", "1184.80 NOK", "Invoice fee  39.00", "already posted as 10002 (id 9002)"}, nil},
		{"waiting order", []string{"--order", waiting}, 0, []string{"1 (not a transfer state: the order waits)", "cash_invoice"}, nil},
		{"cancelled order", []string{"--order", cancelled}, 0, []string{"6 (a cancel state: the order would not be booked)"}, nil},
		{"json", []string{"--order", vipps, "--json"}, 0, nil, func(t *testing.T, stdout string) {
			var d ledgerdoc.Document
			if err := json.Unmarshal([]byte(stdout), &d); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, stdout)
			}
			if d.Kind != ledgerdoc.KindCashInvoice || d.Reference != ledgerdoc.Reference("demo", vipps) || d.PaymentAccount != "1920:10002" {
				t.Fatalf("document header: %+v", d)
			}
			if d.ShopTotal != shopTotal || d.Gross != shopTotal {
				t.Fatalf("gross %s, shop total %s, want %s", d.Gross, d.ShopTotal, shopTotal)
			}
			var sum money.Ore
			for _, l := range d.Lines {
				sum += l.Gross
			}
			if sum != d.Gross || len(d.Lines) < 3 || len(d.PerRate) != 2 {
				t.Fatalf("lines sum to %s of %s; %d lines, %d rates", sum, d.Gross, len(d.Lines), len(d.PerRate))
			}
		}},
		{"unknown payment module", []string{"--order", cod}, 1, []string{"cannot be booked", "no payment method configured", `"cod"`}, nil},
		{"unmapped VAT rate", []string{"--order", vipps, "--tenant", "narrow"}, 1, []string{"cannot be booked", "no VAT rule for rate", "15.00 %"}, nil},
		{"order not in the shop", []string{"--order", "999999"}, 1, []string{"read order 999999"}, nil},
		{"unknown tenant", []string{"--order", vipps, "--tenant", "nobody"}, 1, []string{`tenant "nobody"`, "not found"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"preview", "--tenant", "demo"}, tt.args...)
			r := runCmd(t, envv, "", args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			out := r.stdout
			if tt.wantCode != 0 {
				out = r.stderr
				if n := strings.Count(r.stderr, "\n"); n != 1 {
					t.Fatalf("stderr has %d lines, want one: %q", n, r.stderr)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tt.check != nil {
				tt.check(t, r.stdout)
			}
		})
	}
	t.Cleanup(func() {
		if n := ledgerCalls.Load(); n != 0 {
			t.Errorf("preview called the ledger %d times", n)
		}
	})
}
