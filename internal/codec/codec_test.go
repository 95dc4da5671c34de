package codec

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/bokfor/bokfor/internal/devserver"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func mustCodec(t *testing.T, keys ...[]byte) *Codec {
	t.Helper()
	c, err := New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func plainPayload(t *testing.T) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"email": "kari.nordmann@example.no", "name": "Kari Nordmann"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTripHidesDataAndEncoding(t *testing.T) {
	c := mustCodec(t, newKey(t))
	in := plainPayload(t)
	enc, err := c.Encode([]*commonpb.Payload{in})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := proto.Marshal(enc[0])
	for _, s := range []string{"kari", "Nordmann", "json/plain"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Fatalf("encrypted payload contains %q", s)
		}
	}
	if got := string(enc[0].Metadata[MetadataKeyID]); got != c.KeyID() {
		t.Fatalf("key id %q, want %q", got, c.KeyID())
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(dec[0], in) {
		t.Fatalf("decoded %v, want %v", dec[0], in)
	}
	// Two encodings of the same value differ (random nonce).
	again, _ := c.Encode([]*commonpb.Payload{in})
	if bytes.Equal(again[0].Data, enc[0].Data) {
		t.Fatal("the same plaintext encrypted twice gave the same ciphertext")
	}
}

func TestKeyRotationOpensOldPayloads(t *testing.T) {
	oldKey, newKey := newKey(t), newKey(t)
	old := mustCodec(t, oldKey)
	enc, err := old.Encode([]*commonpb.Payload{plainPayload(t)})
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustCodec(t, newKey, oldKey)
	if _, err := rotated.Decode(enc); err != nil {
		t.Fatalf("rotated codec cannot open a payload of the old key: %v", err)
	}
	fresh, _ := rotated.Encode([]*commonpb.Payload{plainPayload(t)})
	if string(fresh[0].Metadata[MetadataKeyID]) != KeyID(newKey) {
		t.Fatal("rotated codec does not seal with the new key")
	}
	if _, err := mustCodec(t, newKey).Decode(enc); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("without the old key: %v, want ErrUnknownKey", err)
	}
}

func TestTamperedPayloadIsRefused(t *testing.T) {
	c := mustCodec(t, newKey(t))
	enc, _ := c.Encode([]*commonpb.Payload{plainPayload(t)})
	enc[0].Data[len(enc[0].Data)-1] ^= 1
	if _, err := c.Decode(enc); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered: %v, want ErrCorrupt", err)
	}
	short := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: []byte(c.KeyID())}, Data: []byte{1}}
	if _, err := c.Decode([]*commonpb.Payload{short}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("short: %v, want ErrCorrupt", err)
	}
}

func TestPlainPayloadsPassThroughDecode(t *testing.T) {
	c := mustCodec(t, newKey(t))
	in := plainPayload(t)
	out, err := c.Decode([]*commonpb.Payload{in})
	if err != nil || !proto.Equal(out[0], in) {
		t.Fatalf("plain payload: %v, %v", out, err)
	}
}

func TestNewRefusesBadKeys(t *testing.T) {
	if _, err := New(); err == nil {
		t.Fatal("no keys accepted")
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("16-byte key accepted")
	}
	a, _ := DeriveKey([]byte("secret one"))
	b, _ := DeriveKey([]byte("secret one"))
	d, _ := DeriveKey([]byte("secret two"))
	if !bytes.Equal(a, b) || bytes.Equal(a, d) || len(a) != 32 {
		t.Fatal("DeriveKey is not a deterministic 32-byte function of the secret")
	}
}

func TestHandlerNeedsTheToken(t *testing.T) {
	c := mustCodec(t, newKey(t))
	enc, _ := c.Encode([]*commonpb.Payload{plainPayload(t)})
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: enc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/codec/", http.StripPrefix("/codec", Handler(c, HandlerOptions{Token: "op-token", AllowOrigins: []string{"http://127.0.0.1:8233"}})))
	mux.Handle("/off/", http.StripPrefix("/off", Handler(c, HandlerOptions{})))
	mux.Handle("/open/", http.StripPrefix("/open", Handler(c, HandlerOptions{Open: true})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	post := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, out := post("/codec/decode", ""); code != http.StatusUnauthorized || strings.Contains(out, "kari") {
		t.Fatalf("no token: %d %q", code, out)
	}
	if code, _ := post("/codec/decode", "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	if code, _ := post("/off/decode", "op-token"); code != http.StatusNotFound {
		t.Fatalf("endpoint without a token configured: %d, want 404", code)
	}
	if code, _ := post("/open/decode", ""); code != http.StatusOK {
		t.Fatalf("open (dev) endpoint: %d, want 200", code)
	}
	code, out := post("/codec/decode", "op-token")
	if code != http.StatusOK {
		t.Fatalf("decode: %d %s", code, out)
	}
	var got commonpb.Payloads
	if err := protojson.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := converter.GetDefaultDataConverter().FromPayload(got.Payloads[0], &m); err != nil || m["email"] != "kari.nordmann@example.no" {
		t.Fatalf("decoded %v (%v)", m, err)
	}
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/codec/decode", nil)
	req.Header.Set("Origin", "http://127.0.0.1:8233")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8233" {
		t.Fatalf("preflight without CORS headers: %v", resp.Header)
	}
}

// greet stands in for a workflow that handles personal data.
func greet(ctx workflow.Context, customer map[string]string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, "Echo", customer["email"]).Get(ctx, &out)
	if err != nil {
		return "", err
	}
	workflow.GetLogger(ctx).Info("greeted")
	return "Hei " + customer["name"] + " <" + out + ">", nil
}

// On a real Temporal server, the stored history of a workflow run through
// the codec holds neither the e-mail address nor the name in any payload,
// while the codec client reads the result back.
func TestStoredHistoryHoldsNoPlaintext(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal dev server")
	}
	c := mustCodec(t, newKey(t))
	srv := devserver.ForTest(t, client.Options{DataConverter: c.DataConverter(), FailureConverter: c.FailureConverter()})
	cl := srv.Client()
	const tq = "codec-test"
	w := worker.New(cl, tq, worker.Options{})
	w.RegisterWorkflow(greet)
	w.RegisterActivityWithOptions(func(_ context.Context, s string) (string, error) { return s, nil }, activity.RegisterOptions{Name: "Echo"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	run, err := cl.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "codec-history", TaskQueue: tq}, greet,
		map[string]string{"email": "kari.nordmann@example.no", "name": "Kari Nordmann"})
	if err != nil {
		t.Fatal(err)
	}
	var res string
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res != "Hei Kari Nordmann <kari.nordmann@example.no>" {
		t.Fatalf("result %q", res)
	}
	// Read the raw history as the server stores it.
	it := cl.GetWorkflowHistory(ctx, "codec-history", run.GetRunID(), false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var raw []byte
	events := 0
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := proto.Marshal(ev)
		raw = append(raw, b...)
		events++
	}
	if events < 5 {
		t.Fatalf("only %d history events", events)
	}
	for _, s := range []string{"kari", "Kari", "Nordmann", "example.no"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("stored history contains %q in plaintext", s)
		}
	}
	if !bytes.Contains(raw, []byte(Encoding)) {
		t.Error("history has no encrypted payloads at all")
	}
}
