package workflows

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
)

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Orders{})
	env.RegisterActivity(&activities.Store{})
	env.OnActivity(storeActs.RecordOrder, mock.Anything, mock.Anything).Return(nil)
	return env
}

func view(state string, transfer, cancelled bool, kind ledgerdoc.Kind) *activities.OrderView {
	return &activities.OrderView{
		Order:        domain.Order{ID: "42", StateID: state},
		Transfer:     transfer,
		Cancelled:    cancelled,
		SettledState: "Oppgjort i regnskap",
		Document: &ledgerdoc.Document{Kind: kind, Reference: "bokfor-demo-42", SendMethod: "email",
			Lines: []ledgerdoc.Line{{Kind: ledgerdoc.LineProduct, SKU: "A", Quantity: 1, UnitNet: 800, Net: 800, VAT: 200, Gross: 1000, Rate: 2500, VATType: "HIGH", Account: "3000"}}},
	}
}

var input = OrderInput{TenantID: "demo", ShopOrderID: "42", QuietPeriod: 24 * time.Hour}

func status(t *testing.T, env *testsuite.TestWorkflowEnvironment) OrderStatus {
	t.Helper()
	var res OrderStatus
	require.NoError(t, env.GetWorkflowResult(&res))
	return res
}

func TestOrderPaidAtCheckoutIsBookedOnceAndSettled(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindCashInvoice), nil).Once()
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.MatchedBy(func(in activities.PostDocumentInput) bool {
		return in.CustomerID == "c-7" && len(in.ProductIDs) == 1 && in.ProductIDs[0] == "p-1" && in.Document.Reference == "bokfor-demo-42"
	})).Return(&ledger.Posted{ID: "9", Number: "10001", Gross: 1000, Settled: true}, nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, activities.SetShopStateInput{OrderRef: activities.OrderRef{TenantID: "demo", ShopOrderID: "42", WorkflowID: "default-test-workflow-id"}, State: "Oppgjort i regnskap"}).Return(nil).Once()

	env.ExecuteWorkflow(Order, input)
	require.True(t, env.IsWorkflowCompleted())
	st := status(t, env)
	require.Equal(t, StateDone, st.State)
	require.Equal(t, "10001", st.LedgerDocNo)
	env.AssertExpectations(t)
}

func TestOrderWaitsForTransferStateAndIgnoresDuplicateEvents(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("1", false, false, ledgerdoc.KindCashInvoice), nil).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindCashInvoice), nil).Once()
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil)
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil)
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(&ledger.Posted{ID: "9", Number: "10001", Settled: true}, nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryStatus)
		require.NoError(t, err)
		var st OrderStatus
		require.NoError(t, v.Get(&st))
		require.Equal(t, StateWaiting, st.State)
		env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: "ev-1", Topic: "order.status"})
	}, time.Minute)
	// The same delivery again, after the order was booked: ignored.
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: "ev-1"}) }, 2*time.Minute)

	env.ExecuteWorkflow(Order, input)
	st := status(t, env)
	require.Equal(t, StateDone, st.State)
	require.Equal(t, 1, st.Events)
	env.AssertExpectations(t)
}

func TestOrderCancelledBeforeTransferNeverTouchesTheLedger(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("6", false, true, ledgerdoc.KindInvoice), nil).Once()
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateCancelled, status(t, env).State)
	env.AssertNotCalled(t, "PostDocument", mock.Anything, mock.Anything)
	env.AssertNotCalled(t, "ResolveCustomer", mock.Anything, mock.Anything)
}

func TestUnpaidInvoiceIsSentAndWaitsForSettlement(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	due := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	env.OnActivity(orderActs.PostAndSend, mock.Anything, mock.MatchedBy(func(in activities.PostAndSendInput) bool {
		return in.Method == "email" && in.Document.Reference == "bokfor-demo-42" && in.CustomerID == "c-7"
	})).Return(&activities.PostAndSendResult{Posted: &ledger.Posted{ID: "9", Number: "10001", DueDate: due}, Sent: true}, nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		v, _ := env.QueryWorkflow(QueryStatus)
		var st OrderStatus
		_ = v.Get(&st)
		require.Equal(t, StateBooked, st.State, "an unpaid invoice waits for settlement")
		env.SignalWorkflow(SignalSettled, SettledEvent{DocumentID: "9", Date: "2026-12-01"})
	}, 10*24*time.Hour)

	env.ExecuteWorkflow(Order, input)
	st := status(t, env)
	require.Equal(t, StateDone, st.State)
	var sawSettled bool
	for _, h := range st.History {
		sawSettled = sawSettled || h.State == StateSettled
	}
	require.True(t, sawSettled)
	env.AssertExpectations(t)
}

// onPostAndSend expects an unpaid invoice to be posted as p and sent by
// one activity (version 1 of "send-with-post").
func onPostAndSend(env *testsuite.TestWorkflowEnvironment, p *ledger.Posted) {
	env.OnActivity(orderActs.PostAndSend, mock.Anything, mock.Anything).Return(&activities.PostAndSendResult{Posted: p, Sent: true}, nil).Once()
}

// A send that fails with the post does not lose the posted invoice: the
// workflow sends it with SendInvoice, whose failures retry and park.
func TestFailedSendWithPostIsSentAgain(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostAndSend, mock.Anything, mock.Anything).Return(&activities.PostAndSendResult{Posted: &ledger.Posted{ID: "9"},
		SendError: "send invoice: fiken: server (HTTP 503)"}, nil).Once()
	env.OnActivity(orderActs.SendInvoice, mock.Anything, mock.MatchedBy(func(in activities.SendInvoiceInput) bool {
		return in.Posted.ID == "9" && in.Method == "email"
	})).Return(nil).Once()
	states := upsertedStates(env)
	env.RegisterDelayedCallback(func() {
		v, _ := env.QueryWorkflow(QueryStatus)
		var st OrderStatus
		_ = v.Get(&st)
		require.Equal(t, StateBooked, st.State)
		require.Equal(t, "9", st.LedgerDocID)
		require.Equal(t, StateBooking, st.History[len(st.History)-2].State, "booking is in the status")
		require.Contains(t, st.History[len(st.History)-1].Note, "sent by email")
		env.CancelWorkflow()
	}, time.Hour)
	env.ExecuteWorkflow(Order, input)
	env.AssertNotCalled(t, "PostDocument", mock.Anything, mock.Anything)
	env.AssertExpectations(t)
	require.Equal(t, []string{"booked", "cancelled"}, *states, "booking is not a visibility write")
}

// upsertedStates collects the OrderState values the workflow upserts.
func upsertedStates(env *testsuite.TestWorkflowEnvironment) *[]string {
	var states []string
	env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if v, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(AttrOrderState); ok {
			states = append(states, v)
		}
	}).Return(nil)
	return &states
}

// A run started before "send-with-post" keeps its path on replay: it asks
// for each earlier change, posts with PostDocument and sends with
// SendInvoice.
func TestRunBeforeSendWithPostPostsThenSends(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnGetVersion(changeSendWithPost, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	var asked []string
	env.OnGetVersion(mock.Anything, workflow.DefaultVersion, 1).Run(func(args mock.Arguments) {
		asked = append(asked, args.String(0))
	}).Return(workflow.Version(1))
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(&ledger.Posted{ID: "9"}, nil).Once()
	env.OnActivity(orderActs.SendInvoice, mock.Anything, mock.Anything).Return(nil).Once()
	states := upsertedStates(env)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, time.Hour)
	env.ExecuteWorkflow(Order, input)
	env.AssertNotCalled(t, "PostAndSend", mock.Anything, mock.Anything)
	env.AssertExpectations(t)
	require.Contains(t, asked, "drain-signals-before-read")
	require.Equal(t, []string{"booking", "booked", "cancelled"}, *states)
}

// A cancellation requested in Temporal (the Web UI) ends an order as the
// operator's cancel does, whether it waits for settlement or is parked,
// and the store's row learns it.
func TestCancellationRequestEndsTheOrder(t *testing.T) {
	t.Parallel()
	for _, parked := range []bool{false, true} {
		t.Run(fmt.Sprintf("parked=%v", parked), func(t *testing.T) {
			t.Parallel()
			var ts testsuite.WorkflowTestSuite
			env := ts.NewTestWorkflowEnvironment()
			env.RegisterActivity(&activities.Orders{})
			env.RegisterActivity(&activities.Store{})
			var recorded []string
			env.OnActivity(storeActs.RecordOrder, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.OrderRecordInput) error {
				recorded = append(recorded, in.State)
				return nil
			})
			env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
			env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
			env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
			if parked {
				env.OnActivity(orderActs.PostAndSend, mock.Anything, mock.Anything).Return(nil,
					temporal.NewNonRetryableApplicationError("fiken: invalid (HTTP 400)", activities.ErrTypeValidation, nil)).Once()
			} else {
				onPostAndSend(env, &ledger.Posted{ID: "9", DueDate: time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)})
			}
			env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, time.Hour)
			env.ExecuteWorkflow(Order, input)
			st := status(t, env)
			require.Equal(t, StateCancelled, st.State)
			require.Equal(t, "cancelled", recorded[len(recorded)-1])
			if parked {
				require.Contains(t, recorded, "needs_attention")
			}
		})
	}
}

func TestUnmappableOrderParksUntilOperatorRetries(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	bad := view("2", true, false, ledgerdoc.KindCashInvoice)
	bad.Document, bad.Problem = nil, "no VAT rule for rate: 11.11 %"
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(bad, nil).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindCashInvoice), nil).Once()
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{""}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(&ledger.Posted{ID: "9", Number: "10001", Settled: true}, nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		v, _ := env.QueryWorkflow(QueryStatus)
		var st OrderStatus
		_ = v.Get(&st)
		require.Equal(t, StateNeedsAttention, st.State)
		require.Contains(t, st.Reason, "no VAT rule")
		env.SignalWorkflow(SignalOperator, OperatorAction{Action: ActionRetry, Note: "added the 11.11 % rule"})
	}, time.Hour)
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateDone, status(t, env).State)
	env.AssertExpectations(t)
}

func TestRejectedDocumentParksAndOperatorCanSkip(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindCashInvoice), nil).Once()
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("post document: fiken: validation (HTTP 400): Kontonummer mangler på faktura", activities.ErrTypeValidation, errors.New("400"))).Once()
	env.RegisterDelayedCallback(func() {
		v, _ := env.QueryWorkflow(QueryStatus)
		var st OrderStatus
		_ = v.Get(&st)
		require.Equal(t, StateNeedsAttention, st.State)
		require.Equal(t, "post document", st.Step)
		require.Contains(t, st.Reason, "Kontonummer mangler")
		env.SignalWorkflow(SignalOperator, OperatorAction{Action: ActionSkip, Note: "booked by hand"})
	}, time.Hour)
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateSkipped, status(t, env).State)
	env.AssertExpectations(t)
}

func TestRefundIsCreditedExactlyOnce(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	booked := view("2", true, false, ledgerdoc.KindCashInvoice)
	refunded := view("7", true, false, ledgerdoc.KindCashInvoice)
	refunded.Posted = &ledger.Posted{ID: "9", Number: "10001", Settled: true}
	refunded.Order.Refunds = []domain.Refund{{ID: "3", Lines: []domain.RefundLine{{SKU: "A", Quantity: 1, TaxRate: 2500, TaxExcl: 800, TaxIncl: 1000}}}}
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(booked, nil).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(refunded, nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(&ledger.Posted{ID: "9", Number: "10001", Settled: true}, nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orderActs.PostCreditNote, mock.Anything, mock.MatchedBy(func(in activities.CreditInput) bool {
		return in.RefundID == "3" && len(in.Lines) == 1 && in.Lines[0].Gross == 1000 && in.Invoice.ID == "9"
	})).Return(&ledger.Posted{ID: "c1"}, nil).Once()
	for i, at := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour} {
		id := []string{"r-1", "r-2", "r-3"}[i]
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: id, Topic: "order_slip"}) }, at)
	}
	env.ExecuteWorkflow(Order, input)
	st := status(t, env)
	require.Equal(t, StateDone, st.State)
	require.Equal(t, []string{"3"}, st.Credited)
	env.AssertExpectations(t)
}

func TestCardPaymentIsPostedWithFeeAndSettles(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	v := view("2", true, false, ledgerdoc.KindInvoice)
	v.Document.SendMethod = ""
	v.Document.Gross = 1000
	v.Document.Payment = &ledgerdoc.Payment{Date: "2026-11-20", Account: "1920:10003", Amount: 1000, Fee: 224}
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(v, nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	env.OnActivity(orderActs.PostDocument, mock.Anything, mock.Anything).Return(&ledger.Posted{ID: "9", Gross: 1000}, nil).Once()
	env.OnActivity(orderActs.PostPayment, mock.Anything, mock.MatchedBy(func(in activities.PostPaymentInput) bool {
		return in.Posted.ID == "9" && in.Payment.Fee == 224 && in.Payment.Account == "1920:10003"
	})).Return(nil).Once()
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateDone, status(t, env).State)
	env.AssertNotCalled(t, "SendInvoice", mock.Anything, mock.Anything)
	env.AssertExpectations(t)
}

// An unpaid invoice whose settlement signal never comes: 60 days later the
// backstop asks the ledger, finds it settled and tells the shop.
func TestSettlementBackstopAfterSixtyDays(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	env.SetStartTime(start)
	due := start.AddDate(0, 0, 14)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	onPostAndSend(env, &ledger.Posted{ID: "9", DueDate: due})
	var checks []time.Time
	env.OnActivity(orderActs.CheckDocument, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.CheckDocumentInput) (*ledger.Posted, error) {
		checks = append(checks, env.Now())
		// Paid on day 50: the first check (due + 7 days) finds it open.
		return &ledger.Posted{ID: "9", Settled: env.Now().After(start.AddDate(0, 0, 50))}, nil
	})
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateDone, status(t, env).State)
	require.GreaterOrEqual(t, len(checks), 2)
	require.False(t, checks[0].Before(due.Add(7*24*time.Hour)), "first check not before due date + 7 days")
	require.True(t, checks[len(checks)-1].Before(start.AddDate(0, 0, 61)), "settled within 60 days and a week")
	env.AssertExpectations(t)
}

func TestOperatorMarksSettledAndDocumentNumberArrives(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	// Read at the start and after the operator's action; not for the
	// document number alone (number-without-reload).
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil).Times(2)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	onPostAndSend(env, &ledger.Posted{ID: "9"})
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(orderActs.NotifyCustomer, mock.Anything, mock.MatchedBy(func(in activities.NotifyCustomerInput) bool {
		return in.Text == "Faktura 10042 er sendt. KID: 0000100429. Forfall: 2026-12-04. Å betale: 398.01 NOK."
	})).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalDocument, DocumentInfo{DocumentID: "9", Number: "10042", KID: "0000100429", DueDate: "2026-12-04", Gross: 39801, Currency: "NOK"})
	}, time.Hour)
	// The same information again (the next watcher round) tells no one twice.
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalDocument, DocumentInfo{DocumentID: "9", Number: "10042", KID: "0000100429"})
	}, 90*time.Minute)
	env.RegisterDelayedCallback(func() {
		v, _ := env.QueryWorkflow(QueryStatus)
		var st OrderStatus
		_ = v.Get(&st)
		require.Equal(t, "10042", st.LedgerDocNo)
		require.Equal(t, StateBooked, st.State)
		env.SignalWorkflow(SignalOperator, OperatorAction{Action: ActionMarkSettled, Note: "paid in cash at the counter"})
	}, 2*time.Hour)
	var docNoAt []time.Time
	start := env.Now()
	env.OnUpsertTypedSearchAttributes(mock.MatchedBy(func(sa temporal.SearchAttributes) bool {
		v, ok := sa.GetKeyword(AttrLedgerDocNo)
		return ok && v == "10042"
	})).Run(func(mock.Arguments) { docNoAt = append(docNoAt, env.Now()) }).Return(nil)
	env.OnUpsertTypedSearchAttributes(mock.Anything).Return(nil)
	env.ExecuteWorkflow(Order, input)
	st := status(t, env)
	require.Equal(t, StateDone, st.State)
	require.Equal(t, "10042", st.LedgerDocNo)
	require.NotEmpty(t, docNoAt, "the learnt number must reach the LedgerDocNo search attribute")
	require.Less(t, docNoAt[0].Sub(start), 2*time.Hour, "while the invoice is still unpaid, not only at settlement")
	env.AssertExpectations(t)
}

func TestCancelAfterBookingCreditsInFull(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cancelled := view("6", false, true, ledgerdoc.KindInvoice)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(cancelled, nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	onPostAndSend(env, &ledger.Posted{ID: "9"})
	env.OnActivity(orderActs.PostCreditNote, mock.Anything, mock.MatchedBy(func(in activities.CreditInput) bool {
		return in.Full && in.RefundID == "cancel"
	})).Return(&ledger.Posted{ID: "c1"}, nil).Once()
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: "cancel-1"}) }, 3*24*time.Hour)
	env.ExecuteWorkflow(Order, input)
	st := status(t, env)
	require.Equal(t, StateCancelled, st.State)
	require.Equal(t, []string{"cancel"}, st.Credited)
	env.AssertNotCalled(t, "SetShopState", mock.Anything, mock.Anything)
	env.AssertExpectations(t)
}

func TestOperatorCancelsParkedOrder(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("read shop order: prestashop: auth (HTTP 401)", activities.ErrTypeAuth, nil)).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalOperator, OperatorAction{Action: ActionCancel, Note: "shop closed"})
	}, time.Hour)
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateCancelled, status(t, env).State)
}

// Skipping a failed re-read of a booked order waits for the next event
// instead of acting on nothing.
func TestSkippedReloadOfBookedOrderWaits(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(nil,
		temporal.NewNonRetryableApplicationError("read shop order: prestashop: not_found (HTTP 404)", activities.ErrTypeNotFound, nil)).Once()
	env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(view("2", true, false, ledgerdoc.KindInvoice), nil)
	env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
	env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
	onPostAndSend(env, &ledger.Posted{ID: "9"})
	env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: "e1"}) }, time.Hour)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalOperator, OperatorAction{Action: ActionSkip, Note: "shop was down"})
	}, 2*time.Hour)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalShopEvent, ShopEvent{ID: "e2"}) }, 3*time.Hour)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalSettled, SettledEvent{DocumentID: "9"}) }, 4*time.Hour)
	env.ExecuteWorkflow(Order, input)
	require.Equal(t, StateDone, status(t, env).State)
	env.AssertExpectations(t)
}

func TestKnownLinksFromLoadOrderSkipTheResolveActivities(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		links   *activities.Links
		resolve bool
	}{
		{"every link stored", &activities.Links{CustomerID: "c-7", ProductIDs: []string{"p-1"}}, false},
		{"something to look up", nil, true},
		{"links of another document shape", &activities.Links{CustomerID: "c-7", ProductIDs: []string{"p-1", "p-2"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t)
			v := view("2", true, false, ledgerdoc.KindCashInvoice)
			v.Links = tc.links
			env.OnActivity(orderActs.LoadOrder, mock.Anything, mock.Anything).Return(v, nil).Once()
			if tc.resolve {
				env.OnActivity(orderActs.ResolveCustomer, mock.Anything, mock.Anything).Return("c-7", nil).Once()
				env.OnActivity(orderActs.ResolveProducts, mock.Anything, mock.Anything).Return([]string{"p-1"}, nil).Once()
			}
			env.OnActivity(orderActs.PostDocument, mock.Anything, mock.MatchedBy(func(in activities.PostDocumentInput) bool {
				return in.CustomerID == "c-7" && len(in.ProductIDs) == 1 && in.ProductIDs[0] == "p-1"
			})).Return(&ledger.Posted{ID: "9", Number: "10001", Gross: 1000, Settled: true}, nil).Once()
			env.OnActivity(orderActs.SetShopState, mock.Anything, mock.Anything).Return(nil).Once()
			env.ExecuteWorkflow(Order, input)
			require.True(t, env.IsWorkflowCompleted())
			require.Equal(t, StateDone, status(t, env).State)
			env.AssertExpectations(t)
			if !tc.resolve {
				env.AssertNotCalled(t, "ResolveCustomer", mock.Anything, mock.Anything)
				env.AssertNotCalled(t, "ResolveProducts", mock.Anything, mock.Anything)
			}
		})
	}
}
