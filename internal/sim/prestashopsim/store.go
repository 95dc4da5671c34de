package prestashopsim

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
		d.tables[def.name] = &table{def: def, rows: map[int]*record{}, next: 1}
	}
	return d
}

func (d *db) clone() *db {
	c := &db{tables: map[string]*table{}, invoiceNumber: d.invoiceNumber}
	for n, t := range d.tables {
		ct := &table{def: t.def, rows: map[int]*record{}, ids: append([]int(nil), t.ids...), next: t.next}
		for id, r := range t.rows {
			ct.rows[id] = r.clone()
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
	return r
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
	var out []*record
	for _, r := range d.all(resource) {
		if r.fields[field] == v {
			out = append(out, r)
		}
	}
	return out
}
