package devserver

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
)

// ForTest starts an in-memory dev server for one test and stops it when
// the test ends. The test fails (it does not skip) when the CLI is
// missing: `make test` builds it first.
func ForTest(t testing.TB, co client.Options) *testsuite.DevServer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := Start(ctx, Options{ClientOptions: co})
	if err != nil {
		t.Fatalf("devserver: %v", err)
	}
	t.Cleanup(func() {
		srv.Client().Close()
		if err := srv.Stop(); err != nil {
			t.Logf("devserver stop: %v", err)
		}
	})
	return srv
}
