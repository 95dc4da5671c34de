package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/webhook"
)

func newInboxCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "Inspect and replay stored webhook events",
	}
	cmd.AddCommand(newInboxListCmd(e), newInboxShowCmd(e), newInboxReplayCmd(e))
	return cmd
}

// withInboxStore runs fn with a store opened from p's configuration.
func withInboxStore(e *env, p *proc, c *cobra.Command, fn func(ctx context.Context, s *store.Store) error) error {
	if err := p.start(e, "inbox"); err != nil {
		return err
	}
	s, closeFn, err := p.openStore(c.Context(), true)
	if err != nil {
		return err
	}
	defer closeFn()
	return fn(c.Context(), s)
}

func newInboxListCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "List the newest webhook events, newest first", Args: cobra.NoArgs}
	var tenantID string
	var limit int
	c.Flags().StringVar(&tenantID, "tenant", "", "only this tenant's events")
	c.Flags().IntVar(&limit, "limit", 50, "how many events")
	p := bind(c, e, config.Database|config.Logging)
	c.RunE = func(c *cobra.Command, _ []string) error {
		if limit <= 0 {
			return fmt.Errorf("--limit must be positive")
		}
		return withInboxStore(e, p, c, func(ctx context.Context, s *store.Store) error {
			es, err := s.InboxList(ctx, tenantID, limit)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTENANT\tSOURCE\tTOPIC\tRESOURCE\tRECEIVED\tSTATE\tATTEMPTS\tLAST ERROR")
			for _, ev := range es {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", ev.ID, ev.TenantID, ev.Source, ev.Topic, ev.ResourceID,
					ev.ReceivedAt.UTC().Format("2006-01-02 15:04:05"), inboxState(ev), ev.Attempts, oneLine(ev.LastError, 80))
			}
			return tw.Flush()
		})
	}
	return c
}

func newInboxShowCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "show ID", Short: "Show one webhook event: metadata, kept headers and the raw body", Args: cobra.ExactArgs(1)}
	p := bind(c, e, config.Database|config.Logging)
	c.RunE = func(c *cobra.Command, args []string) error {
		id, err := parseInboxID(args[0])
		if err != nil {
			return err
		}
		return withInboxStore(e, p, c, func(ctx context.Context, s *store.Store) error {
			ev, err := s.InboxEventByID(ctx, id)
			if err != nil {
				return fmt.Errorf("inbox event %d: %w", id, err)
			}
			printf(e.stdout, "id:           %d\ntenant:       %s\nsource:       %s\ntopic:        %s\nresource:     %s\ndelivery key: %s\nreceived:     %s\nstate:        %s\nattempts:     %d\n",
				ev.ID, ev.TenantID, ev.Source, ev.Topic, ev.ResourceID, ev.DeliveryKey, ev.ReceivedAt.UTC().Format("2006-01-02 15:04:05.000 MST"), inboxState(*ev), ev.Attempts)
			if ev.LastError != "" {
				printf(e.stdout, "last error:   %s\n", oneLine(ev.LastError, 500))
			}
			printf(e.stdout, "headers:\n")
			names := make([]string, 0, len(ev.Headers))
			for k := range ev.Headers {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				printf(e.stdout, "  %s: %s\n", k, ev.Headers[k])
			}
			printf(e.stdout, "body (%d bytes):\n%s\n", len(ev.Body), ev.Body)
			return nil
		})
	}
	return c
}

func newInboxReplayCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "replay ID",
		Short: "Signal a stored order event to its workflow again (under a fresh event id) and mark it delivered",
		Args:  cobra.ExactArgs(1),
	}
	p := bind(c, e, config.Database|config.Temporal|config.Logging)
	c.RunE = func(c *cobra.Command, args []string) error {
		id, err := parseInboxID(args[0])
		if err != nil {
			return err
		}
		return withInboxStore(e, p, c, func(ctx context.Context, s *store.Store) error {
			m := metrics.New()
			defer func() { _ = m.Close() }()
			tc, err := p.dialTemporal(ctx, m)
			if err != nil {
				return err
			}
			defer tc.Close()
			res, err := webhook.Replay(ctx, s, webhook.TemporalSignaler{Client: tc, TaskQueue: p.cfg.TaskQueue}, id)
			if err != nil {
				return err
			}
			printf(e.stdout, "inbox event %d signalled to %s as %s\n", id, res.WorkflowID, res.Event.ID)
			return nil
		})
	}
	return c
}

func parseInboxID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("inbox event id %q: want a positive number", s)
	}
	return id, nil
}

// inboxState is "delivered", or "pending" while the relay still tries.
func inboxState(ev store.InboxEvent) string {
	if ev.DeliveredAt != nil {
		return "delivered " + ev.DeliveredAt.UTC().Format("15:04:05")
	}
	return "pending"
}

// oneLine shortens s to n runes on one line.
func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' || c == '\t' {
			r[i] = ' '
		}
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
