package chaos

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/bokfor/bokfor/workflows"
)

// checkParked checks that exactly the orders with injected bad data are
// parked — in Temporal's visibility (NeedsAttention), in the workflow's
// status query and in the store — each with the reason its bad data
// calls for, and that no other order is.
func (r *run) checkParked(ctx context.Context, pool *pgxpool.Pool, orders []*order, inv *Invariant) error {
	inv.Checked = len(orders)
	byWorkflow := map[string]*order{}
	for _, o := range orders {
		byWorkflow[workflows.OrderWorkflowID(r.tenants[o.Tenant].ID, strconv.Itoa(o.ID))] = o
	}
	// Visibility: the running order workflows with NeedsAttention = true.
	flagged := map[string]bool{}
	var token []byte
	for {
		resp, err := r.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", PageSize: 500,
			NextPageToken: token, Query: "NeedsAttention = true AND ExecutionStatus = 'Running'"})
		if err != nil {
			return fmt.Errorf("chaos: list parked workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			flagged[e.GetExecution().GetWorkflowId()] = true
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	for id := range flagged {
		if o, ok := byWorkflow[id]; !ok || o.Bad == "" {
			inv.fail("workflow %s is parked (NeedsAttention) without injected bad data", id)
		}
	}
	// The store.
	stored := map[string]string{} // tenant/order -> reason of parked orders
	rows, err := pool.Query(ctx, `SELECT tenant_id, shop_order_id, coalesce(reason, '') FROM orders WHERE state = $1`, string(workflows.StateNeedsAttention))
	if err != nil {
		return fmt.Errorf("chaos: parked orders in the store: %w", err)
	}
	for rows.Next() {
		var t, id, reason string
		if err := rows.Scan(&t, &id, &reason); err != nil {
			rows.Close()
			return err
		}
		stored[t+"/"+id] = reason
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range orders {
		t := r.tenants[o.Tenant].ID
		key := t + "/" + strconv.Itoa(o.ID)
		reason, inStore := stored[key]
		if o.Bad == "" {
			if inStore {
				inv.fail("%s order %d (no bad data) is parked in the store: %s", t, o.ID, reason)
			}
			continue
		}
		wid := workflows.OrderWorkflowID(t, strconv.Itoa(o.ID))
		switch {
		case !inStore:
			inv.fail("%s order %d (%s) is not parked in the store (state %q)", t, o.ID, o.Bad, o.State)
			continue
		case !strings.Contains(reason, o.WantReason):
			inv.fail("%s order %d (%s): store reason %q, want %q", t, o.ID, o.Bad, reason, o.WantReason)
		case !flagged[wid]:
			inv.fail("%s order %d (%s): NeedsAttention is not set", t, o.ID, o.Bad)
		}
		st, err := r.status(ctx, o)
		switch {
		case err != nil:
			inv.fail("%s order %d (%s): status query: %v", t, o.ID, o.Bad, err)
		case st.State != workflows.StateNeedsAttention || st.Step != "build document" || !strings.Contains(st.Reason, o.WantReason):
			inv.fail("%s order %d (%s): workflow %s at step %q, reason %q; want needs_attention at build document, %q", t, o.ID, o.Bad,
				st.State, st.Step, st.Reason, o.WantReason)
		}
	}
	return nil
}
