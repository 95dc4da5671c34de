package logging

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestNewRejectsBadSettings(t *testing.T) {
	t.Parallel()
	if _, err := New("xml", "info"); err == nil {
		t.Fatal("format xml accepted")
	}
	if _, err := New("json", "loud"); err == nil {
		t.Fatal("level loud accepted")
	}
	for _, f := range []string{"json", "console"} {
		if _, err := New(f, "debug"); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
}

func TestAccessLogOmitsQuery(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zap.InfoLevel)
	h := AccessLog(zap.New(core), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("ok"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/webhooks/demo/prestashop?token=s3cret", nil))
	if logs.Len() != 1 {
		t.Fatalf("%d log lines, want 1", logs.Len())
	}
	f := logs.All()[0].ContextMap()
	if f["status"] != int64(202) || f["path"] != "/webhooks/demo/prestashop" || f["bytes"] != int64(2) {
		t.Fatalf("fields = %v", f)
	}
	for _, v := range f {
		if s, ok := v.(string); ok && s != "" && strings.Contains(s, "s3cret") {
			t.Fatalf("access log leaked the query: %v", f)
		}
	}
}

func TestTemporalAdapter(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zap.DebugLevel)
	l := Temporal(zap.New(core))
	l.Info("worker started", "TaskQueue", "bokfor")
	if logs.Len() != 1 || logs.All()[0].Message != "worker started" || logs.All()[0].ContextMap()["TaskQueue"] != "bokfor" {
		t.Fatalf("logs = %+v", logs.All())
	}
}
