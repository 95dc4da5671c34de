package prestashopsim

// fieldDef describes one field of a webservice resource.
type fieldDef struct {
	name     string
	required bool
	format   string // PrestaShop validator, e.g. "isUnsignedId"
	i18n     bool   // multilingual: one value per language
	readOnly bool   // listed in the field table but not in the blank XML
}

// assocDef describes one association list of a resource, e.g. order_rows.
type assocDef struct {
	name   string   // list element, e.g. "order_rows"
	elem   string   // item element, e.g. "order_row"
	fields []string // item fields, "id" first when present
}

// resourceDef describes one webservice resource.
type resourceDef struct {
	name   string // plural, as in the URL: "orders"
	elem   string // singular XML/JSON element: "order"
	fields []fieldDef
	assocs []assocDef
}

func (d *resourceDef) field(name string) (fieldDef, bool) {
	for _, f := range d.fields {
		if f.name == name {
			return f, true
		}
	}
	return fieldDef{}, false
}

func (d *resourceDef) assoc(name string) (assocDef, bool) {
	for _, a := range d.assocs {
		if a.name == name {
			return a, true
		}
	}
	return assocDef{}, false
}

// entityName returns the PrestaShop ObjectModel class name that the
// ps_webhooks module reports as "entity" for a resource, or "".
func entityName(resource string) string {
	switch resource {
	case "orders":
		return "Order"
	case "customers":
		return "Customer"
	case "addresses":
		return "Address"
	case "products":
		return "Product"
	case "combinations":
		return "Combination"
	case "stock_availables":
		return "StockAvailable"
	case "order_histories":
		return "OrderHistory"
	case "order_slip":
		return "OrderSlip"
	case "order_payments":
		return "OrderPayment"
	case "order_states":
		return "OrderState"
	}
	return ""
}

// resourceDef returns the definition of a served resource, or nil.
func (s *Server) resourceDef(name string) *resourceDef {
	for i := range s.defs {
		if s.defs[i].name == name {
			return &s.defs[i]
		}
	}
	return nil
}
