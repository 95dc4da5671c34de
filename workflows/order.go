package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
)

// orderActs names the order activities by method; the worker registers
// the real instance.
var orderActs *activities.Orders

var storeActs *activities.Store

const defaultQuietPeriod = 30 * 24 * time.Hour

// errCancelled ends the workflow at an operator's request.
var errCancelled = errors.New("cancelled by operator")

// errSkipped means the operator skipped a failed step.
var errSkipped = errors.New("skipped by operator")

// Order carries one shop order from the status that triggers transfer to a
// ledger document, through payment and settlement, back to the shop, and
// through later refunds. See the package doc of ledgerdoc for the money
// rules and activities.Orders.PostDocument for exactly-once posting.
func Order(ctx workflow.Context, in OrderInput) (*OrderStatus, error) {
	o := &orderImpl{in: in, seen: map[string]bool{}, credited: map[string]bool{}}
	if err := o.setup(ctx); err != nil {
		return nil, err
	}
	return o.run(ctx)
}

type orderImpl struct {
	in     OrderInput
	ref    activities.OrderRef
	status OrderStatus

	seen     map[string]bool
	seenList []string
	events   int // shop events not yet acted on
	settled  bool
	actions  []OperatorAction

	posted   *ledger.Posted
	doc      *ledgerdoc.Document
	credited map[string]bool
	shopTold bool
	// numberLearned: the document number arrived after posting and must
	// still be shown in the search attributes.
	numberLearned bool
	// docInfo is what the ledger listing said of the document.
	docInfo *DocumentInfo
	// customerTold: the invoice number and KID are on the shop order.
	customerTold bool
	// acted: the last wait handled an operator action.
	acted bool
	// sendWithPost: this run has change "send-with-post" and with it every
	// earlier change (see has).
	sendWithPost bool
	// deadline is the pending timer of a wait with a timeout (runs with
	// "send-with-post" only; see awaitDeadline).
	deadline *deadlineTimer
	chans    orderChannels
}

func (o *orderImpl) setup(ctx workflow.Context) error {
	if o.in.TenantID == "" || o.in.ShopOrderID == "" {
		return temporal.NewNonRetryableApplicationError("order workflow needs TenantID and ShopOrderID", "input", nil)
	}
	if o.in.QuietPeriod == 0 {
		o.in.QuietPeriod = defaultQuietPeriod
	}
	o.ref = activities.OrderRef{TenantID: o.in.TenantID, ShopOrderID: o.in.ShopOrderID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	o.status = OrderStatus{TenantID: o.in.TenantID, ShopOrderID: o.in.ShopOrderID, State: StateWaiting}
	if c := o.in.Carry; c != nil {
		o.posted, o.shopTold, o.settled, o.customerTold = c.Posted, c.ShopTold, c.Settled, c.CustomerTold
		for _, id := range c.Credited {
			o.markCredited(id)
		}
		for _, id := range c.Seen {
			o.seen[id] = true
			o.seenList = append(o.seenList, id)
		}
		if o.posted != nil {
			o.status.LedgerDocID, o.status.LedgerDocNo = o.posted.ID, o.posted.Number
		}
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (OrderStatus, error) { return o.status, nil }); err != nil {
		return err
	}
	o.chans = orderChannels{
		events:  workflow.GetSignalChannel(ctx, SignalShopEvent),
		settled: workflow.GetSignalChannel(ctx, SignalSettled),
		ops:     workflow.GetSignalChannel(ctx, SignalOperator),
		docs:    workflow.GetSignalChannel(ctx, SignalDocument),
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel := workflow.NewSelector(ctx)
			o.addReceivers(ctx, sel)
			sel.Select(ctx)
		}
	})
	return nil
}

// orderChannels are the workflow's signal channels.
type orderChannels struct {
	events, settled, ops, docs workflow.ReceiveChannel
}

// addReceivers adds a handler for every signal channel to sel.
func (o *orderImpl) addReceivers(ctx workflow.Context, sel workflow.Selector) {
	sel.AddReceive(o.chans.events, func(c workflow.ReceiveChannel, _ bool) {
		var ev ShopEvent
		c.Receive(ctx, &ev)
		o.onShopEvent(ev)
	})
	sel.AddReceive(o.chans.settled, func(c workflow.ReceiveChannel, _ bool) {
		var ev SettledEvent
		c.Receive(ctx, &ev)
		o.settled = true
		if o.posted != nil && o.posted.Number == "" && ev.Number != "" {
			o.posted.Number, o.status.LedgerDocNo = ev.Number, ev.Number
		}
	})
	sel.AddReceive(o.chans.docs, func(c workflow.ReceiveChannel, _ bool) {
		var info DocumentInfo
		c.Receive(ctx, &info)
		if o.posted != nil && o.posted.ID == info.DocumentID && o.posted.Number == "" && info.Number != "" {
			o.posted.Number = info.Number
			o.status.LedgerDocNo = info.Number
			o.numberLearned = true
			o.docInfo = &info
		}
	})
	sel.AddReceive(o.chans.ops, func(c workflow.ReceiveChannel, _ bool) {
		var a OperatorAction
		c.Receive(ctx, &a)
		o.actions = append(o.actions, a)
	})
}

// drain handles every signal already delivered, without blocking, so that
// a read of the order that follows covers the events that led to it (the
// signal that started the workflow must not cause a second read).
func (o *orderImpl) drain(ctx workflow.Context) {
	for {
		sel := workflow.NewSelector(ctx)
		o.addReceivers(ctx, sel)
		empty := false
		sel.AddDefault(func() { empty = true })
		sel.Select(ctx)
		if empty {
			return
		}
	}
}

func (o *orderImpl) onShopEvent(ev ShopEvent) {
	if ev.ID != "" {
		if o.seen[ev.ID] {
			return
		}
		o.seen[ev.ID] = true
		o.seenList = append(o.seenList, ev.ID)
	}
	o.events++
	o.status.Events++
}

func (o *orderImpl) markCredited(id string) {
	if !o.credited[id] {
		o.credited[id] = true
		o.status.Credited = append(o.status.Credited, id)
	}
}

func (o *orderImpl) run(ctx workflow.Context) (*OrderStatus, error) {
	// Version 1: signals already delivered are handled before each read of
	// the order, so the event that started the workflow causes one read,
	// not two. Histories recorded before it replay without the drain.
	//
	// Version 1 of "send-with-post": an unpaid invoice is posted and sent
	// by one activity, and the run has every earlier change without a
	// marker of its own (has). Its marker comes first, so runs recorded
	// before it see DefaultVersion here and ask for the others as before.
	o.sendWithPost = workflow.GetVersion(ctx, changeSendWithPost, workflow.DefaultVersion, 1) >= 1
	drainFirst := o.has(ctx, "drain-signals-before-read")
	for {
		if drainFirst {
			o.drain(ctx)
		}
		o.events = 0
		var view *activities.OrderView
		err := o.step(ctx, "load order", func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.LoadOrder, o.ref).Get(ctx, &view)
		})
		if done, res, err := o.stop(ctx, err); done {
			return res, err
		}
		if view == nil {
			// The operator skipped reading the order of a booked document:
			// wait for the next event and read it then.
			if _, res, done := o.wait(ctx, 0); done {
				return res, nil
			}
			continue
		}
		if o.posted == nil && view.Posted != nil {
			o.posted = view.Posted // booked by an earlier run
			o.status.LedgerDocID, o.status.LedgerDocNo = o.posted.ID, o.posted.Number
		}
		if view.Document != nil {
			o.doc = view.Document
		}

		if o.posted == nil {
			switch {
			case view.Cancelled:
				o.transition(ctx, StateCancelled, "cancelled in the shop before it was booked")
				return &o.status, nil
			case !view.Transfer:
				o.transition(ctx, StateWaiting, "shop state "+view.Order.StateID+" does not trigger transfer")
				if _, res, done := o.wait(ctx, 0); done {
					return res, nil
				}
				continue
			case view.Problem != "":
				err := o.park(ctx, "build document", view.Problem)
				if done, res, err := o.stop(ctx, err); done {
					return res, err
				}
				continue // retry: re-read the order and the settings
			}
			err := o.book(ctx, view)
			if done, res, err := o.stop(ctx, err); done {
				return res, err
			}
		}

		if err := o.credit(ctx, view); err != nil {
			if done, res, err := o.stop(ctx, err); done {
				return res, err
			}
		}
		if view.Cancelled && o.credited["cancel"] {
			o.transition(ctx, StateCancelled, "cancelled in the shop after booking; credited in full")
			return &o.status, nil
		}

		if (o.settled || o.posted.Settled) && !o.shopTold {
			err := o.step(ctx, "tell shop settled", func(ctx workflow.Context) error {
				return workflow.ExecuteActivity(ctx, orderActs.SetShopState, activities.SetShopStateInput{OrderRef: o.ref, State: view.SettledState}).Get(ctx, nil)
			})
			if done, res, err := o.stop(ctx, err); done && !errors.Is(err, errSkipped) {
				return res, err
			}
			o.shopTold = true
			o.transition(ctx, StateSettled, "settled in the ledger; shop told")
		}

		if o.numberLearned {
			o.learnNumber(ctx)
		}
		for {
			timeout, onTimeout := o.nextDeadline(ctx)
			timedOut, res, done := o.wait(ctx, timeout)
			if done {
				return res, nil
			}
			if timedOut {
				if onTimeout == deadlineQuiet {
					o.transition(ctx, StateDone, "no events for "+timeout.String())
					return &o.status, nil
				}
				o.checkSettlement(ctx)
			}
			// Version 1: only the document number arrived (the settlement
			// watcher's first sight of an invoice posted without read-back):
			// nothing in the shop changed, so it is recorded and the
			// customer told without reading the order again — a LoadOrder
			// activity (eight shop requests) less per unpaid invoice. After a
			// continue-as-new the document is not known without a read.
			if !timedOut && o.numberLearned && o.events == 0 && !o.acted && !(o.settled && !o.shopTold) && o.doc != nil &&
				o.has(ctx, "number-without-reload") {
				o.learnNumber(ctx)
				continue
			}
			break
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return nil, o.continueAsNew(ctx)
		}
	}
}

// changeSendWithPost is the change id of the newest order-workflow change;
// its version 1 implies all the changes named in has.
const changeSendWithPost = "send-with-post"

// has reports whether this run has version 1 of the change changeID, one
// of "drain-signals-before-read", "links-from-load",
// "number-without-reload" and "ledger-doc-no-attribute". A run with
// "send-with-post" has them all: asking GetVersion would cost each run
// four markers and four TemporalChangeVersion upserts (eight history
// events and four visibility writes) for a question whose answer is
// known. Runs started before it ask GetVersion where they always did, so
// their histories replay unchanged.
func (o *orderImpl) has(ctx workflow.Context, changeID string) bool {
	if o.sendWithPost {
		return true
	}
	return workflow.GetVersion(ctx, changeID, workflow.DefaultVersion, 1) >= 1
}

// learnNumber records a document number learned after posting: the
// history note, the LedgerDocNo search attribute and the invoice details
// on the shop order for the customer.
func (o *orderImpl) learnNumber(ctx workflow.Context) {
	o.numberLearned = false
	o.transition(ctx, o.status.State, "ledger document number "+o.posted.Number)
	// Version 1: the number also goes into the LedgerDocNo search
	// attribute (the state did not change, so transition does not
	// upsert). The store's row already has it from the watcher.
	if o.has(ctx, "ledger-doc-no-attribute") {
		_ = workflow.UpsertTypedSearchAttributes(ctx, AttrLedgerDocNo.ValueSet(o.posted.Number))
	}
	o.tellCustomer(ctx)
}

type deadlineKind int

const (
	deadlineNone deadlineKind = iota
	// deadlineQuiet completes a settled order after its quiet period.
	deadlineQuiet
	// deadlineSettlement checks the ledger once an unpaid invoice is
	// overdue: the backstop should a settlement signal be lost.
	deadlineSettlement
)

// backstopGrace is how long after the due date the workflow asks the
// ledger itself, and then how often again.
const backstopGrace = 7 * 24 * time.Hour

func (o *orderImpl) nextDeadline(ctx workflow.Context) (time.Duration, deadlineKind) {
	switch {
	case o.shopTold:
		return o.in.QuietPeriod, deadlineQuiet
	case o.posted != nil && !o.posted.DueDate.IsZero():
		d := o.posted.DueDate.Add(backstopGrace).Sub(workflow.Now(ctx))
		return max(d, backstopGrace), deadlineSettlement
	default:
		return 0, deadlineNone
	}
}

// tellCustomer writes the invoice number, KID, due date and amount of an
// invoice the ledger sent to the shop order, once, so the customer sees
// how to pay ("the ledger as the shop's invoice payment method").
func (o *orderImpl) tellCustomer(ctx workflow.Context) {
	info := o.docInfo
	if o.customerTold || info == nil || o.doc == nil || o.doc.Kind != ledgerdoc.KindInvoice || o.doc.SendMethod == "" ||
		o.doc.SendMethod == "none" || o.settled || o.posted.Settled {
		return
	}
	text := fmt.Sprintf("Faktura %s er sendt.", info.Number)
	if info.KID != "" {
		text += " KID: " + info.KID + "."
	}
	if info.DueDate != "" {
		text += " Forfall: " + info.DueDate + "."
	}
	if info.Gross != 0 {
		text += fmt.Sprintf(" Å betale: %s %s.", formatOre(info.Gross), info.Currency)
	}
	err := o.step(ctx, "tell customer", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(ctx, orderActs.NotifyCustomer, activities.NotifyCustomerInput{OrderRef: o.ref, Text: text}).Get(ctx, nil)
	})
	if err == nil || errors.Is(err, errSkipped) {
		o.customerTold = true
	}
}

// checkSettlement asks the ledger whether the document is settled (the
// backstop for a lost watcher signal).
func (o *orderImpl) checkSettlement(ctx workflow.Context) {
	var p *ledger.Posted
	err := o.step(ctx, "check settlement", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(ctx, orderActs.CheckDocument, activities.CheckDocumentInput{OrderRef: o.ref, Reference: o.doc.Reference, Kind: o.doc.Kind}).Get(ctx, &p)
	})
	if err == nil && p != nil && p.Settled {
		o.settled = true
	}
}

// book resolves customer and products, posts the document once, posts a
// payment made at checkout and sends an invoice the ledger is to send
// (version 1 of "send-with-post": an unpaid one with the same activity
// that posts it).
func (o *orderImpl) book(ctx workflow.Context, view *activities.OrderView) error {
	// Version 1 of "send-with-post": booking is a moment between reading
	// the order and posting it, so it goes to the status query and the
	// store's row (bokfor orders --state booking) but not to the
	// OrderState search attribute: a visibility write costs the server
	// more than any other step of an order (a SQLite REPLACE, parsed anew
	// each time). An order that cannot post parks in needs_attention,
	// which is written there.
	if o.sendWithPost {
		o.record(ctx, StateBooking, "", false)
	} else {
		o.transition(ctx, StateBooking, "")
	}
	doc := view.Document
	customerID, productIDs, err := o.resolve(ctx, view)
	if err != nil {
		return err
	}
	send := doc.Kind == ledgerdoc.KindInvoice && doc.SendMethod != "" && doc.SendMethod != "none"
	var posted *ledger.Posted
	sent := false // by the activity that posted it
	in := activities.PostDocumentInput{OrderRef: o.ref, Document: *doc, CustomerID: customerID, ProductIDs: productIDs}
	if send && doc.Payment == nil && o.sendWithPost {
		// An unpaid invoice is sent at once; a paid one after its payment.
		var res *activities.PostAndSendResult
		if err := o.step(ctx, "post document", func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.PostAndSend, activities.PostAndSendInput{PostDocumentInput: in, Method: doc.SendMethod}).Get(ctx, &res)
		}); err != nil {
			return err
		}
		posted, sent = res.Posted, res.Sent
		if !res.Sent {
			workflow.GetLogger(ctx).Warn("sending with the post failed; sending again", "error", res.SendError)
		}
	} else if err := o.step(ctx, "post document", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(ctx, orderActs.PostDocument, in).Get(ctx, &posted)
	}); err != nil {
		return err
	}
	o.posted = posted
	o.status.LedgerDocID, o.status.LedgerDocNo = posted.ID, posted.Number
	note := fmt.Sprintf("%s %s posted, %s", doc.Kind, posted.ID, formatOre(posted.Gross))
	if doc.Payment != nil {
		err := o.step(ctx, "post payment", func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.PostPayment, activities.PostPaymentInput{OrderRef: o.ref, Posted: *posted, Payment: *doc.Payment}).Get(ctx, nil)
		})
		if err != nil && !errors.Is(err, errSkipped) {
			return err
		}
		if err == nil {
			o.settled = doc.Payment.Amount >= doc.Gross
			note += fmt.Sprintf(", payment %s posted to %s (fee %s)", formatOre(int64(doc.Payment.Amount)), doc.Payment.Account, formatOre(int64(doc.Payment.Fee)))
		}
	}
	if sent {
		note += ", sent by " + doc.SendMethod
	} else if send {
		err := o.step(ctx, "send invoice", func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.SendInvoice, activities.SendInvoiceInput{OrderRef: o.ref, Posted: *posted, Method: doc.SendMethod}).Get(ctx, nil)
		})
		if err != nil && !errors.Is(err, errSkipped) {
			return err
		}
		if err == nil {
			note += ", sent by " + doc.SendMethod
		}
	}
	o.transition(ctx, StateBooked, note)
	return nil
}

// resolve returns the ledger customer and the product of each document
// line. Version 1: when LoadOrder found every link in the store (a
// returning customer buying known products) they are used as they are,
// which saves two activities — twelve history events and two round trips
// through the task queue — per order. Otherwise, and in histories recorded
// before, the resolve activities find or create them.
func (o *orderImpl) resolve(ctx workflow.Context, view *activities.OrderView) (string, []string, error) {
	if view.Links != nil && len(view.Links.ProductIDs) == len(view.Document.Lines) &&
		o.has(ctx, "links-from-load") {
		return view.Links.CustomerID, view.Links.ProductIDs, nil
	}
	var customerID string
	if err := o.step(ctx, "resolve customer", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(ctx, orderActs.ResolveCustomer, activities.ResolveCustomerInput{OrderRef: o.ref, Order: view.Order}).Get(ctx, &customerID)
	}); err != nil {
		return "", nil, err
	}
	var productIDs []string
	if err := o.step(ctx, "resolve products", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(ctx, orderActs.ResolveProducts, activities.ResolveProductsInput{OrderRef: o.ref, Lines: view.Document.Lines}).Get(ctx, &productIDs)
	}); err != nil {
		return "", nil, err
	}
	return customerID, productIDs, nil
}

// credit posts a credit note for each shop refund not yet credited, and a
// full credit note when the order was cancelled after booking.
func (o *orderImpl) credit(ctx workflow.Context, view *activities.OrderView) error {
	if o.posted == nil || o.doc == nil {
		return nil
	}
	for _, r := range view.Order.Refunds {
		if o.credited[r.ID] {
			continue
		}
		lines, err := activities.RefundLines(o.doc, r)
		if err != nil {
			if perr := o.park(ctx, "credit refund "+r.ID, err.Error()); perr != nil {
				return perr
			}
			return nil
		}
		in := activities.CreditInput{OrderRef: o.ref, Invoice: *o.posted, RefundID: r.ID, Lines: lines, Date: dateOf(r.CreatedAt, workflow.Now(ctx))}
		if err := o.step(ctx, "credit refund "+r.ID, func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.PostCreditNote, in).Get(ctx, nil)
		}); err != nil && !errors.Is(err, errSkipped) {
			return err
		}
		o.markCredited(r.ID)
	}
	if view.Cancelled && len(view.Order.Refunds) == 0 && !o.credited["cancel"] {
		in := activities.CreditInput{OrderRef: o.ref, Invoice: *o.posted, RefundID: "cancel", Full: true, Date: dateOf(time.Time{}, workflow.Now(ctx))}
		if err := o.step(ctx, "credit cancellation", func(ctx workflow.Context) error {
			return workflow.ExecuteActivity(ctx, orderActs.PostCreditNote, in).Get(ctx, nil)
		}); err != nil && !errors.Is(err, errSkipped) {
			return err
		}
		o.markCredited("cancel")
	}
	return nil
}

// wait blocks until a shop event, a settlement to act on, a document
// number or an operator action arrives, or the timeout (0: none) passes.
// done reports that an operator cancelled the order.
func (o *orderImpl) wait(ctx workflow.Context, timeout time.Duration) (timedOut bool, res *OrderStatus, done bool) {
	cond := func() bool {
		return o.events > 0 || len(o.actions) > 0 || o.numberLearned || (o.settled && !o.shopTold && o.posted != nil)
	}
	o.acted = false
	if o.sendWithPost {
		timedOut = o.awaitDeadline(ctx, timeout, cond)
	} else if timeout <= 0 {
		_ = workflow.Await(ctx, cond)
	} else if ok, _ := workflow.AwaitWithTimeout(ctx, timeout, cond); !ok {
		timedOut = true
	}
	if ctx.Err() != nil {
		// Cancellation requested in Temporal (the Web UI's "Request
		// Cancellation"): as the operator's cancel.
		o.transition(ctx, StateCancelled, "cancellation requested in Temporal")
		return false, &o.status, true
	}
	if timedOut {
		return true, nil, false
	}
	for len(o.actions) > 0 {
		a := o.actions[0]
		o.actions = o.actions[1:]
		o.acted = true
		switch a.Action {
		case ActionCancel:
			o.transition(ctx, StateCancelled, "cancelled by operator: "+a.Note)
			return false, &o.status, true
		case ActionMarkSettled:
			o.settled = true
			o.status.History = append(o.status.History, Transition{At: workflow.Now(ctx), State: o.status.State, Note: "operator marked settled: " + a.Note})
		}
		// retry, skip and resync outside a parked step: read the order again.
	}
	return false, nil, false
}

// deadlineTimer is a timer a wait may hand on to the next wait.
type deadlineTimer struct {
	at     time.Time
	fired  workflow.Future
	cancel workflow.CancelFunc
}

// awaitDeadline waits until cond holds or timeout (0: none) has passed
// and reports whether it timed out. AwaitWithTimeout starts a timer per
// wait and leaves it running when cond comes first (the SDK's flag that
// cancels it is off by default): each document number, event or
// operator action of a waiting order left a timer behind that fired
// weeks later for nothing, a workflow task each. awaitDeadline keeps the
// timer while the deadline stays the same (the settlement backstop does:
// due date plus a week) and cancels it when the deadline moves.
func (o *orderImpl) awaitDeadline(ctx workflow.Context, timeout time.Duration, cond func() bool) (timedOut bool) {
	at := workflow.Now(ctx).Add(timeout)
	if d := o.deadline; d != nil && (timeout <= 0 || !d.at.Equal(at)) {
		d.cancel()
		o.deadline = nil
	}
	if timeout <= 0 {
		_ = workflow.Await(ctx, cond)
		return false
	}
	if o.deadline == nil {
		tctx, cancel := workflow.WithCancel(ctx)
		o.deadline = &deadlineTimer{at: at, fired: workflow.NewTimer(tctx, timeout), cancel: cancel}
	}
	fired := o.deadline.fired
	_ = workflow.Await(ctx, func() bool { return cond() || fired.IsReady() })
	if cond() {
		return false
	}
	o.deadline = nil
	return true
}

// stop maps a step's error to the workflow's end: operator cancel ends it
// cleanly; skip ends an unbooked order as skipped.
func (o *orderImpl) stop(ctx workflow.Context, err error) (bool, *OrderStatus, error) {
	switch {
	case err == nil:
		return false, nil, nil
	case errors.Is(err, errCancelled):
		o.transition(ctx, StateCancelled, "cancelled by operator")
		return true, &o.status, nil
	case errors.Is(err, errSkipped):
		if o.posted == nil {
			o.transition(ctx, StateSkipped, "skipped by operator; not booked by bokfor")
			return true, &o.status, nil
		}
		return false, nil, nil
	default:
		return true, nil, err
	}
}

// step runs fn with the standard activity options. A failure that retries
// cannot fix parks the order until an operator signals: retry runs fn
// again, skip returns errSkipped, cancel errCancelled.
func (o *orderImpl) step(ctx workflow.Context, name string, fn func(ctx workflow.Context) error) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
			MaximumAttempts:    15,
		},
	})
	for {
		err := fn(actx)
		if err == nil {
			return nil
		}
		if perr := o.park(ctx, name, reasonOf(err)); perr != nil {
			return perr
		}
	}
}

// park puts the order in needs_attention and waits for an operator.
// It returns nil for retry.
func (o *orderImpl) park(ctx workflow.Context, step, reason string) error {
	if ctx.Err() != nil {
		// The step failed because cancellation was requested in Temporal.
		return errCancelled
	}
	prev := o.status.State
	o.status.Step, o.status.Reason = step, reason
	o.transition(ctx, StateNeedsAttention, step+": "+reason)
	_ = workflow.Await(ctx, func() bool { return len(o.actions) > 0 })
	if ctx.Err() != nil {
		return errCancelled
	}
	a := o.actions[0]
	o.actions = o.actions[1:]
	o.status.Step, o.status.Reason = "", ""
	switch a.Action {
	case ActionCancel:
		return errCancelled
	case ActionMarkSettled:
		o.settled = true
		o.transition(ctx, prev, "operator marked settled: "+a.Note)
		return errSkipped
	case ActionSkip:
		o.transition(ctx, prev, "operator skipped "+step+": "+a.Note)
		return errSkipped
	default:
		o.transition(ctx, prev, "operator retries "+step+": "+a.Note)
		return nil
	}
}

// transition records a state change: status, search attributes and the
// store's order row (a local activity: fast, local, idempotent).
func (o *orderImpl) transition(ctx workflow.Context, s OrderState, note string) {
	o.record(ctx, s, note, true)
}

// record is transition with the search attributes left as they are
// unless visible.
func (o *orderImpl) record(ctx workflow.Context, s OrderState, note string, visible bool) {
	changed := s != o.status.State
	o.status.State = s
	o.status.History = append(o.status.History, Transition{At: workflow.Now(ctx), State: s, Note: note})
	if len(o.status.History) > 50 {
		o.status.History = o.status.History[len(o.status.History)-50:]
	}
	if !changed && s != StateNeedsAttention {
		return
	}
	if visible {
		o.upsertState(ctx)
	}
	// Disconnected: the store learns the end of a run whose cancellation
	// was requested too.
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	lctx := workflow.WithLocalActivityOptions(dctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	rec := activities.OrderRecordInput{TenantID: o.ref.TenantID, ShopOrderID: o.ref.ShopOrderID, WorkflowID: o.ref.WorkflowID,
		State: string(s), Reason: o.status.Reason}
	if o.posted != nil {
		rec.LedgerDocID, rec.LedgerDocNo = o.posted.ID, o.posted.Number
	}
	if err := workflow.ExecuteLocalActivity(lctx, storeActs.RecordOrder, rec).Get(lctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("recording order state failed", "error", err)
	}
}

// upsertState writes the state, and the document's number and due date
// once known, to the search attributes.
func (o *orderImpl) upsertState(ctx workflow.Context) {
	s := o.status.State
	updates := []temporal.SearchAttributeUpdate{
		AttrOrderState.ValueSet(string(s)),
		AttrNeedsAttention.ValueSet(s == StateNeedsAttention),
	}
	if o.posted != nil && o.posted.Number != "" {
		updates = append(updates, AttrLedgerDocNo.ValueSet(o.posted.Number))
	}
	if o.posted != nil && !o.posted.DueDate.IsZero() && s == StateBooked {
		updates = append(updates, AttrPaymentDueAt.ValueSet(o.posted.DueDate))
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

func (o *orderImpl) continueAsNew(ctx workflow.Context) error {
	in := o.in
	in.Carry = &OrderCarry{Posted: o.posted, ShopTold: o.shopTold, Settled: o.settled, CustomerTold: o.customerTold,
		Credited: o.status.Credited, Seen: o.seenList}
	return workflow.NewContinueAsNewError(ctx, Order, in)
}

// reasonOf extracts the most useful message of an activity failure.
func reasonOf(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		if app.Type() != "" {
			return app.Type() + ": " + app.Message()
		}
		return app.Message()
	}
	var to *temporal.TimeoutError
	if errors.As(err, &to) {
		return "timeout: " + to.Error()
	}
	return err.Error()
}

func dateOf(t, now time.Time) string {
	if t.IsZero() {
		t = now
	}
	return t.Format("2006-01-02")
}

func formatOre(o int64) string {
	sign := ""
	if o < 0 {
		sign, o = "-", -o
	}
	return fmt.Sprintf("%s%d.%02d", sign, o/100, o%100)
}
