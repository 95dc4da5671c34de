package app

import (
	"go.temporal.io/sdk/worker"
)

// registerWorkflows registers every workflow type bokfor runs.
func registerWorkflows(w worker.Registry) {
	_ = w
}
