package prestashop_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

func TestAuthAndPermissions(t *testing.T) {
	t.Parallel()
	const limited = "LIMITEDKEY000000000000000000000X"
	opts := prestashopsim.Options{Keys: []prestashopsim.Key{
		{Key: prestashopsim.DefaultKey},
		{Key: limited, Permissions: map[string][]string{"orders": {"GET"}}},
	}}
	e := newEnv(t, opts, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))

	tests := []struct {
		name string
		key  string
		call func(c *prestashop.Client) error
		kind apierr.Kind
	}{
		{"good key reads", prestashopsim.DefaultKey, func(c *prestashop.Client) error { _, err := c.OrderCurrentState(ctx(t), p.ID); return err }, apierr.KindUnknown},
		{"wrong key", "WRONGKEY00000000000000000000000X", func(c *prestashop.Client) error { _, err := c.OrderCurrentState(ctx(t), p.ID); return err }, apierr.KindAuth},
		{"allowed resource", limited, func(c *prestashop.Client) error { _, err := c.OrderCurrentState(ctx(t), p.ID); return err }, apierr.KindUnknown},
		{"resource not permitted", limited, func(c *prestashop.Client) error { _, err := c.Payments(ctx(t), p.Reference); return err }, apierr.KindAuth},
		{"method not permitted", limited, func(c *prestashop.Client) error { _, err := c.SetOrderState(ctx(t), p.ID, 3); return err }, apierr.KindAuth},
		{"missing order", prestashopsim.DefaultKey, func(c *prestashop.Client) error { _, err := c.Order(ctx(t), 9999); return err }, apierr.KindNotFound},
	}
	for _, tt := range tests {
		c, err := prestashop.New(prestashop.Config{BaseURL: e.srv.URL, Key: tt.key})
		if err != nil {
			t.Fatal(err)
		}
		err = tt.call(c)
		if tt.kind == apierr.KindUnknown {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if got := apierr.KindOf(err); got != tt.kind {
			t.Errorf("%s: kind %v (%v), want %v", tt.name, got, err, tt.kind)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, u := range e.urls {
		if strings.Contains(u, "ws_key") || !e.auth[i] {
			t.Errorf("request %s: key in URL or no Basic auth", u)
		}
	}
	if n := e.sim.Stats().Counters["ws_key_in_url"]; n != 0 {
		t.Errorf("ws_key_in_url = %d", n)
	}
}

func TestQuirks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts prestashopsim.Options
		cfg  prestashop.Config
	}{
		{"arrays", prestashopsim.Options{}, prestashop.Config{}},
		{"one-row associations as objects", prestashopsim.Options{SingleAssocAsObject: true}, prestashop.Config{}},
		{"english", prestashopsim.Options{}, prestashop.Config{LanguageID: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.opts, tt.cfg)
			// One line: order_details' taxes association has one row.
			p := e.place(t, `{"customer":{"email":"q@example.no","firstname":"Q","lastname":"Q"},"address":{"address1":"A","postcode":"1","city":"C"},
				"lines":[{"reference":"SKU-KAFFE","quantity":1,"unit_price_tax_incl":"89.90"}]}`)
			o, err := e.c.Order(ctx(t), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Lines) != 1 || o.Lines[0].TaxRate != domain.VAT15 {
				t.Errorf("lines = %+v, want one at 15 %%", o.Lines)
			}
			// Empty lists arrive as a bare [].
			if len(o.Discounts) != 0 || len(o.Refunds) != 0 {
				t.Errorf("discounts %v refunds %v, want none", o.Discounts, o.Refunds)
			}
			if ids, err := e.c.ProductIDsByReference(ctx(t), "NO-SUCH-SKU"); err != nil || len(ids) != 0 {
				t.Errorf("unknown SKU: %v, %v", ids, err)
			}
			// Multilingual names arrive as [{id,value}] without language=.
			prod, err := e.c.Product(ctx(t), 1)
			if err != nil {
				t.Fatal(err)
			}
			wantName, wantState := "T-skjorte", "Betaling godkjent"
			if tt.cfg.LanguageID == 2 {
				wantName = "T-skjorte" // the catalogue has one name in both languages
				wantState = "Payment accepted"
			}
			if prod.Name != wantName || prod.SKU != "SKU-TSHIRT" || prod.TaxRate != domain.VAT25 ||
				prod.PriceTaxExcl != money.MustParse("159.20") || len(prod.Variants) != 3 || !prod.Variants[0].Default {
				t.Errorf("product = %+v", prod)
			}
			states, err := e.c.OrderStates(ctx(t))
			if err != nil || len(states) < 13 || states[1].Name != wantState || !states[1].Paid {
				t.Errorf("states[1] = %+v, %v; want %q, paid", states[1], err, wantState)
			}
			cur, err := e.c.Currencies(ctx(t))
			if err != nil || len(cur) != 2 || cur[1].ISOCode != "EUR" || cur[1].ConversionRate != 85_000 {
				t.Errorf("currencies = %+v, %v", cur, err)
			}
			car, err := e.c.Carriers(ctx(t))
			if err != nil || len(car) != 2 || car[0].Name != "Posten" {
				t.Errorf("carriers = %+v, %v", car, err)
			}
		})
	}
}

func TestForeignCurrencyOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	p := e.place(t, `{"customer":{"email":"de@example.de","firstname":"Hans","lastname":"M","guest":true},"address":{"address1":"Str 1","postcode":"10115","city":"Berlin","country":"DE"},
		"currency":"EUR","payment":"Kort","module":"stripe","state":2,
		"lines":[{"reference":"SKU-BOK","quantity":2,"unit_price_tax_incl":"30.00","tax_rate":"0"}]}`)
	o, err := e.c.Order(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Currency != "EUR" || o.ConversionRate != 85_000 || o.Totals.PaidTaxIncl != 6000 || !o.Customer.Guest || o.Billing.Country != "DE" {
		t.Errorf("order = currency %s rate %s paid %v guest %v country %s", o.Currency, o.ConversionRate, o.Totals.PaidTaxIncl, o.Customer.Guest, o.Billing.Country)
	}
	if got := o.ConversionRate.ToDefault(o.Totals.PaidTaxIncl); got != money.MustParse("705.88") {
		t.Errorf("in NOK = %v, want 705.88", got)
	}
	if len(o.Payments) != 1 || o.Payments[0].Currency != "EUR" {
		t.Errorf("payments = %+v", o.Payments)
	}
}

func TestStock(t *testing.T) {
	t.Parallel()
	for _, version := range []string{prestashop.Version8, prestashop.Version17} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{Version: version}, prestashop.Config{Version: version})
			levels, err := e.c.StockLevels(ctx(t), 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(levels) != 4 || levels[0].VariantID != "" || levels[1].VariantID == "" {
				t.Fatalf("levels = %+v, want aggregate + 3 combinations", levels)
			}
			row := levels[1]
			// Give the row a location the shop keeps: a partial PUT would wipe it.
			code, body := e.raw(t, http.MethodGet, "/api/stock_availables/"+row.ID, "")
			if code != 200 {
				t.Fatalf("GET: %d %s", code, body)
			}
			full := strings.Replace(body, "<location><![CDATA[]]></location>", "<location><![CDATA[HYLLE-7]]></location>", 1)
			if code, body := e.raw(t, http.MethodPut, "/api/stock_availables/"+row.ID, full); code != 200 {
				t.Fatalf("PUT full: %d %s", code, body)
			}
			if err := e.c.SetStock(ctx(t), atoi(t, row.ID), 42); err != nil {
				t.Fatal(err)
			}
			code, body = e.raw(t, http.MethodGet, "/api/stock_availables/"+row.ID+"?output_format=JSON", "")
			if code != 200 || !strings.Contains(body, `"quantity":"42"`) || !strings.Contains(body, `"location":"HYLLE-7"`) {
				t.Errorf("after SetStock: %d %s", code, body)
			}
			methods := e.sim.Stats().Requests
			if version == prestashop.Version17 && (methods["PATCH stock_availables"] != 0 || methods["PUT stock_availables"] != 2) {
				t.Errorf("1.7 must GET-modify-PUT: %v", methods)
			}
			if version == prestashop.Version8 && methods["PATCH stock_availables"] != 1 {
				t.Errorf("8.x must PATCH: %v", methods)
			}
			// The wipe the client avoids: a partial PUT nulls location and
			// fails on the missing required fields.
			partial := `<prestashop><stock_available><id>` + row.ID + `</id><id_product>1</id_product><id_product_attribute>` + row.VariantID +
				`</id_product_attribute><quantity>5</quantity><depends_on_stock>0</depends_on_stock><out_of_stock>2</out_of_stock></stock_available></prestashop>`
			if code, body := e.raw(t, http.MethodPut, "/api/stock_availables/"+row.ID, partial); code != 200 {
				t.Fatalf("partial PUT: %d %s", code, body)
			}
			_, body = e.raw(t, http.MethodGet, "/api/stock_availables/"+row.ID+"?output_format=JSON", "")
			if !strings.Contains(body, `"location":""`) {
				t.Errorf("partial PUT should have wiped location: %s", body)
			}
		})
	}
}

func TestUpdateProduct17KeepsFields(t *testing.T) {
	t.Parallel()
	for _, version := range []string{prestashop.Version8, prestashop.Version17} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{Version: version}, prestashop.Config{Version: version})
			_, before := e.raw(t, http.MethodGet, "/api/products/1?output_format=JSON", "")
			price := money.MustParse("100.00")
			name := "Ny T-skjorte"
			if err := e.c.UpdateProduct(ctx(t), 1, prestashop.ProductUpdate{PriceTaxExcl: &price, Name: &name}); err != nil {
				t.Fatal(err)
			}
			p, err := e.c.Product(ctx(t), 1)
			if err != nil {
				t.Fatal(err)
			}
			if p.PriceTaxExcl != price || p.Name != name || p.SKU != "SKU-TSHIRT" || !p.Active || p.TaxRate != domain.VAT25 || len(p.Variants) != 3 {
				t.Errorf("product after update = %+v", p)
			}
			_, after := e.raw(t, http.MethodGet, "/api/products/1?output_format=JSON", "")
			for _, keep := range []string{`"id_default_combination":"1"`, `"link_rewrite":[{"id":"1","value":"t-skjorte"}`, `"visibility":"both"`, `"id_category_default":"2"`} {
				if !strings.Contains(before, keep) || !strings.Contains(after, keep) {
					t.Errorf("field %s lost by the update", keep)
				}
			}
		})
	}
}

func TestOrderStateChange(t *testing.T) {
	t.Parallel()
	hook := newReceiver(t, 0)
	e := newEnv(t, prestashopsim.Options{WebhookURL: hook.srv.URL, WebhookSecret: "hemmelig"}, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	spec := prestashop.OrderStateSpec{Name: "Oppgjort i Fiken", Logable: true, Paid: true, Invoice: true}
	id1, err := e.c.EnsureOrderState(ctx(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := e.c.EnsureOrderState(ctx(t), spec)
	if err != nil || id2 != id1 || id1 <= 14 {
		t.Fatalf("EnsureOrderState twice = %d, %d, %v", id1, id2, err)
	}
	before := len(hook.events())
	if _, err := e.c.SetOrderState(ctx(t), p.ID, id1); err != nil {
		t.Fatal(err)
	}
	if st, err := e.c.OrderCurrentState(ctx(t), p.ID); err != nil || st != id1 {
		t.Errorf("current state = %d, %v; want %d", st, err, id1)
	}
	if n := e.sim.Stats().EmailsSent; n != 0 {
		t.Errorf("emails sent = %d, want 0", n)
	}
	// The shop reports our own write back: OrderHistory add + Order update.
	evs := hook.events()[before:]
	var sawHistory, sawOrder bool
	for _, ev := range evs {
		oid, _ := ev.OrderID()
		if oid != p.ID {
			continue
		}
		sawHistory = sawHistory || (ev.Entity == "OrderHistory" && ev.Action == prestashop.ActionAdd)
		sawOrder = sawOrder || (ev.Entity == "Order" && ev.Action == prestashop.ActionUpdate)
	}
	if !sawHistory || !sawOrder {
		t.Errorf("echo events = %+v", evs)
	}
	// With e-mails configured, a state that mails the customer does.
	mailer, err := prestashop.New(prestashop.Config{BaseURL: e.srv.URL, Key: prestashopsim.DefaultKey, SendStateEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mailer.SetOrderState(ctx(t), p.ID, 4); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Stats().EmailsSent; n != 1 {
		t.Errorf("emails sent = %d, want 1", n)
	}
	if _, err := e.c.SetOrderState(ctx(t), p.ID, 999); apierr.KindOf(err) != apierr.KindValidation {
		t.Errorf("unknown state: %v, want validation error", err)
	}
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	var slip struct{ ID int }
	e.control(t, fmt.Sprintf("/_sim/orders/%d/refund", p.ID), map[string]any{
		"lines": []map[string]any{{"reference": "SKU-KAFFE", "quantity": 1}}, "shipping": true}, &slip)
	if slip.ID == 0 {
		t.Fatal("no slip id")
	}
	rs, err := e.c.Refunds(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || len(rs[0].Lines) != 1 {
		t.Fatalf("refunds = %+v", rs)
	}
	r := rs[0]
	l := r.Lines[0]
	// 1 × 89.90 @15 %: excl round2(78.173913) = 78.17; shipping 79.00 / 63.20.
	checks := []struct {
		name      string
		got, want any
	}{
		{"sku", l.SKU, "SKU-KAFFE"},
		{"qty", l.Quantity, 1},
		{"rate", l.TaxRate, domain.VAT15},
		{"line incl", l.TaxIncl, money.MustParse("89.90")},
		{"line excl", l.TaxExcl, money.MustParse("78.17")},
		{"shipping incl", r.ShippingTaxIncl, money.MustParse("79.00")},
		{"shipping excl", r.ShippingTaxExcl, money.MustParse("63.20")},
		{"amount", r.Amount, money.MustParse("168.90")},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	o, err := e.c.Order(ctx(t), p.ID)
	if err != nil || len(o.Refunds) != 1 || o.Lines[1].QuantityRefunded != 1 {
		t.Errorf("order after refund: refunds %d, refunded qty %d, %v", len(o.Refunds), o.Lines[1].QuantityRefunded, err)
	}
}

func TestListChanges(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2025, 5, 28, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, prestashopsim.Options{Now: clk.Now}, prestashop.Config{})
	var ids []int
	for i := 0; i < 5; i++ {
		ids = append(ids, e.place(t, fmt.Sprintf(mixedOrder, 2)).ID)
		if i != 1 { // orders 2 and 3 share a second
			clk.Add(time.Minute)
		}
	}
	// Page through everything from the start, two at a time.
	var seen []int
	var wm prestashop.Watermark
	for off := 0; ; off += 2 {
		page, err := e.c.ListChanges(ctx(t), "orders", prestashop.Watermark{}, prestashop.ListOptions{Offset: off, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Changes {
			seen = append(seen, ch.ID)
		}
		if page.Next.After(wm) {
			wm = page.Next
		}
		if !page.More {
			break
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("changes %v, want %v", seen, ids)
	}
	if wm.ID != ids[4] {
		t.Errorf("watermark %+v, want id %d", wm, ids[4])
	}
	// A later change to the first order shows up after the watermark; the
	// overlap brings back recent ones marked Seen.
	clk.Add(time.Minute)
	e.control(t, fmt.Sprintf("/_sim/orders/%d/state", ids[0]), map[string]int{"state": 4}, nil)
	page, err := e.c.ListChanges(ctx(t), "orders", wm, prestashop.ListOptions{Overlap: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var fresh, old []int
	for _, ch := range page.Changes {
		if ch.Seen {
			old = append(old, ch.ID)
		} else {
			fresh = append(fresh, ch.ID)
		}
	}
	if fmt.Sprint(fresh) != fmt.Sprint([]int{ids[0]}) || fmt.Sprint(old) != fmt.Sprint([]int{ids[3], ids[4]}) {
		t.Errorf("fresh %v old %v; want [%d] and [%d %d]", fresh, old, ids[0], ids[3], ids[4])
	}
	if page.Next.ID != ids[0] || !page.Next.After(wm) {
		t.Errorf("next watermark %+v", page.Next)
	}
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults prestashopsim.Faults
		write  bool
		kind   apierr.Kind
	}{
		{"server error on read", prestashopsim.Faults{ErrorRate: 1}, false, apierr.KindTransient},
		{"timeout on read", prestashopsim.Faults{TimeoutRate: 1}, false, apierr.KindTransient},
		{"response lost after commit", prestashopsim.Faults{DropAfterCommitRate: 1}, true, apierr.KindAmbiguous},
		{"timeout on write", prestashopsim.Faults{TimeoutRate: 1}, true, apierr.KindAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, prestashopsim.Options{HangTimeout: 2 * time.Second}, prestashop.Config{HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}})
			p := e.place(t, fmt.Sprintf(mixedOrder, 2))
			e.control(t, "/_sim/faults", tt.faults, nil)
			var err error
			if tt.write {
				_, err = e.c.SetOrderState(ctx(t), p.ID, 3)
			} else {
				_, err = e.c.OrderCurrentState(ctx(t), p.ID)
			}
			if got := apierr.KindOf(err); got != tt.kind {
				t.Fatalf("kind %v (%v), want %v", got, err, tt.kind)
			}
			e.control(t, "/_sim/faults", prestashopsim.Faults{}, nil)
			st, err := e.c.OrderCurrentState(ctx(t), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			// Only the dropped response committed; the others had no effect.
			want := 2
			if tt.faults.DropAfterCommitRate == 1 {
				want = 3
			}
			if st != want {
				t.Errorf("state after fault = %d, want %d", st, want)
			}
		})
	}
}

// receiver collects webhook deliveries and checks their signatures.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	evs   []prestashop.WebhookEvent
	bad   int
	delay time.Duration
}

func newReceiver(t *testing.T, delay time.Duration) *receiver {
	t.Helper()
	rc := &receiver{delay: delay}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if rc.delay > 0 {
			time.Sleep(rc.delay)
		}
		ev, err := prestashop.ParseWebhookEvent(body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err != nil || !prestashop.VerifySignature("hemmelig", body, r.Header.Get(prestashop.SignatureHeader)) {
			rc.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		rc.evs = append(rc.evs, ev)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) events() []prestashop.WebhookEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]prestashop.WebhookEvent(nil), rc.evs...)
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 0)
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	e.control(t, "/_sim/webhook", map[string]string{"url": rc.srv.URL, "secret": "hemmelig"}, nil)
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	levels, err := e.c.StockLevels(ctx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.SetStock(ctx(t), atoi(t, levels[0].ID), 7); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, ev := range rc.events() {
		got[ev.Entity+" "+ev.Action] = true
		if ev.Entity == "Order" && ev.Action == "add" {
			if id, _ := ev.ID(); id != p.ID {
				t.Errorf("Order add id %d, want %d", id, p.ID)
			}
			if _, leaked := ev.Data["secure_key"]; leaked {
				t.Error("secure_key must be stripped")
			}
			var ref string
			_ = json.Unmarshal(ev.Data["reference"], &ref)
			if ref != p.Reference {
				t.Errorf("Order add reference %q", ref)
			}
		}
	}
	for _, want := range []string{"Customer add", "Order add", "OrderHistory add", "Order update", "StockAvailable update", "OrderPayment add"} {
		if !got[want] {
			t.Errorf("missing webhook %q; got %v", want, got)
		}
	}
	if rc.bad != 0 {
		t.Errorf("%d deliveries failed signature check", rc.bad)
	}

	// A slow receiver loses the event: 3 s (here 100 ms) timeout, no retry.
	slow := newReceiver(t, 300*time.Millisecond)
	e2 := newEnv(t, prestashopsim.Options{WebhookURL: slow.srv.URL, WebhookSecret: "hemmelig", WebhookTimeout: 100 * time.Millisecond}, prestashop.Config{})
	e2.place(t, fmt.Sprintf(mixedOrder, 2))
	st := e2.sim.Stats()
	if st.WebhooksSent != 0 || st.WebhooksFailed == 0 {
		t.Errorf("slow receiver: sent %d failed %d", st.WebhooksSent, st.WebhooksFailed)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var i int
	if _, err := fmt.Sscan(s, &i); err != nil {
		t.Fatalf("atoi(%q): %v", s, err)
	}
	return i
}

func TestSplitOrdersAndPartialPayments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	// Awaiting bank wire (10) has no payment yet; two partial payments follow.
	a := e.place(t, strings.Replace(fmt.Sprintf(mixedOrder, 2), `"state":2`, `"state":10`, 1))
	for _, amt := range []string{"100.00", "596.70"} {
		e.control(t, fmt.Sprintf("/_sim/orders/%d/payment", a.ID), map[string]string{"amount": amt, "method": "Bankoverføring"}, nil)
	}
	pays, err := e.c.Payments(ctx(t), a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(pays) != 2 || pays[0].Amount+pays[1].Amount != money.MustParse("696.70") || pays[1].Method != "Bankoverføring" {
		t.Errorf("partial payments = %+v", pays)
	}
	// A split cart: a second order with the same reference.
	b := e.place(t, `{"reference":"`+a.Reference+`","customer":{"email":"ola@example.no"},"address":{"address1":"A","postcode":"1","city":"C"},
		"state":10,"lines":[{"reference":"SKU-BOK","quantity":1,"unit_price_tax_incl":"349.00","tax_rate":"0"}]}`)
	if b.Reference != a.Reference {
		t.Fatalf("split order reference %s, want %s", b.Reference, a.Reference)
	}
	ids, err := e.c.OrderIDsByReference(ctx(t), a.Reference)
	if err != nil || fmt.Sprint(ids) != fmt.Sprint([]int{a.ID, b.ID}) {
		t.Errorf("OrderIDsByReference = %v, %v", ids, err)
	}
	ob, err := e.c.Order(ctx(t), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ob.Payments) != 2 || ob.Totals.PaidTaxIncl != money.MustParse("349.00") {
		t.Errorf("split order: payments %d (shared by reference), paid %v", len(ob.Payments), ob.Totals.PaidTaxIncl)
	}
}

func TestLookupsAndMultishop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{Shops: []int{1, 2}}, prestashop.Config{ShopID: 2})
	p := e.place(t, strings.Replace(fmt.Sprintf(mixedOrder, 2), `"round_type":2`, `"round_type":2,"shop":2`, 1))
	o, err := e.c.Order(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.ShopID != "2" {
		t.Errorf("order shop %q, want 2", o.ShopID)
	}
	rule, err := e.c.CartRule(ctx(t), atoi(t, o.Discounts[0].RuleID))
	if err != nil || rule.Name != "Velkommen" || rule.ReductionAmount != money.MustParse("50.00") || !rule.ReductionTaxIncluded {
		t.Errorf("cart rule = %+v, %v", rule, err)
	}
	// Customers belong to a shop: the seeded one is in shop 1.
	if cs, err := e.c.CustomersByEmail(ctx(t), "kari@example.no"); err != nil || len(cs) != 0 {
		t.Errorf("shop 2 sees shop 1 customer: %+v, %v", cs, err)
	}
	cs, err := e.c.CustomersByEmail(ctx(t), "ola@example.no")
	if err != nil || len(cs) != 1 || cs[0].Name() != "Ola AS" || cs[0].Guest || cs[0].OrgNumber != "987654321" {
		t.Errorf("customers = %+v, %v", cs, err)
	}
	// Shop 2 sees and writes only its own stock rows.
	levels, err := e.c.StockLevels(ctx(t), 2)
	if err != nil || len(levels) != 1 || levels[0].ShopID != "2" || levels[0].Quantity != 97 {
		t.Fatalf("shop 2 levels = %+v, %v (3 sold from 100)", levels, err)
	}
	if err := e.c.SetStock(ctx(t), atoi(t, levels[0].ID), 11); err != nil {
		t.Fatal(err)
	}
	shop1, err := prestashop.New(prestashop.Config{BaseURL: e.srv.URL, Key: prestashopsim.DefaultKey, ShopID: 1})
	if err != nil {
		t.Fatal(err)
	}
	l1, err := shop1.StockLevels(ctx(t), 2)
	if err != nil || len(l1) != 1 || l1[0].ShopID != "1" || l1[0].Quantity != 100 {
		t.Errorf("shop 1 levels = %+v, %v", l1, err)
	}
	if _, err := shop1.Order(ctx(t), p.ID); apierr.KindOf(err) != apierr.KindNotFound {
		t.Errorf("shop 1 reading a shop 2 order: %v, want not found", err)
	}
	for _, res := range []string{"customers", "products"} {
		page, err := e.c.ListChanges(ctx(t), res, prestashop.Watermark{}, prestashop.ListOptions{})
		if err != nil || len(page.Changes) == 0 || page.More {
			t.Errorf("%s changes = %+v, %v", res, page, err)
		}
	}
}

// TestAddressEditKeepsOrderAddress: editing an address an order uses makes
// a new one; the order keeps pointing at the old, soft-deleted row.
func TestAddressEditKeepsOrderAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, prestashopsim.Options{}, prestashop.Config{})
	p := e.place(t, fmt.Sprintf(mixedOrder, 2))
	o, err := e.c.Order(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	patch := `<prestashop><address><id>` + o.Billing.ID + `</id><city>Bergen</city></address></prestashop>`
	code, body := e.raw(t, http.MethodPatch, "/api/addresses/"+o.Billing.ID+"?output_format=JSON", patch)
	if code != 200 || strings.Contains(body, `"id":`+o.Billing.ID+`,`) || !strings.Contains(body, `"city":"Bergen"`) {
		t.Fatalf("PATCH used address: %d %s", code, body)
	}
	again, err := e.c.Order(ctx(t), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Billing.ID != o.Billing.ID || again.Billing.City != "Trondheim" {
		t.Errorf("order address = %+v, want the original in Trondheim", again.Billing)
	}
}
