package prestashopsim

import (
	"net/http"
	"strconv"
)

// create handles POST /api/{resource}.
func (s *Server) create(req *apiRequest) (*record, []webhookEvent, *wsError) {
	def := s.db.tables[req.resource].def
	in, werr := parseInput(def, req.body)
	if werr != nil {
		return nil, nil, werr
	}
	if in.hasID {
		return nil, nil, errf(http.StatusBadRequest, 90, "id is forbidden when adding a new resource")
	}
	if req.resource == "order_histories" {
		return s.addOrderHistory(atoi(in.fields["id_order"]), atoi(in.fields["id_order_state"]), atoi(in.fields["id_employee"]), req.q.Get("sendemail") == "1")
	}
	r := newRecord()
	now := s.nowString()
	for _, f := range def.fields {
		if f.i18n {
			m := map[int]string{}
			for _, l := range langs() {
				m[l] = in.lang[f.name][l]
			}
			r.lang[f.name] = m
			continue
		}
		v, ok := in.fields[f.name]
		if !ok {
			v = defaultValue(f)
		}
		r.fields[f.name] = v
	}
	for _, d := range []string{"date_add", "date_upd"} {
		if _, ok := def.field(d); ok && (r.fields[d] == "" || r.fields[d] == zeroDate) {
			r.fields[d] = now
		}
	}
	if _, ok := def.field("id_shop"); ok && req.shop != 0 {
		r.fields["id_shop"] = itoa(req.shop)
	}
	if _, ok := def.field("secure_key"); ok && r.fields["secure_key"] == "" {
		r.fields["secure_key"] = s.randHex(32)
	}
	for k, rows := range in.assoc {
		r.assoc[k] = rows
	}
	if werr := s.valid.validateRecord(def, r); werr != nil {
		return nil, nil, werr
	}
	s.db.insert(req.resource, r)
	return r, s.eventFor(req.resource, "add", r), nil
}

// update handles PUT (replace: missing fields become NULL) and PATCH (only
// the fields sent).
func (s *Server) update(req *apiRequest, patch bool) (*record, []webhookEvent, *wsError) {
	def := s.db.tables[req.resource].def
	in, werr := parseInput(def, req.body)
	if werr != nil {
		return nil, nil, werr
	}
	if !in.hasID {
		return nil, nil, errf(http.StatusBadRequest, 90, "id is required when modifying a resource")
	}
	id, err := strconv.Atoi(in.id)
	if err != nil || (req.hasID && id != req.id) {
		return nil, nil, errf(http.StatusBadRequest, 89, "id is invalid or does not match the URL")
	}
	old := s.db.get(req.resource, id)
	if old == nil || !s.inShop(old, req.shop) {
		return nil, nil, errf(http.StatusNotFound, 87, "Id(s) not exists: "+itoa(id))
	}
	r := old.clone()
	for _, f := range def.fields {
		if f.readOnly {
			continue
		}
		if f.i18n {
			if m, ok := in.lang[f.name]; ok {
				nm := map[int]string{}
				for _, l := range langs() {
					if v, ok := m[l]; ok {
						nm[l] = v
					} else if !patch {
						nm[l] = ""
					} else {
						nm[l] = r.lang[f.name][l]
					}
				}
				r.lang[f.name] = nm
			} else if !patch {
				r.setLang(f.name, "", langs())
			}
			continue
		}
		if v, ok := in.fields[f.name]; ok {
			r.fields[f.name] = v
		} else if !patch && f.name != "date_add" && f.name != "date_upd" {
			r.fields[f.name] = "" // PUT: a missing field is set to NULL
		}
	}
	for k, rows := range in.assoc {
		r.assoc[k] = rows
	}
	if _, ok := def.field("date_upd"); ok {
		r.fields["date_upd"] = s.nowString()
	}
	if werr := s.valid.validateRecord(def, r); werr != nil {
		return nil, nil, werr
	}
	var events []webhookEvent
	if req.resource == "orders" && r.fields["current_state"] != old.fields["current_state"] {
		// Order::setWsCurrentState → setCurrentState: a real state change.
		r.fields["current_state"] = old.fields["current_state"]
		s.db.replace("orders", r)
		_, ev, werr := s.addOrderHistory(id, atoi(in.fields["current_state"]), 0, false)
		if werr != nil {
			s.db.tables["orders"].rows[id] = old
			return nil, nil, werr
		}
		return s.db.get("orders", id), ev, nil
	}
	if req.resource == "addresses" && s.addressUsed(id) {
		// Address::update on an address an order uses: the old row is
		// soft-deleted and the change becomes a new address.
		old.fields["deleted"] = "1"
		r.fields["date_add"] = r.fields["date_upd"]
		s.db.insert("addresses", r)
		events = append(events, s.eventFor(req.resource, "update", old)...)
		events = append(events, s.eventFor(req.resource, "add", r)...)
		return r, events, nil
	}
	s.db.replace(req.resource, r)
	events = append(events, s.eventFor(req.resource, "update", r)...)
	return r, events, nil
}

// remove handles DELETE /api/{resource}/{id}.
func (s *Server) remove(req *apiRequest) ([]webhookEvent, *wsError) {
	if !req.hasID {
		return nil, errf(http.StatusBadRequest, 50, "You have to set an id for DELETE")
	}
	r := s.db.get(req.resource, req.id)
	if r == nil {
		return nil, errf(http.StatusNotFound, 87, "Id(s) not exists: "+itoa(req.id))
	}
	delete(s.db.tables[req.resource].rows, req.id)
	return s.eventFor(req.resource, "delete", r), nil
}

// addOrderHistory is OrderHistory::addWs: it records the state change and
// runs the state machine on the order (current_state, valid, payment,
// invoice number, date_upd). The customer e-mail goes only with sendemail.
func (s *Server) addOrderHistory(orderID, stateID, employee int, sendEmail bool) (*record, []webhookEvent, *wsError) {
	order := s.db.get("orders", orderID)
	if order == nil {
		return nil, nil, errf(http.StatusBadRequest, 41, `Validation error: "Property Order_history->id_order is not valid"`)
	}
	state := s.db.get("order_states", stateID)
	if state == nil {
		return nil, nil, errf(http.StatusBadRequest, 41, `Validation error: "Property Order_history->id_order_state is not valid"`)
	}
	now := s.nowString()
	h := s.mk("order_histories", map[string]string{"id_order": itoa(orderID), "id_order_state": itoa(stateID), "id_employee": itoa(employee), "date_add": now}, nil)
	order.fields["current_state"] = itoa(stateID)
	order.fields["valid"] = state.fields["logable"]
	order.fields["date_upd"] = now
	var events []webhookEvent
	if state.fields["paid"] == "1" && len(s.db.find("order_payments", "order_reference", order.fields["reference"])) == 0 {
		p := s.addPayment(order)
		events = append(events, s.eventFor("order_payments", "add", p)...)
	}
	if state.fields["invoice"] == "1" && (order.fields["invoice_number"] == "" || order.fields["invoice_number"] == "0") {
		s.db.invoiceNumber++
		order.fields["invoice_number"] = itoa(s.db.invoiceNumber)
		order.fields["invoice_date"] = now
	}
	if sendEmail && state.fields["send_email"] == "1" {
		s.stats.EmailsSent++
	}
	events = append(events, s.eventFor("order_histories", "add", h)...)
	events = append(events, s.eventFor("orders", "update", order)...)
	return h, events, nil
}

// addPayment records a full payment of the order (PaymentModule / a paid
// state without payments).
func (s *Server) addPayment(order *record) *record {
	amount := order.fields["total_paid_tax_incl"]
	order.fields["total_paid_real"] = amount
	method := order.fields["payment"]
	p := s.mk("order_payments", map[string]string{
		"order_reference": order.fields["reference"], "id_currency": order.fields["id_currency"],
		"amount": amount, "payment_method": method, "conversion_rate": order.fields["conversion_rate"],
		"transaction_id": "SIM-" + s.randHex(12),
	}, nil)
	return p
}

// addressUsed reports whether an order refers to the address.
func (s *Server) addressUsed(id int) bool {
	for _, o := range s.db.all("orders") {
		if o.fields["id_address_invoice"] == itoa(id) || o.fields["id_address_delivery"] == itoa(id) {
			return true
		}
	}
	return false
}
