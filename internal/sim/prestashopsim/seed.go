package prestashopsim

import (
	"fmt"
	"strings"
)

// mk builds a record of resource with every field at PrestaShop's default
// for its format, then the given scalar and multilingual values, and stores
// it. date_add and date_upd default to now.
func (s *Server) mk(resource string, f map[string]string, lang map[string]string) *record {
	t := s.db.tables[resource]
	r := newRecord()
	now := s.nowString()
	for _, fd := range t.def.fields {
		if fd.i18n {
			r.setLang(fd.name, lang[fd.name], langs())
			continue
		}
		v, ok := f[fd.name]
		if !ok {
			v = defaultValue(fd)
			if fd.name == "date_add" || fd.name == "date_upd" {
				v = now
			}
		}
		r.fields[fd.name] = v
	}
	return s.db.insert(resource, r)
}

// defaultValue is what PrestaShop shows for an unset field of this format.
func defaultValue(fd fieldDef) string {
	switch fd.format {
	case "isBool", "isUnsignedId", "isUnsignedInt", "isInt", "isNullOrUnsignedId":
		return "0"
	case "isPrice", "isNegativePrice":
		return "0.000000"
	case "isFloat", "isUnsignedFloat":
		return "0"
	case "isDate", "isDateFormat":
		return zeroDate
	}
	return ""
}

// orderStateSeed is one of PrestaShop's default order states.
type orderStateSeed struct {
	no, en, template, color, module string
	flags                           string // letters: l logable, i invoice, p paid, s shipped, d delivery, e send_email, I pdf_invoice, D pdf_delivery
}

func defaultOrderStates() []orderStateSeed {
	return []orderStateSeed{
		{"Venter på sjekkbetaling", "Awaiting check payment", "cheque", "#34209E", "ps_checkpayment", "e"},
		{"Betaling godkjent", "Payment accepted", "payment", "#3498D8", "", "lipeI"},
		{"Under behandling", "Processing in progress", "preparation", "#3498D8", "", "lipe"},
		{"Sendt", "Shipped", "shipped", "#01b887", "", "lipsdeID"},
		{"Levert", "Delivered", "", "#01b887", "", "lipsd"},
		{"Kansellert", "Canceled", "order_canceled", "#2C3E50", "", "e"},
		{"Refundert", "Refunded", "refund", "#ec2e15", "", "ipe"},
		{"Betalingsfeil", "Payment error", "payment_error", "#8f0621", "", "e"},
		{"Restordre (betalt)", "On backorder (paid)", "outofstock", "#3498D8", "", "lipe"},
		{"Venter på bankoverføring", "Awaiting bank wire payment", "bankwire", "#34209E", "ps_wirepayment", "e"},
		{"Fjernbetaling godkjent", "Remote payment accepted", "payment", "#3498D8", "", "lipe"},
		{"Restordre (ikke betalt)", "On backorder (not paid)", "outofstock", "#8f0621", "", "e"},
		{"Venter på bekreftelse av postoppkrav", "Awaiting Cash On Delivery validation", "cashondelivery", "#34209E", "ps_cashondelivery", "e"},
		{"Venter på betaling", "Waiting for payment", "", "#34209E", "", ""},
	}
}

func flag(flags string, c byte) string {
	if strings.IndexByte(flags, c) >= 0 {
		return "1"
	}
	return "0"
}

// seedData fills a fresh db with the default shop; the caller owns s.db.
func (s *Server) seedData() {
	for _, st := range defaultOrderStates() {
		r := s.mk("order_states", map[string]string{
			"unremovable": "1", "color": st.color, "module_name": st.module,
			"logable": flag(st.flags, 'l'), "invoice": flag(st.flags, 'i'), "paid": flag(st.flags, 'p'),
			"shipped": flag(st.flags, 's'), "delivery": flag(st.flags, 'd'), "send_email": flag(st.flags, 'e'),
			"pdf_invoice": flag(st.flags, 'I'), "pdf_delivery": flag(st.flags, 'D'),
		}, nil)
		r.lang["name"] = map[int]string{1: st.no, 2: st.en}
		r.setLang("template", st.template, langs())
	}
	for _, c := range []struct{ iso, no, en string }{{"NO", "Norge", "Norway"}, {"SE", "Sverige", "Sweden"}, {"DK", "Danmark", "Denmark"}, {"DE", "Tyskland", "Germany"}} {
		r := s.mk("countries", map[string]string{"id_zone": "1", "iso_code": c.iso, "active": "1", "contains_states": "0", "need_identification_number": "0", "display_tax_label": "1"}, nil)
		r.lang["name"] = map[int]string{1: c.no, 2: c.en}
	}
	for _, bp := range []int{2500, 1500, 1200, 0} {
		name := fmt.Sprintf("MVA %d%%", bp/100)
		tax := s.mk("taxes", map[string]string{"rate": rateString(bp), "active": "1", "deleted": "0"}, map[string]string{"name": name})
		grp := s.mk("tax_rule_groups", map[string]string{"name": fmt.Sprintf("NO %s", name), "active": "1", "deleted": "0"}, nil)
		s.mk("tax_rules", map[string]string{"id_tax_rules_group": itoa(grp.id), "id_country": "1", "id_tax": itoa(tax.id), "behavior": "0"}, nil)
	}
	s.mk("currencies", map[string]string{"name": "Norsk krone", "iso_code": "NOK", "numeric_iso_code": "578", "precision": "2", "conversion_rate": "1.000000", "active": "1"},
		map[string]string{"names": "Norsk krone", "symbol": "kr", "pattern": ""})
	s.mk("currencies", map[string]string{"name": "Euro", "iso_code": "EUR", "numeric_iso_code": "978", "precision": "2", "conversion_rate": "0.085000", "active": "1"},
		map[string]string{"names": "Euro", "symbol": "€", "pattern": ""})
	s.mk("carriers", map[string]string{"name": "Posten", "active": "1", "id_tax_rules_group": "1", "id_reference": "1", "shipping_method": "1", "url": "https://sporing.posten.no/sporing/@"}, map[string]string{"delay": "2-4 dager"})
	s.mk("carriers", map[string]string{"name": "PostNord", "active": "1", "id_tax_rules_group": "1", "id_reference": "2", "shipping_method": "1"}, map[string]string{"delay": "3-5 dager"})

	type prod struct {
		sku, name, incl string
		bp, stock       int
		combos          []string
	}
	for _, p := range []prod{
		{"SKU-TSHIRT", "T-skjorte", "199.00", 2500, 30, []string{"S", "M", "L"}},
		{"SKU-KAFFE", "Kaffe 500 g", "89.90", 1500, 100, nil},
		{"SKU-KINO", "Kinobillett", "120.00", 1200, 1000, nil},
		{"SKU-BOK", "Bok", "349.00", 0, 12, nil},
		{"SKU-KOPP", "Kopp", "0.79", 2500, 500, nil},
	} {
		incl, _ := parseMicro(p.incl)
		pr := s.createProduct(p.sku, p.name, exclOf(incl, p.bp), p.bp, p.stock)
		for _, c := range p.combos {
			s.createCombination(pr, p.sku+"-"+c, p.stock/len(p.combos))
		}
	}
	cu := s.mk("customers", map[string]string{"email": "kari@example.no", "firstname": "Kari", "lastname": "Nordmann", "passwd": "$2y$10$simulated", "active": "1", "id_default_group": "3", "id_lang": "1", "id_shop": "1", "id_shop_group": "1", "secure_key": s.randHex(32)}, nil)
	s.mk("addresses", map[string]string{"id_customer": itoa(cu.id), "id_country": "1", "alias": "Hjem", "firstname": "Kari", "lastname": "Nordmann", "address1": "Storgata 1", "postcode": "0155", "city": "Oslo"}, nil)
	s.mk("messages", map[string]string{"id_cart": "0", "id_order": "0", "id_customer": itoa(cu.id), "id_employee": "0", "message": "Hei! Når kommer kaffen på lager igjen?", "private": "0"}, nil)
}

// taxGroupFor returns the tax rule group whose Norwegian tax has rate bp.
func (s *Server) taxGroupFor(bp int) int {
	for _, tr := range s.db.all("tax_rules") {
		if tax := s.db.get("taxes", atoi(tr.fields["id_tax"])); tax != nil {
			if r, err := parseRateBP(tax.fields["rate"]); err == nil && r == bp {
				return atoi(tr.fields["id_tax_rules_group"])
			}
		}
	}
	return 0
}

// taxFor returns the tax record of a tax rule group (Norway).
func (s *Server) taxFor(group int) *record {
	for _, tr := range s.db.find("tax_rules", "id_tax_rules_group", itoa(group)) {
		return s.db.get("taxes", atoi(tr.fields["id_tax"]))
	}
	return nil
}

// createProduct adds a product with one stock row per shop.
func (s *Server) createProduct(sku, name string, excl micro, bp, stock int) *record {
	link := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
	pr := s.mk("products", map[string]string{
		"reference": sku, "price": excl.String(), "id_tax_rules_group": itoa(s.taxGroupFor(bp)),
		"active": "1", "id_category_default": "2", "id_shop_default": "1", "type": "simple", "state": "1",
		"minimal_quantity": "1", "available_for_order": "1", "show_price": "1", "indexed": "1", "visibility": "both",
		"redirect_type": "404", "condition": "new", "quantity": itoa(stock),
	}, map[string]string{"name": name, "link_rewrite": link})
	for _, shop := range s.opts.Shops {
		sa := s.mk("stock_availables", map[string]string{"id_product": itoa(pr.id), "id_product_attribute": "0", "id_shop": itoa(shop), "id_shop_group": "0", "quantity": itoa(stock), "depends_on_stock": "0", "out_of_stock": "2"}, nil)
		if shop == s.opts.Shops[0] {
			pr.assoc["stock_availables"] = append(pr.assoc["stock_availables"], map[string]string{"id": itoa(sa.id), "id_product_attribute": "0"})
		}
	}
	return pr
}

// createCombination adds a combination and its stock rows to a product.
func (s *Server) createCombination(pr *record, sku string, stock int) *record {
	c := s.mk("combinations", map[string]string{"id_product": itoa(pr.id), "reference": sku, "price": "0.000000", "minimal_quantity": "1", "quantity": itoa(stock)}, nil)
	if len(pr.assoc["combinations"]) == 0 {
		c.fields["default_on"] = "1"
		pr.fields["id_default_combination"] = itoa(c.id)
		pr.fields["type"] = "combinations"
	}
	pr.assoc["combinations"] = append(pr.assoc["combinations"], map[string]string{"id": itoa(c.id)})
	for _, shop := range s.opts.Shops {
		sa := s.mk("stock_availables", map[string]string{"id_product": itoa(pr.id), "id_product_attribute": itoa(c.id), "id_shop": itoa(shop), "id_shop_group": "0", "quantity": itoa(stock), "depends_on_stock": "0", "out_of_stock": "2"}, nil)
		if shop == s.opts.Shops[0] {
			pr.assoc["stock_availables"] = append(pr.assoc["stock_availables"], map[string]string{"id": itoa(sa.id), "id_product_attribute": itoa(c.id)})
		}
	}
	return c
}

func (s *Server) randHex(n int) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hexdigits[s.rnd.Intn(16)]
	}
	return string(b)
}

// newReference returns a 9-letter order reference like PrestaShop's.
func (s *Server) newReference() string {
	b := make([]byte, 9)
	for i := range b {
		b[i] = byte('A' + s.rnd.Intn(26))
	}
	return string(b)
}
