package prestashop_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

func TestOrderMessages(t *testing.T) {
	t.Parallel()
	sim := prestashopsim.New(prestashopsim.Options{})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := prestashop.New(prestashop.Config{BaseURL: srv.URL, Key: prestashopsim.DefaultKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var in prestashopsim.PlaceOrder
	in.Customer.Email, in.Customer.Firstname, in.Customer.Lastname = "ola@example.no", "Ola", "Æsøy"
	in.Address.Address1, in.Address.Postcode, in.Address.City, in.Address.Country = "Gate 1", "0155", "Oslo", "NO"
	in.Module, in.Payment = "ps_wirepayment", "Bank"
	in.Lines = []prestashopsim.PlaceOrderLine{{Reference: "X-1", Name: "X", Quantity: 1, UnitPriceTaxIncl: "100.00", TaxRate: "25"}}
	res, err := sim.PlaceOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	if ms, err := c.OrderMessages(ctx, res.ID); err != nil || len(ms) != 0 {
		t.Fatalf("messages of a new order = %v, %v; want none (bare [] decoded)", ms, err)
	}
	text := "Faktura 10001 er sendt. KID 0000100013. Forfall 2026-12-09. Å betale: 100,00 NOK."
	id, err := c.AddOrderMessage(ctx, res.ID, 2, text, false)
	if err != nil || id == 0 {
		t.Fatalf("AddOrderMessage = %d, %v", id, err)
	}
	ms, err := c.OrderMessages(ctx, res.ID)
	if err != nil || len(ms) != 1 || ms[0].Text != text || ms[0].Private || ms[0].OrderID != res.ID {
		t.Fatalf("OrderMessages = %+v, %v", ms, err)
	}
}
