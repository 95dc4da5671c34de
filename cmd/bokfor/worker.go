package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/temporalclient"
)

func newWorkerCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run the Temporal worker: every workflow and activity",
		Args:  cobra.NoArgs,
	}
	p := bind(cmd, e, config.Database|config.Temporal|config.Secrets|config.Logging|config.Metrics|config.Worker)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := p.start(e, "worker"); err != nil {
			return err
		}
		defer func() { _ = p.log.Sync() }()
		ctx := cmd.Context()
		s, closeStore, err := p.openStore(ctx, true)
		if err != nil {
			return err
		}
		defer closeStore()
		m := metrics.New()
		defer m.Close()
		c, err := p.dialTemporal(ctx, m)
		if err != nil {
			return err
		}
		defer c.Close()
		conns, err := app.PostgresConnectors(ctx, s, p.log)
		if err != nil {
			return err
		}
		defer conns.Close()
		pc, err := temporalclient.PayloadCodec(&p.cfg)
		if err != nil {
			return err
		}
		cacheSize, err := p.cfg.WorkflowCache()
		if err != nil {
			return err
		}
		var keyID string
		if pc != nil {
			keyID = pc.KeyID()
		}
		return app.RunWorker(ctx, app.WorkerDeps{
			Log: p.log, Temporal: c, Store: s, Metrics: m, Connectors: conns, ScheduleEvery: time.Minute,
			TaskQueue: p.cfg.TaskQueue, MetricsAddr: p.cfg.MetricsAddr, KeyID: keyID, WorkflowCacheSize: cacheSize,
		})
	}
	return cmd
}
