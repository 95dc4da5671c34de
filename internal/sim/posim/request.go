package posim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// apiErr is a handler failure, answered as ProblemDetails.
type apiErr struct {
	status int
	title  string
	detail string
}

func badRequest(format string, args ...any) *apiErr {
	return &apiErr{http.StatusBadRequest, "Validation failed", fmt.Sprintf(format, args...)}
}

func notFound(what string, id any) *apiErr {
	return &apiErr{http.StatusNotFound, "Object(s) not found", fmt.Sprintf("%s with id = %v not found.", what, id)}
}

func duplicate(what, ref string) *apiErr {
	return badRequest("%s with ExternalImportReference = %q already exists; ExternalImportReference must be unique.", what, ref)
}

// handler serves one API operation for the request's client; s.mu is held.
type handler func(w http.ResponseWriter, r *http.Request, cl *client) *apiErr

// route wraps a handler: privilege check, lock, error answer.
func (s *Server) route(privilege string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(s.opts.InvalidPrivileges, privilege) {
			writeProblem(w, http.StatusForbidden, "Forbidden", "The integration does not have the privilege "+privilege+".")
			return
		}
		cl := clientOf(r.Context())
		s.mu.Lock()
		e := h(w, r, cl)
		s.mu.Unlock()
		if e != nil {
			writeProblem(w, e.status, e.title, e.detail)
		}
	}
}

// decode reads a JSON request body.
func decode(r *http.Request, v any) *apiErr {
	ct := r.Header.Get("Content-Type")
	if !strings.Contains(ct, "json") {
		return &apiErr{http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type must be JSON, not " + strconv.Quote(ct)}
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return badRequest("request body: %v", err)
	}
	return nil
}

// writeList answers one page of items, 204 when it is empty.
func writeList[T any](w http.ResponseWriter, r *http.Request, items []T) *apiErr {
	q := r.URL.Query()
	page, size := 1, 5000
	if v := q.Get("PageNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("PageNumber must be a positive integer")
		}
		page = n
	}
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20000 {
			return badRequest("PageSize must be between 1 and 20000")
		}
		size = n
	}
	from := (page - 1) * size
	if from >= len(items) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	to := min(from+size, len(items))
	writeJSON(w, http.StatusOK, items[from:to])
	return nil
}

// list splits a comma-separated filter; nil when absent.
func list(q url.Values, name string) []string {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inRanges reports whether n matches PowerOffice's list syntax
// ("10000-11000,12000,13000-").
func inRanges(n int64, specs []string) bool {
	for _, sp := range specs {
		lo, hi, isRange := strings.Cut(sp, "-")
		if !isRange {
			if v, err := strconv.ParseInt(sp, 10, 64); err == nil && v == n {
				return true
			}
			continue
		}
		l, err1 := strconv.ParseInt(lo, 10, 64)
		if lo == "" {
			l, err1 = math.MinInt64, nil
		}
		h, err2 := strconv.ParseInt(hi, 10, 64)
		if hi == "" {
			h, err2 = math.MaxInt64, nil
		}
		if err1 == nil && err2 == nil && n >= l && n <= h {
			return true
		}
	}
	return false
}

// after parses an exclusive timestamp filter.
func after(q url.Values, name string) (time.Time, bool, *apiErr) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, badRequest("%s: %q is not a date-time", name, v)
	}
	return t, true, nil
}

// date parses an optional yyyy-mm-dd query value.
func date(q url.Values, name string) (string, *apiErr) {
	v := q.Get(name)
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return "", badRequest("%s: %q is not a date", name, v)
	}
	return v, nil
}

// ore converts a JSON double to øre, half away from zero.
func ore(x float64) int64 { return int64(math.Round(x * 100)) }

// nok converts øre to a JSON double.
func nok(o int64) float64 { return float64(o) / 100 }

// vatOf is net × rate rounded half away from zero (rate in basis points).
func vatOf(net, rateBP int64) int64 {
	p := net * rateBP
	neg := p < 0
	if neg {
		p = -p
	}
	q := p / 10000
	if 2*(p%10000) >= 10000 {
		q++
	}
	if neg {
		q = -q
	}
	return q
}

func pathInt(r *http.Request, name string) (int64, *apiErr) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, badRequest("%s must be an integer", name)
	}
	return v, nil
}
