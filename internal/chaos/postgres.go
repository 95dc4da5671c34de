package chaos

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNoPostgresBinaries means no initdb/pg_ctl was found for a private
// cluster.
var ErrNoPostgresBinaries = errors.New("chaos: no PostgreSQL server binaries (initdb, pg_ctl) found")

// FindPostgresBin returns the directory holding initdb and pg_ctl:
// $BOKFOR_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin, else
// the directory of initdb on $PATH.
func FindPostgresBin() (string, error) {
	ok := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl"} {
			if st, err := os.Stat(filepath.Join(dir, b)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("BOKFOR_PG_BIN"); d != "" {
		if ok(d) {
			return d, nil
		}
		return "", fmt.Errorf("%w in $BOKFOR_PG_BIN=%s", ErrNoPostgresBinaries, d)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if ok(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && ok(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", ErrNoPostgresBinaries
}

// pgCluster is the run's private PostgreSQL cluster: initdb'd in a
// directory of its own, listening on 127.0.0.1 at a free port with trust
// authentication and its unix socket in that directory, so that it can be
// stopped and started without disturbing anyone else's server. initdb
// refuses to run as root; as root the cluster belongs to the "postgres"
// OS user and its commands run through runuser.
type pgCluster struct {
	bin    string // directory of initdb and pg_ctl
	dir    string // holds data/, sock/ and postgres.log
	port   int
	asUser string // OS user to run as ("" = this process's)
}

// startCluster creates and starts a private cluster.
func startCluster(bin string) (*pgCluster, error) {
	c := &pgCluster{bin: bin}
	dir, err := os.MkdirTemp("", "bokfor-chaos-pg-")
	if err != nil {
		return nil, fmt.Errorf("chaos: cluster directory: %w", err)
	}
	c.dir = dir
	if err := os.Mkdir(filepath.Join(dir, "sock"), 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("chaos: running as root, initdb needs another OS user and there is no \"postgres\" user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{dir, filepath.Join(dir, "sock")} {
			if err := os.Chown(p, uid, gid); err != nil {
				_ = os.RemoveAll(dir)
				return nil, fmt.Errorf("chaos: cluster directory for user postgres: %w", err)
			}
		}
		c.asUser = "postgres"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("chaos: free port: %w", err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	if out, err := c.cmd("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("chaos: initdb: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if err := c.start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// logFile is the server's log.
func (c *pgCluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

// adminURL is the maintenance database of the cluster.
func (c *pgCluster) adminURL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// cmd runs one of the cluster's binaries as the cluster's OS user. It is
// not bound to a context: a cluster command must not be cut off halfway
// (pg_ctl's own -t bounds it).
func (c *pgCluster) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// start starts the server and waits until it accepts connections. The
// server runs fsync=off: a fast shutdown checkpoints everything, and
// nothing here survives a machine crash anyway.
func (c *pgCluster) start() error {
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c max_connections=200", c.port, filepath.Join(c.dir, "sock"))
	out, err := c.cmd("pg_ctl", "-D", c.data(), "-l", c.logFile(), "-w", "-t", "60", "-o", opts, "start").CombinedOutput()
	if err != nil {
		return fmt.Errorf("chaos: pg_ctl start: %w: %s (see %s)", err, strings.TrimSpace(string(out)), c.logFile())
	}
	return nil
}

// stop shuts the server down: mode "fast" (roll back open transactions,
// close connections, checkpoint) or "immediate".
func (c *pgCluster) stop(mode string) error {
	out, err := c.cmd("pg_ctl", "-D", c.data(), "-w", "-t", "60", "-m", mode, "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("chaos: pg_ctl stop: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// restart stops the server (fast: every client connection is cut), keeps
// it down for outage and starts it again on the same port.
func (c *pgCluster) restart(ctx context.Context, outage time.Duration) error {
	if err := c.stop("fast"); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-time.After(outage):
	}
	return c.start()
}

// remove stops the server, copies its log to logCopy (if not empty) and
// deletes the cluster unless keep.
func (c *pgCluster) remove(logCopy string, keep bool) {
	_ = c.stop("fast")
	if logCopy != "" {
		if b, err := os.ReadFile(c.logFile()); err == nil {
			_ = os.WriteFile(logCopy, b, 0o600)
		}
	}
	if !keep {
		_ = os.RemoveAll(c.dir)
	}
}
