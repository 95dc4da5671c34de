package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// result is one command run.
type result struct {
	code   int
	stdout string
	stderr string
	logs   *observer.ObservedLogs
}

func runCmd(t *testing.T, envv map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	core, logs := observer.New(zapcore.DebugLevel)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return envv[k] }, logger: zap.New(core)}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	code := 0
	if err := root.ExecuteContext(ctx); err != nil {
		errb.WriteString("bokfor: " + strings.ReplaceAll(err.Error(), "\n", " ") + "\n")
		code = 1
	}
	return result{code, out.String(), errb.String(), logs}
}

func TestBadSettingStopsWithOneLineNamingIt(t *testing.T) {
	t.Parallel()
	key := secrets.GenerateKey()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"worker database url", map[string]string{"DATABASE_URL": "mysql://db/x", "BOKFOR_SECRET_KEY": key}, []string{"worker"}, "DATABASE_URL (--database-url)"},
		{"worker temporal address", map[string]string{"TEMPORAL_ADDRESS": "nohostport", "BOKFOR_SECRET_KEY": key}, []string{"worker"}, "TEMPORAL_ADDRESS (--temporal-address)"},
		{"worker secret key", map[string]string{"BOKFOR_SECRET_KEY": "too-short"}, []string{"worker"}, "BOKFOR_SECRET_KEY (--secret-key)"},
		{"starter missing key", nil, []string{"starter"}, "BOKFOR_SECRET_KEY (--secret-key): is required"},
		{"starter http addr", map[string]string{"BOKFOR_SECRET_KEY": key}, []string{"starter", "--http-addr", "8080"}, "BOKFOR_HTTP_ADDR (--http-addr)"},
		{"migrate log format", map[string]string{"BOKFOR_LOG_FORMAT": "xml"}, []string{"migrate"}, "BOKFOR_LOG_FORMAT (--log-format)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, tt.env, "", tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, want failure; stdout=%q", r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("stderr %q does not name %q", r.stderr, tt.want)
			}
			if n := strings.Count(r.stderr, "\n"); n != 1 {
				t.Fatalf("stderr has %d lines, want exactly one: %q", n, r.stderr)
			}
		})
	}
}

func TestWorkerRefusesUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	envv := map[string]string{"DATABASE_URL": db, "BOKFOR_SECRET_KEY": secrets.GenerateKey(), "TEMPORAL_ADDRESS": "127.0.0.1:1"}
	for _, cmd := range []string{"worker", "starter"} {
		r := runCmd(t, envv, "", cmd)
		if r.code == 0 || !strings.Contains(r.stderr, "database schema is not migrated") || !strings.Contains(r.stderr, "run `bokfor migrate`") {
			t.Fatalf("%s on unmigrated db: code %d, stderr %q", cmd, r.code, r.stderr)
		}
	}
	if r := runCmd(t, envv, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if r := runCmd(t, envv, "", "migrate"); r.code != 0 {
		t.Fatalf("second migrate: %s", r.stderr)
	}
	// Migrated: the worker gets past the schema check and fails on Temporal instead.
	r := runCmd(t, envv, "", "worker")
	if r.code == 0 || strings.Contains(r.stderr, "schema") || !strings.Contains(r.stderr, "temporal at 127.0.0.1:1") {
		t.Fatalf("worker on migrated db without Temporal: code %d, stderr %q", r.code, r.stderr)
	}
}

func TestTenantLifecycleNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDatabase(t)
	envv := map[string]string{"DATABASE_URL": db, "BOKFOR_SECRET_KEY": secrets.GenerateKey()}
	if r := runCmd(t, envv, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	example := tenant.ExampleYAML()
	ex, err := tenant.Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(file, example, 0o600); err != nil {
		t.Fatal(err)
	}
	var all []result
	step := func(stdin string, args ...string) result {
		r := runCmd(t, envv, stdin, args...)
		all = append(all, r)
		if r.code != 0 {
			t.Fatalf("%v: %s", args, r.stderr)
		}
		return r
	}
	step("", "tenant", "add", file)
	if r := runCmd(t, envv, "", "tenant", "add", file); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate add: %+v", r)
	}
	if r := step("", "tenant", "list"); !strings.Contains(r.stdout, "demo") || !strings.Contains(r.stdout, "Demo butikk AS") {
		t.Fatalf("list: %q", r.stdout)
	}
	show := step("", "tenant", "show", "demo")
	if !strings.Contains(show.stdout, "ledger_token: (set)") || !strings.Contains(show.stdout, "company: demo") {
		t.Fatalf("show: %q", show.stdout)
	}
	upd := strings.Replace(string(example), "name: Demo butikk AS", "name: Nytt navn AS", 1)
	step(upd, "tenant", "update", "-")
	if r := step("", "tenant", "show", "demo"); !strings.Contains(r.stdout, "Nytt navn AS") {
		t.Fatalf("update not applied: %q", r.stdout)
	}
	bad := strings.Replace(string(example), "stock_master: ledger", "stock_master: both", 1)
	if r := runCmd(t, envv, bad, "tenant", "update", "-"); r.code == 0 || !strings.Contains(r.stderr, "settings.stock_master") {
		t.Fatalf("bad update: %+v", r)
	}
	step("", "tenant", "remove", "demo")
	if r := runCmd(t, envv, "", "tenant", "show", "demo"); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("show after remove: %+v", r)
	}
	// No secret in any output or log line of any step.
	for _, r := range all {
		text := r.stdout + r.stderr
		for _, entry := range r.logs.All() {
			text += entry.Message
			for k, v := range entry.ContextMap() {
				text += k + "=" + toString(v)
			}
		}
		for name, v := range ex.Secrets {
			if strings.Contains(text, v) {
				t.Fatalf("secret %s appeared in output or logs: %q", name, text)
			}
		}
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return ""
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := runCmd(t, nil, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "bokfor ") || !strings.Contains(r.stdout, fmt.Sprintf("schema %d", store.LatestVersion())) {
		t.Fatalf("version: %+v", r)
	}
}
