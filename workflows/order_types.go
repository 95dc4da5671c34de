package workflows

import (
	"time"

	"github.com/bokfor/bokfor/internal/ledger"
)

// Signal and query names of the order workflow.
const (
	// SignalShopEvent carries a ShopEvent: something about the order may
	// have changed in the shop. Events are hints; the workflow re-reads the
	// order. Duplicate event ids are ignored.
	SignalShopEvent = "shop-event"
	// SignalSettled carries a SettledEvent from the settlement watcher.
	SignalSettled = "ledger-settled"
	// SignalOperator carries an OperatorAction: retry, skip, cancel,
	// mark-settled or resync.
	SignalOperator = "operator"
	// SignalDocument carries a DocumentInfo from the settlement watcher:
	// the ledger's number of a document posted without a read-back.
	SignalDocument = "ledger-document"
	// QueryStatus returns the OrderStatus.
	QueryStatus = "status"
)

// Operator actions.
const (
	// ActionRetry repeats the step that failed, after the cause was fixed.
	ActionRetry = "retry"
	// ActionSkip gives up the failed step and goes on (e.g. the document
	// was booked by hand); the order is then not booked by bokfor.
	ActionSkip = "skip"
	// ActionCancel ends the order workflow without touching the ledger further.
	ActionCancel = "cancel"
	// ActionMarkSettled tells the workflow the invoice is settled (e.g.
	// paid outside the ledger's bank feed); the shop is then told.
	ActionMarkSettled = "mark-settled"
	// ActionResync re-reads the order from the shop now.
	ActionResync = "resync"
)

// OrderState is where an order is in its life.
type OrderState string

// Order states, as shown in the OrderState search attribute.
const (
	StateWaiting        OrderState = "waiting"
	StateBooking        OrderState = "booking"
	StateBooked         OrderState = "booked"
	StateSettled        OrderState = "settled"
	StateCancelled      OrderState = "cancelled"
	StateNeedsAttention OrderState = "needs_attention"
	StateSkipped        OrderState = "skipped"
	StateDone           OrderState = "done"
)

// OrderInput starts an order workflow.
type OrderInput struct {
	TenantID    string
	ShopOrderID string
	// QuietPeriod is how long a settled order keeps listening for refunds
	// before its workflow completes (a later event starts a new run, which
	// finds the booked document in the store). Zero: 30 days.
	QuietPeriod time.Duration
	// Carry is state handed over by continue-as-new.
	Carry *OrderCarry `json:",omitempty"`
}

// OrderCarry is what a continued run must not forget.
type OrderCarry struct {
	Posted   *ledger.Posted
	Credited []string
	ShopTold bool
	Settled  bool
	Seen     []string
	// CustomerTold: the invoice number and KID were written to the shop order.
	CustomerTold bool
}

// ShopEvent is a hint that the shop order changed.
type ShopEvent struct {
	// ID de-duplicates deliveries (the inbox delivery key).
	ID    string
	Topic string
	At    time.Time
}

// SettledEvent says the ledger considers the order's document settled.
type SettledEvent struct {
	DocumentID string
	// Number is the document's number, when the ledger listing had it.
	Number string
	Date   string
}

// DocumentInfo is what the ledger knows of a posted document.
type DocumentInfo struct {
	DocumentID string
	Number     string
	// KID, DueDate (yyyy-mm-dd), Gross and Currency are told to the
	// customer for an invoice the ledger sent.
	KID      string
	DueDate  string
	Gross    int64
	Currency string
}

// OperatorAction is an operator's decision about a parked order.
type OperatorAction struct {
	Action string
	Note   string
}

// Transition is one state change, for the status query.
type Transition struct {
	At    time.Time
	State OrderState
	Note  string
}

// OrderStatus is the answer to the status query.
type OrderStatus struct {
	TenantID    string
	ShopOrderID string
	State       OrderState
	// Reason says why the order needs attention.
	Reason string
	// Step is the step that failed, when parked.
	Step        string
	LedgerDocID string
	LedgerDocNo string
	// Credited lists the refunds credited ("cancel" for a full credit).
	Credited []string
	Events   int
	History  []Transition
}
