package poweroffice_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/posim"
)

// TestErrorsAreTyped checks that each class of failure comes back as the
// apierr kind the activities act on.
func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	customer := poweroffice.CustomerPost{IsPerson: true, LastName: "Nordmann", ExternalImportReference: "dup"}
	tests := []struct {
		name   string
		opts   envOpts
		faults *posim.Faults
		setup  func(ctx context.Context, c *poweroffice.Client) error
		call   func(ctx context.Context, c *poweroffice.Client) error
		kind   apierr.Kind
		status int
		msg    string
	}{
		{name: "validation 400 with ProblemDetails", kind: apierr.KindValidation, status: 400, msg: "Name",
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CreateCustomer(ctx, poweroffice.CustomerPost{})
				return err
			}},
		{name: "not found 404", kind: apierr.KindNotFound, status: 404, msg: "not found",
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.GetCustomer(ctx, 424242)
				return err
			}},
		{name: "duplicate reference is a conflict", kind: apierr.KindConflict, status: 400, msg: "ExternalImportReference",
			setup: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CreateCustomer(ctx, customer)
				return err
			},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CreateCustomer(ctx, customer)
				return err
			}},
		{name: "wrong keys are auth", kind: apierr.KindAuth, status: 400, msg: "invalid_client|Client integration not found",
			opts: envOpts{sim: posim.Options{ClientKeys: []string{"the-right-one"}}, noContract: true},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.IntegrationInformation(ctx)
				return err
			}},
		{name: "missing privilege is auth 403", kind: apierr.KindAuth, status: 403, msg: "Product_Full",
			opts: envOpts{sim: posim.Options{InvalidPrivileges: []string{"Product_Full"}}},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.FindProductByCode(ctx, "X")
				return err
			}},
		{name: "privilege check names the missing ones", kind: apierr.KindAuth, msg: "Product_Full, BankVoucher_Full",
			opts: envOpts{sim: posim.Options{InvalidPrivileges: []string{"Product_Full", "BankVoucher_Full"}}},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CheckPrivileges(ctx)
				return err
			}},
		{name: "throttled is rate limited after retries", kind: apierr.KindRateLimited, status: 429, msg: "Rate limit is exceeded",
			opts: envOpts{sim: posim.Options{RatePerSecond: 1}, enforce: true, limiter: ratelimit.Unlimited{}},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				for {
					if _, err := c.VatCodes(ctx); err != nil {
						return err
					}
				}
			}},
		{name: "server error on a read is transient", kind: apierr.KindTransient, status: 500,
			faults: &posim.Faults{ErrorRate: 1},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.VatCodes(ctx)
				return err
			}},
		{name: "server error on a create is ambiguous", kind: apierr.KindAmbiguous, status: 500,
			faults: &posim.Faults{ErrorRate: 1, WritesOnly: true},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CreateCustomer(ctx, customer)
				return err
			}},
		{name: "lost response of a create is ambiguous", kind: apierr.KindAmbiguous,
			faults: &posim.Faults{DropAfterCommitRate: 1},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.CreateCustomer(ctx, customer)
				return err
			}},
		{name: "timeout of a read is transient", kind: apierr.KindTransient,
			opts:   envOpts{timeout: 200 * time.Millisecond, sim: posim.Options{FaultTimeout: 2 * time.Second}},
			faults: &posim.Faults{TimeoutRate: 1},
			call: func(ctx context.Context, c *poweroffice.Client) error {
				_, err := c.VatCodes(ctx)
				return err
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The contract test covers the spec; these only need the sim.
			tc.opts.noContract = true
			e := newEnv(t, tc.opts)
			ctx := context.Background()
			if tc.setup != nil {
				if err := tc.setup(ctx, e.client); err != nil {
					t.Fatal(err)
				}
			}
			if tc.faults != nil {
				// Fetch the token first: faults apply to API calls.
				if _, err := e.client.IntegrationInformation(ctx); err != nil {
					t.Fatal(err)
				}
				e.sim.SetFaults(*tc.faults)
			}
			err := tc.call(ctx, e.client)
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v (%T) is not an *apierr.Error", err, err)
			}
			if ae.Kind != tc.kind || (tc.status != 0 && ae.Status != tc.status) || ae.API != "poweroffice" {
				t.Fatalf("got %s (HTTP %d, api %q): %v; want %s (HTTP %d)", ae.Kind, ae.Status, ae.API, err, tc.kind, tc.status)
			}
			if tc.msg != "" && !matchesAny(ae.Message, tc.msg) {
				t.Fatalf("message %q does not mention %q", ae.Message, tc.msg)
			}
		})
	}
}

func matchesAny(s, alternatives string) bool {
	for _, a := range strings.Split(alternatives, "|") {
		if strings.Contains(s, a) {
			return true
		}
	}
	return false
}
