// Package orderstart hands events to order workflows with
// signal-with-start — the one way the webhook starter, the relay, the
// order poller and the settlement watcher reach an order: a running
// workflow gets the signal, a missing one is started with it.
package orderstart

import (
	"context"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bokfor/bokfor/workflows"
)

// Options are the start options of an order's workflow: the
// deterministic id, use-existing on conflict, a new run allowed after a
// closed one (it finds the booked document in the store), and the
// TenantID and ShopOrderRef search attributes.
func Options(taskQueue, tenantID, shopOrderID string) client.StartWorkflowOptions {
	id := workflows.OrderWorkflowID(tenantID, shopOrderID)
	return client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrTenantID.ValueSet(tenantID),
			workflows.AttrShopOrderRef.ValueSet(shopOrderID),
		),
	}
}

// Signal signal-with-starts the order's workflow with one signal.
func Signal(ctx context.Context, c client.Client, taskQueue, tenantID, shopOrderID, signal string, payload any) error {
	opts := Options(taskQueue, tenantID, shopOrderID)
	_, err := c.SignalWithStartWorkflow(ctx, opts.ID, signal, payload, opts, workflows.Order,
		workflows.OrderInput{TenantID: tenantID, ShopOrderID: shopOrderID})
	if err != nil {
		return fmt.Errorf("signal-with-start %s: %w", opts.ID, err)
	}
	return nil
}
