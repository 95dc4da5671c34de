package poweroffice

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// PageSize is the page size used when listing everything.
const PageSize = 1000

// listAll fetches every page of path one after the other (never in
// parallel: the rate limit is per subscription key). A 204 ends the list.
func listAll[T any](ctx context.Context, c *Client, op, path string, q url.Values) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("PageNumber", strconv.Itoa(page))
		qq.Set("PageSize", strconv.Itoa(PageSize))
		var items []T
		resp, err := c.do(ctx, request{method: http.MethodGet, path: path, op: op, query: qq}, &items)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if resp.status == http.StatusNoContent || len(items) < PageSize {
			return all, nil
		}
	}
}

// setStr adds a filter when s is not empty.
func setStr(q url.Values, name, s string) {
	if s != "" {
		q.Set(name, s)
	}
}
