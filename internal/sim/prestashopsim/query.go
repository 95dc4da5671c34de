package prestashopsim

import (
	"net/http"
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
	ai, errA := strconv.ParseInt(a, 10, 64)
	bi, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
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
	type flt struct {
		field string
		m     matcher
	}
	var filters []flt
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
		filters = append(filters, flt{name, m})
	}
	var out []*record
	for _, r := range s.candidates(req) {
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
	if sv := req.q.Get("sort"); sv != "" {
		sv = strings.TrimSuffix(strings.TrimPrefix(sv, "["), "]")
		type key struct {
			field string
			desc  bool
		}
		var ks []key
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
		sort.SliceStable(out, func(i, j int) bool {
			for _, k := range ks {
				c := compare(fieldValue(out[i], k.field, req.lang), fieldValue(out[j], k.field, req.lang))
				if c != 0 {
					return (c < 0) != k.desc
				}
			}
			return false
		})
	}
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
func (s *Server) candidates(req *apiRequest) []*record {
	v := req.q.Get("filter[id]")
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") || strings.Contains(v, ",") {
		return s.db.all(req.resource)
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
