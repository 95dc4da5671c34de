package webhook

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Realistic bodies: the PrestaShop webhook module sends the whole order
// object; WooCommerce and Shopify send the whole order with its lines.
func prestaShopOrderBody() []byte {
	return []byte(`{"action":"update","entity":"Order","id_shop":1,"data":{"id":"4211","id_address_delivery":"812","id_address_invoice":"812",` +
		`"id_cart":"9311","id_currency":"1","id_lang":"1","id_customer":"771","id_carrier":"12","current_state":"2","module":"ps_checkpayment",` +
		`"invoice_number":"0","invoice_date":"0000-00-00 00:00:00","delivery_number":"0","valid":"1","date_add":"2026-11-25 09:58:01",` +
		`"date_upd":"2026-11-25 10:00:00","shipping_number":"","id_shop_group":"1","id_shop":"1","secure_key":"0f4b8c1b6a8b4e0f9f1d7c4e3a2b1c0d",` +
		`"payment":"Betal med sjekk","recyclable":"0","gift":"0","gift_message":"","mobile_theme":"0","total_discounts":"0.000000",` +
		`"total_discounts_tax_incl":"0.000000","total_discounts_tax_excl":"0.000000","total_paid":"1533.000000","total_paid_tax_incl":"1533.000000",` +
		`"total_paid_tax_excl":"1226.400000","total_paid_real":"0.000000","total_products":"1146.400000","total_products_wt":"1433.000000",` +
		`"total_shipping":"100.000000","total_shipping_tax_incl":"100.000000","total_shipping_tax_excl":"80.000000","carrier_tax_rate":"25.000",` +
		`"total_wrapping":"0.000000","total_wrapping_tax_incl":"0.000000","total_wrapping_tax_excl":"0.000000","round_mode":"2","round_type":"2",` +
		`"conversion_rate":"1.000000","reference":"XKBKNABJK","associations":{"order_rows":[` +
		strings.Repeat(`{"id":"1","product_id":"31","product_attribute_id":"0","product_quantity":"2","product_name":"Kaffekopp","product_reference":"KOPP-31","product_ean13":"","product_isbn":"","product_upc":"","product_price":"199.000000","id_customization":"0","unit_price_tax_incl":"248.750000","unit_price_tax_excl":"199.000000"},`, 4) +
		`{"id":"5","product_id":"7","product_attribute_id":"0","product_quantity":"1","product_name":"Kaffe 500 g","product_reference":"KAFFE","product_ean13":"","product_isbn":"","product_upc":"","product_price":"149.600000","id_customization":"0","unit_price_tax_incl":"172.040000","unit_price_tax_excl":"149.600000"}]}}}`)
}

func wooOrderBody() []byte {
	var lines []string
	for i := 1; i <= 5; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":%d,"name":"Kaffekopp %d","product_id":%d,"variation_id":0,"quantity":2,"tax_class":"","subtotal":"398.00",`+
			`"subtotal_tax":"99.50","total":"398.00","total_tax":"99.50","taxes":[{"id":1,"total":"99.5","subtotal":"99.5"}],"meta_data":[],"sku":"KOPP-%d","price":199}`, i, i, 30+i, i))
	}
	return []byte(`{"id":727,"parent_id":0,"status":"processing","currency":"NOK","version":"9.4.2","prices_include_tax":true,` +
		`"date_created":"2026-11-25T10:58:01","date_modified":"2026-11-25T11:00:00","discount_total":"0.00","discount_tax":"0.00",` +
		`"shipping_total":"80.00","shipping_tax":"20.00","cart_tax":"497.50","total":"2587.50","total_tax":"517.50","customer_id":12,` +
		`"order_key":"wc_order_5f9c","billing":{"first_name":"Kari","last_name":"Nordmann","company":"","address_1":"Storgata 1","address_2":"",` +
		`"city":"Oslo","state":"","postcode":"0155","country":"NO","email":"kari@example.no","phone":"+4790000000"},` +
		`"shipping":{"first_name":"Kari","last_name":"Nordmann","company":"","address_1":"Storgata 1","address_2":"","city":"Oslo","state":"","postcode":"0155","country":"NO"},` +
		`"payment_method":"bacs","payment_method_title":"Bankoverføring","transaction_id":"","date_modified_gmt":"2026-11-25T10:00:00",` +
		`"line_items":[` + strings.Join(lines, ",") + `],"tax_lines":[],"shipping_lines":[],"fee_lines":[],"coupon_lines":[],"refunds":[]}`)
}

func shopifyOrderBody() []byte {
	var lines []string
	for i := 1; i <= 5; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":%d,"variant_id":%d,"title":"Kaffekopp","quantity":2,"sku":"KOPP-%d","vendor":"bokfor","product_id":%d,`+
			`"requires_shipping":true,"taxable":true,"gift_card":false,"name":"Kaffekopp - Blå","price":"248.75","total_discount":"0.00",`+
			`"tax_lines":[{"title":"MVA","price":"99.50","rate":0.25}]}`, 866550311766439000+i, 808950810+i, i, 632910392+i))
	}
	return []byte(`{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"kari@example.no",` +
		`"created_at":"2026-11-25T10:58:01+01:00","updated_at":"2026-11-25T11:00:00+01:00","number":234,"note":null,"token":"123456abcd",` +
		`"gateway":"bogus","test":false,"total_price":"2587.50","subtotal_price":"2487.50","total_weight":0,"total_tax":"517.50",` +
		`"taxes_included":true,"currency":"NOK","financial_status":"paid","confirmed":true,"total_discounts":"0.00","name":"#1234",` +
		`"line_items":[` + strings.Join(lines, ",") + `],"shipping_lines":[{"id":271878346596884015,"title":"Posten","price":"100.00"}]}`)
}

// BenchmarkDecode measures each webhook decoder on a realistic order
// event, as the starter's edge runs it for every request.
func BenchmarkDecode(b *testing.B) {
	woo := http.Header{}
	woo.Set(WooTopicHeader, "order.updated")
	shopify := http.Header{}
	shopify.Set(ShopifyTopicHeader, "orders/paid")
	shopify.Set(ShopifyWebhookIDHeader, "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
	cases := []struct {
		name   string
		decode func(http.Header, []byte) (Event, error)
		h      http.Header
		body   []byte
	}{
		{"prestashop", DecodePrestaShop, nil, prestaShopOrderBody()},
		{"woocommerce", DecodeWooCommerce, woo, wooOrderBody()},
		{"shopify", DecodeShopify, shopify, shopifyOrderBody()},
	}
	for _, c := range cases {
		if _, err := c.decode(c.h, c.body); err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.decode(c.h, c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
