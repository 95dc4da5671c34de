package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/activities"
)

var syncActs *activities.Syncs

// syncOptions allow long catalogue runs: the activity heartbeats its
// cursor, so a retry after a crash resumes where the last heartbeat was.
func syncOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    5 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    5,
		},
	})
}

func runSync(ctx workflow.Context, what string, act any, in PollInput) (activities.SyncResult, error) {
	workflow.SetCurrentDetails(ctx, "syncing "+what+" of tenant "+in.TenantID)
	var res activities.SyncResult
	err := workflow.ExecuteActivity(syncOptions(ctx), act, activities.SyncInput{TenantID: in.TenantID}).Get(ctx, &res)
	if err != nil {
		workflow.SetCurrentDetails(ctx, what+" sync failed: "+err.Error())
		return res, err
	}
	workflow.SetCurrentDetails(ctx, fmt.Sprintf("%s: read %d, created %d, updated %d, conflicts %d, skipped %d",
		what, res.Read, res.Created, res.Updated, res.Conflicts, res.Skipped))
	return res, nil
}

// SyncProducts is the product sync, run by a per-tenant schedule: products
// changed on either side since the watermarks are merged field by field
// per the tenant's ownership and written where they differ; the result
// counts what was read, created, updated, in conflict and skipped.
func SyncProducts(ctx workflow.Context, in PollInput) (activities.SyncResult, error) {
	return runSync(ctx, "products", syncActs.SyncProducts, in)
}

// SyncStock is the stock sync, run by a per-tenant schedule: the stock
// master's quantities are written to the other side where they differ.
func SyncStock(ctx workflow.Context, in PollInput) (activities.SyncResult, error) {
	return runSync(ctx, "stock", syncActs.SyncStock, in)
}

// SyncCustomers is the customer sync, run by a per-tenant schedule: ledger
// customers are imported into the shop (matched before created) and
// changes of linked customers move per the tenant's field ownership.
func SyncCustomers(ctx workflow.Context, in PollInput) (activities.SyncResult, error) {
	return runSync(ctx, "customers", syncActs.SyncCustomers, in)
}
