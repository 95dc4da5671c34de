package prestashop

import (
	"strings"
	"testing"
	"time"
)

// orderJSON is GET /api/orders/{id}?output_format=JSON as PrestaShop 8
// answers it: every value a string, rows under associations.
func orderJSON() []byte {
	return []byte(`{"order":{"id":4211,"id_address_delivery":"812","id_address_invoice":"812","id_cart":"9311","id_currency":"1",` +
		`"id_lang":"1","id_customer":"771","id_carrier":"12","current_state":"2","module":"ps_checkpayment","invoice_number":"0",` +
		`"invoice_date":"0000-00-00 00:00:00","delivery_number":"0","delivery_date":"0000-00-00 00:00:00","valid":"1",` +
		`"date_add":"2026-11-25 09:58:01","date_upd":"2026-11-25 10:00:00","shipping_number":"","note":"","id_shop_group":"1","id_shop":"1",` +
		`"secure_key":"0f4b8c1b6a8b4e0f9f1d7c4e3a2b1c0d","payment":"Betal med sjekk","recyclable":"0","gift":"0","gift_message":"",` +
		`"mobile_theme":"0","total_discounts":"0.000000","total_discounts_tax_incl":"0.000000","total_discounts_tax_excl":"0.000000",` +
		`"total_paid":"1533.000000","total_paid_tax_incl":"1533.000000","total_paid_tax_excl":"1226.400000","total_paid_real":"0.000000",` +
		`"total_products":"1146.400000","total_products_wt":"1433.000000","total_shipping":"100.000000","total_shipping_tax_incl":"100.000000",` +
		`"total_shipping_tax_excl":"80.000000","carrier_tax_rate":"25.000","total_wrapping":"0.000000","total_wrapping_tax_incl":"0.000000",` +
		`"total_wrapping_tax_excl":"0.000000","round_mode":"2","round_type":"2","conversion_rate":"1.000000","reference":"XKBKNABJK",` +
		`"associations":{"order_rows":[` +
		strings.Repeat(`{"id":"1","product_id":"31","product_attribute_id":"0","product_quantity":"2","product_name":"Kaffekopp",`+
			`"product_reference":"KOPP-31","product_ean13":"","product_isbn":"","product_upc":"","product_price":"199.000000",`+
			`"id_customization":"0","unit_price_tax_incl":"248.750000","unit_price_tax_excl":"199.000000"},`, 9) +
		`{"id":"10","product_id":"7","product_attribute_id":"0","product_quantity":"1","product_name":"Kaffe 500 g","product_reference":"KAFFE",` +
		`"product_ean13":"","product_isbn":"","product_upc":"","product_price":"149.600000","id_customization":"0",` +
		`"unit_price_tax_incl":"172.040000","unit_price_tax_excl":"149.600000"}]}}}`)
}

// BenchmarkDecodeOrder measures decoding one order answer and reading
// the fields Client.Order reads, with its quirks (numbers as strings,
// money with six decimals, local-time dates).
func BenchmarkDecodeOrder(b *testing.B) {
	body := orderJSON()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		o, err := decodeOne(body, "order")
		if err != nil {
			b.Fatal(err)
		}
		r := &reader{loc: time.UTC}
		_ = o.str("reference")
		_ = r.time(o, "date_add")
		_ = r.conv(o, "conversion_rate")
		for _, k := range []string{"total_products", "total_products_wt", "total_discounts_tax_excl", "total_discounts_tax_incl",
			"total_shipping_tax_excl", "total_shipping_tax_incl", "total_paid_tax_excl", "total_paid_tax_incl", "total_paid_real"} {
			_ = r.money(o, k)
		}
		_ = r.rate(o, "carrier_tax_rate")
		_ = r.int(o, "id_customer")
		if rows := o.assoc("order_rows"); len(rows) != 10 {
			b.Fatalf("%d rows", len(rows))
		}
		if r.err != nil {
			b.Fatal(r.err)
		}
	}
}
