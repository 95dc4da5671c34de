package prestashopsim

import "testing"

// TestSplitPaidOrderSharesPayment: two paid orders of one cart share a
// reference and one payment that covers both.
func TestSplitPaidOrderSharesPayment(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	a, err := s.PlaceOrder(testOrder(2))
	if err != nil {
		t.Fatal(err)
	}
	second := testOrder(2)
	second.Reference = a.Reference
	second.Discounts = nil
	second.Lines = []PlaceOrderLine{{Reference: "SKU-BOK", Quantity: 1, UnitPriceTaxIncl: "349.00", TaxRate: "0"}}
	b, err := s.PlaceOrder(second)
	if err != nil {
		t.Fatal(err)
	}
	if b.Reference != a.Reference || b.ID == a.ID {
		t.Fatalf("split: %+v %+v", a, b)
	}
	pays := s.db.find("order_payments", "order_reference", a.Reference)
	if len(pays) != 1 {
		t.Fatalf("payments = %d, want 1", len(pays))
	}
	ta, _ := parseMicro(s.db.get("orders", a.ID).fields["total_paid_tax_incl"])
	tb, _ := parseMicro(s.db.get("orders", b.ID).fields["total_paid_tax_incl"])
	if got, _ := parseMicro(pays[0].fields["amount"]); got != ta+tb || tb != 349_000000 {
		t.Errorf("payment %s, want %s + %s", got, ta, tb)
	}
	if _, err := s.AddPayment(a.ID, PaymentRequest{Amount: "-1"}); err == nil {
		t.Error("negative payment: want error")
	}
}
