package prestashopsim

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// isDateField reports fields that PrestaShop only filters and sorts with date=1.
func isDateField(def *resourceDef, name string) bool {
	f, ok := def.field(name)
	return ok && (f.format == "isDate" || name == "date_add" || name == "date_upd")
}

// fieldValue returns a record's value for filtering and sorting.
func fieldValue(r *record, name string, lang int) string {
	if name == "id" {
		return itoa(r.id)
	}
	if m, ok := r.lang[name]; ok {
		if lang == 0 {
			lang = 1
		}
		return m[lang]
	}
	return r.fields[name]
}

// compare orders two raw values: as integers when both are, else as
// strings (MySQL comparing a column with a quoted string).
func compare(a, b string) int {
	ai, okA := parseInt(a)
	bi, okB := parseInt(b)
	return compareParsed(a, ai, okA, b, bi, okB)
}

// compareParsed is compare of a and b given their parseInt results.
func compareParsed(a string, ai int64, okA bool, b string, bi int64, okB bool) int {
	if okA && okB {
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// parseInt is strconv.ParseInt(v, 10, 64) without the error: a value
// with a character that is neither a digit nor a leading sign (a date, a
// name) is rejected before ParseInt allocates its error, which made
// sorting and range-filtering 50 000 dates per list request cost
// allocations by the million.
func parseInt(v string) (int64, bool) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < '0' || c > '9') && (i > 0 || (c != '+' && c != '-')) {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// sortKey is one record's value of one sort field, parsed once.
type sortKey struct {
	v  string
	n  int64
	ok bool
}

// matcher tests one field value against a filter expression.
type matcher func(v string) bool

// parseFilter parses a filter value per SQLUtils::getSQLRetrieveFilter.
func parseFilter(expr string) (matcher, bool) {
	switch {
	case strings.HasPrefix(expr, ">[") && strings.HasSuffix(expr, "]"):
		x := expr[2 : len(expr)-1]
		return func(v string) bool { return compare(v, x) > 0 }, true
	case strings.HasPrefix(expr, "<[") && strings.HasSuffix(expr, "]"):
		x := expr[2 : len(expr)-1]
		return func(v string) bool { return compare(v, x) < 0 }, true
	case strings.HasPrefix(expr, "![") && strings.HasSuffix(expr, "]"):
		alts := strings.Split(expr[2:len(expr)-1], "|")
		return func(v string) bool {
			for _, a := range alts {
				if compare(v, a) == 0 {
					return false
				}
			}
			return true
		}, true
	case strings.HasPrefix(expr, "%[") || strings.HasPrefix(expr, "["):
		pre := strings.HasPrefix(expr, "%")
		e := strings.TrimPrefix(expr, "%")
		suf := strings.HasSuffix(e, "]%")
		e = strings.TrimSuffix(e, "%")
		if !strings.HasPrefix(e, "[") || !strings.HasSuffix(e, "]") {
			return nil, false
		}
		inner := e[1 : len(e)-1]
		if pre || suf {
			lv := strings.ToLower(inner)
			return func(v string) bool {
				v = strings.ToLower(v)
				switch {
				case pre && suf:
					return strings.Contains(v, lv)
				case pre:
					return strings.HasSuffix(v, lv)
				}
				return strings.HasPrefix(v, lv)
			}, true
		}
		if lo, hi, ok := strings.Cut(inner, ","); ok {
			// BETWEEN lo AND hi, inclusive, on the raw strings.
			return func(v string) bool { return compare(v, lo) >= 0 && compare(v, hi) <= 0 }, true
		}
		return oneOf(strings.Split(inner, "|")), true
	}
	return nil, false
}

// oneOf matches a value equal (as compare has it) to one of alts. It is
// a set look-up, not a loop: the product sync reads a hundred products
// per request with filter[id]=[a|b|...] over catalogues of 50 000, and a
// loop of compare calls made every such request cost seconds.
func oneOf(alts []string) matcher {
	nums, strs := map[int64]bool{}, map[string]bool{}
	for _, a := range alts {
		if n, err := strconv.ParseInt(a, 10, 64); err == nil {
			nums[n] = true
		} else {
			strs[a] = true
		}
	}
	// compare is numeric when both sides are integers and a plain string
	// comparison otherwise, so an integer value can equal only a numeric
	// alternative and any other value only an identical string.
	return func(v string) bool {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return nums[n]
		}
		return strs[v]
	}
}

// query runs a list request: filters, sort, limit.
func (s *Server) query(req *apiRequest) ([]*record, *wsError) {
	def := s.db.tables[req.resource].def
	if _, e := parseDisplay(req.q.Get("display")); e != nil {
		return nil, e
	}
	dateOK := req.q.Get("date") == "1"
	known := func(n string) bool {
		if n == "id" {
			return true
		}
		_, ok := def.field(n)
		return ok
	}
	var filters []filter
	keys := make([]string, 0)
	for k := range req.q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasPrefix(k, "filter[") || !strings.HasSuffix(k, "]") {
			continue
		}
		name := k[len("filter[") : len(k)-1]
		if !known(name) {
			return nil, errf(http.StatusBadRequest, 31, `This filter does not exist: "`+name+`"`)
		}
		if isDateField(def, name) && !dateOK {
			return nil, errf(http.StatusBadRequest, 32, `The "`+name+`" field cannot be used as a filter without date=1`)
		}
		m, ok := parseFilter(req.q.Get(k))
		if !ok {
			return nil, errf(http.StatusBadRequest, 34, `The filter "`+name+`" is malformed`)
		}
		filters = append(filters, filter{name, req.q.Get(k), m})
	}
	type key struct {
		field string
		desc  bool
	}
	var ks []key
	if sv := req.q.Get("sort"); sv != "" {
		sv = strings.TrimSuffix(strings.TrimPrefix(sv, "["), "]")
		for _, p := range strings.Split(sv, ",") {
			var k key
			switch {
			case strings.HasSuffix(p, "_ASC"):
				k.field = strings.TrimSuffix(p, "_ASC")
			case strings.HasSuffix(p, "_DESC"):
				k.field, k.desc = strings.TrimSuffix(p, "_DESC"), true
			default:
				return nil, errf(http.StatusBadRequest, 37, `The "sort" value has to be formed as this example: "field_ASC" or '[field_1_DESC,field_2_ASC,field_3_ASC,...]'`)
			}
			if !known(k.field) {
				return nil, errf(http.StatusBadRequest, 38, `Unable to sort by the field "`+k.field+`"`)
			}
			if isDateField(def, k.field) && !dateOK {
				return nil, errf(http.StatusBadRequest, 38, `The "`+k.field+`" field cannot be used for sorting without date=1`)
			}
			ks = append(ks, k)
		}
	}
	// The limit is applied to the filtered, sorted records; those are
	// kept for the next page of the same listing until the next write.
	cacheKey := listKey(req)
	if c := &s.listed; c.gen == s.mu.gen && c.key == cacheKey {
		return limit(req, c.recs)
	}
	var out []*record
	for _, r := range s.candidates(req, filters) {
		if !s.inShop(r, req.shop) {
			continue
		}
		keep := true
		for _, f := range filters {
			if !f.m(fieldValue(r, f.field, req.lang)) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, r)
		}
	}
	if len(ks) > 0 {
		// Each record's sort values are read and parsed once, not in
		// every comparison: the product sync pages through a whole
		// catalogue sorted by date_upd and id.
		type row struct {
			r    *record
			keys []sortKey
		}
		rows := make([]row, len(out))
		flat := make([]sortKey, len(out)*len(ks))
		for i, r := range out {
			rows[i] = row{r, flat[i*len(ks) : (i+1)*len(ks)]}
			for j, k := range ks {
				if k.field == "id" { // an integer: compared as one, its text unused
					rows[i].keys[j] = sortKey{n: int64(r.id), ok: true}
					continue
				}
				v := fieldValue(r, k.field, req.lang)
				n, ok := parseInt(v)
				rows[i].keys[j] = sortKey{v, n, ok}
			}
		}
		slices.SortStableFunc(rows, func(x, y row) int {
			for j, k := range ks {
				a, b := x.keys[j], y.keys[j]
				if c := compareParsed(a.v, a.n, a.ok, b.v, b.n, b.ok); c != 0 {
					if k.desc {
						return -c
					}
					return c
				}
			}
			return 0
		})
		for i := range rows {
			out[i] = rows[i].r
		}
	}
	s.listed = listCache{gen: s.mu.gen, key: cacheKey, recs: out}
	return limit(req, out)
}

// limit applies the request's limit ("n" or "offset,n") to out.
func limit(req *apiRequest, out []*record) ([]*record, *wsError) {
	if lv := req.q.Get("limit"); lv != "" {
		off, n := 0, 0
		var err error
		if a, b, ok := strings.Cut(lv, ","); ok {
			off, err = strconv.Atoi(strings.TrimSpace(a))
			if err == nil {
				n, err = strconv.Atoi(strings.TrimSpace(b))
			}
		} else {
			n, err = strconv.Atoi(strings.TrimSpace(lv))
		}
		if err != nil || off < 0 || n < 0 {
			return nil, errf(http.StatusBadRequest, 36, "The limit value is invalid")
		}
		if off >= len(out) {
			out = nil
		} else {
			out = out[off:]
		}
		if n < len(out) {
			out = out[:n]
		}
	}
	return out, nil
}

// candidates are the records a list request can return, in id order:
// with filter[id]=[a|b|...] (ids, as the product sync's batch reads send)
// only those records, else every record of the resource. The filters are
// applied to them all the same.
func (s *Server) candidates(req *apiRequest, filters []filter) []*record {
	v := req.q.Get("filter[id]")
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") || strings.Contains(v, ",") {
		return s.indexCandidates(req.resource, filters)
	}
	var ids []int
	for _, a := range strings.Split(v[1:len(v)-1], "|") {
		n, err := strconv.Atoi(a)
		if err != nil {
			return s.db.all(req.resource)
		}
		ids = append(ids, n)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []*record
	for _, id := range ids {
		if r := s.db.get(req.resource, id); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// filter is one filter[field] of a list request: its expression and
// the matcher parsed from it.
type filter struct {
	field, expr string
	m           matcher
}

// indexCandidates narrows a list request by its first equality filter
// ([a|b|...], no range, pattern or negation) on an indexed field, and
// otherwise returns every record.
func (s *Server) indexCandidates(resource string, filters []filter) []*record {
	for _, f := range filters {
		v := f.expr
		if s.db.indexed(resource, f.field) && strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") && !strings.ContainsAny(v, ",%") {
			return s.db.lookup(resource, f.field, strings.Split(v[1:len(v)-1], "|"))
		}
	}
	return s.db.all(resource)
}

// listKey names what a list request selects and in which order: its
// resource, language, shop and every parameter but the limit.
func listKey(req *apiRequest) string {
	q := make(url.Values, len(req.q))
	for k, v := range req.q {
		if k != "limit" {
			q[k] = v
		}
	}
	return req.resource + "?" + strconv.Itoa(req.lang) + "&" + strconv.Itoa(req.shop) + "&" + q.Encode()
}
