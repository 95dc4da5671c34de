package prestashopsim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestOneOfMatchesAsCompareDoes checks the set look-up of a [a|b|...]
// filter against the definition it replaces: some alternative compares
// equal to the value (as integers when both are, else as strings).
func TestOneOfMatchesAsCompareDoes(t *testing.T) {
	t.Parallel()
	alts := []string{"1", "07", "-3", "abc", " 5", "2026-01-02 10:00:00", ""}
	values := []string{"1", "01", "7", "007", "-3", "3", "abc", "ABC", "5", " 5", "2026-01-02 10:00:00", "2026-01-02", "", "x", "99999999999999999999"}
	m := oneOf(alts)
	for _, v := range values {
		want := false
		for _, a := range alts {
			if compare(v, a) == 0 {
				want = true
			}
		}
		if got := m(v); got != want {
			t.Errorf("value %q: matched %v, compare says %v", v, got, want)
		}
	}
}

// TestIDFilterListsThoseRecordsInIDOrder lists products by an id filter
// (the look-up shortcut) and by an id range (the full scan): both in id
// order, unknown ids left out, the other filters still applied.
func TestIDFilterListsThoseRecordsInIDOrder(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{}))
	defer srv.Close()
	for _, tc := range []struct{ query, want string }{
		{"filter[id]=[3|1|999|1]", `{"products":[{"id":1},{"id":3}]}`},
		{"filter[id]=[04|2]", `{"products":[{"id":2},{"id":4}]}`},
		{"filter[id]=[2,4]", `{"products":[{"id":2},{"id":3},{"id":4}]}`},
		{"filter[id]=[1|2|3]&filter[reference]=[nothing]", `[]`},
	} {
		path := "/api/products?output_format=JSON&display=[id]&" + strings.NewReplacer("[", "%5B", "]", "%5D", "|", "%7C").Replace(tc.query)
		code, _, body := do(t, srv, http.MethodGet, path, "", true)
		if code != http.StatusOK || strings.TrimSpace(body) != tc.want {
			t.Errorf("%s: %d %s, want %s", tc.query, code, body, tc.want)
		}
	}
}

// TestParseIntIsStrconvParseInt checks the allocation-free integer test
// of compare against strconv.ParseInt(v, 10, 64), which it stands for.
func TestParseIntIsStrconvParseInt(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "0", "7", "-3", "+4", "007", "-", "+", "--1", "1-", " 5", "5 ", "1_000", "0x1f", "2026-01-02 10:00:00",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "abc", "١٢"} {
		n, ok := parseInt(v)
		wantN, err := strconv.ParseInt(v, 10, 64)
		if ok != (err == nil) || (ok && n != wantN) {
			t.Errorf("parseInt(%q) = %d, %v; strconv says %d, %v", v, n, ok, wantN, err)
		}
	}
}

// TestPagedListingSeesWrites pages through a sorted listing, whose
// filtered and sorted records are kept between pages, with a request in
// between: a write (through the control API or the webservice) must show
// on the next page request, a read changes nothing.
func TestPagedListingSeesWrites(t *testing.T) {
	t.Parallel()
	const list = "/api/products?output_format=JSON&display=%5Breference%5D&date=1&sort=%5Bdate_upd_DESC,id_ASC%5D" +
		"&filter%5Breference%5D=%5BBX-1%7CBX-2%7CBX-3%7CBX-4%5D&limit="
	tests := []struct {
		name    string
		between func(t *testing.T, s *Server, srv *httptest.Server, ids []int)
		want    string
	}{
		{"nothing", func(*testing.T, *Server, *httptest.Server, []int) {}, `{"products":[{"reference":"BX-2"},{"reference":"BX-1"}]}`},
		{"a read", func(t *testing.T, _ *Server, srv *httptest.Server, ids []int) {
			if code, _, body := do(t, srv, http.MethodGet, "/api/products/"+strconv.Itoa(ids[0]), "", true); code != http.StatusOK {
				t.Fatalf("GET: %d %s", code, body)
			}
		}, `{"products":[{"reference":"BX-2"},{"reference":"BX-1"}]}`},
		{"a product added", func(t *testing.T, s *Server, _ *httptest.Server, _ []int) {
			if _, err := s.AddProducts([]SeedProduct{{Reference: "BX-4", Name: "Bench 4", PriceTaxExcl: "1.00", TaxRate: "25", DateUpd: "2026-01-04 00:00:00"}}); err != nil {
				t.Fatal(err)
			}
		}, `{"products":[{"reference":"BX-3"},{"reference":"BX-2"},{"reference":"BX-1"}]}`},
		{"a product deleted", func(t *testing.T, _ *Server, srv *httptest.Server, ids []int) {
			if code, _, body := do(t, srv, http.MethodDelete, "/api/products/"+strconv.Itoa(ids[2]), "", true); code != http.StatusOK {
				t.Fatalf("DELETE: %d %s", code, body)
			}
		}, `{"products":[{"reference":"BX-1"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{})
			srv := httptest.NewServer(s)
			defer srv.Close()
			var seed []SeedProduct
			for i := 1; i <= 3; i++ {
				seed = append(seed, SeedProduct{Reference: "BX-" + strconv.Itoa(i), Name: "Bench", PriceTaxExcl: "1.00", TaxRate: "25",
					DateUpd: "2026-01-0" + strconv.Itoa(i) + " 00:00:00"})
			}
			ids, err := s.AddProducts(seed)
			if err != nil {
				t.Fatal(err)
			}
			if code, _, body := do(t, srv, http.MethodGet, list+"0,1", "", true); code != http.StatusOK || body != `{"products":[{"reference":"BX-3"}]}` {
				t.Fatalf("first page: %d %s", code, body)
			}
			tc.between(t, s, srv, ids)
			if code, _, body := do(t, srv, http.MethodGet, list+"1,5", "", true); code != http.StatusOK || body != tc.want {
				t.Fatalf("next page after %s: %d %s, want %s", tc.name, code, body, tc.want)
			}
		})
	}
}

// TestIndexedFilterListsWhatAScanLists answers equality filters on
// indexed fields from the index and checks them against a scan of the
// whole table: integers equal by value ("007" is 7), other values only
// as the same string, a record moved by a webservice update found under
// its new value and not its old one, deleted records left out, and the
// other filters still applied.
func TestIndexedFilterListsWhatAScanLists(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	add := func(order, name string) *record {
		r := newRecord()
		r.fields["id_order"], r.fields["product_name"] = order, name
		return s.db.insert("order_details", r)
	}
	add("7", "a")
	add("007", "b")
	add("8", "c")
	moved := add("9", "d")
	add("abc", "e")
	add("ABC", "f")
	gone := add("7", "g")
	m := moved.clone()
	m.fields["id_order"] = "7"
	s.db.replace("order_details", m)
	delete(s.db.tables["order_details"].rows, gone.id)

	for _, q := range []string{"[7]", "[07|8]", "[9]", "[abc]", "[ABC|x]", "[]", "[7]&filter[product_name]=[b]", "[1,9]", "%[b]%"} {
		v := url.Values{}
		first, rest, _ := strings.Cut(q, "&")
		v.Set("filter[id_order]", first)
		if rest != "" {
			k, val, _ := strings.Cut(rest, "=")
			v.Set(k, val)
		}
		req := &apiRequest{method: http.MethodGet, resource: "order_details", q: v}
		s.listed = listCache{}
		got, werr := s.query(req)
		if werr != nil {
			t.Fatalf("%s: %v", q, werr)
		}
		var want []int
		for _, r := range s.db.all("order_details") {
			keep := true
			for k := range v {
				mt, _ := parseFilter(v.Get(k))
				keep = keep && mt(fieldValue(r, k[len("filter["):len(k)-1], 0))
			}
			if keep {
				want = append(want, r.id)
			}
		}
		var ids []int
		for _, r := range got {
			ids = append(ids, r.id)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("filter %s: listed %v, a scan lists %v", q, ids, want)
		}
	}
	if got := s.db.find("order_details", "id_order", "007"); len(got) != 1 || got[0].fields["product_name"] != "b" {
		t.Errorf("find is an exact string match: %v", got)
	}
}
