package fiken_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
)

// TestEnsureCountersInFreshCompany: a company without number series
// refuses its first invoice; EnsureInvoiceCounter creates the series and
// the first invoice gets number 10001.
func TestEnsureCountersInFreshCompany(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{company: "fresh"})
	e.sim.AddCompany("fresh", "Fresh AS", true, true)
	ctx := context.Background()
	c := e.client
	if _, err := c.GetInvoiceCounter(ctx); !apierr.Is(err, apierr.KindNotFound) {
		t.Fatalf("GetInvoiceCounter in a fresh company: %v, want not found", err)
	}
	cust := seedCustomer(t, c)
	if _, err := c.CreateInvoice(ctx, invoiceFor(cust, "first")); !apierr.Is(err, apierr.KindValidation) {
		t.Fatalf("first invoice without a series: %v, want validation", err)
	}
	for _, ensure := range []func(context.Context, int32) (fiken.Counter, error){c.EnsureInvoiceCounter, c.EnsureCreditNoteCounter} {
		for i := 0; i < 2; i++ { // idempotent
			ct, err := ensure(ctx, 0)
			if err != nil || ct.Value != 10000 {
				t.Fatalf("ensure #%d = %+v, %v", i+1, ct, err)
			}
		}
	}
	inv, _, err := c.CreateInvoiceOnce(ctx, invoiceFor(cust, "first"))
	if err != nil || inv.InvoiceNumber != 10001 {
		t.Fatalf("first invoice = %d, %v; want number 10001", inv.InvoiceNumber, err)
	}
	got := e.contract.covered()
	for _, op := range []string{"createInvoiceCounter", "createCreditNoteCounter", "getInvoiceCounter", "getCreditNoteCounter"} {
		if !slices.Contains(got, op) {
			t.Errorf("operation %s not exercised", op)
		}
	}
}

// TestListPagesSequentially: lists longer than one page are read page by
// page until Fiken-Api-Page-Count.
func TestListPagesSequentially(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	const n = 2*fiken.PageSize + 5
	for i := 0; i < n; i++ {
		if _, err := e.client.CreateContact(ctx, fiken.ContactRequest{Name: fmt.Sprintf("C%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	before := e.client.Requests()
	all, err := e.client.ListContacts(ctx, fiken.ContactFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n || all[0].Name != "C000" || all[n-1].Name != fmt.Sprintf("C%03d", n-1) {
		t.Fatalf("listed %d contacts, want %d in creation order", len(all), n)
	}
	if pages := e.client.Requests() - before; pages != 3 {
		t.Errorf("list took %d requests, want 3 pages", pages)
	}
}
