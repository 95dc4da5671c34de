// Command bokfor books webshop sales in Norwegian accounting systems and
// keeps shop and ledger in step, on durable Temporal workflows.
//
// One binary, many roles: `bokfor worker` runs the workflows, `bokfor
// starter` receives webhooks, `bokfor migrate` prepares the database,
// `bokfor tenant` manages shops and ledgers, and `bokfor dev` runs all of
// it with simulators on one machine. `bokfor help` lists every command.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. Any
// error is printed as a single line on stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	root := newRoot(&env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv})
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "bokfor: "+strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}
