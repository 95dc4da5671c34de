package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/store"
)

func newMigrateCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create the database if needed and apply schema migrations (idempotent)",
		Args:  cobra.NoArgs,
	}
	p := bind(cmd, e, config.Database|config.Logging)
	create := cmd.Flags().Bool("create-database", true, "create the database if it does not exist")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := p.start(e, "migrate"); err != nil {
			return err
		}
		return migrate(cmd.Context(), p, *create)
	}
	return cmd
}

func migrate(ctx context.Context, p *proc, create bool) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if create {
		if err := store.CreateDatabase(ctx, p.cfg.DatabaseURL); err != nil {
			return err
		}
	}
	pool, err := store.Open(ctx, p.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := store.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	p.log.Info("database migrated", zap.Ints("applied", applied), zap.Int("schema", store.LatestVersion()))
	return nil
}
