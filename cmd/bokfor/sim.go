package main

import (
	"context"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

func newSimCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "sim",
		Short: "Run a simulator of an external API (prestashop, fiken)",
	}
}

// startSimulators starts every simulator `bokfor dev` runs and returns one
// line per simulator for the URL list.
func startSimulators(ctx context.Context, g *errgroup.Group, log *zap.Logger, ports devPorts) ([]string, error) {
	return nil, nil
}
