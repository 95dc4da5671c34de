package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/pgtest"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestDevRunsEverythingAndLeavesNothingBehind runs the real `bokfor dev`
// binary: the Web UI answers, the starter is ready, the demo tenant is
// seeded, and an interrupt stops every process it started.
func TestDevRunsEverythingAndLeavesNothingBehind(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	temporalBin, err := devserver.FindBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bokfor")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := pgtest.NewDatabase(t)
	ports := map[string]int{}
	var args []string
	for _, name := range []string{"temporal", "ui", "starter", "metrics", "prestashop", "fiken", "poweroffice", "woocommerce", "prestashop-po"} {
		ports[name] = freePort(t)
		args = append(args, fmt.Sprintf("--%s-port=%d", name, ports[name]))
	}
	cmd := exec.Command(bin, append([]string{"dev", "--state-dir", filepath.Join(dir, "state")}, args...)...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "BOKFOR_TEMPORAL_BIN="+temporalBin, "BOKFOR_SECRET_KEY=", "BOKFOR_SECRET_KEY_FILE=")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	deadline := time.After(90 * time.Second)
	for ready := false; !ready; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("bokfor dev exited early:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			ready = strings.Contains(l, "Ctrl-C stops everything")
		case <-deadline:
			t.Fatalf("bokfor dev not ready:\n%s", strings.Join(seen, "\n"))
		}
	}
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(fmt.Sprintf("http://127.0.0.1:%d/", ports["ui"])); code != 200 {
		t.Fatalf("Web UI answered %d", code)
	}
	if code, body := get(fmt.Sprintf("http://127.0.0.1:%d/readyz", ports["starter"])); code != 200 {
		t.Fatalf("starter /readyz %d %s", code, body)
	}
	if code, body := get(fmt.Sprintf("http://127.0.0.1:%d/metrics", ports["metrics"])); code != 200 || !strings.Contains(body, "temporal_") {
		t.Fatalf("worker /metrics %d", code)
	}
	list := exec.Command(bin, "tenant", "list")
	list.Env = append(os.Environ(), "DATABASE_URL="+db, "BOKFOR_SECRET_KEY=", "BOKFOR_SECRET_KEY_FILE="+filepath.Join(dir, "state", "secret.key"))
	out, err := list.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo ") || !strings.Contains(string(out), "demo-po") {
		t.Fatalf("tenant list: %v\n%s", err, out)
	}

	// Ctrl-C: everything stops, nothing is left listening.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for range lines {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("bokfor dev exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("bokfor dev did not stop within 30 s of Ctrl-C")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, p := range ports {
		if name == "woocommerce" {
			continue
		}
		var d net.Dialer
		if c, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			c.Close()
			t.Errorf("%s port %d still answers after Ctrl-C", name, p)
		}
	}
}
