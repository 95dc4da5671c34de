package app

import (
	"go.temporal.io/sdk/worker"

	"github.com/bokfor/bokfor/workflows"
)

// registerWorkflows registers every workflow type bokfor runs.
func registerWorkflows(w worker.Registry) {
	w.RegisterWorkflow(workflows.Order)
	w.RegisterWorkflow(workflows.PollOrders)
	w.RegisterWorkflow(workflows.WatchSettlements)
	w.RegisterWorkflow(workflows.SyncProducts)
	w.RegisterWorkflow(workflows.SyncStock)
	w.RegisterWorkflow(workflows.SyncCustomers)
}
