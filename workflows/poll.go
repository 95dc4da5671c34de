package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/activities"
)

var pollActs *activities.Pollers

// PollInput names the tenant a periodic workflow works for.
type PollInput struct {
	TenantID string
}

func pollOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    5 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    5,
		},
	})
}

// PollOrders is the order poller, run by a per-tenant schedule: it hands
// every shop order changed since the watermark to its workflow, so that an
// order whose webhook was lost is still booked.
func PollOrders(ctx workflow.Context, in PollInput) (activities.PollResult, error) {
	var res activities.PollResult
	err := workflow.ExecuteActivity(pollOptions(ctx), pollActs.PollOrders, in.TenantID).Get(ctx, &res)
	return res, err
}

// WatchSettlements is the settlement watcher, run by a per-tenant
// schedule: one ledger listing tells every waiting order whether its
// invoice was settled; no order polls the ledger on its own.
func WatchSettlements(ctx workflow.Context, in PollInput) (activities.PollResult, error) {
	var res activities.PollResult
	err := workflow.ExecuteActivity(pollOptions(ctx), pollActs.WatchSettlements, in.TenantID).Get(ctx, &res)
	return res, err
}
