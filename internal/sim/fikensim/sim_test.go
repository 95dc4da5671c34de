package fikensim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

type simEnv struct {
	t   *testing.T
	srv *httptest.Server
	sim *fikensim.Server
}

func newSim(t *testing.T, opts fikensim.Options) *simEnv {
	t.Helper()
	s := fikensim.New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &simEnv{t: t, srv: srv, sim: s}
}

// do sends one API request (path relative to /api/v2/companies/demo,
// or absolute when it starts with /_sim or /api) and returns the answer.
func (e *simEnv) do(method, path, body, contentType string) (*http.Response, []byte) {
	e.t.Helper()
	if !strings.HasPrefix(path, "/_sim") && !strings.HasPrefix(path, "/api") {
		path = "/api/v2/companies/demo" + path
	}
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body == "" {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", "Bearer tok")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func (e *simEnv) json(method, path, body string) (*http.Response, []byte) {
	e.t.Helper()
	return e.do(method, path, body, "application/json")
}

// create POSTs body and returns the Location, failing unless 201 with an
// empty body.
func (e *simEnv) create(path, body string) string {
	e.t.Helper()
	resp, data := e.json("POST", path, body)
	if resp.StatusCode != 201 || len(data) != 0 || resp.Header.Get("Location") == "" {
		e.t.Fatalf("POST %s = %d %q Location=%q, want 201, empty body, Location", path, resp.StatusCode, data, resp.Header.Get("Location"))
	}
	loc := resp.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

const customer = `{"name":"Kari","email":"kari@example.no","customer":true}`

func TestStrictRequests(t *testing.T) {
	t.Parallel()
	e := newSim(t, fikensim.Options{DisableRateLimits: true})
	cid := e.create("/contacts", customer)
	cases := []struct {
		name, method, path, body, ctype string
		status                          int
		msg                             string
	}{
		{"non-JSON body", "POST", "/contacts", `name=Kari`, "application/x-www-form-urlencoded", 415, "application/json only"},
		{"no content type", "POST", "/contacts", `{"name":"Kari"}`, "", 415, "application/json only"},
		{"unknown field", "POST", "/contacts", `{"name":"Kari","nickname":"K"}`, "application/json", 400, `unknown field \"nickname\"`},
		{"read-only field echoed", "PUT", "/contacts/" + cid, `{"name":"Kari","contactId":` + cid + `}`, "application/json", 400, `unknown field \"contactId\"`},
		{"missing required name", "POST", "/contacts", `{"email":"a@b.no"}`, "application/json", 400, "name"},
		{"address without country", "POST", "/contacts", `{"name":"K","address":{"city":"Oslo"}}`, "application/json", 400, "address.country"},
		{"product without active", "POST", "/products", `{"name":"P","incomeAccount":"3000","vatType":"HIGH"}`, "application/json", 400, "active"},
		{"sale without paid", "POST", "/sales", `{"date":"2026-11-20","kind":"cash_sale","currency":"NOK","paymentAccount":"1920:10001","lines":[{"description":"x","vatType":"HIGH","netPrice":100}]}`, "application/json", 400, "paid"},
		{"invoice with account number instead of code", "POST", "/invoices", `{"issueDate":"2026-11-20","dueDate":"2026-12-04","customerId":` + cid + `,"cash":false,"bankAccountCode":"15035646830","lines":[{"quantity":1,"unitPrice":100,"vatType":"HIGH","incomeAccount":"3000"}]}`, "application/json", 400, "bankAccountCode"},
		{"time in a date filter", "GET", "/invoices?lastModifiedGe=2026-11-25T10:00:00", "", "", 400, "lastModifiedGe"},
		{"page size above 100", "GET", "/contacts?page=0&pageSize=101", "", "", 400, "pageSize"},
		{"invoices cannot be deleted", "DELETE", "/invoices/1", "", "", 405, ""},
		{"unknown company", "GET", "/api/v2/companies/nope/contacts", "", "", 403, "nope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := e.do(tc.method, tc.path, tc.body, tc.ctype)
			if resp.StatusCode != tc.status || !strings.Contains(string(data), tc.msg) {
				t.Errorf("%s %s = %d %s, want %d containing %q", tc.method, tc.path, resp.StatusCode, data, tc.status, tc.msg)
			}
		})
	}
}

func TestPaginationAndFilters(t *testing.T) {
	t.Parallel()
	e := newSim(t, fikensim.Options{DisableRateLimits: true, Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }})
	for _, n := range []string{"A", "B", "C"} {
		e.create("/contacts", `{"name":"`+n+`","memberNumberString":"m-`+n+`"}`)
	}
	cases := []struct {
		query                           string
		page, size, pages, total, items string
	}{
		{"page=1&pageSize=2", "1", "2", "2", "3", "1"},
		{"page=0&pageSize=100", "0", "100", "1", "3", "3"},
		{"", "0", "25", "1", "3", "3"},
		{"memberNumberString=m-B&page=0&pageSize=1", "0", "1", "1", "1", "1"},
		{"memberNumberString=m-b", "0", "25", "0", "0", "0"}, // exact match only
		{"lastModifiedGe=2026-11-25", "0", "25", "1", "3", "3"},
		{"lastModifiedGt=2026-11-25", "0", "25", "0", "0", "0"},
		{"createdDateLt=2026-11-25", "0", "25", "0", "0", "0"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			resp, data := e.do("GET", "/contacts?"+tc.query, "", "")
			var items []map[string]any
			if err := json.Unmarshal(data, &items); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, data)
			}
			h := resp.Header
			got := []string{h.Get("Fiken-Api-Page"), h.Get("Fiken-Api-Page-Size"), h.Get("Fiken-Api-Page-Count"), h.Get("Fiken-Api-Result-Count")}
			want := []string{tc.page, tc.size, tc.pages, tc.total}
			if strings.Join(got, ",") != strings.Join(want, ",") || len(items) != int(tc.items[0]-'0') {
				t.Errorf("headers %v items %d, want %v items %s", got, len(items), want, tc.items)
			}
			for _, it := range items {
				if _, ok := it["memberNumberString"]; ok {
					t.Errorf("write-only memberNumberString returned: %v", it)
				}
			}
		})
	}
}

// TestInvoiceVATPerLine: VAT is computed per line from the net unit price,
// quantity, discount and VAT type, rounded half away from zero to øre.
func TestInvoiceVATPerLine(t *testing.T) {
	t.Parallel()
	e := newSim(t, fikensim.Options{DisableRateLimits: true})
	cid := e.create("/contacts", customer)
	cases := []struct {
		line     string
		net, vat int64
	}{
		{`{"quantity":1,"unitPrice":10000,"vatType":"HIGH","incomeAccount":"3000","description":"a"}`, 10000, 2500},
		{`{"quantity":3,"unitPrice":3333,"vatType":"MEDIUM","incomeAccount":"3000","description":"b"}`, 9999, 1500},
		{`{"quantity":1.5,"unitPrice":999,"vatType":"LOW","incomeAccount":"3000","description":"c"}`, 1499, 180},
		{`{"quantity":2,"unitPrice":10000,"discount":25,"vatType":"HIGH","incomeAccount":"3000","description":"d"}`, 15000, 3750},
		{`{"quantity":1,"unitPrice":10000,"vatType":"RAW_FISH","incomeAccount":"3000","description":"e"}`, 10000, 1111},
		{`{"quantity":1,"unitPrice":10000,"vatType":"OUTSIDE","incomeAccount":"3200","description":"f"}`, 10000, 0},
		{`{"quantity":1,"unitPrice":8000,"vatInPercent":25,"incomeAccount":"3000","description":"g"}`, 8000, 2000},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			id := e.create("/invoices", `{"issueDate":"2026-11-20","dueDate":"2026-12-04","customerId":`+cid+`,"cash":false,"bankAccountCode":"1920:10001","lines":[`+tc.line+`]}`)
			_, data := e.do("GET", "/invoices/"+id, "", "")
			var inv struct {
				Net, Vat, Gross int64
				Lines           []struct{ Net, Vat, Gross int64 }
				Sale            struct {
					OutstandingBalance int64
					Settled            bool
				}
			}
			if err := json.Unmarshal(data, &inv); err != nil {
				t.Fatal(err)
			}
			if inv.Lines[0].Net != tc.net || inv.Lines[0].Vat != tc.vat || inv.Gross != tc.net+tc.vat || inv.Sale.OutstandingBalance != inv.Gross || inv.Sale.Settled {
				t.Errorf("invoice = %+v, want net %d vat %d, unsettled", inv, tc.net, tc.vat)
			}
		})
	}
	resp, data := e.json("POST", "/invoices", `{"issueDate":"2026-11-20","dueDate":"2026-12-04","customerId":`+cid+`,"cash":false,"bankAccountCode":"1920:10001","lines":[{"quantity":1,"unitPrice":100,"vatType":"HIGH","vatInPercent":15,"incomeAccount":"3000"}]}`)
	if resp.StatusCode != 400 || !strings.Contains(string(data), "does not match") {
		t.Errorf("vatType/vatInPercent mismatch = %d %s, want 400", resp.StatusCode, data)
	}
}

// TestStockSettlementAndControl covers stock, full-replacement PUT,
// settlement through the control API, sale payments with fee, contact
// deletion rules, stats and reset.
func TestStockSettlementAndControl(t *testing.T) {
	t.Parallel()
	e := newSim(t, fikensim.Options{DisableRateLimits: true})
	cid := e.create("/contacts", customer)
	pid := e.create("/products", `{"name":"Sokk","unitPrice":8000,"incomeAccount":"3000","vatType":"HIGH","active":true,"stock":10}`)
	inv := e.create("/invoices", `{"issueDate":"2026-11-20","dueDate":"2026-12-04","customerId":`+cid+`,"cash":false,"bankAccountCode":"1920:10001","orderReference":"o-1","lines":[{"productId":`+pid+`,"quantity":3}]}`)

	product := func() map[string]any {
		_, data := e.do("GET", "/products/"+pid, "", "")
		var p map[string]any
		_ = json.Unmarshal(data, &p)
		return p
	}
	if p := product(); p["stock"] != 7.0 {
		t.Errorf("stock after invoicing 3 of 10 = %v, want 7", p["stock"])
	}
	resp, data := e.json("PUT", "/products/"+pid, `{"name":"Sokk","unitPrice":9000,"incomeAccount":"3000","vatType":"HIGH","active":true}`)
	if resp.StatusCode != 200 || len(data) != 0 || resp.Header.Get("Location") == "" {
		t.Fatalf("PUT product = %d %q", resp.StatusCode, data)
	}
	if p := product(); p["stock"] != nil || p["unitPrice"] != 9000.0 {
		t.Errorf("after PUT without stock: %v, want stock null (full replacement)", p)
	}

	// Partial then full settlement through the control API.
	resp, data = e.json("POST", "/_sim/invoices/"+inv+"/settle", `{"date":"2026-11-23","amount":10000}`)
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"settled":false`) {
		t.Fatalf("partial settle = %d %s", resp.StatusCode, data)
	}
	_, data = e.do("GET", "/invoices?settled=false", "", "")
	if !strings.Contains(string(data), `"outstandingBalance":20000`) {
		t.Errorf("open invoices after partial payment: %s", data)
	}
	resp, data = e.do("POST", "/_sim/invoices/"+inv+"/settle", "", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"settled":true`) {
		t.Fatalf("settle = %d %s", resp.StatusCode, data)
	}
	_, data = e.do("GET", "/invoices?settled=true&orderReference=o-1", "", "")
	if !strings.Contains(string(data), `"settledDate"`) {
		t.Errorf("settled invoice: %s", data)
	}

	// Sale payment with fee on an external invoice.
	sid := e.create("/sales", `{"saleNumber":"S-1","date":"2026-11-20","kind":"external_invoice","paid":false,"currency":"NOK","customerId":`+cid+`,"lines":[{"description":"Ordre","vatType":"HIGH","netPrice":1000,"account":"3000"}]}`)
	e.create("/sales/"+sid+"/payments", `{"date":"2026-11-21","account":"1920:10002","amount":1250,"fee":40}`)
	_, data = e.do("GET", "/sales/"+sid, "", "")
	if !strings.Contains(string(data), `"settled":true`) || !strings.Contains(string(data), `"fee":40`) || strings.Contains(string(data), "paymentAccount") {
		t.Errorf("sale after payment: %s", data)
	}

	// Contacts with documents are deactivated, not deleted.
	resp, data = e.do("DELETE", "/contacts/"+cid, "", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"inactive":true`) {
		t.Errorf("delete referenced contact = %d %s, want 200 with inactive contact", resp.StatusCode, data)
	}
	other := e.create("/contacts", `{"name":"Ola"}`)
	if resp, _ := e.do("DELETE", "/contacts/"+other, "", ""); resp.StatusCode != 204 {
		t.Errorf("delete unreferenced contact = %d, want 204", resp.StatusCode)
	}
	if resp, _ = e.json("POST", "/contacts/"+other, `{}`); resp.StatusCode != 405 {
		t.Errorf("POST on a contact = %d, want 405", resp.StatusCode)
	}

	_, data = e.do("GET", "/_sim/stats", "", "")
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"requests", "by_status", "max_in_flight", "rate_violations"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats lack %q: %s", k, data)
		}
	}
	if resp, _ := e.do("POST", "/_sim/reset", "", ""); resp.StatusCode != 204 {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	if _, data := e.do("GET", "/contacts", "", ""); string(bytes.TrimSpace(data)) != "[]" {
		t.Errorf("contacts after reset: %s", data)
	}
	if e.sim.Stats().Requests != 1 {
		t.Errorf("stats not reset: %+v", e.sim.Stats())
	}
}

// TestDropAfterCommit: the write is applied, the client gets no answer.
func TestDropAfterCommit(t *testing.T) {
	t.Parallel()
	e := newSim(t, fikensim.Options{DisableRateLimits: true})
	e.sim.SetFaults(fikensim.Faults{DropAfterCommitRate: 1})
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v2/companies/demo/contacts", strings.NewReader(`{"name":"Ghost"}`))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer (%d), want a dropped connection", resp.StatusCode)
	}
	_, data := e.do("GET", "/contacts?name=Ghost", "", "")
	if !strings.Contains(string(data), `"name":"Ghost"`) {
		t.Errorf("dropped write not applied: %s", data)
	}
	if st := e.sim.Stats(); st.ByStatus["dropped"] != 1 || st.FaultsInjected != 1 {
		t.Errorf("stats = %+v", st)
	}
}

// TestRateRules: more than four requests a second and concurrent requests
// get 429 and count as violations; with DisableRateLimits nothing does.
func TestRateRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    fikensim.Options
		want429 bool
	}{
		{"enforced", fikensim.Options{}, true},
		{"disabled for benchmarks", fikensim.Options{DisableRateLimits: true}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newSim(t, tc.opts)
			codes := map[int]int{}
			for i := 0; i < 6; i++ {
				resp, _ := e.do("GET", "", "", "")
				codes[resp.StatusCode]++
			}
			st := e.sim.Stats()
			// Six requests take far less than a second here, so the fifth
			// and sixth break the 4/s rule (fewer only on a stalled machine).
			if tc.want429 && (codes[429] == 0 || int64(codes[429]) != st.RateViolations || codes[200] > 4) {
				t.Errorf("6 quick requests: codes %v violations %d, want 429s counted as violations and at most 4 answered", codes, st.RateViolations)
			}
			if !tc.want429 && (codes[429] != 0 || st.RateViolations != 0) {
				t.Errorf("limits disabled: codes %v violations %d", codes, st.RateViolations)
			}
		})
	}
}
