package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/bokfor/bokfor/internal/secrets"
)

func TestValidateNamesTheSetting(t *testing.T) {
	t.Parallel()
	good := map[string]string{"BOKFOR_SECRET_KEY": secrets.GenerateKey()}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"ok", nil, nil, ""},
		{"db scheme", map[string]string{"DATABASE_URL": "mysql://x/y"}, nil, "DATABASE_URL (--database-url)"},
		{"db name", nil, []string{"--database-url", "postgres://127.0.0.1:5432"}, "DATABASE_URL (--database-url): names no database"},
		{"temporal address", map[string]string{"TEMPORAL_ADDRESS": "localhost"}, nil, "TEMPORAL_ADDRESS (--temporal-address)"},
		{"namespace", nil, []string{"--temporal-namespace", " "}, "TEMPORAL_NAMESPACE"},
		{"tls half", map[string]string{"TEMPORAL_TLS_CERT": "/x.pem"}, nil, "TEMPORAL_TLS_KEY"},
		{"secret key", map[string]string{"BOKFOR_SECRET_KEY": "short"}, nil, "BOKFOR_SECRET_KEY (--secret-key)"},
		{"secret file", map[string]string{"BOKFOR_SECRET_KEY": "", "BOKFOR_SECRET_KEY_FILE": "/nonexistent/key"}, nil, "BOKFOR_SECRET_KEY_FILE"},
		{"no secret", map[string]string{"BOKFOR_SECRET_KEY": ""}, nil, "BOKFOR_SECRET_KEY (--secret-key): is required"},
		{"log format", map[string]string{"BOKFOR_LOG_FORMAT": "xml"}, nil, "BOKFOR_LOG_FORMAT"},
		{"log level", nil, []string{"--log-level", "loud"}, "BOKFOR_LOG_LEVEL"},
		{"http addr", map[string]string{"BOKFOR_HTTP_ADDR": "8080"}, nil, "BOKFOR_HTTP_ADDR"},
		{"metrics addr", nil, []string{"--metrics-addr", "nine"}, "BOKFOR_METRICS_ADDR"},
		{"workflow cache", map[string]string{"BOKFOR_WORKFLOW_CACHE_SIZE": "lots"}, nil, "BOKFOR_WORKFLOW_CACHE_SIZE (--workflow-cache-size)"},
		{"workflow cache zero", nil, []string{"--workflow-cache-size", "0"}, "must be a positive whole number"},
		{"workflow cache set", map[string]string{"BOKFOR_WORKFLOW_CACHE_SIZE": "25000"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := func(k string) string {
				if v, ok := tt.env[k]; ok {
					return v
				}
				return good[k]
			}
			var c Config
			all := Database | Temporal | Secrets | Logging | HTTP | Metrics | Worker
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			c.Bind(fs, all, env)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Validate(all)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var se *SettingError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a SettingError mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestWorkflowCacheDefaultsToTheSDKs(t *testing.T) {
	t.Parallel()
	var c Config
	c.Bind(pflag.NewFlagSet("t", pflag.ContinueOnError), Worker, func(string) string { return "" })
	if n, err := c.WorkflowCache(); err != nil || n != DefaultWorkflowCacheSize {
		t.Fatalf("WorkflowCache() = %d, %v; want %d", n, err, DefaultWorkflowCacheSize)
	}
	c.Bind(pflag.NewFlagSet("t", pflag.ContinueOnError), Worker, func(string) string { return " 25000 " })
	if n, err := c.WorkflowCache(); err != nil || n != 25000 {
		t.Fatalf("WorkflowCache() from the environment = %d, %v; want 25000", n, err)
	}
}

func TestFlagOverridesEnv(t *testing.T) {
	t.Parallel()
	var c Config
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.Bind(fs, Temporal, func(k string) string {
		if k == "TEMPORAL_NAMESPACE" {
			return "from-env"
		}
		return ""
	})
	if c.TemporalNamespace != "from-env" {
		t.Fatalf("env default not applied: %q", c.TemporalNamespace)
	}
	_ = fs.Parse([]string{"--temporal-namespace", "from-flag"})
	if c.TemporalNamespace != "from-flag" {
		t.Fatalf("flag did not override: %q", c.TemporalNamespace)
	}
}
