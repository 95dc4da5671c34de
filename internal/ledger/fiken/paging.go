package fiken

import (
	"context"
	"net/url"
	"strconv"
)

// PageSize is the page size used when listing everything (Fiken's max).
const PageSize = 100

// Page is one page of a list with Fiken's paging headers.
type Page[T any] struct {
	Items []T
	// Page is the 0-based page number.
	Page int
	// PageCount is Fiken-Api-Page-Count.
	PageCount int
	// ResultCount is Fiken-Api-Result-Count, the total number of matches.
	ResultCount int
}

// getPage fetches one page of path.
func getPage[T any](ctx context.Context, c *Client, op, path string, q url.Values, page, size int) (Page[T], error) {
	qq := url.Values{}
	for k, v := range q {
		qq[k] = v
	}
	qq.Set("page", strconv.Itoa(page))
	qq.Set("pageSize", strconv.Itoa(size))
	var items []T
	resp, err := c.do(ctx, request{method: "GET", path: path, op: op, query: qq}, &items)
	if err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Items: items, Page: page, PageCount: -1, ResultCount: -1}
	if n, err := strconv.Atoi(resp.header.Get("Fiken-Api-Page-Count")); err == nil {
		p.PageCount = n
	}
	if n, err := strconv.Atoi(resp.header.Get("Fiken-Api-Result-Count")); err == nil {
		p.ResultCount = n
	}
	return p, nil
}

// listAll fetches every page of path, one after the other (never in
// parallel: Fiken allows one request in flight).
func listAll[T any](ctx context.Context, c *Client, op, path string, q url.Values) ([]T, error) {
	var all []T
	for page := 0; ; page++ {
		p, err := getPage[T](ctx, c, op, path, q, page, PageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.PageCount >= 0 {
			if page+1 >= p.PageCount {
				return all, nil
			}
		} else if len(p.Items) < PageSize {
			return all, nil
		}
	}
}

// DateFilter filters a date field with Fiken's five forms; values are
// yyyy-MM-dd (date only: Fiken has no time filters). Empty fields are not
// sent.
type DateFilter struct {
	Eq, Le, Lt, Ge, Gt string
}

// apply adds the filter for field name (e.g. "lastModified") to q.
func (d DateFilter) apply(q url.Values, name string) {
	for suffix, v := range map[string]string{"": d.Eq, "Le": d.Le, "Lt": d.Lt, "Ge": d.Ge, "Gt": d.Gt} {
		if v != "" {
			q.Set(name+suffix, v)
		}
	}
}

// setBool adds a boolean filter when b is not nil.
func setBool(q url.Values, name string, b *bool) {
	if b != nil {
		q.Set(name, strconv.FormatBool(*b))
	}
}

// setStr adds a string filter when s is not empty.
func setStr(q url.Values, name, s string) {
	if s != "" {
		q.Set(name, s)
	}
}

// setInt adds an integer filter when n is not zero.
func setInt(q url.Values, name string, n int64) {
	if n != 0 {
		q.Set(name, strconv.FormatInt(n, 10))
	}
}
