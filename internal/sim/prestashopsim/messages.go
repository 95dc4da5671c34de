package prestashopsim

// messagesResource is the messages resource (order messages to and from
// the customer; private=1 is back-office only), with the fields of the
// PrestaShop 8.x field table. The integration writes the invoice number
// and KID of a ledger-sent invoice to the order as a customer message.
func messagesResource() resourceDef {
	return resourceDef{name: "messages", elem: "message", fields: []fieldDef{
		{name: "id_cart", format: "isUnsignedId"},
		{name: "id_order", format: "isUnsignedId"},
		{name: "id_customer", format: "isUnsignedId"},
		{name: "id_employee", format: "isUnsignedId"},
		{name: "message", required: true, format: "isCleanHtml"},
		{name: "private", format: "isBool"},
		{name: "date_add", format: "isDate"},
	}}
}
