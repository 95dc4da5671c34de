package psshop_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/shop/psshop"
	"github.com/bokfor/bokfor/internal/tenant"
)

// FuzzShopOrder serves a fuzzed order and order lines answer, with the
// rest of the corpus's base order, to the real client and mapping, and
// builds the document: no panic; a failure is a typed error (apierr or
// shop.ErrNotFound) in storable text; a document is either refused with
// one of Build's errors or sums to the shop's total.
func FuzzShopOrder(f *testing.F) {
	raw, err := os.ReadFile("testdata/badinput/shop.json")
	if err != nil {
		f.Fatal(err)
	}
	var corpus struct {
		Base map[string]json.RawMessage `json:"base"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		f.Fatal(err)
	}
	order, lines := string(corpus.Base["orders/1"]), string(corpus.Base["order_details"])
	f.Add(order, lines)
	f.Add(strings.ReplaceAll(order, `"477.000000"`, `477`), strings.ReplaceAll(lines, `"2"`, `2`))
	f.Add(strings.ReplaceAll(order, `"id_carrier":"2"`, `"id_carrier":false`), `[]`)
	f.Add(order[:len(order)/2], lines)
	f.Add(order, strings.ReplaceAll(lines, `"product_quantity":"2"`, `"product_quantity":"-2"`))
	f.Add(order, strings.ReplaceAll(lines, `"taxes":[{"id":"1"}]`, `"taxes":false`))
	f.Add(`<html>error</html>`, lines)
	f.Add(`{"order":{"id":1,"id_currency":"1e3"}}`, `{"order_details":{"id":"1"}}`)
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		f.Fatal(err)
	}
	var mu sync.Mutex
	current := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, "/api/")
		mu.Lock()
		b, ok := current[path]
		mu.Unlock()
		if !ok {
			if b, ok = corpus.Base[path]; !ok {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	f.Cleanup(srv.Close)
	cl, err := prestashop.New(prestashop.Config{BaseURL: srv.URL, Key: "BOKFORSIMKEY0000000000000000000X"})
	if err != nil {
		f.Fatal(err)
	}
	s := psshop.New(cl)
	f.Fuzz(func(t *testing.T, orderBody, linesBody string) {
		mu.Lock()
		current = map[string][]byte{"orders/1": []byte(orderBody), "order_details": []byte(linesBody)}
		mu.Unlock()
		o, err := s.Order(context.Background(), "1")
		if err != nil {
			var ae *apierr.Error
			if !errors.As(err, &ae) && !errors.Is(err, shop.ErrNotFound) {
				t.Fatalf("untyped error: %v", err)
			}
			if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0) {
				t.Fatalf("error text is not storable: %q", err)
			}
			return
		}
		d, err := ledgerdoc.Build(tn.ID, &tn.Settings, o)
		if err != nil {
			if !errors.Is(err, ledgerdoc.ErrInvalidOrder) && !errors.Is(err, ledgerdoc.ErrNoPaymentMethod) && !errors.Is(err, tenant.ErrNoVATRule) {
				t.Fatalf("unexpected kind of error: %v", err)
			}
			return
		}
		var gross, fee money.Ore
		for _, l := range d.Lines {
			gross += l.Gross
			if l.Kind == ledgerdoc.LineFee {
				fee += l.Gross
			}
		}
		if gross != d.Gross || d.Gross-fee != o.Totals.PaidTaxIncl {
			t.Fatalf("lines sum to %s, document %s, shop total %s", gross, d.Gross, o.Totals.PaidTaxIncl)
		}
	})
}
