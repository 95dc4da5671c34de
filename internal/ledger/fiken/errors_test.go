package fiken_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/sim/fikensim"
)

// TestTypedErrors: each failure class comes back as its apierr.Kind, with
// Fiken's message verbatim and the request id.
func TestTypedErrors(t *testing.T) {
	t.Parallel()
	type tc struct {
		name    string
		opts    envOpts
		setup   func(t *testing.T, e *env)
		call    func(ctx context.Context, c *fiken.Client) error
		kind    apierr.Kind
		status  int
		message string // exact when set
	}
	createInvoice := func(ctx context.Context, c *fiken.Client) error {
		_, err := c.CreateInvoice(ctx, invoiceFor(1, "x"))
		return err
	}
	cases := []tc{
		{name: "401 unknown token", opts: envOpts{sim: fikensim.Options{Tokens: []string{"right"}}, token: fiken.PersonalToken("wrong")},
			call: func(ctx context.Context, c *fiken.Client) error { _, err := c.GetCompany(ctx); return err },
			kind: apierr.KindAuth, status: 401, message: "Unauthorized"},
		{name: "403 API module inactive", opts: envOpts{company: "closed"},
			setup: func(t *testing.T, e *env) { e.sim.AddCompany("closed", "Closed AS", false, false) },
			call:  func(ctx context.Context, c *fiken.Client) error { _, err := c.GetCompany(ctx); return err },
			kind:  apierr.KindAuth, status: 403, message: "Company closed does not have access to the API module"},
		{name: "400 missing number series, message verbatim", opts: envOpts{company: "fresh"},
			setup: func(t *testing.T, e *env) {
				e.sim.AddCompany("fresh", "Fresh AS", true, true)
				seedCustomer(t, e.client)
			},
			call: func(ctx context.Context, c *fiken.Client) error {
				cs, err := c.ListContacts(ctx, fiken.ContactFilter{})
				if err != nil {
					return err
				}
				_, err = c.CreateInvoice(ctx, invoiceFor(cs[0].ContactID, "x"))
				return err
			},
			kind: apierr.KindValidation, status: 400, message: "Missing number series for drafts of type: invoice"},
		{name: "400 customer flag missing", call: func(ctx context.Context, c *fiken.Client) error {
			id, err := c.CreateContact(ctx, fiken.ContactRequest{Name: "Not a customer"})
			if err != nil {
				return err
			}
			_, err = c.CreateInvoice(ctx, invoiceFor(id, "x"))
			return err
		}, kind: apierr.KindValidation, status: 400},
		{name: "404 invoice", call: func(ctx context.Context, c *fiken.Client) error { _, err := c.GetInvoice(ctx, 424242); return err },
			kind: apierr.KindNotFound, status: 404, message: "invoice 424242 not found"},
		{name: "409 counter exists", call: func(ctx context.Context, c *fiken.Client) error { return c.CreateInvoiceCounter(ctx, 0) },
			kind: apierr.KindConflict, status: 409},
		{name: "500 on a read is transient", setup: func(t *testing.T, e *env) { e.sim.SetFaults(fikensim.Faults{ErrorRate: 1}) },
			call: func(ctx context.Context, c *fiken.Client) error { _, err := c.GetCompany(ctx); return err },
			kind: apierr.KindTransient, status: 500, message: "Simulated internal server error"},
		{name: "500 on a create is ambiguous", setup: func(t *testing.T, e *env) { e.sim.SetFaults(fikensim.Faults{ErrorRate: 1}) },
			call: createInvoice, kind: apierr.KindAmbiguous, status: 500},
		{name: "dropped create is ambiguous", setup: func(t *testing.T, e *env) { e.sim.SetFaults(fikensim.Faults{DropAfterCommitRate: 1}) },
			call: func(ctx context.Context, c *fiken.Client) error {
				_, err := c.CreateContact(ctx, fiken.ContactRequest{Name: "X"})
				return err
			}, kind: apierr.KindAmbiguous},
		{name: "timed-out create is ambiguous", opts: envOpts{timeout: 200 * time.Millisecond},
			setup: func(t *testing.T, e *env) { e.sim.SetFaults(fikensim.Faults{TimeoutRate: 1}) },
			call: func(ctx context.Context, c *fiken.Client) error {
				_, err := c.CreateProduct(ctx, fiken.ProductRequest{Name: "X", IncomeAccount: "3000", VatType: "HIGH", Active: true})
				return err
			}, kind: apierr.KindAmbiguous},
		{name: "more than 4 per second is rate limited", opts: envOpts{enforce: true, limiter: ratelimit.Unlimited{}},
			call: func(ctx context.Context, c *fiken.Client) error {
				for i := 0; i < 6; i++ {
					if _, err := c.CreateContact(ctx, fiken.ContactRequest{Name: "Burst"}); err != nil {
						return err
					}
				}
				return nil
			}, kind: apierr.KindRateLimited, status: 429, message: "Too many requests: more than 4 requests per second"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.opts)
			if tc.setup != nil {
				tc.setup(t, e)
			}
			err := tc.call(context.Background(), e.client)
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *apierr.Error", err)
			}
			if ae.Kind != tc.kind || (tc.status != 0 && ae.Status != tc.status) {
				t.Fatalf("kind=%s status=%d, want %s %d (%v)", ae.Kind, ae.Status, tc.kind, tc.status, err)
			}
			if tc.message != "" && ae.Message != tc.message {
				t.Errorf("message = %q, want %q verbatim", ae.Message, tc.message)
			}
			if ae.API != "fiken" || ae.RequestID == "" || ae.Op == "" {
				t.Errorf("error lacks api/op/request id: %+v", ae)
			}
		})
	}
}

// TestConcurrentRequestIsRateLimited: a second request while one is in
// flight gets 429 and the simulator counts a violation.
func TestConcurrentRequestIsRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{enforce: true, limiter: ratelimit.Unlimited{}})
	e.sim.SetFaults(fikensim.Faults{LatencyMS: 300})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				time.Sleep(50 * time.Millisecond)
			}
			_, errs[i] = e.client.GetCompany(context.Background())
		}()
	}
	wg.Wait()
	// Normally the first succeeds and the second is refused; under load
	// the order may flip. Exactly one of each is what matters.
	var ok, limited int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apierr.Is(err, apierr.KindRateLimited):
			limited++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || limited != 1 {
		t.Fatalf("results %v: want one success and one rate-limited", errs)
	}
	st := e.sim.Stats()
	if st.RateViolations == 0 || st.MaxInFlight < 2 || st.ByStatus["429"] == 0 {
		t.Errorf("stats = %+v, want a violation, max_in_flight >= 2 and a 429", st)
	}
}

// TestConnectionRefusedIsTransient: a create that never left is not
// ambiguous.
func TestConnectionRefusedIsTransient(t *testing.T) {
	t.Parallel()
	c, err := fiken.New(fiken.Config{BaseURL: "http://127.0.0.1:1/api/v2", CompanySlug: "demo", Token: fiken.PersonalToken("t"),
		MaxAttempts: 1, HTTPClient: &http.Client{Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateContact(context.Background(), fiken.ContactRequest{Name: "X"})
	if !apierr.Is(err, apierr.KindTransient) {
		t.Fatalf("err = %v, want transient", err)
	}
}
