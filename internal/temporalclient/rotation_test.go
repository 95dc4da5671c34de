package temporalclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/codec"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/secrets"
)

// waitForGo stands in for an order workflow that outlives a key
// rotation: its input is sealed before, its signal and result after.
func waitForGo(ctx workflow.Context, name string) (string, error) {
	var word string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &word)
	return word + " " + name, nil
}

func mustOptions(t *testing.T, cfg *config.Config, hostPort string) client.Options {
	t.Helper()
	cfg.TemporalAddress, cfg.TemporalNamespace = hostPort, "default"
	o, err := Options(cfg, zap.NewNop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// A workflow started under the old secret key finishes on workers that
// run with the new key and the old one in BOKFOR_SECRET_KEY_PREVIOUS; what
// they write is sealed with the new key only.
func TestKeyRotationKeepsRunningWorkflowsReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal dev server")
	}
	oldKey, newKey := secrets.GenerateKey(), secrets.GenerateKey()
	before := &config.Config{SecretKey: oldKey}
	after := &config.Config{SecretKey: newKey, SecretKeyPrevious: " , " + oldKey}

	srv := devserver.ForTest(t, mustOptions(t, before, ""))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const tq = "rotation-test"
	run, err := srv.Client().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "rotation", TaskQueue: tq}, waitForGo, "Kari")
	if err != nil {
		t.Fatal(err)
	}

	// The rotation: every process restarts with the new settings.
	cl, err := client.DialContext(ctx, mustOptions(t, after, srv.FrontendHostPort()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	w := worker.New(cl, tq, worker.Options{})
	w.RegisterWorkflow(waitForGo)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := cl.SignalWorkflow(ctx, "rotation", run.GetRunID(), "go", "Hei"); err != nil {
		t.Fatal(err)
	}
	var res string
	if err := cl.GetWorkflow(ctx, "rotation", run.GetRunID()).Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res != "Hei Kari" {
		t.Fatalf("result %q, want %q", res, "Hei Kari")
	}
	// The result was sealed with the new key: a process still on the old
	// key alone cannot read it.
	var stale string
	err = srv.Client().GetWorkflow(ctx, "rotation", run.GetRunID()).Get(ctx, &stale)
	if !errors.Is(err, codec.ErrUnknownKey) {
		t.Fatalf("old-key client reading the result: %v, want codec.ErrUnknownKey", err)
	}
}

func TestPayloadCodecSettings(t *testing.T) {
	t.Parallel()
	key := secrets.GenerateKey()
	tests := []struct {
		name    string
		cfg     config.Config
		wantNil bool
		wantErr string
	}{
		{"no key: no codec", config.Config{}, true, ""},
		{"key", config.Config{SecretKey: key}, false, ""},
		{"key and previous", config.Config{SecretKey: key, SecretKeyPrevious: secrets.GenerateKey() + "," + secrets.GenerateKey()}, false, ""},
		{"bad previous", config.Config{SecretKey: key, SecretKeyPrevious: secrets.GenerateKey() + ",short"}, false, "BOKFOR_SECRET_KEY_PREVIOUS (--secret-key-previous): key 2"},
		{"bad key", config.Config{SecretKey: "short"}, false, "BOKFOR_SECRET_KEY (--secret-key)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := PayloadCodec(&tt.cfg)
			if tt.wantErr != "" {
				var se *config.SettingError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a SettingError naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || (c == nil) != tt.wantNil {
				t.Fatalf("PayloadCodec = %v, %v; want nil=%v", c, err, tt.wantNil)
			}
		})
	}
}
