package prestashopsim

import (
	"slices"
	"strconv"
)

// record is one stored object: scalar fields as the strings PrestaShop
// outputs, multilingual fields per language id, and association rows.
type record struct {
	id     int
	fields map[string]string
	lang   map[string]map[int]string
	assoc  map[string][]map[string]string
}

func newRecord() *record {
	return &record{fields: map[string]string{}, lang: map[string]map[int]string{}, assoc: map[string][]map[string]string{}}
}

func (r *record) clone() *record {
	c := newRecord()
	c.id = r.id
	for k, v := range r.fields {
		c.fields[k] = v
	}
	for k, m := range r.lang {
		cm := map[int]string{}
		for l, v := range m {
			cm[l] = v
		}
		c.lang[k] = cm
	}
	for k, rows := range r.assoc {
		cr := make([]map[string]string, len(rows))
		for i, row := range rows {
			m := map[string]string{}
			for a, b := range row {
				m[a] = b
			}
			cr[i] = m
		}
		c.assoc[k] = cr
	}
	return c
}

// setLang sets a multilingual field to the same value in every language.
func (r *record) setLang(field, v string, langs []int) {
	m := map[int]string{}
	for _, l := range langs {
		m[l] = v
	}
	r.lang[field] = m
}

// table holds the records of one resource.
type table struct {
	def  *resourceDef
	rows map[int]*record
	// ids are the ids ever inserted, in insertion order, which is id
	// order (ids only grow), so listing needs no sort; a deleted row's
	// id stays here and is skipped.
	ids  []int
	next int
	// index maps each field of indexedFields to the ids of the records
	// holding each value (by indexKey): add-only, so it may list a record
	// whose value changed since; readers check the value again.
	index map[string]map[string][]int
}

// indexedFields are the fields whose equality look-ups the simulator
// answers from an index instead of a scan of the table: the foreign keys
// and natural keys bokfor's client filters on (an order's lines, cart
// rules, payments, credit slips and messages; a product's stock and
// combinations; customers by e-mail; orders and products by reference).
// Scans made every order read cost time in proportion to all orders so
// far, which made the simulator, not bokfor, the cost of the 10 000-order
// benchmark. Fields the simulator itself reassigns after insert, other
// than through a webservice write (which re-indexes), must not be here.
func indexedFields(resource string) []string {
	switch resource {
	case "order_details", "order_cart_rules", "order_slip", "order_histories", "messages", "customer_threads":
		return []string{"id_order"}
	case "order_payments":
		return []string{"order_reference"}
	case "customer_messages":
		return []string{"id_customer_thread"}
	case "stock_availables":
		return []string{"id_product"}
	case "combinations":
		return []string{"id_product", "reference"}
	case "tax_rules":
		return []string{"id_tax_rules_group"}
	case "orders", "products":
		return []string{"reference"}
	case "customers":
		return []string{"email"}
	case "addresses":
		return []string{"id_customer"}
	}
	return nil
}

// indexKey is v as an equality filter compares it: integers by value,
// anything else as the string it is.
func indexKey(v string) string {
	if n, ok := parseInt(v); ok {
		return "#" + strconv.FormatInt(n, 10)
	}
	return "$" + v
}

// reindex adds r under its current values of the indexed fields.
func (t *table) reindex(r *record) {
	for _, f := range indexedFields(t.def.name) {
		m := t.index[f]
		if m == nil {
			m = map[string][]int{}
			t.index[f] = m
		}
		k := indexKey(r.fields[f])
		if ids := m[k]; len(ids) == 0 || ids[len(ids)-1] != r.id {
			m[k] = append(ids, r.id)
		}
	}
}

// indexed reports whether field of resource has an index.
func (d *db) indexed(resource, field string) bool {
	t := d.tables[resource]
	return t != nil && slices.Contains(indexedFields(resource), field)
}

// lookup returns, in id order, the records whose field may equal one of
// values as an equality filter compares them (a superset: callers apply
// the filter). field must be indexed.
func (d *db) lookup(resource, field string, values []string) []*record {
	t := d.tables[resource]
	var ids []int
	for _, v := range values {
		ids = append(ids, t.index[field][indexKey(v)]...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]*record, 0, len(ids))
	for _, id := range ids {
		if r, ok := t.rows[id]; ok {
			out = append(out, r)
		}
	}
	return out
}

// db is the simulator's whole state; it is only touched under Server.mu.
type db struct {
	tables map[string]*table
	// invoiceNumber is the last issued invoice number.
	invoiceNumber int
}

func newDB(defs []resourceDef) *db {
	d := &db{tables: map[string]*table{}}
	for i := range defs {
		def := &defs[i]
		d.tables[def.name] = &table{def: def, rows: map[int]*record{}, next: 1, index: map[string]map[string][]int{}}
	}
	return d
}

func (d *db) clone() *db {
	c := &db{tables: map[string]*table{}, invoiceNumber: d.invoiceNumber}
	for n, t := range d.tables {
		ct := &table{def: t.def, rows: map[int]*record{}, ids: append([]int(nil), t.ids...), next: t.next,
			index: make(map[string]map[string][]int, len(t.index))}
		for id, r := range t.rows {
			ct.rows[id] = r.clone()
		}
		for f, m := range t.index {
			cm := make(map[string][]int, len(m))
			for k, ids := range m {
				cm[k] = append([]int(nil), ids...)
			}
			ct.index[f] = cm
		}
		c.tables[n] = ct
	}
	return c
}

// insert stores r under the next id of the resource and returns it.
func (d *db) insert(resource string, r *record) *record {
	t := d.tables[resource]
	r.id = t.next
	t.next++
	t.rows[r.id] = r
	t.ids = append(t.ids, r.id)
	t.reindex(r)
	return r
}

// replace stores r as the record of its id (a webservice update) and
// indexes its new values.
func (d *db) replace(resource string, r *record) {
	t := d.tables[resource]
	t.rows[r.id] = r
	t.reindex(r)
}

func (d *db) get(resource string, id int) *record {
	t := d.tables[resource]
	if t == nil {
		return nil
	}
	return t.rows[id]
}

// all returns the resource's records in id order.
func (d *db) all(resource string) []*record {
	t := d.tables[resource]
	if t == nil {
		return nil
	}
	out := make([]*record, 0, len(t.ids))
	for _, id := range t.ids {
		if r, ok := t.rows[id]; ok { // not deleted
			out = append(out, r)
		}
	}
	return out
}

// find returns the records whose field equals v.
func (d *db) find(resource, field, v string) []*record {
	recs := d.all(resource)
	if d.indexed(resource, field) {
		recs = d.lookup(resource, field, []string{v})
	}
	var out []*record
	for _, r := range recs {
		if r.fields[field] == v {
			out = append(out, r)
		}
	}
	return out
}
