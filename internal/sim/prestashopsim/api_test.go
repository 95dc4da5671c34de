package prestashopsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func do(t *testing.T, srv *httptest.Server, method, path, body string, auth bool) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(DefaultKey, "")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestWebserviceBehaviour(t *testing.T) {
	t.Parallel()
	at := time.Date(2019, 5, 28, 10, 0, 0, 0, time.UTC)
	s17 := New(Options{Version: "1.7", Now: func() time.Time { return at }, Shops: []int{1, 2}})
	if _, err := s17.PlaceOrder(testOrder(2)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s17)
	defer srv.Close()
	custPut := `<prestashop><customer><id>1</id><firstname>Kari</firstname></customer></prestashop>`
	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		noAuth  bool
		status  int
		contain []string
		exact   string
	}{
		{name: "no key", method: "GET", path: "/api/orders", noAuth: true, status: 401},
		{name: "unknown resource", method: "GET", path: "/api/nope?output_format=JSON", status: 400, contain: []string{`does not exists`}},
		{name: "list ids only", method: "GET", path: "/api/orders?output_format=JSON", status: 200, exact: `{"orders":[{"id":1}]}`},
		{name: "empty list is bare []", method: "GET", path: "/api/order_slip?output_format=JSON&display=full", status: 200, exact: `[]`},
		{name: "numbers are strings, money 6 decimals", method: "GET", path: "/api/orders/1?output_format=JSON", status: 200,
			contain: []string{`"id":1,`, `"current_state":"2"`, `"total_paid_tax_incl":"`, `.000000"`, `"associations":{"order_rows":[{`}},
		{name: "i18n array without language", method: "GET", path: "/api/order_states/2?output_format=JSON", status: 200,
			contain: []string{`"name":[{"id":"1","value":"Betaling godkjent"},{"id":"2","value":"Payment accepted"}]`}},
		{name: "i18n string with language", method: "GET", path: "/api/order_states/2?output_format=JSON&language=2", status: 200,
			contain: []string{`"name":"Payment accepted"`}},
		{name: "display fields", method: "GET", path: "/api/orders?output_format=JSON&display=[id,reference]", status: 200, contain: []string{`{"orders":[{"id":1,"reference":"`}},
		{name: "XML by default", method: "GET", path: "/api/orders/1", status: 200, contain: []string{`<prestashop xmlns:xlink=`, `<current_state><![CDATA[2]]></current_state>`}},
		{name: "Io-Format header", method: "GET", path: "/api/orders/1", status: 200, contain: []string{`<order>`}},
		{name: "blank schema", method: "GET", path: "/api/order_histories?schema=blank", status: 200, contain: []string{`<id_order_state><![CDATA[]]></id_order_state>`}},
		{name: "date filter needs date=1", method: "GET", path: "/api/orders?filter[date_upd]=[2019-05-01%2000:00:00,2019-06-01%2000:00:00]", status: 400},
		{name: "date sort needs date=1", method: "GET", path: "/api/orders?sort=[date_upd_ASC]", status: 400},
		{name: "BETWEEN on strings drops the last day", method: "GET", path: "/api/orders?output_format=JSON&date=1&filter[date_upd]=[2019-05-24,2019-05-28]", status: 200, exact: `[]`},
		{name: "full timestamps include it", method: "GET", path: "/api/orders?output_format=JSON&date=1&filter[date_upd]=[2019-05-24%2000:00:00,2019-05-28%2023:59:59]", status: 200, exact: `{"orders":[{"id":1}]}`},
		{name: "strict greater", method: "GET", path: "/api/orders?output_format=JSON&date=1&filter[date_upd]=>[2019-05-28%2010:00:00]", status: 200, exact: `[]`},
		{name: "OR filter and limit offset", method: "GET", path: "/api/order_states?output_format=JSON&filter[id]=[2|4|6]&sort=[id_DESC]&limit=1,1", status: 200, exact: `{"order_states":[{"id":4}]}`},
		{name: "LIKE filter", method: "GET", path: "/api/products?output_format=JSON&filter[reference]=[SKU-K]%25", status: 200, exact: `{"products":[{"id":2},{"id":3},{"id":5}]}`},
		{name: "unknown filter field", method: "GET", path: "/api/orders?filter[nope]=[1]", status: 400},
		{name: "JSON body is an XML error", method: "POST", path: "/api/order_histories?output_format=JSON", body: `{"order_history":{"id_order":1}}`, status: 400, contain: []string{`"code":127`}},
		{name: "POST with id", method: "POST", path: "/api/order_histories?output_format=JSON", body: `<prestashop><order_history><id>3</id><id_order>1</id_order><id_order_state>3</id_order_state></order_history></prestashop>`, status: 400, contain: []string{`"code":90`}},
		{name: "PUT without id", method: "PUT", path: "/api/customers/1?output_format=JSON", body: `<prestashop><customer><firstname>Kari</firstname></customer></prestashop>`, status: 400, contain: []string{`"code":90`}},
		{name: "PUT nulls missing required fields", method: "PUT", path: "/api/customers/1?output_format=JSON", body: custPut, status: 400, contain: []string{`is empty`}},
		{name: "PATCH missing on 1.7", method: "PATCH", path: "/api/customers/1", body: custPut, status: 405},
		{name: "ps_method override is still PATCH", method: "POST", path: "/api/customers/1?ps_method=PATCH", body: custPut, status: 405},
		{name: "read-only field refused", method: "PUT", path: "/api/products/1?output_format=JSON", body: `<prestashop><product><id>1</id><price>1</price><quantity>3</quantity></product></prestashop>`, status: 400, contain: []string{`"code":93`}},
		{name: "bad format refused", method: "POST", path: "/api/order_histories?output_format=JSON", body: `<prestashop><order_history><id_order>x</id_order><id_order_state>3</id_order_state></order_history></prestashop>`, status: 400},
		{name: "order history changes state", method: "POST", path: "/api/order_histories?output_format=JSON", body: `<prestashop><order_history><id_order>1</id_order><id_order_state>4</id_order_state></order_history></prestashop>`, status: 201, contain: []string{`"id_order_state":"4"`}},
		{name: "multishop filter", method: "GET", path: "/api/stock_availables?output_format=JSON&display=[id,id_shop]&id_shop=2&filter[id_product]=[2]", status: 200, contain: []string{`"id_shop":"2"`}},
		{name: "unknown shop", method: "GET", path: "/api/orders?id_shop=3", status: 400},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
		if !tt.noAuth {
			req.SetBasicAuth(DefaultKey, "")
		}
		if tt.name == "Io-Format header" {
			req.Header.Set("Io-Format", "XML")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, resp.StatusCode, tt.status, body)
			continue
		}
		if tt.exact != "" && body != tt.exact {
			t.Errorf("%s: body %s, want %s", tt.name, body, tt.exact)
		}
		for _, c := range tt.contain {
			if !strings.Contains(body, c) {
				t.Errorf("%s: body lacks %s: %.400s", tt.name, c, body)
			}
		}
	}
	code, _, body := do(t, srv, "GET", "/api/orders/1?output_format=JSON&display=[current_state]", "", true)
	if code != 200 || !strings.Contains(body, `"current_state":"4"`) {
		t.Errorf("state after order_histories POST: %s", body)
	}
	code, _, body = do(t, srv, "GET", "/api/stock_availables?output_format=JSON&display=full&id_shop=2", "", true)
	if code != 200 || strings.Contains(body, `"id_shop":"1"`) {
		t.Errorf("id_shop=2 shows shop 1 rows: %.300s", body)
	}
}

// TestPutNullsAndPatchKeeps shows the difference the client relies on.
func TestPutNullsAndPatchKeeps(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{}))
	defer srv.Close()
	// customers/1 has company "" and note ""; give it a company first.
	full := `<prestashop><customer><id>1</id><email>kari@example.no</email><firstname>Kari</firstname><lastname>Nordmann</lastname><passwd>x</passwd><company>Kari AS</company><siret>123</siret></customer></prestashop>`
	if code, _, body := do(t, srv, "PUT", "/api/customers/1", full, true); code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	patch := `<prestashop><customer><id>1</id><firstname>Karianne</firstname></customer></prestashop>`
	if code, _, body := do(t, srv, "PATCH", "/api/customers/1", patch, true); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	_, _, body := do(t, srv, "GET", "/api/customers/1?output_format=JSON", "", true)
	if !strings.Contains(body, `"firstname":"Karianne"`) || !strings.Contains(body, `"company":"Kari AS"`) {
		t.Errorf("PATCH must keep other fields: %s", body)
	}
	put := `<prestashop><customer><id>1</id><email>kari@example.no</email><firstname>Kari</firstname><lastname>Nordmann</lastname><passwd>x</passwd></customer></prestashop>`
	if code, _, body := do(t, srv, "PUT", "/api/customers/1", put, true); code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	_, _, body = do(t, srv, "GET", "/api/customers/1?output_format=JSON", "", true)
	if !strings.Contains(body, `"company":""`) || !strings.Contains(body, `"siret":""`) {
		t.Errorf("PUT must null missing fields: %s", body)
	}
}

func TestControlAPI(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	post := func(path, body string) (int, string) {
		resp, err := http.Post(srv.URL+path, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	order, _ := json.Marshal(testOrder(1))
	tests := []struct {
		name, path, body string
		status           int
		contain          string
	}{
		{"place order", "/_sim/orders", string(order), 201, `"reference":"`},
		{"unknown field", "/_sim/orders", `{"nope":1}`, 400, "unknown field"},
		{"no lines", "/_sim/orders", `{"customer":{"email":"a@b.no"}}`, 400, "line"},
		{"bad round type", "/_sim/orders", `{"customer":{"email":"a@b.no"},"round_type":4,"lines":[{"reference":"X","quantity":1,"unit_price_tax_incl":"1"}]}`, 400, "round_type"},
		{"unknown tax rate", "/_sim/orders", `{"customer":{"email":"a@b.no"},"lines":[{"reference":"X","quantity":1,"unit_price_tax_incl":"1","tax_rate":"10"}]}`, 400, "no tax"},
		{"refund too much", "/_sim/orders/1/refund", `{"lines":[{"reference":"SKU-KAFFE","quantity":5}]}`, 400, "can refund"},
		{"refund", "/_sim/orders/1/refund", `{"lines":[{"reference":"SKU-KAFFE","quantity":1}]}`, 201, `"id":1`},
		{"state", "/_sim/orders/1/state", `{"state":6}`, 201, `"id":`},
		{"unknown state", "/_sim/orders/1/state", `{"state":99}`, 400, "not valid"},
		{"faults", "/_sim/faults", `{"error_rate":0,"timeout_rate":0,"drop_after_commit_rate":0,"latency_ms":1}`, 200, `"latency_ms":1`},
		{"webhook", "/_sim/webhook", `{"url":"","secret":""}`, 200, "ok"},
		{"unknown path", "/_sim/nope", `{}`, 404, "unknown"},
	}
	for _, tt := range tests {
		code, body := post(tt.path, tt.body)
		if code != tt.status || !strings.Contains(body, tt.contain) {
			t.Errorf("%s: %d %s, want %d containing %q", tt.name, code, body, tt.status, tt.contain)
		}
	}
	resp, err := http.Get(srv.URL + "/_sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st Stats
	_ = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.Requests == nil {
		t.Error("stats: no request map")
	}
	if code, body := post("/_sim/reset", ``); code != 200 {
		t.Fatalf("reset: %d %s", code, body)
	}
	if code, _, body := do(t, srv, "GET", "/api/orders?output_format=JSON", "", true); code != 200 || body != "[]" {
		t.Errorf("after reset: %d %s", code, body)
	}
	if s.currentFaults().LatencyMS != 0 {
		t.Error("reset must clear faults")
	}
}
