package webhook

import (
	"context"
	"errors"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/internal/orderstart"
	"github.com/bokfor/bokfor/workflows"
)

// Signaler hands a shop event to the workflow of one shop order, starting
// it when it does not run.
type Signaler interface {
	SignalOrder(ctx context.Context, tenantID, shopOrderID string, ev workflows.ShopEvent) error
	// TriggerSync runs the tenant's schedule of one kind now (e.g. the
	// product sync after a product webhook); a missing schedule (the sync
	// is off) is not an error.
	TriggerSync(ctx context.Context, tenantID, scheduleKind string) error
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

// TriggerSync triggers the tenant's schedule of scheduleKind now. A run in
// progress gets one more run buffered behind it, so a change that arrives
// mid-run is still picked up.
func (s TemporalSignaler) TriggerSync(ctx context.Context, tenantID, scheduleKind string) error {
	h := s.Client.ScheduleClient().GetHandle(ctx, workflows.ScheduleID(scheduleKind, tenantID))
	err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enums.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return nil
	}
	return err
}
