// Package simhttp holds the HTTP plumbing the API simulators share: a
// response recorder, so that injected faults apply after the handler ran
// (a write that commits and then loses its answer), and a way to drop the
// client connection without any answer.
package simhttp

import (
	"bytes"
	"net/http"
)

// Recorder buffers a response.
type Recorder struct {
	// Status is the first status written (200 once a body is written).
	Status int
	// Body is the buffered body.
	Body   bytes.Buffer
	header http.Header
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{header: http.Header{}} }

// Header returns the buffered header.
func (r *Recorder) Header() http.Header { return r.header }

// Write buffers body bytes.
func (r *Recorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.Body.Write(b)
}

// WriteHeader records the first status.
func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
}

// CopyTo writes the buffered response to w.
func (r *Recorder) CopyTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body.Bytes())
}

// DropConnection closes the client connection without an answer. Where
// the connection cannot be hijacked (HTTP/2, a test recorder) it aborts
// the handler, which resets the stream without a response.
func DropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
