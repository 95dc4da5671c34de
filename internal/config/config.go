// Package config reads bokfor's process settings from the environment and
// command-line flags and validates them before anything starts, so that a
// wrong or missing value stops the process with one line naming the
// setting.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"go.uber.org/zap/zapcore"

	"github.com/bokfor/bokfor/internal/secrets"
)

// Defaults for a single-machine installation.
const (
	DefaultDatabaseURL       = "postgres://postgres@127.0.0.1:5432/bokfor?sslmode=disable"
	DefaultTemporalAddress   = "127.0.0.1:7233"
	DefaultTemporalNamespace = "default"
	DefaultTaskQueue         = "bokfor"
	DefaultHTTPAddr          = "127.0.0.1:8080"
	DefaultMetricsAddr       = "127.0.0.1:9090"
)

// Config holds the settings shared by bokfor's processes. Which fields a
// command uses is declared when it binds its flags.
type Config struct {
	// DatabaseURL is the PostgreSQL connection URL (DATABASE_URL).
	DatabaseURL string
	// TemporalAddress is host:port of the Temporal frontend (TEMPORAL_ADDRESS).
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace (TEMPORAL_NAMESPACE).
	TemporalNamespace string
	// TemporalAPIKey authenticates to Temporal Cloud (TEMPORAL_API_KEY); optional.
	TemporalAPIKey string
	// TemporalTLSCert and TemporalTLSKey are paths to an mTLS client
	// certificate and key (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY); optional.
	TemporalTLSCert string
	TemporalTLSKey  string
	// TaskQueue is the Temporal task queue of bokfor's workers (BOKFOR_TASK_QUEUE).
	TaskQueue string
	// SecretKey is the base64 AES-256 key that seals tenant secrets (BOKFOR_SECRET_KEY).
	SecretKey string
	// SecretKeyFile is a file holding the key instead (BOKFOR_SECRET_KEY_FILE).
	SecretKeyFile string
	// SecretKeyPrevious lists earlier secret keys, comma-separated base64
	// (BOKFOR_SECRET_KEY_PREVIOUS): values and workflow payloads sealed
	// with them stay readable after a rotation; nothing new is sealed
	// with them.
	SecretKeyPrevious string
	// LogFormat is json or console (BOKFOR_LOG_FORMAT).
	LogFormat string
	// LogLevel is debug, info, warn or error (BOKFOR_LOG_LEVEL).
	LogLevel string
	// HTTPAddr is the starter's listen address (BOKFOR_HTTP_ADDR).
	HTTPAddr string
	// MetricsAddr is where the worker serves /metrics (BOKFOR_METRICS_ADDR).
	MetricsAddr string
	// WorkflowCacheSize is how many workflows a worker keeps in memory
	// between their tasks (BOKFOR_WORKFLOW_CACHE_SIZE); see
	// WorkflowCache.
	WorkflowCacheSize string
}

// Setting names a configuration value by its environment variable and flag.
type Setting struct {
	Env  string
	Flag string
}

func (s Setting) String() string { return s.Env + " (--" + s.Flag + ")" }

// The settings, for error messages and binding.
var (
	SetDatabaseURL       = Setting{"DATABASE_URL", "database-url"}
	SetTemporalAddress   = Setting{"TEMPORAL_ADDRESS", "temporal-address"}
	SetTemporalNamespace = Setting{"TEMPORAL_NAMESPACE", "temporal-namespace"}
	SetTemporalAPIKey    = Setting{"TEMPORAL_API_KEY", "temporal-api-key"}
	SetTemporalTLSCert   = Setting{"TEMPORAL_TLS_CERT", "temporal-tls-cert"}
	SetTemporalTLSKey    = Setting{"TEMPORAL_TLS_KEY", "temporal-tls-key"}
	SetTaskQueue         = Setting{"BOKFOR_TASK_QUEUE", "task-queue"}
	SetSecretKey         = Setting{"BOKFOR_SECRET_KEY", "secret-key"}
	SetSecretKeyFile     = Setting{"BOKFOR_SECRET_KEY_FILE", "secret-key-file"}
	SetSecretKeyPrevious = Setting{"BOKFOR_SECRET_KEY_PREVIOUS", "secret-key-previous"}
	SetLogFormat         = Setting{"BOKFOR_LOG_FORMAT", "log-format"}
	SetLogLevel          = Setting{"BOKFOR_LOG_LEVEL", "log-level"}
	SetHTTPAddr          = Setting{"BOKFOR_HTTP_ADDR", "http-addr"}
	SetMetricsAddr       = Setting{"BOKFOR_METRICS_ADDR", "metrics-addr"}
	SetWorkflowCacheSize = Setting{"BOKFOR_WORKFLOW_CACHE_SIZE", "workflow-cache-size"}
)

// DefaultWorkflowCacheSize is the worker's workflow cache unless
// configured: the Temporal SDK's own default.
const DefaultWorkflowCacheSize = 10000

// SettingError is a bad or missing setting. Its message is one line that
// names the environment variable and the flag.
type SettingError struct {
	Setting Setting
	Problem string
	// err is a sentinel the problem matches (errors.Is), if any.
	err error
}

// Unwrap returns the sentinel error the problem matches, if any.
func (e *SettingError) Unwrap() error { return e.err }

// Error returns "invalid setting ENV (--flag): problem".
func (e *SettingError) Error() string {
	return fmt.Sprintf("invalid setting %s: %s", e.Setting, e.Problem)
}

// Getenv reads an environment variable; tests replace it.
type Getenv func(string) string

// Group is a set of settings a command needs.
type Group int

// Setting groups; a command binds the groups it uses.
const (
	Database Group = 1 << iota
	Temporal
	Secrets
	Logging
	HTTP
	Metrics
	// Worker is the worker's own tuning (the workflow cache).
	Worker
)

// Bind registers the flags of the given groups on fs, with defaults taken
// from the environment (getenv) or the built-in defaults.
func (c *Config) Bind(fs *pflag.FlagSet, groups Group, getenv Getenv) {
	if getenv == nil {
		getenv = os.Getenv
	}
	str := func(p *string, s Setting, def, usage string) {
		v := getenv(s.Env)
		if v == "" {
			v = def
		}
		fs.StringVar(p, s.Flag, v, usage+" ["+s.Env+"]")
	}
	if groups&Database != 0 {
		str(&c.DatabaseURL, SetDatabaseURL, DefaultDatabaseURL, "PostgreSQL connection URL")
	}
	if groups&Temporal != 0 {
		str(&c.TemporalAddress, SetTemporalAddress, DefaultTemporalAddress, "Temporal frontend host:port")
		str(&c.TemporalNamespace, SetTemporalNamespace, DefaultTemporalNamespace, "Temporal namespace")
		str(&c.TemporalAPIKey, SetTemporalAPIKey, "", "Temporal Cloud API key")
		str(&c.TemporalTLSCert, SetTemporalTLSCert, "", "path of a TLS client certificate for Temporal")
		str(&c.TemporalTLSKey, SetTemporalTLSKey, "", "path of the TLS client key for Temporal")
		str(&c.TaskQueue, SetTaskQueue, DefaultTaskQueue, "Temporal task queue")
	}
	if groups&Secrets != 0 {
		str(&c.SecretKey, SetSecretKey, "", "base64 AES-256 key that encrypts tenant secrets")
		str(&c.SecretKeyFile, SetSecretKeyFile, "", "file holding the base64 secret key")
		str(&c.SecretKeyPrevious, SetSecretKeyPrevious, "", "earlier secret keys, comma-separated base64, kept readable after a rotation")
	}
	if groups&Logging != 0 {
		str(&c.LogFormat, SetLogFormat, "json", "log format: json or console")
		str(&c.LogLevel, SetLogLevel, "info", "log level: debug, info, warn or error")
	}
	if groups&HTTP != 0 {
		str(&c.HTTPAddr, SetHTTPAddr, DefaultHTTPAddr, "starter listen address")
	}
	if groups&Metrics != 0 {
		str(&c.MetricsAddr, SetMetricsAddr, DefaultMetricsAddr, "address of the Prometheus /metrics endpoint (empty: off)")
	}
	if groups&Worker != 0 {
		str(&c.WorkflowCacheSize, SetWorkflowCacheSize, strconv.Itoa(DefaultWorkflowCacheSize),
			"workflows kept in memory between their tasks; size it above the orders waiting for settlement (about 15 KB each)")
	}
}

// Validate checks the settings of the given groups and returns the first
// problem as a *SettingError.
func (c *Config) Validate(groups Group) error {
	if groups&Database != 0 {
		if err := validateDatabaseURL(c.DatabaseURL); err != "" {
			return &SettingError{Setting: SetDatabaseURL, Problem: err}
		}
	}
	if groups&Temporal != 0 {
		if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil || c.TemporalAddress == "" {
			return &SettingError{Setting: SetTemporalAddress, Problem: fmt.Sprintf("%q is not host:port", c.TemporalAddress)}
		}
		if strings.TrimSpace(c.TemporalNamespace) == "" {
			return &SettingError{Setting: SetTemporalNamespace, Problem: "must not be empty"}
		}
		if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
			return &SettingError{Setting: SetTemporalTLSKey, Problem: "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be given together"}
		}
		for _, p := range []struct {
			s Setting
			v string
		}{{SetTemporalTLSCert, c.TemporalTLSCert}, {SetTemporalTLSKey, c.TemporalTLSKey}} {
			if p.v != "" {
				if _, err := os.Stat(p.v); err != nil {
					return &SettingError{Setting: p.s, Problem: fmt.Sprintf("cannot read %s: %v", p.v, errors.Unwrap(err))}
				}
			}
		}
		if strings.TrimSpace(c.TaskQueue) == "" {
			return &SettingError{Setting: SetTaskQueue, Problem: "must not be empty"}
		}
	}
	if groups&Secrets != 0 {
		if _, err := c.SecretBox(); err != nil {
			return err
		}
	}
	if groups&Logging != 0 {
		if c.LogFormat != "json" && c.LogFormat != "console" {
			return &SettingError{Setting: SetLogFormat, Problem: fmt.Sprintf("%q must be json or console", c.LogFormat)}
		}
		if _, err := zapcore.ParseLevel(c.LogLevel); err != nil {
			return &SettingError{Setting: SetLogLevel, Problem: fmt.Sprintf("%q must be debug, info, warn or error", c.LogLevel)}
		}
	}
	if groups&HTTP != 0 {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			return &SettingError{Setting: SetHTTPAddr, Problem: fmt.Sprintf("%q is not host:port", c.HTTPAddr)}
		}
	}
	if groups&Worker != 0 {
		if _, err := c.WorkflowCache(); err != nil {
			return err
		}
	}
	if groups&Metrics != 0 && c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return &SettingError{Setting: SetMetricsAddr, Problem: fmt.Sprintf("%q is not host:port", c.MetricsAddr)}
		}
	}
	return nil
}

// WorkflowCache returns the configured workflow cache size. A worker keeps
// that many workflows in memory between their tasks; a workflow that
// fell out of the cache is replayed from its history on its next task.
// An order waiting for settlement gets a task when its invoice number is
// recorded and when it is paid, so a worker whose cache holds every
// waiting order answers those without replaying. A bad value is a
// *SettingError.
func (c *Config) WorkflowCache() (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.WorkflowCacheSize))
	if err != nil || n < 1 {
		return 0, &SettingError{Setting: SetWorkflowCacheSize, Problem: fmt.Sprintf("%q must be a positive whole number of workflows", c.WorkflowCacheSize)}
	}
	return n, nil
}

func validateDatabaseURL(s string) string {
	if s == "" {
		return "is required, e.g. " + DefaultDatabaseURL
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a URL"
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Sprintf("scheme %q must be postgres://", u.Scheme)
	}
	if strings.Trim(u.Path, "/") == "" {
		return "names no database (postgres://host:5432/DBNAME)"
	}
	return ""
}

// ErrNoSecretKey means neither BOKFOR_SECRET_KEY nor BOKFOR_SECRET_KEY_FILE
// is set.
var ErrNoSecretKey = errors.New("no secret key configured")

// SecretKeys returns the configured secret key and the previous keys of
// BOKFOR_SECRET_KEY_PREVIOUS. A bad value is a *SettingError naming its
// setting; no key at all is a *SettingError wrapping ErrNoSecretKey.
func (c *Config) SecretKeys() (current []byte, previous [][]byte, err error) {
	switch {
	case c.SecretKey != "" && c.SecretKeyFile != "":
		return nil, nil, &SettingError{Setting: SetSecretKey, Problem: "give BOKFOR_SECRET_KEY or BOKFOR_SECRET_KEY_FILE, not both"}
	case c.SecretKey != "":
		if current, err = secrets.ParseKey(c.SecretKey); err != nil {
			return nil, nil, &SettingError{Setting: SetSecretKey, Problem: err.Error() + " (generate one with `bokfor tenant keygen`)"}
		}
	case c.SecretKeyFile != "":
		if current, err = secrets.LoadKeyFile(c.SecretKeyFile); err != nil {
			return nil, nil, &SettingError{Setting: SetSecretKeyFile, Problem: err.Error()}
		}
	default:
		return nil, nil, &SettingError{Setting: SetSecretKey, Problem: "is required to encrypt tenant secrets (generate one with `bokfor tenant keygen`)", err: ErrNoSecretKey}
	}
	for i, s := range strings.Split(c.SecretKeyPrevious, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		k, err := secrets.ParseKey(s)
		if err != nil {
			return nil, nil, &SettingError{Setting: SetSecretKeyPrevious, Problem: fmt.Sprintf("key %d: %v", i+1, err)}
		}
		previous = append(previous, k)
	}
	return current, previous, nil
}

// SecretBox returns the box for the configured secret key (and the
// previous keys), or a *SettingError naming the key setting.
func (c *Config) SecretBox() (*secrets.Box, error) {
	key, previous, err := c.SecretKeys()
	if err != nil {
		return nil, err
	}
	return secrets.New(key, previous...)
}
