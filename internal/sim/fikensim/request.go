package fikensim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiError is a failure a handler answers with.
type apiError struct {
	status int
	msg    string
}

// Error returns the message.
func (e *apiError) Error() string { return e.msg }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(what string, id any) *apiError {
	return &apiError{status: http.StatusNotFound, msg: fmt.Sprintf("%s %v not found", what, id)}
}

// decodeJSON reads a strict JSON body into v: 415 unless the content type
// is application/json, 400 on an empty body, unknown fields, wrong types
// or trailing data.
func decodeJSON(r *http.Request, v any) *apiError {
	if e := requireJSON(r); e != nil {
		return e
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return badRequest("could not read body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return badRequest("request body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid request body: %v", err)
	}
	if dec.More() {
		return badRequest("invalid request body: trailing data")
	}
	return nil
}

// requireJSON answers 415 unless the request declares application/json.
func requireJSON(r *http.Request) *apiError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("Unsupported Media Type %q: we accept application/json only", r.Header.Get("Content-Type"))}
	}
	return nil
}

// hasBody reports whether the request carries a non-empty body.
func hasBody(r *http.Request) bool { return r.ContentLength > 0 || len(r.TransferEncoding) > 0 }

// required fails for a missing required field.
func required(ok bool, field string) *apiError {
	if !ok {
		return badRequest("%s: must not be null", field)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// checkDate validates a yyyy-MM-dd value.
func checkDate(v, field string) *apiError {
	if _, err := time.Parse(dateFormat, v); err != nil {
		return badRequest("%s: invalid date %q, expected yyyy-MM-dd", field, v)
	}
	return nil
}

// pathID parses a path wildcard as an id.
func pathID(r *http.Request, name string) (int64, *apiError) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, notFound(name, r.PathValue(name))
	}
	return id, nil
}

// dateFilter is one field's five date filter forms.
type dateFilter struct{ eq, le, lt, ge, gt string }

// parseDateFilter reads field, fieldLe, fieldLt, fieldGe and fieldGt from
// q; values must be dates (no times: Fiken's filters are date-only).
func parseDateFilter(q url.Values, field string) (dateFilter, *apiError) {
	var f dateFilter
	for suffix, dst := range map[string]*string{"": &f.eq, "Le": &f.le, "Lt": &f.lt, "Ge": &f.ge, "Gt": &f.gt} {
		v := q.Get(field + suffix)
		if v == "" {
			continue
		}
		if e := checkDate(v, field+suffix); e != nil {
			return f, e
		}
		*dst = v
	}
	return f, nil
}

// match reports whether the date d passes the filter.
func (f dateFilter) match(d string) bool {
	return (f.eq == "" || d == f.eq) && (f.le == "" || d <= f.le) && (f.lt == "" || d < f.lt) &&
		(f.ge == "" || d >= f.ge) && (f.gt == "" || d > f.gt)
}

// boolFilter parses an optional boolean query parameter.
func boolFilter(q url.Values, name string) (*bool, *apiError) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest("%s: invalid boolean %q", name, v)
	}
	return &b, nil
}

// intFilter parses an optional integer query parameter.
func intFilter(q url.Values, name string) (int64, *apiError) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("%s: invalid integer %q", name, v)
	}
	return n, nil
}

// writePage answers a list with Fiken's paging (page from 0, pageSize
// 1..100, default 25) and Fiken-Api-* headers.
func writePage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	writePageFunc(w, r, items, func(t T) T { return t })
}

// writePageFunc is writePage for items that are rendered only when they
// are on the requested page (rendering every match for every page made a
// listing of n objects cost O(n²/pageSize) in the simulator).
func writePageFunc[T, U any](w http.ResponseWriter, r *http.Request, items []T, render func(T) U) {
	q := r.URL.Query()
	page, size := 0, 25
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeAPIError(w, badRequest("page: invalid value %q", v))
			return
		}
		page = n
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeAPIError(w, badRequest("pageSize: must be between 1 and 100, was %q", v))
			return
		}
		size = n
	}
	total := len(items)
	pages := (total + size - 1) / size
	from := min(page*size, total)
	to := min(from+size, total)
	out := make([]U, 0, to-from)
	for _, it := range items[from:to] {
		out = append(out, render(it))
	}
	h := w.Header()
	h.Set("Fiken-Api-Page", strconv.Itoa(page))
	h.Set("Fiken-Api-Page-Size", strconv.Itoa(size))
	h.Set("Fiken-Api-Page-Count", strconv.Itoa(pages))
	h.Set("Fiken-Api-Result-Count", strconv.Itoa(total))
	writeJSON(w, http.StatusOK, out)
}

// writeAPIError answers e.
func writeAPIError(w http.ResponseWriter, e *apiError) { writeError(w, e.status, e.msg) }

// baseURL is the scheme and host for Location headers.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// created answers 201 with an empty body and the Location of the new
// resource (path relative to /api/v2/companies/{slug}).
func (s *Server) created(w http.ResponseWriter, r *http.Request, co *company, rel string) {
	s.located(w, r, co, rel, http.StatusCreated)
}

// located answers status with an empty body and a Location.
func (s *Server) located(w http.ResponseWriter, r *http.Request, co *company, rel string, status int) {
	w.Header().Set("Location", s.baseURL(r)+"/api/v2/companies/"+co.Slug+rel)
	w.WriteHeader(status)
}

// handler is an API handler for one company; it runs under Server.mu.
type handler func(w http.ResponseWriter, r *http.Request, co *company) *apiError

// companyScoped resolves the company and runs h under the state lock.
func (s *Server) companyScoped(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		co := s.st.companies[r.PathValue("slug")]
		if co == nil {
			writeError(w, http.StatusForbidden, "Forbidden: no access to company "+r.PathValue("slug"))
			return
		}
		if !co.HasAPIAccess {
			writeError(w, http.StatusForbidden, "Company "+co.Slug+" does not have access to the API module")
			return
		}
		if e := h(w, r, co); e != nil {
			writeAPIError(w, e)
		}
	}
}

// today is the simulator's current date.
func (s *Server) today() string { return s.opts.Now().Format(dateFormat) }

// errNoCounter is Fiken's message when a number series is missing.
func errNoCounter(kind string) *apiError {
	return badRequest("Missing number series for drafts of type: %s", kind)
}
