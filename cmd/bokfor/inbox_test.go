package main

import (
	"context"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/devserver"
	"github.com/bokfor/bokfor/internal/pgtest"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/webhook"
)

func TestInboxListShowReplay(t *testing.T) {
	t.Parallel()
	srv := devserver.ForTest(t, client.Options{})
	db := pgtest.NewDatabase(t)
	envv := map[string]string{"DATABASE_URL": db, "BOKFOR_SECRET_KEY": secrets.GenerateKey(), "TEMPORAL_ADDRESS": srv.FrontendHostPort(),
		"BOKFOR_TASK_QUEUE": "inbox-test-no-worker"}
	if r := runCmd(t, envv, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	ctx := context.Background()
	pool, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := store.New(pool, nil)
	put := func(tenantID string, body string) int64 {
		ev, err := webhook.Decode(webhook.SourcePrestaShop, nil, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := st.PutInbox(ctx, store.InboxEvent{TenantID: tenantID, Source: webhook.SourcePrestaShop, DeliveryKey: ev.DeliveryKey,
			Topic: ev.Topic, ResourceID: ev.ResourceID, Headers: map[string]string{"User-Agent": "ps_webhooks"}, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	order := put("shop-a", `{"action":"update","entity":"Order","data":{"id":"42","date_upd":"2026-11-25 10:00:00"}}`)
	product := put("shop-b", `{"action":"update","entity":"Product","data":{"id":"7","date_upd":"2026-11-25 10:00:00"}}`)
	if err := st.MarkFailed(ctx, order, "temporal: unavailable\nretrying"); err != nil {
		t.Fatal(err)
	}

	r := runCmd(t, envv, "", "inbox", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "Order.update") || !strings.Contains(r.stdout, "Product.update") || !strings.Contains(r.stdout, "temporal: unavailable retrying") {
		t.Fatalf("list: %+v", r)
	}
	r = runCmd(t, envv, "", "inbox", "list", "--tenant", "shop-b", "--limit", "5")
	if r.code != 0 || strings.Contains(r.stdout, "Order.update") || !strings.Contains(r.stdout, "Product.update") {
		t.Fatalf("list --tenant: %+v", r)
	}
	r = runCmd(t, envv, "", "inbox", "show", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "User-Agent: ps_webhooks") || !strings.Contains(r.stdout, `"date_upd":"2026-11-25 10:00:00"`) || !strings.Contains(r.stdout, "state:        pending") {
		t.Fatalf("show: %+v", r)
	}
	if r := runCmd(t, envv, "", "inbox", "show", "99"); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("show missing: %+v", r)
	}
	if r := runCmd(t, envv, "", "inbox", "show", "x"); r.code == 0 || !strings.Contains(r.stderr, "positive number") {
		t.Fatalf("show bad id: %+v", r)
	}

	r = runCmd(t, envv, "", "inbox", "replay", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "signalled to order-shop-a-42") {
		t.Fatalf("replay: %+v", r)
	}
	desc, err := srv.Client().DescribeWorkflow(ctx, "order-shop-a-42", "")
	if err != nil || desc.RawResponse.GetWorkflowExecutionInfo().GetTaskQueue() != "inbox-test-no-worker" {
		t.Fatalf("replayed workflow: %v, %v", desc, err)
	}
	if r := runCmd(t, envv, "", "inbox", "show", "1"); !strings.Contains(r.stdout, "state:        delivered") {
		t.Fatalf("after replay: %s", r.stdout)
	}
	if r := runCmd(t, envv, "", "inbox", "replay", "2"); r.code == 0 || !strings.Contains(r.stderr, "not an order") {
		t.Fatalf("replay product: %+v", r)
	}
	_ = product
}
