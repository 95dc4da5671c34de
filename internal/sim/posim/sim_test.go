package posim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/bokfor/bokfor/internal/sim/posim"
)

// raw is a bare HTTP client of one simulator, for status codes, headers
// and bodies exactly as the simulator sends them.
type raw struct {
	t     *testing.T
	srv   *httptest.Server
	token string
}

func newRaw(t *testing.T, opts posim.Options) *raw {
	t.Helper()
	srv := httptest.NewServer(posim.New(opts))
	t.Cleanup(srv.Close)
	return &raw{t: t, srv: srv}
}

// do sends one request and returns status, header and body.
func (r *raw) do(method, path, sub, body string, hdr map[string]string) (int, http.Header, []byte) {
	r.t.Helper()
	req, _ := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if sub != "" {
		req.Header.Set("Ocp-Apim-Subscription-Key", sub)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// login fetches a token for app:client on sub.
func (r *raw) login(sub, app, client string) (int, []byte) {
	r.t.Helper()
	status, _, data := r.do("POST", "/OAuth/Token", sub, url.Values{"grant_type": {"client_credentials"}}.Encode(), map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded; charset=utf-8",
		"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(app+":"+client)),
	})
	if status == http.StatusOK {
		var tr struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		_ = json.Unmarshal(data, &tr)
		r.token = tr.AccessToken
	}
	return status, data
}

func TestTokenAndKeys(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{SubscriptionKeys: []string{"sub"}, ClientKeys: []string{"client"}})
	tests := []struct {
		name, sub, app, client string
		status                 int
		contains               string
	}{
		{"no subscription key", "", "app", "client", 401, "subscription key"},
		{"wrong client key", "sub", "app", "other", 400, "invalid_client"},
		{"good keys", "sub", "app", "client", 200, `"token_type":"bearer"`},
	}
	for _, tc := range tests {
		status, body := r.login(tc.sub, tc.app, tc.client)
		if status != tc.status || !strings.Contains(string(body), tc.contains) {
			t.Errorf("%s: %d %s; want %d containing %q", tc.name, status, body, tc.status, tc.contains)
		}
	}
	if status, _, _ := r.do("GET", "/v2/VatCodes", "", "", nil); status != 401 {
		t.Errorf("API call without subscription key: %d, want 401", status)
	}
	if status, _, _ := r.do("GET", "/Demo/v2/VatCodes", "sub", "", nil); status != 200 {
		t.Errorf("demo path: %d, want 200", status)
	}
	r.token = "forged"
	if status, _, _ := r.do("GET", "/v2/VatCodes", "sub", "", nil); status != 401 {
		t.Errorf("forged token: %d, want 401", status)
	}
}

func TestEmptyListsAre204AndErrorsAreProblemDetails(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{})
	r.login("sub", "app", "client")
	if status, _, body := r.do("GET", "/v2/Customers?externalImportReference=nobody", "sub", "", nil); status != 204 || len(body) != 0 {
		t.Fatalf("empty list: %d %q, want 204 without body", status, body)
	}
	if status, _, body := r.do("GET", "/v2/VatCodes?PageNumber=99&PageSize=10", "sub", "", nil); status != 204 || len(body) != 0 {
		t.Fatalf("page past the end: %d %q", status, body)
	}
	status, h, body := r.do("GET", "/v2/Customers/4711", "sub", "", nil)
	var pd map[string]any
	if status != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal(body, &pd) != nil || pd["Title"] == nil || pd["Status"] != float64(404) {
		t.Fatalf("not found: %d %s %s", status, h.Get("Content-Type"), body)
	}
	if status, _, body := r.do("POST", "/v2/Customers", "sub", `{"IsPerson":true}`, nil); status != 400 || !strings.Contains(string(body), "Name") {
		t.Fatalf("invalid customer: %d %s", status, body)
	}
	if status, _, _ := r.do("PATCH", "/v2/Products/1", "sub", `[]`, nil); status != 415 {
		t.Fatalf("PATCH without json-patch content type: %d, want 415", status)
	}
}

func TestTenRequestsPerSecondPerSubscriptionKey(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{})
	r.login("shared", "app", "client-a")
	codes := map[int]int{}
	var retryAfter string
	for range 15 {
		status, h, body := r.do("GET", "/v2/VatCodes", "shared", "", nil)
		codes[status]++
		if status == 429 {
			retryAfter = h.Get("Retry-After")
			if !strings.Contains(string(body), "Rate limit is exceeded") {
				t.Fatalf("429 body %s", body)
			}
		}
	}
	// The token call counts too: 9 more answers within the second.
	if codes[200] != 9 || codes[429] != 6 || retryAfter != "1" {
		t.Fatalf("statuses %v, Retry-After %q; want 9×200 then 429 with Retry-After 1", codes, retryAfter)
	}
	var st posim.Stats
	_, _, body := r.do("GET", "/_sim/stats", "", "", nil)
	_ = json.Unmarshal(body, &st)
	if st.RateViolations != 6 || st.ByStatus["429"] != 6 {
		t.Fatalf("stats %+v", st)
	}
	// Another subscription key has its own budget.
	r.login("other", "app", "client-b")
	if status, _, _ := r.do("GET", "/v2/VatCodes", "other", "", nil); status != 200 {
		t.Fatalf("other key: %d", status)
	}
}

func TestControlAPI(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{DisableRateLimits: true})
	r.login("sub", "app", "client")
	post := func(path, body string) int {
		status, _, _ := r.do("POST", path, "", body, nil)
		return status
	}
	if s := post("/_sim/faults", `{"error_rate":2}`); s != 400 {
		t.Fatalf("invalid faults: %d", s)
	}
	if s := post("/_sim/faults", `{"drop_after_commit_rate":1,"max_faults":1}`); s != 200 {
		t.Fatalf("faults: %d", s)
	}
	// The customer is created, but the answer is lost.
	req, _ := http.NewRequest("POST", r.srv.URL+"/v2/Customers", strings.NewReader(`{"IsPerson":true,"LastName":"Nordmann","ExternalImportReference":"7"}`))
	req.Header.Set("Ocp-Apim-Subscription-Key", "sub")
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("drop_after_commit answered %d", resp.StatusCode)
	}
	status, _, body := r.do("GET", "/v2/Customers?externalImportReference=7", "sub", "", nil)
	if status != 200 || !strings.Contains(string(body), `"ExternalImportReference":"7"`) {
		t.Fatalf("the dropped create was not committed: %d %s", status, body)
	}
	// An invoice is settled by number.
	_, _, pbody := r.do("POST", "/v2/Products", "sub", `{"Name":"Kopp","Code":"K","StandardSalesAccount":3000}`, nil)
	var p struct{ Id int64 }
	_ = json.Unmarshal(pbody, &p)
	var c []struct{ Id int64 }
	_ = json.Unmarshal(body, &c)
	status, _, sobody := r.do("POST", "/v2/SalesOrders/Complete", "sub",
		`{"CustomerId":`+itoa(c[0].Id)+`,"SalesOrderLines":[{"ProductId":`+itoa(p.Id)+`,"Quantity":2,"ProductUnitPrice":100}]}`, nil)
	var so struct {
		Id          string
		TotalAmount float64
	}
	if err := json.Unmarshal(sobody, &so); status != 201 || err != nil || so.TotalAmount != 250 {
		t.Fatalf("sales order: %d %s (2 × 100 at 25 %% from account 3000 is 250)", status, sobody)
	}
	if status, _, b := r.do("POST", "/v2/SalesOrders/"+so.Id+"/createAndSendInvoice", "sub", `{"DeliveryType":"PdfPrintForDownload"}`, nil); status != 202 {
		t.Fatalf("invoice: %d %s", status, b)
	}
	if s := post("/_sim/invoices/100001/settle", ""); s != 200 {
		t.Fatalf("settle: %d", s)
	}
	if s := post("/_sim/invoices/100001/settle", ""); s != 404 {
		t.Fatalf("settle twice: %d, want 404 (nothing open)", s)
	}
	_, _, ibody := r.do("GET", "/v2/OutgoingInvoices/"+so.Id, "sub", "", nil)
	if !strings.Contains(string(ibody), `"Balance":0`) {
		t.Fatalf("settled invoice %s", ibody)
	}
	if s := post("/_sim/reset", ""); s != 204 {
		t.Fatalf("reset: %d", s)
	}
	if status, _, _ := r.do("GET", "/v2/VatCodes", "sub", "", nil); status != 401 {
		t.Fatalf("after reset tokens are gone: %d", status)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(bytes.TrimSpace(b))
}

// Each client has its own invoice numbers: settling number 100001 when
// two clients hold one must name the client, and touches only that one.
func TestSettleNamesTheClientWhenNumbersCollide(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{DisableRateLimits: true})
	invoice := func(clientKey string) string {
		r.login("sub", "app", clientKey)
		_, _, cbody := r.do("POST", "/v2/Customers", "sub", `{"IsPerson":true,"LastName":"Nordmann"}`, nil)
		_, _, pbody := r.do("POST", "/v2/Products", "sub", `{"Name":"Kopp","Code":"K","StandardSalesAccount":3000}`, nil)
		var c, p struct{ Id int64 }
		_ = json.Unmarshal(cbody, &c)
		_ = json.Unmarshal(pbody, &p)
		status, _, sobody := r.do("POST", "/v2/SalesOrders/Complete", "sub",
			`{"CustomerId":`+itoa(c.Id)+`,"SalesOrderLines":[{"ProductId":`+itoa(p.Id)+`,"Quantity":1,"ProductUnitPrice":100}]}`, nil)
		var so struct{ Id string }
		if err := json.Unmarshal(sobody, &so); status != 201 || err != nil {
			t.Fatalf("%s: sales order %d %s", clientKey, status, sobody)
		}
		if status, _, b := r.do("POST", "/v2/SalesOrders/"+so.Id+"/createAndSendInvoice", "sub", `{"DeliveryType":"PdfPrintForDownload"}`, nil); status != 202 {
			t.Fatalf("%s: invoice %d %s", clientKey, status, b)
		}
		return so.Id
	}
	first, second := invoice("client-a"), invoice("client-b")
	post := func(path string) int {
		status, _, _ := r.do("POST", path, "", "", nil)
		return status
	}
	if s := post("/_sim/invoices/100001/settle"); s != 409 {
		t.Fatalf("ambiguous settle: %d, want 409", s)
	}
	if s := post("/_sim/invoices/100001/settle?client=client-b"); s != 200 {
		t.Fatalf("settle in client-b: %d", s)
	}
	balance := func(clientKey, id string) string {
		r.login("sub", "app", clientKey)
		_, _, b := r.do("GET", "/v2/OutgoingInvoices/"+id, "sub", "", nil)
		var inv struct{ Balance float64 }
		_ = json.Unmarshal(b, &inv)
		return strconv.FormatFloat(inv.Balance, 'f', 2, 64)
	}
	if a, b := balance("client-a", first), balance("client-b", second); a != "125.00" || b != "0.00" {
		t.Fatalf("balances after settling client-b's invoice: client-a %s (want 125.00), client-b %s (want 0.00)", a, b)
	}
	// Now only client-a's is open: the number alone is enough.
	if s := post("/_sim/invoices/100001/settle"); s != 200 {
		t.Fatalf("settle the last open one: %d", s)
	}
}

// Bank vouchers are held to BankVoucherPostDto as strictly as manual
// ones: additionalProperties false, dates, amounts.
func TestBankVoucherIsCheckedLikeTheSpec(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{DisableRateLimits: true})
	r.login("sub", "app", "client")
	_, _, vbody := r.do("GET", "/v2/VatCodes", "sub", "", nil)
	var vats []struct{ Id int64 }
	_ = json.Unmarshal(vbody, &vats)
	_, _, abody := r.do("GET", "/v2/GeneralLedgerAccounts", "sub", "", nil)
	var accts []struct{ Id int64 }
	_ = json.Unmarshal(abody, &accts)
	if len(vats) == 0 || len(accts) < 2 {
		t.Fatalf("chart: %d VAT codes, %d accounts", len(vats), len(accts))
	}
	line := func(acct int64, amount, extra string) string {
		return `{"AccountId":` + itoa(acct) + `,"VatId":` + itoa(vats[0].Id) + `,"CurrencyAmount":` + amount + `,"PostingDate":"2026-11-25"` + extra + `}`
	}
	voucher := func(head, l1, l2 string) string {
		return `{"CurrencyCode":"NOK","VoucherDate":"2026-11-25"` + head + `,"VoucherLines":[` + l1 + `,` + l2 + `]}`
	}
	a, b := accts[0].Id, accts[1].Id
	tests := []struct {
		name, body string
		want       int
	}{
		{"valid, with Cid and InvoiceNo", voucher(`,"SaftSourceId":"bokfor"`, line(a, "100", `,"Cid":"12345","InvoiceNo":"7"`), line(b, "-100", "")), 201},
		{"unknown header property", voucher(`,"Posted":true`, line(a, "100", ""), line(b, "-100", "")), 400},
		{"unknown line property", voucher("", line(a, "100", `,"Amount":100`), line(b, "-100", "")), 400},
		{"posting date not a date", voucher("", line(a, "100", ""), strings.Replace(line(b, "-100", ""), "2026-11-25", "25.11.2026", 1)), 400},
		{"zero amount", voucher("", line(a, "0", ""), line(b, "0", "")), 400},
		{"unbalanced", voucher("", line(a, "100", ""), line(b, "-99", "")), 400},
	}
	for _, tt := range tests {
		if status, _, body := r.do("POST", "/v2/Vouchers/BankJournals", "sub", tt.body, nil); status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.want)
		}
	}
}
