package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
	"github.com/bokfor/bokfor/workflows"
)

// Schedule kinds, the prefixes of their schedule ids.
const (
	SchedulePollOrders  = workflows.ScheduleKindPollOrders
	ScheduleSettlements = workflows.ScheduleKindSettlements
	ScheduleProducts    = workflows.ScheduleKindProducts
	ScheduleStock       = workflows.ScheduleKindStock
	ScheduleCustomers   = workflows.ScheduleKindCustomers
)

// Scheduler keeps one Temporal schedule per tenant and periodic workflow
// in line with the tenants' settings: created when missing, updated when
// the interval changed, deleted when the tenant is gone, disabled or sets
// the interval to 0. It is idempotent, so every worker replica may run it.
type Scheduler struct {
	Client    client.Client
	Store     *store.Store
	TaskQueue string
	Log       *zap.Logger
	// KeyID is the id of the payload codec's sealing key ("" without a
	// codec). A schedule whose stored workflow input was sealed with
	// another key (its note names the key) is rewritten after a key
	// rotation, so that the previous key can be dropped.
	KeyID string
}

// note is the schedule's note: who manages it, and the sealing key.
func (s *Scheduler) note(w wantedSchedule) string {
	n := "managed by bokfor from tenant " + w.tenant + "'s settings"
	if s.KeyID != "" {
		n += "; input sealed with key " + s.KeyID
	}
	return n
}

// staleKey reports whether a schedule's note names another sealing key
// than the current one.
func (s *Scheduler) staleKey(note string) bool {
	return s.KeyID != "" && !strings.HasSuffix(note, "; input sealed with key "+s.KeyID)
}

type wantedSchedule struct {
	id       string
	every    time.Duration
	workflow any
	tenant   string
}

func wanted(ts []store.TenantRow) map[string]wantedSchedule {
	out := map[string]wantedSchedule{}
	add := func(t store.TenantRow, kind string, d tenant.Duration, wf any) {
		if t.Disabled || d.Duration <= 0 {
			return
		}
		id := workflows.ScheduleID(kind, t.ID)
		out[id] = wantedSchedule{id: id, every: d.Duration, workflow: wf, tenant: t.ID}
	}
	for _, t := range ts {
		add(t, SchedulePollOrders, t.Settings.Schedules.OrderPoll, workflows.PollOrders)
		add(t, ScheduleSettlements, t.Settings.Schedules.Settlement, workflows.WatchSettlements)
		add(t, ScheduleProducts, t.Settings.Schedules.Products, workflows.SyncProducts)
		add(t, ScheduleStock, t.Settings.Schedules.Stock, workflows.SyncStock)
		add(t, ScheduleCustomers, t.Settings.Schedules.Customers, workflows.SyncCustomers)
	}
	return out
}

// Reconcile brings the schedules in line with the tenants once.
func (s *Scheduler) Reconcile(ctx context.Context) error {
	ts, err := s.Store.Tenants(ctx)
	if err != nil {
		return err
	}
	want := wanted(ts)
	sc := s.Client.ScheduleClient()
	type existingSchedule struct {
		every time.Duration
		note  string
	}
	existing := map[string]existingSchedule{}
	it, err := sc.List(ctx, client.ScheduleListOptions{PageSize: 500})
	if err != nil {
		return fmt.Errorf("list schedules: %w", err)
	}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("list schedules: %w", err)
		}
		if !managedSchedule(e.ID) {
			continue
		}
		var every time.Duration
		if e.Spec != nil && len(e.Spec.Intervals) > 0 {
			every = e.Spec.Intervals[0].Every
		}
		existing[e.ID] = existingSchedule{every: every, note: e.Note}
	}
	var errs []error
	for id, e := range existing {
		w, ok := want[id]
		switch {
		case !ok:
			errs = append(errs, s.delete(ctx, id))
		case w.every != e.every || s.staleKey(e.note):
			errs = append(errs, s.update(ctx, w))
		}
	}
	for id, w := range want {
		if _, ok := existing[id]; !ok {
			errs = append(errs, s.create(ctx, w))
		}
	}
	return errors.Join(errs...)
}

// managedSchedule reports whether a schedule id is one of ours.
func managedSchedule(id string) bool {
	for _, k := range []string{SchedulePollOrders, ScheduleSettlements, ScheduleProducts, ScheduleStock, ScheduleCustomers} {
		if strings.HasPrefix(id, k+"-") {
			return true
		}
	}
	return false
}

func (s *Scheduler) action(w wantedSchedule) *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{ID: w.id, Workflow: w.workflow, Args: []any{workflows.PollInput{TenantID: w.tenant}},
		TaskQueue: s.TaskQueue, WorkflowRunTimeout: w.every + 10*time.Minute}
}

func catchup(every time.Duration) time.Duration { return max(every, time.Minute) }

func (s *Scheduler) create(ctx context.Context, w wantedSchedule) error {
	_, err := s.Client.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:                 w.id,
		Spec:               client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: w.every}}},
		Action:             s.action(w),
		Overlap:            enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow:      catchup(w.every),
		TriggerImmediately: true,
		Note:               s.note(w),
	})
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &exists) && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create schedule %s: %w", w.id, err)
	}
	s.Log.Info("schedule created", zap.String("schedule", w.id), zap.Duration("every", w.every))
	return nil
}

func (s *Scheduler) update(ctx context.Context, w wantedSchedule) error {
	err := s.Client.ScheduleClient().GetHandle(ctx, w.id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sch := in.Description.Schedule
			sch.Spec = &client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: w.every}}}
			sch.Action = s.action(w)
			if sch.Policy != nil {
				sch.Policy.CatchupWindow = catchup(w.every)
			}
			if sch.State != nil {
				sch.State.Note = s.note(w)
			}
			return &client.ScheduleUpdate{Schedule: &sch}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("update schedule %s: %w", w.id, err)
	}
	s.Log.Info("schedule updated", zap.String("schedule", w.id), zap.Duration("every", w.every))
	return nil
}

func (s *Scheduler) delete(ctx context.Context, id string) error {
	err := s.Client.ScheduleClient().GetHandle(ctx, id).Delete(ctx)
	var nf *serviceerror.NotFound
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("delete schedule %s: %w", id, err)
	}
	s.Log.Info("schedule deleted", zap.String("schedule", id))
	return nil
}

// Run reconciles at once and then every interval until ctx is done;
// failures are logged and retried at the next round.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Reconcile(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("schedule reconciliation failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
