package webhook

import (
	"context"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bokfor/bokfor/workflows"
)

// Signaler hands a shop event to the workflow of one shop order, starting
// it when it does not run.
type Signaler interface {
	SignalOrder(ctx context.Context, tenantID, shopOrderID string, ev workflows.ShopEvent) error
}

// TemporalSignaler signals with signal-with-start on a Temporal client.
type TemporalSignaler struct {
	// Client is a connected Temporal client.
	Client client.Client
	// TaskQueue is where a started order workflow runs (config.TaskQueue).
	TaskQueue string
}

// SignalOrder signal-with-starts order-<tenant>-<id> with ev: an existing
// run receives the signal, otherwise a new run starts with it.
func (s TemporalSignaler) SignalOrder(ctx context.Context, tenantID, shopOrderID string, ev workflows.ShopEvent) error {
	id := workflows.OrderWorkflowID(tenantID, shopOrderID)
	_, err := s.Client.SignalWithStartWorkflow(ctx, id, workflows.SignalShopEvent, ev, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                s.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrTenantID.ValueSet(tenantID),
			workflows.AttrShopOrderRef.ValueSet(shopOrderID),
		),
	}, workflows.Order, workflows.OrderInput{TenantID: tenantID, ShopOrderID: shopOrderID})
	if err != nil {
		return fmt.Errorf("signal-with-start %s: %w", id, err)
	}
	return nil
}
