package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

// syncKind ties a name of `bokfor sync run` to its schedule kind,
// workflow and watermarks.
type syncKind struct {
	name, schedule string
	workflow       any
	watermarks     []string
}

func syncKinds() []syncKind {
	return []syncKind{
		{"products", app.ScheduleProducts, workflows.SyncProducts, []string{activities.WatermarkProductsShop, activities.WatermarkProductsLedger}},
		{"customers", app.ScheduleCustomers, workflows.SyncCustomers, []string{activities.WatermarkCustomersShop, activities.WatermarkCustomersLedger}},
		{"stock", app.ScheduleStock, workflows.SyncStock, nil},
	}
}

func newSyncCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "sync", Short: "Run the product, customer and stock syncs and show where they are"}
	cmd.AddCommand(newSyncRunCmd(e), newSyncStatusCmd(e))
	return cmd
}

func newSyncRunCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "run products|customers|stock", Short: "Run one sync of a tenant now and print its result",
		Args: cobra.ExactArgs(1)}
	var tenantID string
	var full bool
	c.Flags().StringVar(&tenantID, "tenant", "", "the tenant (required)")
	c.Flags().BoolVar(&full, "full", false, "ignore the watermarks and compare everything")
	p := bind(c, e, config.Database|config.Temporal|config.Secrets|config.Logging)
	c.RunE = func(c *cobra.Command, args []string) error {
		if tenantID == "" {
			return errors.New("--tenant is required")
		}
		return withTemporal(c.Context(), e, p, func(ctx context.Context, tc client.Client) error {
			s, closeStore, err := p.openStore(ctx, true)
			if err != nil {
				return err
			}
			defer closeStore()
			return runSyncNow(ctx, e.stdout, tc, s, p.cfg.TaskQueue, tenantID, args[0], full)
		})
	}
	return c
}

// runSyncNow starts one sync workflow, waits for it and prints its
// result. full clears the sync's watermarks first, so the run compares
// every object.
func runSyncNow(ctx context.Context, w io.Writer, c client.Client, s *store.Store, taskQueue, tenantID, kind string, full bool) error {
	for _, k := range syncKinds() {
		if k.name != kind {
			continue
		}
		if _, err := s.Tenant(ctx, tenantID); err != nil {
			return fmt.Errorf("tenant %s: %w", tenantID, err)
		}
		if full {
			for _, name := range k.watermarks {
				if err := s.SetWatermark(ctx, tenantID, name, ""); err != nil {
					return err
				}
			}
		}
		id := k.schedule + "-" + tenantID + "-run-" + strconv.FormatInt(time.Now().UnixMilli(), 10)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrTenantID.ValueSet(tenantID))},
			k.workflow, workflows.PollInput{TenantID: tenantID})
		if err != nil {
			return fmt.Errorf("start %s: %w", id, err)
		}
		printf(w, "workflow %s\n", id)
		var res activities.SyncResult
		if err := run.Get(ctx, &res); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		printResult(w, res)
		return nil
	}
	return fmt.Errorf("unknown sync %q: products, customers or stock", kind)
}

func printResult(w io.Writer, r activities.SyncResult) {
	printf(w, "read %d, created %d, updated %d, conflicts %d, skipped %d\n", r.Read, r.Created, r.Updated, r.Conflicts, r.Skipped)
	for _, c := range r.ConflictDetails {
		printf(w, "  conflict (ledger wins): %s\n", c)
	}
	for _, n := range r.Notes {
		printf(w, "  skipped: %s\n", n)
	}
}

func newSyncStatusCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "status", Short: "Show each sync's schedule, last run and watermarks", Args: cobra.NoArgs}
	var tenantID string
	c.Flags().StringVar(&tenantID, "tenant", "", "the tenant (required)")
	p := bind(c, e, config.Database|config.Temporal|config.Secrets|config.Logging)
	c.RunE = func(c *cobra.Command, _ []string) error {
		if tenantID == "" {
			return errors.New("--tenant is required")
		}
		return withTemporal(c.Context(), e, p, func(ctx context.Context, tc client.Client) error {
			s, closeStore, err := p.openStore(ctx, true)
			if err != nil {
				return err
			}
			defer closeStore()
			return syncStatus(ctx, e.stdout, tc, s, tenantID)
		})
	}
	return c
}

// syncStatus prints, per sync, the schedule's interval, its last run with
// the result when it finished, and the stored watermarks.
func syncStatus(ctx context.Context, w io.Writer, c client.Client, s *store.Store, tenantID string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SYNC\tEVERY\tLAST RUN\tSTATE\tRESULT\tWATERMARKS")
	for _, k := range syncKinds() {
		every, last, state, result := "off", "-", "-", "-"
		desc, err := c.ScheduleClient().GetHandle(ctx, k.schedule+"-"+tenantID).Describe(ctx)
		var nf *serviceerror.NotFound
		switch {
		case errors.As(err, &nf):
		case err != nil:
			return fmt.Errorf("describe schedule %s-%s: %w", k.schedule, tenantID, err)
		default:
			if desc.Schedule.Spec != nil && len(desc.Schedule.Spec.Intervals) > 0 {
				every = desc.Schedule.Spec.Intervals[0].Every.String()
			}
			if n := len(desc.Info.RecentActions); n > 0 && desc.Info.RecentActions[n-1].StartWorkflowResult != nil {
				a := desc.Info.RecentActions[n-1]
				last = a.ActualTime.UTC().Format("2006-01-02 15:04:05")
				state, result = lastRun(ctx, c, a.StartWorkflowResult.WorkflowID, a.StartWorkflowResult.FirstExecutionRunID)
			}
		}
		var wms []string
		for _, name := range k.watermarks {
			v, err := s.Watermark(ctx, tenantID, name)
			if err != nil {
				return err
			}
			wms = append(wms, name+"="+dash(v))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.name, every, last, state, result, dash(strings.Join(wms, " ")))
	}
	return tw.Flush()
}

// lastRun tells a sync run's state and, once completed, its counts.
func lastRun(ctx context.Context, c client.Client, id, runID string) (state, result string) {
	d, err := c.DescribeWorkflow(ctx, id, runID)
	if err != nil {
		return "unknown", "-"
	}
	state = d.Status.String()
	if d.Status != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		return state, "-"
	}
	var r activities.SyncResult
	if err := c.GetWorkflow(ctx, id, runID).Get(ctx, &r); err != nil {
		return state, "-"
	}
	return state, fmt.Sprintf("read %d created %d updated %d conflicts %d skipped %d", r.Read, r.Created, r.Updated, r.Conflicts, r.Skipped)
}
