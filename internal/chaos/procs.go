package chaos

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// process is one supervised OS process. Like a process manager in
// production, the supervisor restarts it whenever it exits (killed by the
// chaos monkey or crashed on its own) until stop is called.
type process struct {
	name  string
	bin   string
	args  []string
	env   []string
	log   string // output file (appended across restarts)
	delay time.Duration

	mu      sync.Mutex
	cmd     *exec.Cmd
	started int // number of starts
	exits   int // exits not caused by kill or stop
	killing bool
	stopped bool
	up      chan struct{} // closed when the first start happened
	done    chan struct{} // closed when the supervisor returned
}

func newProcess(name, bin string, args, env []string, logFile string) *process {
	return &process{name: name, bin: bin, args: args, env: env, log: logFile, delay: time.Second,
		up: make(chan struct{}), done: make(chan struct{})}
}

// supervise starts the process and restarts it whenever it exits, until
// stop is called.
func (p *process) supervise(ctx context.Context) {
	defer close(p.done)
	first := true
	for {
		p.mu.Lock()
		if p.stopped || ctx.Err() != nil {
			p.mu.Unlock()
			return
		}
		out, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			p.mu.Unlock()
			return
		}
		cmd := exec.Command(p.bin, p.args...)
		cmd.Env = p.env
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		err = cmd.Start()
		if err == nil {
			p.cmd = cmd
			p.started++
			p.killing = false
		}
		p.mu.Unlock()
		if first {
			first = false
			close(p.up)
		}
		if err == nil {
			_ = cmd.Wait()
		}
		_ = out.Close()
		p.mu.Lock()
		if !p.killing && !p.stopped {
			p.exits++
		}
		stopped := p.stopped
		p.cmd = nil
		p.mu.Unlock()
		if stopped {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.delay):
		}
	}
}

// signal sends sig to the running process (its process group); the
// supervisor restarts it after its delay.
func (p *process) signal(sig syscall.Signal) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return false
	}
	p.killing = true
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)
	return true
}

// stop ends the process (SIGTERM, then SIGKILL after grace) and its
// supervisor.
func (p *process) stop(grace time.Duration) {
	p.mu.Lock()
	p.stopped = true
	cmd := p.cmd
	p.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	select {
	case <-p.done:
	case <-time.After(grace):
		p.mu.Lock()
		if p.cmd != nil && p.cmd.Process != nil {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
		p.mu.Unlock()
		<-p.done
	}
}

// counts returns how often the process was started and how often it
// exited on its own.
func (p *process) counts() (starts, crashes int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started, p.exits
}

// freeAddr returns a free 127.0.0.1 TCP address.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitTCP waits until addr accepts connections.
func waitTCP(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening after %s: %w", addr, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
