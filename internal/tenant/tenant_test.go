package tenant

import (
	"errors"
	"strings"
	"testing"
)

func TestExampleParses(t *testing.T) {
	t.Parallel()
	tn, err := Parse(ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	if tn.ID != "demo" || tn.Settings.Ledger.Kind != LedgerFiken || len(tn.Settings.VAT) != 4 {
		t.Fatalf("unexpected example: %+v", tn)
	}
	r, err := tn.Settings.VATRuleFor(1500)
	if err != nil || r.VATType != "MEDIUM" {
		t.Fatalf("VATRuleFor(15%%) = %+v, %v", r, err)
	}
	if _, err := tn.Settings.VATRuleFor(1111); !errors.Is(err, ErrNoVATRule) {
		t.Fatalf("VATRuleFor(11.11%%) err = %v", err)
	}
	pm, ok := tn.Settings.PaymentMethodFor("VIPPS")
	if !ok || !pm.PaidAtCheckout {
		t.Fatalf("PaymentMethodFor(VIPPS) = %+v, %v", pm, ok)
	}
}

func TestMarshalHidesSecrets(t *testing.T) {
	t.Parallel()
	tn, err := Parse(ExampleYAML())
	if err != nil {
		t.Fatal(err)
	}
	out, err := tn.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range tn.Secrets {
		if strings.Contains(string(out), v) {
			t.Fatalf("marshalled tenant contains secret %q", v)
		}
	}
	if !strings.Contains(string(out), "ledger_token: (set)") {
		t.Fatalf("secret names should be listed as (set):\n%s", out)
	}
}

func TestValidationNamesTheField(t *testing.T) {
	t.Parallel()
	base := string(ExampleYAML())
	tests := []struct {
		name, from, to, want string
	}{
		{"bad id", "id: demo", "id: 'de mo'", `id "de mo"`},
		{"shop kind", "kind: prestashop ", "kind: magento ", "settings.shop.kind"},
		{"ledger kind", "kind: fiken ", "kind: tripletex ", "settings.ledger.kind"},
		{"fee", `invoice_fee: "39.00"`, `invoice_fee: "abc"`, "settings.payment_methods[2].invoice_fee"},
		{"send method", "send_method: email ", "send_method: fax ", "settings.payment_methods[2].send_method"},
		{"vat rate", `rate: "12"`, `rate: "x"`, "settings.vat[2].rate"},
		{"duplicate rate", `rate: "12"`, `rate: "15"`, `settings.vat[2].rate "15" is listed twice`},
		{"owner", "sku: never", "sku: sometimes", "settings.product_fields.sku"},
		{"stock master", "stock_master: ledger", "stock_master: both", "settings.stock_master"},
		{"schedule", "order_poll: 5m", "order_poll: 1s", "settings.schedules.order_poll"},
		{"unknown field", "rounding_account:", "rounding_acount:", "field rounding_acount not found"},
		{"paid needs account", `account: "1920:10002"`, `account: ""`, "settings.payment_methods[0].account is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := strings.Replace(base, tt.from, tt.to, 1)
			if in == base {
				t.Fatalf("test input unchanged: %q not found", tt.from)
			}
			_, err := Parse([]byte(in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestPowerOfficeExampleParses(t *testing.T) {
	t.Parallel()
	tn, err := Parse(ExamplePowerOfficeYAML())
	if err != nil {
		t.Fatal(err)
	}
	if tn.ID != "demo-po" || tn.Settings.Ledger.Kind != LedgerPowerOffice || tn.Secrets["ledger_subscription_key"] == "" {
		t.Fatalf("unexpected PowerOffice example: %+v", tn)
	}
	if r, err := tn.Settings.VATRuleFor(1500); err != nil || r.IncomeAccount != "3030" {
		t.Fatalf("15 %% rule = %+v, %v", r, err)
	}
}
