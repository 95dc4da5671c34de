package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	t.Parallel()
	// pid (comm with spaces) state ppid … utime=250 stime=50 (fields 14, 15).
	line := "4242 (temporal server) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 12 0 100 0 0"
	if got, want := parseStatCPU(line), 3*time.Second; got != want {
		t.Fatalf("parseStatCPU = %v, want %v", got, want)
	}
	if got := parseStatCPU("garbage"); got != 0 {
		t.Fatalf("parseStatCPU(garbage) = %v, want 0", got)
	}
}

func TestPercentilesNearestRank(t *testing.T) {
	t.Parallel()
	var xs []float64
	for i := 100; i >= 1; i-- {
		xs = append(xs, float64(i))
	}
	p := percentiles(xs)
	if p.P50 != 50 || p.P95 != 95 || p.P99 != 99 || p.Max != 100 {
		t.Fatalf("percentiles = %+v", p)
	}
	if xs[0] != 100 {
		t.Fatal("percentiles sorted its input")
	}
	if (percentiles(nil) != Percentiles{}) {
		t.Fatal("empty input must give zeros")
	}
}

func TestDocRecorderNotesCreatedDocumentsOnly(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "fail") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	d := newDocRecorder(next)
	post := func(path, body string) {
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
	}
	post("/api/v2/companies/a/invoices", `{"orderReference":"a-1"}`)
	post("/api/v2/companies/a/sales", `{"saleNumber":"a-2"}`)
	post("/api/v2/companies/fail/invoices", `{"orderReference":"a-3"}`)
	post("/api/v2/companies/a/contacts", `{"orderReference":"a-4"}`)
	if n := d.count([]string{"a-1", "a-2", "a-3", "a-4"}); n != 2 {
		t.Fatalf("%d documents recorded, want 2 (a-1, a-2)", n)
	}
	first, last := d.span([]string{"a-1", "a-2"})
	if first.IsZero() || last.Before(first) {
		t.Fatalf("span = %v, %v", first, last)
	}
	if n := d.requestsBetween(time.Time{}, time.Now()); n != 4 {
		t.Fatalf("%d API requests, want 4", n)
	}
}

func TestRunFileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		scenarios []string
		want      string
	}{
		{"every scenario", AllScenarios, "run"},
		{"every scenario, other order", []string{ScenarioWaiting, ScenarioSync, ScenarioLimit, ScenarioLatency, ScenarioCeiling, ScenarioCalls}, "run"},
		{"one scenario", []string{ScenarioSync}, "run-sync"},
		{"two scenarios", []string{ScenarioSync, ScenarioWaiting}, "run-sync-waiting"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := runFileName(tc.scenarios); got != tc.want {
				t.Fatalf("runFileName(%v) = %q, want %q", tc.scenarios, got, tc.want)
			}
		})
	}
}
