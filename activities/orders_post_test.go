package activities

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// postingLedger is a ledger that posts invoices and fails the first
// failSends sends.
type postingLedger struct {
	ledger.Ledger
	mu        sync.Mutex
	failSends int
	failPost  error
	posts     int
	sends     []string
}

func (l *postingLedger) Kind() string { return "fake" }

func (l *postingLedger) FindDocument(context.Context, string, ledgerdoc.Kind) (*ledger.Posted, error) {
	return nil, ledger.ErrNotFound
}

func (l *postingLedger) PostDocument(_ context.Context, d *ledgerdoc.Document, _ string, _ []string) (*ledger.Posted, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failPost != nil {
		return nil, l.failPost
	}
	l.posts++
	return &ledger.Posted{ID: "inv-1", Gross: int64(d.Gross)}, nil
}

func (l *postingLedger) SendInvoice(_ context.Context, p ledger.Posted, method string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failSends > 0 {
		l.failSends--
		return errors.New("fiken: server (HTTP 503)")
	}
	l.sends = append(l.sends, p.ID+" by "+method)
	return nil
}

// TestPostAndSendPostsOnceAndReportsAFailedSend: the invoice is posted
// once however often the activity runs; a failed send is reported with
// the posted invoice, not as a failure that would hide it, and a repeat
// (a retry after a lost result) sends the linked invoice without posting
// it again.
func TestPostAndSendPostsOnceAndReportsAFailedSend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		failSends  int
		failPost   error
		runs       int
		wantErr    bool
		wantSent   []bool
		wantSends  []string
		wantPosted int
	}{
		{name: "posted and sent", runs: 1, wantSent: []bool{true}, wantSends: []string{"inv-1 by email"}, wantPosted: 1},
		{name: "send fails, then a repeat sends", failSends: 1, runs: 2, wantSent: []bool{false, true},
			wantSends: []string{"inv-1 by email"}, wantPosted: 1},
		{name: "a repeat after a lost result sends again, posts once", runs: 2, wantSent: []bool{true, true},
			wantSends: []string{"inv-1 by email", "inv-1 by email"}, wantPosted: 1},
		{name: "post fails: nothing sent", failPost: errors.New("fiken: server (HTTP 500)"), runs: 1, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lg := &postingLedger{failSends: tc.failSends, failPost: tc.failPost}
			a := &Orders{Store: testStore(t, func(*tenant.Settings) {}), Connectors: ledgerOnly{lg}}
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			env.RegisterActivity(a)
			in := PostAndSendInput{Method: "email", PostDocumentInput: PostDocumentInput{
				OrderRef: OrderRef{TenantID: "demo", ShopOrderID: "42", WorkflowID: "order-demo-42"},
				Document: ledgerdoc.Document{Kind: ledgerdoc.KindInvoice, Reference: "bokfor-demo-42", Gross: 12500, SendMethod: "email"}}}
			var sent []bool
			for range tc.runs {
				v, err := env.ExecuteActivity(a.PostAndSend, in)
				if tc.wantErr {
					require.Error(t, err)
					continue
				}
				require.NoError(t, err)
				var res PostAndSendResult
				require.NoError(t, v.Get(&res))
				require.Equal(t, "inv-1", res.Posted.ID, "the posted invoice comes back even when sending fails")
				require.Equal(t, !res.Sent, res.SendError != "")
				sent = append(sent, res.Sent)
			}
			require.Equal(t, tc.wantSent, sent)
			require.Equal(t, tc.wantSends, lg.sends)
			require.Equal(t, tc.wantPosted, lg.posts)
		})
	}
}

// ledgerOnly connects every tenant to one ledger and no shop.
type ledgerOnly struct{ lg ledger.Ledger }

func (c ledgerOnly) Shop(context.Context, *store.TenantRow) (shop.Shop, error) {
	return nil, errors.New("no shop in this test")
}

func (c ledgerOnly) Ledger(context.Context, *store.TenantRow) (ledger.Ledger, error) {
	return c.lg, nil
}
