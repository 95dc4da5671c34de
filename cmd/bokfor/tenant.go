package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/secrets"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

func newTenantCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Manage tenants: one shop, one ledger and their settings",
	}
	withStore := func(use, short string, args cobra.PositionalArgs, needSecrets bool, fn func(ctx context.Context, s *store.Store, args []string) error) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Args: args}
		groups := config.Database | config.Logging
		if needSecrets {
			groups |= config.Secrets
		}
		p := bind(c, e, groups)
		c.RunE = func(c *cobra.Command, args []string) error {
			if err := p.start(e, "tenant"); err != nil {
				return err
			}
			s, closeFn, err := p.openStore(c.Context(), true)
			if err != nil {
				return err
			}
			defer closeFn()
			return fn(c.Context(), s, args)
		}
		return c
	}
	cmd.AddCommand(
		withStore("add FILE", "Add a tenant from a YAML file (- for stdin)", cobra.ExactArgs(1), true,
			func(ctx context.Context, s *store.Store, args []string) error {
				t, err := readTenant(e, args[0])
				if err != nil {
					return err
				}
				if err := s.CreateTenant(ctx, t); err != nil {
					return err
				}
				printf(e.stdout, "tenant %s added\n", t.ID)
				return nil
			}),
		withStore("update FILE", "Replace a tenant's settings from YAML; secrets given are merged, an empty one is removed", cobra.ExactArgs(1), true,
			func(ctx context.Context, s *store.Store, args []string) error {
				t, err := readTenant(e, args[0])
				if err != nil {
					return err
				}
				if err := s.UpdateTenant(ctx, t); err != nil {
					return err
				}
				printf(e.stdout, "tenant %s updated\n", t.ID)
				return nil
			}),
		withStore("list", "List tenants", cobra.NoArgs, false,
			func(ctx context.Context, s *store.Store, _ []string) error {
				ts, err := s.Tenants(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tSHOP\tLEDGER\tSTATE\tUPDATED")
				for _, t := range ts {
					state := "active"
					if t.Disabled {
						state = "disabled"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Settings.Shop.Kind+" "+t.Settings.Shop.BaseURL,
						t.Settings.Ledger.Kind+" "+t.Settings.Ledger.Company, state, t.UpdatedAt.UTC().Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			}),
		withStore("show ID", "Show a tenant's settings as YAML (secrets are never printed)", cobra.ExactArgs(1), true,
			func(ctx context.Context, s *store.Store, args []string) error {
				t, err := s.Tenant(ctx, args[0])
				if err != nil {
					return err
				}
				out, err := t.Marshal()
				if err != nil {
					return err
				}
				_, err = e.stdout.Write(out)
				return err
			}),
		withStore("remove ID", "Remove a tenant with its links, order records and watermarks", cobra.ExactArgs(1), false,
			func(ctx context.Context, s *store.Store, args []string) error {
				if err := s.DeleteTenant(ctx, args[0]); err != nil {
					return err
				}
				printf(e.stdout, "tenant %s removed\n", args[0])
				return nil
			}),
		withStore("reseal", "Re-encrypt every tenant's secrets with BOKFOR_SECRET_KEY after a key rotation (old keys in BOKFOR_SECRET_KEY_PREVIOUS)", cobra.NoArgs, true,
			func(ctx context.Context, s *store.Store, _ []string) error {
				n, err := s.ResealTenants(ctx)
				if err != nil {
					return err
				}
				printf(e.stdout, "%d tenant(s) resealed with the current key\n", n)
				return nil
			}),
		newTenantExampleCmd(e),
		&cobra.Command{
			Use:   "keygen",
			Short: "Print a new random BOKFOR_SECRET_KEY",
			Args:  cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				printf(e.stdout, "%s\n", secrets.GenerateKey())
				return nil
			},
		},
	)
	return cmd
}

func readTenant(e *env, path string) (*tenant.Tenant, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	return tenant.Parse(data)
}

func newTenantExampleCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "example",
		Short: "Print a documented example tenant YAML (--ledger fiken|poweroffice)",
		Args:  cobra.NoArgs,
	}
	ledgerKind := c.Flags().String("ledger", tenant.LedgerFiken, "ledger of the example: fiken or poweroffice")
	c.RunE = func(*cobra.Command, []string) error {
		var y []byte
		switch *ledgerKind {
		case tenant.LedgerFiken:
			y = tenant.ExampleYAML()
		case tenant.LedgerPowerOffice:
			y = tenant.ExamplePowerOfficeYAML()
		default:
			return fmt.Errorf("--ledger %q must be fiken or poweroffice", *ledgerKind)
		}
		_, err := e.stdout.Write(y)
		return err
	}
	return c
}
