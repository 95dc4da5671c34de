package webhook

import (
	"context"

	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/orderstart"
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
	return orderstart.Signal(ctx, s.Client, s.TaskQueue, tenantID, shopOrderID, workflows.SignalShopEvent, ev)
}
