package psshop_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/shop/psshop"
	"github.com/bokfor/bokfor/internal/tenant"
)

// answer replaces a resource's answer.
type answer struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
	BodyB64     string `json:"body_b64"`
	RetryAfter  string `json:"retry_after"`
}

// badShopCase is one entry of testdata/badinput/shop.json.
type badShopCase struct {
	Name  string                                `json:"name"`
	Set   map[string]map[string]json.RawMessage `json:"set"`
	Serve map[string]answer                     `json:"serve"`
	Want  struct {
		Booked *struct {
			Gross    string `json:"gross"`
			Rounding string `json:"rounding"`
			Lines    int    `json:"lines"`
		} `json:"booked"`
		Refused   string `json:"refused"`
		Reason    string `json:"reason"`
		Error     string `json:"error"`
		Retryable bool   `json:"retryable"`
		Contains  string `json:"contains"`
	} `json:"want"`
}

// resources returns the base answers with the case's fields set.
func (c badShopCase) resources(t *testing.T, base map[string]json.RawMessage) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for path, raw := range base {
		fields, ok := c.Set[path]
		if !ok {
			out[path] = raw
			continue
		}
		// {"<elem>": {...}} or {"<list>": [{...}, ...]}: set fields in the
		// object or the list's first element.
		var wrap map[string]json.RawMessage
		if err := json.Unmarshal(raw, &wrap); err != nil || len(wrap) != 1 {
			t.Fatalf("base %s is not a one-key object", path)
		}
		for key, inner := range wrap {
			var list []map[string]json.RawMessage
			var obj map[string]json.RawMessage
			if json.Unmarshal(inner, &list) == nil && len(list) > 0 {
				obj = list[0]
			} else if err := json.Unmarshal(inner, &obj); err != nil {
				t.Fatalf("base %s: %v", path, err)
			}
			for k, v := range fields {
				obj[k] = v
			}
			var err error
			if list != nil {
				wrap[key], err = json.Marshal(list)
			} else {
				wrap[key], err = json.Marshal(obj)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		b, err := json.Marshal(wrap)
		if err != nil {
			t.Fatal(err)
		}
		out[path] = b
	}
	for path := range c.Set {
		if _, ok := base[path]; !ok {
			t.Fatalf("set names %s, which the base does not have", path)
		}
	}
	return out
}

// TestBadShopAnswers reads an order through the real PrestaShop client
// and mapping from a webservice that answers each case of
// testdata/badinput/shop.json, builds its document for the example tenant,
// and checks the outcome: booked, refused with the reason an operator
// reads in needs_attention, or the typed error the activity classifies.
func TestBadShopAnswers(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/badinput/shop.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Base  map[string]json.RawMessage `json:"base"`
		Cases []badShopCase              `json:"cases"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		t.Fatal(err)
	}
	if len(corpus.Cases) < 30 {
		t.Fatalf("corpus has %d cases", len(corpus.Cases))
	}
	tn, err := tenant.Parse(tenant.ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range corpus.Cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res := c.resources(t, corpus.Base)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path := strings.TrimPrefix(r.URL.Path, "/api/")
				if a, ok := c.Serve[path]; ok {
					body := []byte(a.Body)
					if a.BodyB64 != "" {
						if body, err = base64.StdEncoding.DecodeString(a.BodyB64); err != nil {
							t.Error(err)
						}
					}
					ct := a.ContentType
					if ct == "" {
						ct = "application/json"
					}
					w.Header().Set("Content-Type", ct)
					if a.RetryAfter != "" {
						w.Header().Set("Retry-After", a.RetryAfter)
					}
					w.WriteHeader(a.Status)
					_, _ = w.Write(body)
					return
				}
				b, ok := res[path]
				if !ok {
					t.Errorf("unexpected request %s", r.URL)
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(b)
			}))
			defer srv.Close()
			for path := range c.Serve {
				if _, ok := corpus.Base[path]; !ok {
					t.Fatalf("serve names %s, which the base does not have", path)
				}
			}
			cl, err := prestashop.New(prestashop.Config{BaseURL: srv.URL, Key: "BOKFORSIMKEY0000000000000000000X"})
			if err != nil {
				t.Fatal(err)
			}
			o, err := psshop.New(cl).Order(context.Background(), "1")
			w := c.Want
			if w.Error != "" {
				checkShopError(t, err, w.Error, w.Retryable, w.Contains)
				return
			}
			if err != nil {
				t.Fatalf("Order: %v", err)
			}
			d, err := ledgerdoc.Build(tn.ID, &tn.Settings, o)
			if w.Refused != "" {
				want := map[string]error{"invalid_order": ledgerdoc.ErrInvalidOrder, "no_vat_rule": tenant.ErrNoVATRule,
					"no_payment_method": ledgerdoc.ErrNoPaymentMethod}[w.Refused]
				if want == nil {
					t.Fatalf("unknown refusal %q", w.Refused)
				}
				if !errors.Is(err, want) || !strings.Contains(err.Error(), w.Reason) {
					t.Fatalf("Build: %v; want %v with %q", err, want, w.Reason)
				}
				return
			}
			if w.Booked == nil {
				t.Fatal("case expects nothing")
			}
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if d.Gross.String() != w.Booked.Gross || d.Rounding.String() != w.Booked.Rounding || len(d.Lines) != w.Booked.Lines {
				t.Fatalf("document gross %s rounding %s with %d lines, want %s %s %d", d.Gross, d.Rounding, len(d.Lines),
					w.Booked.Gross, w.Booked.Rounding, w.Booked.Lines)
			}
		})
	}
}

// checkShopError checks Order's error as the activity sees it: a missing
// order is shop.ErrNotFound (not retried), the rest apierr kinds.
func checkShopError(t *testing.T, err error, kind string, retryable bool, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Order succeeded, want a %s error", kind)
	}
	got, retry := apierr.KindOf(err).String(), apierr.IsRetryable(err)
	if errors.Is(err, shop.ErrNotFound) {
		got, retry = "not_found", false
	}
	if got != kind || retry != retryable {
		t.Errorf("error kind %s retryable %v, want %s %v: %v", got, retry, kind, retryable, err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Errorf("error %q does not contain %q", err, contains)
	}
	if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0) {
		t.Errorf("error text is not storable text: %q", err)
	}
}
