package posim

import (
	"net/http"
	"slices"
	"strings"
)

// apiRoutes maps the simulated operations to handlers with the privilege
// each needs.
func (s *Server) apiRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /v2/ClientIntegrationInformation", s.integrationInfo)
	m.HandleFunc("GET /v2/GeneralLedgerAccounts", s.route("GeneralLedgerAccount", s.listAccounts))
	m.HandleFunc("GET /v2/VatCodes", s.route("CommonServices", s.listVatCodes))
	m.HandleFunc("GET /v2/Customers", s.route("Customer_Full", s.listCustomers))
	m.HandleFunc("POST /v2/Customers", s.route("Customer_Full", s.createCustomer))
	m.HandleFunc("GET /v2/Customers/{id}", s.route("Customer_Full", s.getCustomer))
	m.HandleFunc("PATCH /v2/Customers/{id}", s.route("Customer_Full", s.patchCustomer))
	m.HandleFunc("GET /v2/Products", s.route("Product_Full", s.listProducts))
	m.HandleFunc("POST /v2/Products", s.route("Product_Full", s.createProduct))
	m.HandleFunc("GET /v2/Products/{id}", s.route("Product_Full", s.getProduct))
	m.HandleFunc("PATCH /v2/Products/{id}", s.route("Product_Full", s.patchProduct))
	m.HandleFunc("POST /v2/SalesOrders/Complete", s.route("SalesOrders_Full", s.createSalesOrder))
	m.HandleFunc("GET /v2/SalesOrders", s.route("SalesOrders_Full", s.listSalesOrders))
	m.HandleFunc("GET /v2/SalesOrders/{id}/Complete", s.route("SalesOrders_Full", s.getSalesOrder))
	m.HandleFunc("DELETE /v2/SalesOrders/{id}", s.route("SalesOrders_Full", s.deleteSalesOrder))
	m.HandleFunc("POST /v2/SalesOrders/{id}/createAndSendInvoice", s.route("SalesOrders_Full", s.createAndSendInvoice))
	m.HandleFunc("GET /v2/SalesOrders/sentState", s.route("SalesOrders_Full", s.sentState))
	m.HandleFunc("GET /v2/OutgoingInvoices", s.route("OutgoingInvoice", s.listInvoices))
	m.HandleFunc("GET /v2/OutgoingInvoices/{id}", s.route("OutgoingInvoice", s.getInvoice))
	m.HandleFunc("POST /v2/Vouchers/BankJournals", s.route("BankVoucher_Full", s.postBankVoucher))
	m.HandleFunc("GET /v2/Vouchers/BankJournals/{id}", s.route("BankVoucher_Full", s.getBankVoucher))
	m.HandleFunc("POST /v2/Vouchers/ManualJournals", s.route("ManualVoucher_Full", s.postManualVoucher))
	m.HandleFunc("GET /v2/Vouchers/ManualJournals/{id}", s.route("ManualVoucher_Full", s.getManualVoucher))
	m.HandleFunc("GET /v2/Customerledger/Statement", s.route("CustomerLedger", s.customerStatement))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "Not found", "the simulator has no operation "+r.Method+" "+r.URL.Path)
	})
	return m
}

// allPrivileges are the privileges the simulator knows.
var allPrivileges = []string{"Customer_Full", "Product_Full", "SalesOrders_Full", "OutgoingInvoice", "BankVoucher_Full",
	"ManualVoucher_Full", "GeneralLedgerAccount", "CommonServices", "CustomerLedger"}

func (s *Server) integrationInfo(w http.ResponseWriter, r *http.Request) {
	cl := clientOf(r.Context())
	valid := []string{}
	for _, p := range allPrivileges {
		if !slices.Contains(s.opts.InvalidPrivileges, p) {
			valid = append(valid, p)
		}
	}
	invalid := append([]string{}, s.opts.InvalidPrivileges...)
	writeJSON(w, http.StatusOK, map[string]any{"ClientId": "00000000-0000-0000-0000-" + pad12(cl.key), "ClientName": cl.name,
		"ActiveClientSubscriptions": []string{"Standard"}, "ValidPrivileges": valid, "InvalidPrivileges": invalid})
}

// pad12 makes a stable 12-hex-digit suffix from a key.
func pad12(key string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * 1099511628211
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < 12; i++ {
		b.WriteByte(hex[h&15])
		h >>= 4
	}
	return b.String()
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	nos := list(r.URL.Query(), "accountNos")
	out := []map[string]any{}
	for _, a := range cl.accounts {
		if nos != nil && !inRanges(a.No, nos) {
			continue
		}
		vc := cl.vatCode(a.VatCodeID)
		out = append(out, map[string]any{"Id": a.ID, "AccountNo": a.No, "Name": a.Name, "VatCodeId": a.VatCodeID, "VatCode": vc.Code,
			"IsActive": true, "CurrencyCode": "NOK", "LastChangedDateTimeOffset": "2026-01-01T00:00:00.0000000+00:00"})
	}
	return writeList(w, r, out)
}

func (s *Server) listVatCodes(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	out := []map[string]any{}
	for _, v := range cl.vatCodes {
		out = append(out, map[string]any{"Id": v.ID, "Code": v.Code, "Name": v.Name, "Description": v.Name,
			"Rate": float64(v.RateBP) / 10000, "IsActive": true, "IsCustom": false, "ValidFrom": "2016-01-01"})
	}
	return writeList(w, r, out)
}

// base returns the scheme and host for Location headers.
func (s *Server) base(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	return "http://" + r.Host
}
