package prestashop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

// clock is a settable shop clock for the simulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a simulator behind an HTTP server and a client pointed at it.
type env struct {
	sim *prestashopsim.Server
	srv *httptest.Server
	c   *prestashop.Client
	// urls records every webservice request URL and whether it carried
	// Basic auth.
	mu   sync.Mutex
	urls []string
	auth []bool
}

func newEnv(t *testing.T, opts prestashopsim.Options, cfg prestashop.Config) *env {
	t.Helper()
	e := &env{sim: prestashopsim.New(opts)}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api") {
			_, _, ok := r.BasicAuth()
			e.mu.Lock()
			e.urls = append(e.urls, r.URL.String())
			e.auth = append(e.auth, ok)
			e.mu.Unlock()
		}
		e.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	cfg.BaseURL = e.srv.URL
	if cfg.Key == "" {
		cfg.Key = prestashopsim.DefaultKey
	}
	c, err := prestashop.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

// control POSTs a JSON body to the simulator's control API.
func (e *env) control(t *testing.T, path string, body any, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, rb)
	}
	if out != nil {
		if err := json.Unmarshal(rb, out); err != nil {
			t.Fatalf("POST %s: %v: %s", path, err, rb)
		}
	}
}

type placed struct {
	ID        int    `json:"id"`
	Reference string `json:"reference"`
}

// place places an order given as JSON through POST /_sim/orders.
func (e *env) place(t *testing.T, order string) placed {
	t.Helper()
	var p placed
	e.control(t, "/_sim/orders", json.RawMessage(order), &p)
	if p.ID == 0 || len(p.Reference) != 9 {
		t.Fatalf("place: got %+v", p)
	}
	return p
}

// raw sends a webservice request with the default key and returns status and body.
func (e *env) raw(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(prestashopsim.DefaultKey, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// mixedOrder is the example order: 25 % and 15 % goods, shipping
// at 25 % and a 50 kr discount.
const mixedOrder = `{
  "customer":{"email":"ola@example.no","firstname":"Ola","lastname":"Nordmann","company":"Ola AS","siret":"987654321","guest":false},
  "address":{"address1":"Kirkegata 2","postcode":"7010","city":"Trondheim","country":"NO","vat_number":"NO987654321MVA"},
  "currency":"NOK","conversion_rate":"1.0","payment":"Vipps","module":"vipps","state":2,
  "lines":[{"reference":"SKU-1","name":"Genser","quantity":2,"unit_price_tax_incl":"199.00","tax_rate":"25"},
           {"reference":"SKU-KAFFE","name":"Kaffe 500 g","quantity":3,"unit_price_tax_incl":"89.90","tax_rate":"15"}],
  "shipping":{"price_tax_incl":"79.00","tax_rate":"25"},
  "discounts":[{"name":"Velkommen","value_tax_incl":"50.00"}],"round_type":%d}`
