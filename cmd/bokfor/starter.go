package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/codec"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/temporalclient"
)

func newStarterCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "starter",
		Short: "Run the webhook starter: stores shop events and starts their workflows",
		Args:  cobra.NoArgs,
	}
	p := bind(cmd, e, config.Database|config.Temporal|config.Secrets|config.Logging|config.HTTP)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := p.start(e, "starter"); err != nil {
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
		pc, err := temporalclient.PayloadCodec(&p.cfg)
		if err != nil {
			return err
		}
		// The codec endpoint is on only with BOKFOR_CODEC_TOKEN set.
		codecHandler := codec.Handler(pc, codec.HandlerOptions{Token: e.getenv("BOKFOR_CODEC_TOKEN"), AllowOrigins: strings.Fields(e.getenv("BOKFOR_CODEC_CORS_ORIGINS"))})
		return app.RunStarter(ctx, app.StarterDeps{Log: p.log, Temporal: c, Store: s, Metrics: m, Addr: p.cfg.HTTPAddr, TaskQueue: p.cfg.TaskQueue, Codec: codecHandler})
	}
	return cmd
}
