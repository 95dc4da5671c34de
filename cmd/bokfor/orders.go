package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/workflows"
)

// orderWorkflowType is the registered name of workflows.Order.
const orderWorkflowType = "Order"

// defaultQueryTimeout bounds a status query: with no worker polling,
// Temporal would otherwise hold it until the command's context ends.
const defaultQueryTimeout = 10 * time.Second

// knownStates are the values of the OrderState search attribute.
var knownStates = []workflows.OrderState{
	workflows.StateWaiting, workflows.StateBooking, workflows.StateBooked, workflows.StateSettled,
	workflows.StateCancelled, workflows.StateNeedsAttention, workflows.StateSkipped, workflows.StateDone,
}

// safeValue is what may appear inside a quoted visibility query value.
var safeValue = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// operatorCmd describes one operator signal command.
type operatorCmd struct {
	action string
	short  string
	// refuse says why the action does not apply to an order with this
	// status ("" when it does); nil: it applies to any running order.
	// --force skips the check.
	refuse func(st *workflows.OrderStatus) string
}

// parked refuses orders that are not waiting for an operator: the workflow
// queues operator actions, so a stray skip would be consumed by the next,
// unrelated failure.
func parked(st *workflows.OrderStatus) string {
	if st.State != workflows.StateNeedsAttention {
		return "it is " + string(st.State) + ", not needs_attention"
	}
	return ""
}

// posted refuses orders without a ledger document: settling one that was
// never booked would skip its booking.
func posted(st *workflows.OrderStatus) string {
	switch {
	case st.LedgerDocID == "":
		return "it has no ledger document (state " + string(st.State) + ")"
	case st.State != workflows.StateBooked && st.State != workflows.StateNeedsAttention:
		return "it is " + string(st.State) + ", not booked or needs_attention"
	}
	return ""
}

var operatorCmds = []operatorCmd{
	{workflows.ActionRetry, "Retry the step a parked order failed, after the cause was fixed", parked},
	{workflows.ActionSkip, "Give up a parked order's failed step and go on (e.g. it was booked by hand)", parked},
	{workflows.ActionCancel, "End an order's workflow without touching the ledger further", nil},
	{workflows.ActionMarkSettled, "Treat a booked order's invoice as settled (paid outside the ledger's bank feed) and tell the shop", posted},
	{workflows.ActionResync, "Re-read the order from the shop now", nil},
}

func newOrdersCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orders",
		Short: "Inspect order workflows and act on parked orders",
	}
	cmd.AddCommand(newOrdersListCmd(e), newOrdersShowCmd(e))
	for _, op := range operatorCmds {
		cmd.AddCommand(newOrdersSignalCmd(e, op))
	}
	return cmd
}

// withTemporal runs fn with a Temporal client dialled from p's settings.
// Commands that read or write workflow payloads (status, signals) bind the
// secret settings, so the client encrypts and decrypts them like the worker.
func withTemporal(ctx context.Context, e *env, p *proc, fn func(ctx context.Context, c client.Client) error) error {
	if err := p.start(e, "orders"); err != nil {
		return err
	}
	m := metrics.New()
	defer func() { _ = m.Close() }()
	c, err := p.dialTemporal(ctx, m)
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(ctx, c)
}

// listFilter selects order workflows in Temporal visibility.
type listFilter struct {
	tenant         string
	state          string
	needsAttention bool
}

// query returns the visibility query of f.
func (f listFilter) query() (string, error) {
	q := []string{fmt.Sprintf("WorkflowType='%s'", orderWorkflowType)}
	if f.tenant != "" {
		if !safeValue.MatchString(f.tenant) {
			return "", fmt.Errorf("--tenant %q: only letters, digits, '.', '_' and '-' are allowed", f.tenant)
		}
		q = append(q, fmt.Sprintf("%s='%s'", workflows.AttrTenantID.GetName(), f.tenant))
	}
	if f.state != "" {
		if !slices.Contains(knownStates, workflows.OrderState(f.state)) {
			names := make([]string, len(knownStates))
			for i, s := range knownStates {
				names[i] = string(s)
			}
			return "", fmt.Errorf("--state %q: want one of %s", f.state, strings.Join(names, ", "))
		}
		q = append(q, fmt.Sprintf("%s='%s'", workflows.AttrOrderState.GetName(), f.state))
	}
	if f.needsAttention {
		q = append(q, workflows.AttrNeedsAttention.GetName()+"=true")
	}
	return strings.Join(q, " AND "), nil
}

func newOrdersListCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "list",
		Short: "List order workflows from Temporal visibility, newest first",
		Args:  cobra.NoArgs,
	}
	var f listFilter
	var limit int
	c.Flags().StringVar(&f.tenant, "tenant", "", "only this tenant's orders")
	c.Flags().StringVar(&f.state, "state", "", "only orders in this state (waiting, booking, booked, settled, cancelled, needs_attention, skipped, done)")
	c.Flags().BoolVar(&f.needsAttention, "needs-attention", false, "only orders parked for an operator")
	c.Flags().IntVar(&limit, "limit", 50, "print at most this many orders")
	p := bind(c, e, config.Temporal|config.Logging)
	c.RunE = func(c *cobra.Command, _ []string) error {
		if limit <= 0 {
			return fmt.Errorf("--limit %d: must be positive", limit)
		}
		query, err := f.query()
		if err != nil {
			return err
		}
		return withTemporal(c.Context(), e, p, func(ctx context.Context, tc client.Client) error {
			return listOrders(ctx, e.stdout, tc, p.cfg.TemporalNamespace, query, limit)
		})
	}
	return c
}

// listOrders prints up to limit order workflows matching query as a table.
func listOrders(ctx context.Context, w io.Writer, c client.Client, namespace, query string, limit int) error {
	var rows []string
	var token []byte
	for len(rows) < limit {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, PageSize: int32(min(limit-len(rows), 1000)), NextPageToken: token, Query: query,
		})
		if err != nil {
			return fmt.Errorf("list workflows (%s): %w", query, err)
		}
		for _, ex := range resp.GetExecutions() {
			if len(rows) == limit {
				break
			}
			attrs := ex.GetSearchAttributes().GetIndexedFields()
			state := keyword(attrs, workflows.AttrOrderState.GetName())
			if keyword(attrs, workflows.AttrNeedsAttention.GetName()) == "true" && state != string(workflows.StateNeedsAttention) {
				state += " (needs attention)"
			}
			rows = append(rows, fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ex.GetExecution().GetWorkflowId(),
				dash(keyword(attrs, workflows.AttrTenantID.GetName())), dash(keyword(attrs, workflows.AttrShopOrderRef.GetName())),
				dash(state), dash(keyword(attrs, workflows.AttrLedgerDocNo.GetName())),
				ex.GetStatus().String(), formatTime(ex.GetStartTime().AsTime())))
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	if len(rows) == 0 {
		printf(w, "no order workflows match %s\n", query)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "WORKFLOW ID\tTENANT\tORDER\tSTATE\tDOC NO\tEXECUTION\tSTARTED\n")
	for _, r := range rows {
		fmt.Fprint(tw, r)
	}
	return tw.Flush()
}

// keyword decodes one search attribute to text ("" when absent).
func keyword(attrs map[string]*commonpb.Payload, name string) string {
	p, ok := attrs[name]
	if !ok || p == nil {
		return ""
	}
	var v any
	if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
		return "?"
	}
	switch x := v.(type) {
	case nil:
		return ""
	case []any: // a keyword list
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = fmt.Sprint(s)
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(x)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func formatTime(t time.Time) string {
	if t.IsZero() || t.Unix() <= 0 {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func newOrdersShowCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "show TENANT ORDER",
		Short: "Show an order's status, ledger ids, credits and timeline, and its stored record",
		Args:  cobra.ExactArgs(2),
	}
	var queryTimeout time.Duration
	c.Flags().DurationVar(&queryTimeout, "query-timeout", defaultQueryTimeout, "how long to wait for the workflow to answer the status query")
	p := bind(c, e, config.Database|config.Temporal|config.Secrets|config.Logging)
	c.RunE = func(c *cobra.Command, args []string) error {
		return withTemporal(c.Context(), e, p, func(ctx context.Context, tc client.Client) error {
			s, closeStore, err := p.openStore(ctx, true)
			if err != nil {
				return err
			}
			defer closeStore()
			return showOrder(ctx, e.stdout, tc, s, args[0], args[1], queryTimeout)
		})
	}
	return c
}

// orderView is what Temporal knows about one order workflow.
type orderView struct {
	id      string
	found   bool
	running bool
	exec    string // execution status, e.g. "Running"
	started time.Time
	closed  time.Time
	status  *workflows.OrderStatus
	// problem says why status is missing.
	problem string
}

// describeOrder finds an order's workflow and, unless skipStatus, its
// status: a status query (bounded by queryTimeout) while it runs, the
// workflow's result once it has completed.
func describeOrder(ctx context.Context, c client.Client, tenantID, orderID string, queryTimeout time.Duration, skipStatus bool) (*orderView, error) {
	v := &orderView{id: workflows.OrderWorkflowID(tenantID, orderID)}
	desc, err := c.DescribeWorkflow(ctx, v.id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		v.problem = "no workflow in Temporal (never started, or past retention)"
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", v.id, err)
	}
	v.found = true
	v.exec = desc.Status.String()
	v.running = desc.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING
	v.started = desc.WorkflowStartTime
	if desc.WorkflowCloseTime != nil {
		v.closed = *desc.WorkflowCloseTime
	}
	if skipStatus {
		v.problem = "not checked (--force)"
		return v, nil
	}
	qctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	switch desc.Status {
	case enums.WORKFLOW_EXECUTION_STATUS_RUNNING:
		val, err := c.QueryWorkflow(qctx, v.id, "", workflows.QueryStatus)
		if err != nil {
			v.problem = fmt.Sprintf("status query failed within %s (is a worker running?): %v", queryTimeout, err)
			return v, nil
		}
		var st workflows.OrderStatus
		if err := val.Get(&st); err != nil {
			v.problem = fmt.Sprintf("status query answer: %v", err)
			return v, nil
		}
		v.status = &st
	case enums.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		var st *workflows.OrderStatus
		if err := c.GetWorkflow(qctx, v.id, desc.WorkflowExecution.RunID).Get(qctx, &st); err != nil {
			v.problem = fmt.Sprintf("workflow result: %v", err)
			return v, nil
		}
		if st == nil {
			v.problem = "the workflow completed without a status"
			return v, nil
		}
		v.status = st
	default:
		v.problem = "the workflow is " + v.exec + "; no status to query"
	}
	return v, nil
}

// showOrder prints what Temporal and the store know about one order.
func showOrder(ctx context.Context, w io.Writer, c client.Client, s *store.Store, tenantID, orderID string, queryTimeout time.Duration) error {
	v, err := describeOrder(ctx, c, tenantID, orderID, queryTimeout, false)
	if err != nil {
		return err
	}
	rec, err := s.Order(ctx, tenantID, orderID)
	if errors.Is(err, store.ErrNotFound) {
		rec = nil
	} else if err != nil {
		return err
	}
	if !v.found && rec == nil {
		return fmt.Errorf("order %s of tenant %s: no workflow %s and no stored record", orderID, tenantID, v.id)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, val string) {
		if val != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, val)
		}
	}
	row("Workflow", v.id)
	if v.found {
		exec := v.exec + ", started " + formatTime(v.started)
		if !v.closed.IsZero() && v.closed.Unix() > 0 {
			exec += ", closed " + formatTime(v.closed)
		}
		row("Execution", exec)
	}
	if v.problem != "" {
		row("Status", v.problem)
	}
	if st := v.status; st != nil {
		row("Tenant", st.TenantID)
		row("Order", st.ShopOrderID)
		row("State", string(st.State))
		row("Reason", st.Reason)
		row("Step", st.Step)
		row("Ledger doc id", st.LedgerDocID)
		row("Ledger doc no", st.LedgerDocNo)
		row("Credited", strings.Join(st.Credited, ", "))
		row("Shop events", fmt.Sprint(st.Events))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if v.status != nil && len(v.status.History) > 0 {
		printf(w, "\nTimeline\n")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, tr := range v.status.History {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", formatTime(tr.At), tr.State, tr.Note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	printf(w, "\nStored record\n")
	if rec == nil {
		printf(w, "  none\n")
		return nil
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  State\t%s\n", dash(rec.State))
	fmt.Fprintf(tw, "  Ledger doc id\t%s\n", dash(rec.LedgerDocID))
	fmt.Fprintf(tw, "  Ledger doc no\t%s\n", dash(rec.LedgerDocNo))
	fmt.Fprintf(tw, "  Reason\t%s\n", dash(rec.Reason))
	fmt.Fprintf(tw, "  Workflow\t%s\n", dash(rec.WorkflowID))
	fmt.Fprintf(tw, "  Updated\t%s\n", formatTime(rec.UpdatedAt))
	return tw.Flush()
}

func newOrdersSignalCmd(e *env, op operatorCmd) *cobra.Command {
	c := &cobra.Command{
		Use:   op.action + " TENANT ORDER",
		Short: op.short,
		Args:  cobra.ExactArgs(2),
	}
	var note string
	var force bool
	var queryTimeout time.Duration
	c.Flags().StringVar(&note, "note", "", "why: recorded in the order's timeline")
	if op.refuse != nil {
		c.Flags().BoolVar(&force, "force", false, "send without checking the order's state (it need not answer or match)")
	} else {
		c.Flags().BoolVar(&force, "force", false, "send without checking the order's state (it need not answer)")
	}
	c.Flags().DurationVar(&queryTimeout, "query-timeout", defaultQueryTimeout, "how long to wait for the workflow to answer the status query")
	p := bind(c, e, config.Temporal|config.Secrets|config.Logging)
	c.RunE = func(c *cobra.Command, args []string) error {
		return withTemporal(c.Context(), e, p, func(ctx context.Context, tc client.Client) error {
			return signalOrder(ctx, e.stdout, tc, op, args[0], args[1], note, force, queryTimeout)
		})
	}
	return c
}

// signalOrder sends op to a running order workflow after checking that the
// order is in a state where op makes sense (unless force).
func signalOrder(ctx context.Context, w io.Writer, c client.Client, op operatorCmd, tenantID, orderID, note string, force bool, queryTimeout time.Duration) error {
	v, err := describeOrder(ctx, c, tenantID, orderID, queryTimeout, force)
	if err != nil {
		return err
	}
	if !v.found {
		return fmt.Errorf("%s: %s", v.id, v.problem)
	}
	if !v.running {
		return fmt.Errorf("%s is %s: there is nothing to %s", v.id, v.exec, op.action)
	}
	state := "not checked"
	switch {
	case v.status == nil && !force:
		return fmt.Errorf("%s: cannot check its state (%s); use --force to send %s anyway", v.id, v.problem, op.action)
	case v.status != nil:
		state = string(v.status.State)
		if op.refuse != nil && !force {
			if why := op.refuse(v.status); why != "" {
				return fmt.Errorf("%s: %s does not apply: %s (use --force to send it anyway)", v.id, op.action, why)
			}
		}
	}
	if err := c.SignalWorkflow(ctx, v.id, "", workflows.SignalOperator, workflows.OperatorAction{Action: op.action, Note: note}); err != nil {
		return fmt.Errorf("signal %s to %s: %w", op.action, v.id, err)
	}
	printf(w, "%s sent to %s (state %s)\n", op.action, v.id, state)
	return nil
}
