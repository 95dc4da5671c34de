package posim_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bokfor/bokfor/internal/sim/posim"
)

// ledgerIDs are the ids a voucher needs, read from a fresh client.
type ledgerIDs struct {
	sub, noVAT, sales, salesVAT, clearing int64
}

func seedLedger(t *testing.T, r *raw) ledgerIDs {
	t.Helper()
	r.login("sub", "app", "client")
	var ids ledgerIDs
	_, _, body := r.do("POST", "/v2/Customers", "sub", `{"IsPerson":true,"LastName":"Nordmann"}`, nil)
	var c struct{ SubledgerAccountId int64 }
	if err := json.Unmarshal(body, &c); err != nil || c.SubledgerAccountId == 0 {
		t.Fatalf("customer %s", body)
	}
	ids.sub = c.SubledgerAccountId
	_, _, body = r.do("GET", "/v2/GeneralLedgerAccounts?accountNos=3000,1905", "sub", "", nil)
	var accts []struct {
		Id, AccountNo, VatCodeId int64
	}
	_ = json.Unmarshal(body, &accts)
	for _, a := range accts {
		switch a.AccountNo {
		case 3000:
			ids.sales, ids.salesVAT = a.Id, a.VatCodeId
		case 1905:
			ids.clearing = a.Id
		}
	}
	_, _, body = r.do("GET", "/v2/VatCodes", "sub", "", nil)
	var codes []struct {
		Id   int64
		Code string
	}
	_ = json.Unmarshal(body, &codes)
	for _, v := range codes {
		if v.Code == "0" {
			ids.noVAT = v.Id
		}
	}
	if ids.sales == 0 || ids.clearing == 0 || ids.noVAT == 0 {
		t.Fatalf("seed ids %+v", ids)
	}
	return ids
}

// sale is a manual voucher body: the sub-ledger debited with amount and
// reference cmr, the sales account credited.
func (ids ledgerIDs) sale(ref, cmr, amount string) string {
	return fmt.Sprintf(`{"VoucherDate":"2026-11-20","CurrencyCode":"NOK","ExternalImportReference":%q,"SaftSourceId":"bokfor","VoucherLines":[
		{"AccountId":%d,"VatId":%d,"CurrencyAmount":%s,"PostingDate":"2026-11-20","CustomMatchingReference":%q},
		{"AccountId":%d,"VatId":%d,"CurrencyAmount":-%s,"PostingDate":"2026-11-20"}]}`, ref, ids.sub, ids.noVAT, amount, cmr, ids.sales, ids.salesVAT, amount)
}

// payment is a bank voucher body crediting the sub-ledger with amount.
func (ids ledgerIDs) payment(ref, cmr, amount string) string {
	return fmt.Sprintf(`{"VoucherDate":"2026-11-21","CurrencyCode":"NOK","ExternalImportReference":%q,"VoucherLines":[
		{"AccountId":%d,"VatId":%d,"CurrencyAmount":%s,"PostingDate":"2026-11-21"},
		{"AccountId":%d,"VatId":%d,"CurrencyAmount":-%s,"PostingDate":"2026-11-21","CustomMatchingReference":%q}]}`, ref, ids.clearing, ids.noVAT, amount, ids.sub, ids.noVAT, amount, cmr)
}

func TestManualJournalValidation(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{DisableRateLimits: true})
	ids := seedLedger(t, r)
	if status, _, body := r.do("POST", "/v2/Vouchers/ManualJournals", "sub", ids.sale("v-1", "s-1", "125.00"), nil); status != 201 {
		t.Fatalf("valid voucher: %d %s", status, body)
	}
	line := func(extra string) string {
		return fmt.Sprintf(`{"VoucherDate":"2026-11-20","CurrencyCode":"NOK","VoucherLines":[
			{"AccountId":%d,"VatId":%d,"CurrencyAmount":10,"PostingDate":"2026-11-20"},
			{"AccountId":%d,"VatId":%d,"CurrencyAmount":-10,"PostingDate":"2026-11-20"%s}]}`, ids.sub, ids.noVAT, ids.sales, ids.salesVAT, extra)
	}
	tests := []struct {
		name, body string
		status     int
		contains   string
	}{
		{"unknown property", strings.Replace(ids.sale("v-2", "s-2", "10"), `"SaftSourceId"`, `"InvoiceNo":"1","SaftSourceId"`, 1), 400, "InvoiceNo"},
		{"unknown line property", line(`,"InvoiceNo":"7"`), 400, "InvoiceNo"},
		{"no currency", `{"VoucherDate":"2026-11-20","VoucherLines":[]}`, 400, "CurrencyCode"},
		{"line without VatId", strings.Replace(line(""), fmt.Sprintf(`"VatId":%d,"CurrencyAmount":-10`, ids.salesVAT), `"CurrencyAmount":-10`, 1), 400, "VatId"},
		{"zero amount", strings.ReplaceAll(line(""), "10,", "0,"), 400, "not 0"},
		{"unbalanced", strings.Replace(line(""), "-10", "-9.99", 1), 400, "does not balance"},
		{"SAF-T id too long", strings.Replace(ids.sale("v-3", "s-3", "10"), `"bokfor"`, `"`+strings.Repeat("x", 36)+`"`, 1), 400, "35"},
		{"unknown account", strings.Replace(line(""), fmt.Sprintf(`"AccountId":%d`, ids.sales), `"AccountId":4711`, 1), 404, "4711"},
		{"unknown product", line(`,"ProductId":4711`), 404, "4711"},
		{"duplicate reference", ids.sale("v-1", "s-1", "10"), 400, "ExternalImportReference"},
		{"reference of a bank voucher", ids.sale("p-1", "s-1", "10"), 400, "ExternalImportReference"},
	}
	if status, _, body := r.do("POST", "/v2/Vouchers/BankJournals", "sub", ids.payment("p-1", "none", "1.00"), nil); status != 201 {
		t.Fatalf("bank voucher: %d %s", status, body)
	}
	for _, tc := range tests {
		status, _, body := r.do("POST", "/v2/Vouchers/ManualJournals", "sub", tc.body, nil)
		if status != tc.status || !strings.Contains(string(body), tc.contains) {
			t.Errorf("%s: %d %s; want %d containing %q", tc.name, status, body, tc.status, tc.contains)
		}
	}
	if status, _, body := r.do("GET", "/v2/Customerledger/Statement?fromDate=2026-01-01", "sub", "", nil); status != 400 || !strings.Contains(string(body), "toDate") {
		t.Errorf("statement without toDate: %d %s", status, body)
	}
}

// entry is the part of a statement entry the tests read.
type entry struct {
	VoucherType                   string
	Amount, Balance               float64
	MatchId                       *int64
	CustomMatchingReference       string
	ExternalImportReference       string
	IsCreatedByCurrentIntegration bool
}

func statementOf(t *testing.T, r *raw, query string) []entry {
	t.Helper()
	status, _, body := r.do("GET", "/v2/Customerledger/Statement?fromDate=2026-01-01&toDate=2026-12-31"+query, "sub", "", nil)
	if status == 204 {
		return nil
	}
	var es []entry
	if status != 200 || json.Unmarshal(body, &es) != nil {
		t.Fatalf("statement: %d %s", status, body)
	}
	return es
}

func TestCustomerLedgerMatchesByReferenceAndExactAmount(t *testing.T) {
	t.Parallel()
	r := newRaw(t, posim.Options{DisableRateLimits: true})
	ids := seedLedger(t, r)
	post := func(path, body string) {
		t.Helper()
		if status, _, b := r.do("POST", path, "sub", body, nil); status != 201 {
			t.Fatalf("%s: %d %s", path, status, b)
		}
	}
	post("/v2/Vouchers/ManualJournals", ids.sale("sale-1", "ref-1", "125.00"))
	post("/v2/Vouchers/ManualJournals", ids.sale("sale-2", "ref-2", "80.00"))
	// An øre short leaves the sale open; the exact amount matches it.
	post("/v2/Vouchers/BankJournals", ids.payment("pay-1a", "ref-1", "124.99"))
	if es := statementOf(t, r, "&customMatchingReferences=ref-1&voucherTypes=ManualJournal"); len(es) != 1 || es[0].Balance != 125 {
		t.Fatalf("after a short payment: %+v", es)
	}
	post("/v2/Vouchers/BankJournals", ids.payment("pay-1b", "ref-1", "125.00"))
	es := statementOf(t, r, "&customMatchingReferences=ref-1")
	if len(es) != 3 {
		t.Fatalf("ref-1 entries %+v; want the sale and both payments", es)
	}
	var matched []entry
	for _, e := range es {
		if e.MatchId != nil {
			matched = append(matched, e)
		}
	}
	if len(matched) != 2 || *matched[0].MatchId != *matched[1].MatchId || matched[0].Balance != 0 || matched[1].Balance != 0 ||
		matched[0].Amount != -matched[1].Amount {
		t.Fatalf("matched %+v; want the sale and the exact payment sharing one MatchId", matched)
	}
	// A payment posted before the sale leaves an open credit that the sale
	// matches when it comes.
	post("/v2/Vouchers/BankJournals", ids.payment("pay-3", "ref-3", "50.00"))
	post("/v2/Vouchers/ManualJournals", ids.sale("sale-3", "ref-3", "50.00"))
	for _, e := range statementOf(t, r, "&customMatchingReferences=ref-3") {
		if e.Balance != 0 || e.MatchId == nil {
			t.Fatalf("sale after its payment: %+v", e)
		}
	}
	// The filters: voucher types, integration-made only.
	if es := statementOf(t, r, "&voucherTypes=BankJournal"); len(es) != 3 {
		t.Fatalf("bank entries %+v", es)
	}
	// The control settles sale-2 as the bank feed would: a payment entry
	// not made by the integration.
	for i, want := range []int{200, 404} {
		if status, _, b := r.do("POST", "/_sim/customerledger/ref-2/settle", "", "", nil); status != want {
			t.Fatalf("settle %d: %d %s; want %d", i+1, status, b, want)
		}
	}
	if es := statementOf(t, r, "&customMatchingReferences=ref-2"); len(es) != 1 || es[0].Balance != 0 || es[0].MatchId == nil {
		t.Fatalf("settled sale %+v", es)
	}
	all, own := statementOf(t, r, ""), statementOf(t, r, "&onlyCreatedByCurrentIntegration=true")
	if len(all) != 7 || len(own) != 6 {
		t.Fatalf("%d entries, %d by the integration; want 7 and 6", len(all), len(own))
	}
	if es := statementOf(t, r, "&lastChangedDateTimeOffsetGreaterThan=2100-01-01T00:00:00Z"); len(es) != 0 {
		t.Fatalf("changed in the future: %+v", es)
	}
}
