package prestashop

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// OrderState is an order status and the flags that drive PrestaShop's
// state machine.
type OrderState struct {
	// ID is the state id.
	ID int
	// Name is the state's name in the configured language.
	Name string
	// Names are the state's names by language id.
	Names map[int]string
	// Color is the back-office colour, e.g. "#3498D8".
	Color string
	// Logable reports a state that counts as a valid sale.
	Logable bool
	// Paid reports a paid state.
	Paid bool
	// Invoice reports a state that issues an invoice.
	Invoice bool
	// Shipped reports a shipped state.
	Shipped bool
	// Delivery reports a delivered state.
	Delivery bool
	// SendEmail reports a state that e-mails the customer.
	SendEmail bool
	// Hidden reports a state hidden from the customer.
	Hidden bool
	// Deleted reports a soft-deleted state.
	Deleted bool
	// ModuleName is the module owning the state, or "".
	ModuleName string
}

// OrderStates lists the shop's order states.
func (c *Client) OrderStates(ctx context.Context) ([]OrderState, error) {
	objs, err := c.list(ctx, "order_states", url.Values{"sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var out []OrderState
	for _, o := range objs {
		st := OrderState{
			ID: r.int(o, "id"), Name: o.i18n("name", c.cfg.LanguageID), Names: i18nAll(o, "name"),
			Color: o.str("color"), Logable: r.bool(o, "logable"), Paid: r.bool(o, "paid"),
			Invoice: r.bool(o, "invoice"), Shipped: r.bool(o, "shipped"), Delivery: r.bool(o, "delivery"),
			SendEmail: r.bool(o, "send_email"), Hidden: r.bool(o, "hidden"), Deleted: r.bool(o, "deleted"),
			ModuleName: o.str("module_name"),
		}
		out = append(out, st)
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/order_states", r.err)
	}
	return out, nil
}

// i18nAll returns every language's value of a multilingual field; a plain
// string counts for language 0.
func i18nAll(o object, k string) map[int]string {
	raw := o[k]
	m := map[int]string{}
	vs, err := decodeObjects(raw)
	if err != nil || len(raw) == 0 || strings.TrimSpace(string(raw))[0] == '"' {
		m[0] = o.str(k)
		return m
	}
	r := &reader{}
	for _, v := range vs {
		m[r.int(v, "id")] = v.str("value")
	}
	return m
}

// OrderStateSpec describes a custom order state, e.g. "Oppgjort i Fiken".
// Copy Paid/Invoice/Shipped/Delivery from the state orders come from
// (typically "Payment accepted"); flags have side effects in the shop.
type OrderStateSpec struct {
	// Name is the state's name, used in every language and to find it again.
	Name string
	// Color is the back-office colour; default "#32CD32".
	Color string
	// Logable, Paid, Invoice, Shipped, Delivery, Hidden set the flags.
	Logable, Paid, Invoice, Shipped, Delivery, Hidden bool
}

// EnsureOrderState returns the id of the non-deleted state named spec.Name
// (in any language, case-insensitively), creating it if it is missing; it
// never sends e-mail. Calling it again after an ambiguous failure is safe.
func (c *Client) EnsureOrderState(ctx context.Context, spec OrderStateSpec) (int, error) {
	if spec.Name == "" {
		return 0, fmt.Errorf("prestashop: EnsureOrderState: empty name")
	}
	states, err := c.OrderStates(ctx)
	if err != nil {
		return 0, err
	}
	for _, st := range states {
		if st.Deleted {
			continue
		}
		for _, n := range st.Names {
			if strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(spec.Name)) {
				return st.ID, nil
			}
		}
	}
	color := spec.Color
	if color == "" {
		color = "#32CD32"
	}
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	names := map[int]string{}
	for _, st := range states {
		for l := range st.Names {
			if l != 0 {
				names[l] = spec.Name
			}
		}
	}
	names[c.cfg.LanguageID] = spec.Name
	body := buildXML("order_state", []field{
		{name: "name", langs: names},
		{name: "color", value: color},
		{name: "logable", value: b(spec.Logable)},
		{name: "paid", value: b(spec.Paid)},
		{name: "invoice", value: b(spec.Invoice)},
		{name: "shipped", value: b(spec.Shipped)},
		{name: "delivery", value: b(spec.Delivery)},
		{name: "hidden", value: b(spec.Hidden)},
		{name: "send_email", value: "0"},
		{name: "pdf_invoice", value: "0"},
		{name: "pdf_delivery", value: "0"},
		{name: "unremovable", value: "0"},
		{name: "deleted", value: "0"},
	})
	out, err := c.do(ctx, call{method: http.MethodPost, resource: "order_states", body: body, json: true})
	if err != nil {
		return 0, err
	}
	o, err := decodeOne(out, "order_state")
	if err != nil {
		return 0, decodeErr("POST /api/order_states", err)
	}
	r := &reader{}
	idv := r.int(o, "id")
	return idv, r.err
}

// SetOrderState changes an order's state through POST order_histories, which
// runs the shop's state machine (stock, invoices, hooks). The customer is
// e-mailed only if Config.SendStateEmail is set. The shop's webhook module
// reports this change back: ignore the echo. It returns the new
// order_history id. After a KindAmbiguous failure, check OrderCurrentState
// before trying again.
func (c *Client) SetOrderState(ctx context.Context, orderID, stateID int) (int, error) {
	q := url.Values{}
	if c.cfg.SendStateEmail {
		q.Set("sendemail", "1")
	}
	body := buildXML("order_history", []field{
		{name: "id_order", value: itoa(orderID)},
		{name: "id_order_state", value: itoa(stateID)},
	})
	out, err := c.do(ctx, call{method: http.MethodPost, resource: "order_histories", query: q, body: body, json: true})
	if err != nil {
		return 0, err
	}
	o, err := decodeOne(out, "order_history")
	if err != nil {
		return 0, decodeErr("POST /api/order_histories", err)
	}
	r := &reader{}
	h := r.int(o, "id")
	return h, r.err
}
