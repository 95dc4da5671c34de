package fiken_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"testing"

	"github.com/bokfor/bokfor/internal/ledger/fiken"
)

// storedContact reads a contact as the simulator stores it, write-only
// fields included.
func storedContact(t *testing.T, e *env, id int64) map[string]any {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/_sim/companies/demo/contacts/" + strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestModifyContactKeepsUntouchedFields: a full-replacement update that
// changes the e-mail keeps every other field, write-only ones included;
// the naive read-modify-write loses the write-only ones (the trap the
// helper exists for).
func TestModifyContactKeepsUntouchedFields(t *testing.T) {
	t.Parallel()
	full := fiken.ContactRequest{Name: "Nordmann Sport AS", Email: "post@nsport.no", OrganizationNumber: "912345678",
		PhoneNumber: "22334455", MemberNumberString: "cust-77", Customer: true, BankAccountNumber: "12345678903",
		Currency: "NOK", Language: "NORWEGIAN", DaysUntilInvoicingDueDate: ptr(int32(30)), Discount: ptr(10.0),
		Address: &fiken.Address{StreetAddress: "Kongens gate 2", City: "Trondheim", PostCode: "7011", Country: "Norway"},
		Groups:  []string{"B2B"}}
	keep := fiken.ContactWriteOnly{PhoneNumber: "22334455", MemberNumberString: "cust-77", Currency: "NOK"}
	cases := []struct {
		name      string
		update    func(ctx context.Context, c *fiken.Client, id int64) error
		wantKept  bool
		wantEmail string
	}{
		{"ModifyContact keeps everything", func(ctx context.Context, c *fiken.Client, id int64) error {
			return c.ModifyContact(ctx, id, keep, func(r *fiken.ContactRequest) { r.Email = "faktura@nsport.no" })
		}, true, "faktura@nsport.no"},
		{"naive read-modify-write loses write-only fields", func(ctx context.Context, c *fiken.Client, id int64) error {
			cur, err := c.GetContact(ctx, id)
			if err != nil {
				return err
			}
			req := fiken.ContactRequestFrom(cur, fiken.ContactWriteOnly{})
			req.Email = "faktura@nsport.no"
			return c.UpdateContact(ctx, id, req)
		}, false, "faktura@nsport.no"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{})
			ctx := context.Background()
			id, err := e.client.CreateContact(ctx, full)
			if err != nil {
				t.Fatal(err)
			}
			before := storedContact(t, e, id)
			if err := tc.update(ctx, e.client, id); err != nil {
				t.Fatal(err)
			}
			after := storedContact(t, e, id)
			if after["email"] != tc.wantEmail {
				t.Errorf("email = %v, want %s", after["email"], tc.wantEmail)
			}
			delete(before, "email")
			delete(after, "email")
			if kept := reflect.DeepEqual(before, after); kept != tc.wantKept {
				t.Errorf("fields kept = %v, want %v\nbefore %v\nafter  %v", kept, tc.wantKept, before, after)
			}
			// The shop customer id stays findable exactly when it was kept.
			found, err := e.client.FindContact(ctx, "cust-77", "", "")
			if err != nil || (found != nil) != tc.wantKept {
				t.Errorf("FindContact(cust-77) = %v, %v; want found=%v", found, err, tc.wantKept)
			}
		})
	}
}

// TestUpdateProductNeverWipesStock: a price update without stock keeps
// the stock that invoices lowered.
func TestUpdateProductNeverWipesStock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	c := e.client
	id, err := c.CreateProduct(ctx, fiken.ProductRequest{Name: "Lue", UnitPrice: 20000, IncomeAccount: "3000", VatType: "HIGH",
		Active: true, ProductNumber: "LUE-1", Stock: ptr(5.5)})
	if err != nil {
		t.Fatal(err)
	}
	cust := seedCustomer(t, c)
	req := invoiceFor(cust, "order-stock")
	req.Lines = []fiken.InvoiceLineRequest{{ProductID: id, Quantity: 1.5}}
	inv, _, err := c.CreateInvoiceOnce(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Lines[0].Net != 30000 || inv.Lines[0].Vat != 7500 || inv.Lines[0].VatType != "HIGH" {
		t.Errorf("product line = %+v, want net 30000 vat 7500 HIGH", inv.Lines[0])
	}
	if err := c.UpdateProduct(ctx, id, fiken.ProductRequest{Name: "Lue", UnitPrice: 22000, IncomeAccount: "3000", VatType: "HIGH", Active: true, ProductNumber: "LUE-1"}); err != nil {
		t.Fatal(err)
	}
	p, err := c.GetProduct(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.UnitPrice != 22000 || p.Stock == nil || *p.Stock != 4 {
		t.Fatalf("product = price %d stock %v, want 22000 and 4", p.UnitPrice, p.Stock)
	}
}
