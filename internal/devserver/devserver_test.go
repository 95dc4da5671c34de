package devserver

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/temporalclient"
)

func TestDevServerHasSearchAttributes(t *testing.T) {
	t.Parallel()
	srv := ForTest(t, client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	missing, err := temporalclient.MissingSearchAttributes(ctx, srv.Client(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) != 0 {
		t.Fatalf("dev server lacks search attributes %v", missing)
	}
}
