package app

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/orderstart"
	"github.com/bokfor/bokfor/workflows"
)

// OrderStarter hands events to order workflows with signal-with-start:
// a running workflow gets the signal, a missing one is started with it.
type OrderStarter struct {
	Client    client.Client
	TaskQueue string
}

var _ activities.OrderStarter = (*OrderStarter)(nil)

func (s *OrderStarter) signal(ctx context.Context, tenantID, shopOrderID, name string, payload any) error {
	return orderstart.Signal(ctx, s.Client, s.TaskQueue, tenantID, shopOrderID, name, payload)
}

// ShopEvent delivers a shop event to the order's workflow.
func (s *OrderStarter) ShopEvent(ctx context.Context, tenantID, shopOrderID, eventID, topic string) error {
	return s.signal(ctx, tenantID, shopOrderID, workflows.SignalShopEvent, workflows.ShopEvent{ID: eventID, Topic: topic})
}

// Settled delivers a ledger settlement to the order's workflow.
func (s *OrderStarter) Settled(ctx context.Context, tenantID, shopOrderID, documentID, number, date string) error {
	return s.signal(ctx, tenantID, shopOrderID, workflows.SignalSettled, workflows.SettledEvent{DocumentID: documentID, Number: number, Date: date})
}

// DocumentNumber tells a running order workflow what the ledger listing
// says of its document.
func (s *OrderStarter) DocumentNumber(ctx context.Context, tenantID, shopOrderID string, d ledger.Settlement) error {
	err := s.Client.SignalWorkflow(ctx, workflows.OrderWorkflowID(tenantID, shopOrderID), "", workflows.SignalDocument,
		workflows.DocumentInfo{DocumentID: d.ID, Number: d.Number, KID: d.KID, DueDate: d.DueDate, Gross: d.Gross, Currency: d.Currency})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return nil
	}
	return err
}
