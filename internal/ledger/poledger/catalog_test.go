package poledger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/ledger"
)

func TestProductCatalogWithStock(t *testing.T) {
	t.Parallel()
	l, _ := newLedger(t)
	ctx := context.Background()
	start := time.Now()
	stock := 5.0
	id, err := l.CreateCatalogProduct(ctx, ledger.CatalogProduct{SKU: "KOPP-1", Name: "Kaffekopp", UnitNet: 15920, Account: "3000", Active: true, Stock: &stock})
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.ProductBySKU(ctx, "KOPP-1")
	if err != nil || p.ID != id || p.UnitNet != 15920 || p.Account != "3000" || p.VATType != "3" || p.Stock == nil || *p.Stock != 5 {
		t.Fatalf("by SKU: %+v %v", p, err)
	}
	p.Name, p.UnitNet, p.Account, p.Note = "Kaffekopp hvit", 17500, "3030", "Steingods"
	newStock := 3.0
	p.Stock = &newStock
	if err := l.UpdateCatalogProduct(ctx, *p); err != nil {
		t.Fatal(err)
	}
	got, err := l.CatalogProduct(ctx, id)
	if err != nil || got.Name != "Kaffekopp hvit" || got.UnitNet != 17500 || got.Account != "3030" || got.VATType != "31" ||
		got.Note != "Steingods" || got.SKU != "KOPP-1" || *got.Stock != 3 {
		t.Fatalf("after update: %+v %v", got, err)
	}
	changed, err := l.ChangedProducts(ctx, start)
	if err != nil || len(changed) != 1 || changed[0].ID != id {
		t.Fatalf("changed since start: %+v %v", changed, err)
	}
	if _, err := l.CatalogProduct(ctx, "999999"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("missing product: %v", err)
	}
	if _, err := l.ProductBySKU(ctx, "NOPE"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("missing SKU: %v", err)
	}
}

func TestCustomerCatalog(t *testing.T) {
	t.Parallel()
	l, _ := newLedger(t)
	ctx := context.Background()
	id, err := l.CreateCustomer(ctx, ledger.Customer{ShopID: "42", Name: "Kari Nordmann", Email: "kari@example.no"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := l.ChangedCustomers(ctx, time.Time{})
	if err != nil || len(all) != 1 || all[0].MemberNumber != "42" || all[0].Name != "Kari Nordmann" {
		t.Fatalf("all customers: %+v %v", all, err)
	}
	name, email := "Kari Olsen", "kari@olsen.no"
	if err := l.UpdateCatalogCustomer(ctx, id, ledger.CustomerChange{Name: &name, Email: &email}); err != nil {
		t.Fatal(err)
	}
	c, err := l.CatalogCustomer(ctx, id)
	if err != nil || c.Name != "Kari Olsen" || c.Email != "kari@olsen.no" || c.MemberNumber != "42" {
		t.Fatalf("after update: %+v %v", c, err)
	}
	if _, err := l.CatalogCustomer(ctx, "31337"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("missing customer: %v", err)
	}
}
