package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/logging"
	"github.com/bokfor/bokfor/internal/metrics"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/temporalclient"
)

// env is the process environment a command runs in; tests replace it.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// logger, when set, replaces the configured logger (tests).
	logger *zap.Logger
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "bokfor",
		Short:         "Book webshop sales in Fiken and PowerOffice Go, exactly once, on Temporal",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(e),
		newMigrateCmd(e),
		newTenantCmd(e),
		newWorkerCmd(e),
		newStarterCmd(e),
		newInboxCmd(e),
		newDevCmd(e),
		newSimCmd(e),
		newOrdersCmd(e),
		newSyncCmd(e),
		newPreviewCmd(e),
		newChaosCmd(e),
		newBenchCmd(e),
	)
	return root
}

// proc is a command's validated configuration and the resources it opened.
type proc struct {
	cfg    config.Config
	groups config.Group
	log    *zap.Logger
}

// bind registers the flags of groups on cmd and returns the proc to fill.
func bind(cmd *cobra.Command, e *env, groups config.Group) *proc {
	p := &proc{groups: groups}
	p.cfg.Bind(cmd.Flags(), groups, e.getenv)
	return p
}

// init validates the configuration and builds the logger.
func (p *proc) start(e *env, name string) error {
	if err := p.cfg.Validate(p.groups); err != nil {
		return err
	}
	if e.logger != nil {
		p.log = e.logger.Named(name)
		return nil
	}
	if p.groups&config.Logging == 0 {
		p.log = zap.NewNop()
		return nil
	}
	z, err := logging.New(p.cfg.LogFormat, p.cfg.LogLevel)
	if err != nil {
		return err
	}
	p.log = z.Named(name)
	return nil
}

// openStore connects to the database and, when checkSchema is set, refuses
// a database whose schema is not this binary's.
func (p *proc) openStore(ctx context.Context, checkSchema bool) (*store.Store, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	pool, err := store.Open(ctx, p.cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if checkSchema {
		if err := store.CheckSchema(ctx, pool); err != nil {
			pool.Close()
			return nil, nil, err
		}
	}
	var s *store.Store
	if p.groups&config.Secrets != 0 {
		box, err := p.cfg.SecretBox()
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		s = store.New(pool, box)
	} else {
		s = store.New(pool, nil)
	}
	return s, pool.Close, nil
}

// dialTemporal connects to Temporal and checks the search attributes.
func (p *proc) dialTemporal(ctx context.Context, m *metrics.Metrics) (client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := temporalclient.Dial(ctx, &p.cfg, p.log, m.TemporalHandler())
	if err != nil {
		return nil, err
	}
	if err := temporalclient.CheckSearchAttributes(ctx, c, p.cfg.TemporalNamespace); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func printf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
