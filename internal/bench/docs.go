package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// docRecorder wraps the Fiken simulator and notes when each ledger
// document (invoice or sale, by our reference) was created: the moment the
// simulator answered 201 to its POST. It adds no request to the API.
type docRecorder struct {
	next http.Handler

	mu      sync.Mutex
	created map[string]time.Time
	// arrivals are the arrival times of every Fiken API request.
	arrivals []time.Time
}

func newDocRecorder(next http.Handler) *docRecorder {
	return &docRecorder{next: next, created: map[string]time.Time{}}
}

// ServeHTTP passes the request on and records created documents.
func (d *docRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/v2/") {
		d.mu.Lock()
		d.arrivals = append(d.arrivals, time.Now())
		d.mu.Unlock()
	}
	if r.Method != http.MethodPost || !(strings.HasSuffix(r.URL.Path, "/invoices") || strings.HasSuffix(r.URL.Path, "/sales")) {
		d.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w}
	d.next.ServeHTTP(sw, r)
	if sw.status != http.StatusCreated {
		return
	}
	at := time.Now()
	var doc struct {
		OrderReference string `json:"orderReference"`
		SaleNumber     string `json:"saleNumber"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return
	}
	ref := doc.OrderReference
	if ref == "" {
		ref = doc.SaleNumber
	}
	if ref == "" {
		return
	}
	d.mu.Lock()
	if _, ok := d.created[ref]; !ok {
		d.created[ref] = at
	}
	d.mu.Unlock()
}

// at returns when the document with reference ref was created.
func (d *docRecorder) at(ref string) (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.created[ref]
	return t, ok
}

// requestsBetween counts API requests that arrived in [from, to].
func (d *docRecorder) requestsBetween(from, to time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, t := range d.arrivals {
		if !t.Before(from) && !t.After(to) {
			n++
		}
	}
	return n
}

// perSecond counts API request arrivals in one-second buckets from from
// to to.
func (d *docRecorder) perSecond(from, to time.Time) []int {
	n := int(to.Sub(from)/time.Second) + 1
	if n <= 0 {
		return nil
	}
	out := make([]int, n)
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range d.arrivals {
		if i := int(t.Sub(from) / time.Second); !t.Before(from) && i < n {
			out[i]++
		}
	}
	return out
}

// gaps returns the intervals between consecutive API request arrivals
// in [from, to], in milliseconds.
func (d *docRecorder) gaps(from, to time.Time) []float64 {
	d.mu.Lock()
	var in []time.Time
	for _, t := range d.arrivals {
		if !t.Before(from) && !t.After(to) {
			in = append(in, t)
		}
	}
	d.mu.Unlock()
	slices.SortFunc(in, time.Time.Compare)
	var out []float64
	for i := 1; i < len(in); i++ {
		out = append(out, ms(in[i].Sub(in[i-1])))
	}
	return out
}

// span returns the first and last creation time of refs' documents.
func (d *docRecorder) span(refs []string) (first, last time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range refs {
		t, ok := d.created[r]
		if !ok {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

// count returns how many of refs were created.
func (d *docRecorder) count(refs []string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, r := range refs {
		if _, ok := d.created[r]; ok {
			n++
		}
	}
	return n
}

// wait blocks until every document of refs was created, or ctx ends.
func (d *docRecorder) wait(ctx context.Context, refs []string) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for d.count(refs) < len(refs) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// statusWriter remembers the status code; it lets the simulator hijack
// the connection for its drop faults.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	return hj.Hijack()
}
