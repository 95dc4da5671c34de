// Package devserver starts a real Temporal dev server (the `temporal` CLI
// built into ./bin by `make`) for `bokfor dev` and for integration tests,
// with bokfor's search attributes registered and the dynamic-config values
// that make it fast on a small machine: WAL for its SQLite file and a
// transfer-processor poll rate that removes the 0.5 s latency floor.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/bokfor/bokfor/workflows"
)

// Options configures a dev server.
type Options struct {
	// BinPath is the temporal CLI; empty: FindBinary.
	BinPath string
	// HostPort binds the frontend, e.g. "127.0.0.1:7233"; empty: a free port.
	HostPort string
	// UIPort enables the Web UI on that port; empty: no UI.
	UIPort string
	// DBFile persists state in a SQLite file; empty: in memory.
	DBFile string
	// Namespace to register; empty: "default".
	Namespace string
	// ClientOptions are the options of the returned client (HostPort and
	// Namespace are filled in).
	ClientOptions client.Options
	// Output receives the server's stdout and stderr; nil: discarded.
	Output io.Writer
	// UICodecEndpoint is the remote codec the Web UI decodes payloads
	// with (e.g. the starter's /codec); empty: none.
	UICodecEndpoint string
}

// ErrNoBinary means the temporal CLI was not found.
var ErrNoBinary = errors.New("temporal CLI not found: run `make tools` (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)")

// FindBinary returns $BOKFOR_TEMPORAL_BIN, else bin/temporal in the module
// root above the working directory, else `temporal` on PATH.
func FindBinary() (string, error) {
	if p := os.Getenv("BOKFOR_TEMPORAL_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("BOKFOR_TEMPORAL_BIN: %w", err)
		}
		return p, nil
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				p := filepath.Join(dir, "bin", "temporal")
				if _, err := os.Stat(p); err == nil {
					return p, nil
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	return "", ErrNoBinary
}

// DevServerCacheSize is how many workflows the dev server keeps in memory
// (Args): more than the 10 000 orders of the benchmarks' waiting scenario.
// With all of them cached it held about 8 KB more per workflow.
const DevServerCacheSize = 16384

// Args returns the extra start-dev arguments bokfor uses. The CLI turns
// on system.forceSearchAttributesCacheRefreshOnRead so that attributes
// created at run time show at once; bokfor registers its attributes with
// the server's start (--search-attribute), so Args turns it off again:
// with it on, every search-attribute read — each start, upsert and
// visibility write — reads the namespace and the cluster metadata from
// SQLite under a lock.
//
// The dev server has one history shard, and its mutable-state cache is
// the shard's: history.cacheMaxSize, 512 workflows by default (the CLI
// sizes the host-level cache, which is off). Every task of a workflow
// that fell out of it — an activity's timeout timer firing minutes
// later, a signal to a waiting order — first loads the workflow from
// SQLite. Args sizes it at DevServerCacheSize.
func Args(dbFile string) []string {
	args := append([]string{
		"--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000",
		"--dynamic-config-value", "frontend.namespaceCount=10000",
		"--dynamic-config-value", "system.forceSearchAttributesCacheRefreshOnRead=false",
		"--dynamic-config-value", "history.cacheMaxSize=" + strconv.Itoa(DevServerCacheSize),
	}, workflows.DevServerFlags()...)
	if dbFile != "" {
		args = append(args, "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal")
	}
	return args
}

// Start launches the dev server and returns it once it accepts clients.
// Stop it with (*testsuite.DevServer).Stop.
func Start(ctx context.Context, o Options) (*testsuite.DevServer, error) {
	bin := o.BinPath
	if bin == "" {
		var err error
		if bin, err = FindBinary(); err != nil {
			return nil, err
		}
	}
	co := o.ClientOptions
	co.HostPort = o.HostPort
	co.Namespace = o.Namespace
	if co.Namespace == "" {
		co.Namespace = "default"
	}
	out := o.Output
	if out == nil {
		out = io.Discard
	}
	if o.DBFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o755); err != nil {
			return nil, err
		}
	}
	extra := Args(o.DBFile)
	if o.UICodecEndpoint != "" {
		extra = append(extra, "--ui-codec-endpoint", o.UICodecEndpoint)
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		ClientOptions: &co,
		DBFilename:    o.DBFile,
		EnableUI:      o.UIPort != "",
		UIPort:        o.UIPort,
		LogLevel:      "warn",
		ExtraArgs:     extra,
		Stdout:        out,
		Stderr:        out,
	})
	if err != nil {
		return nil, fmt.Errorf("start temporal dev server (%s): %w", bin, err)
	}
	return srv, nil
}
