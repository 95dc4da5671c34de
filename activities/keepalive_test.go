package activities

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// A listing longer than the heartbeat timeout keeps the activity alive
// with the resume cursor it was given.
func TestKeepAliveHeartbeatsDuringALongListing(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	var beats atomic.Int64
	var lastCursor atomic.Value
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		beats.Add(1)
		var c productCursor
		if details != nil && details.HasValues() && details.Get(&c) == nil {
			lastCursor.Store(c.LastShopID)
		}
	})
	listing := func(ctx context.Context) error {
		stop := keepAlive(ctx, heartbeatOf(true, productCursor{LastShopID: 41})...)
		time.Sleep(time.Second) // the catalogue listing
		stop()                  // returns once the heartbeat goroutine has exited
		return nil
	}
	env.RegisterActivityWithOptions(listing, activity.RegisterOptions{Name: "Listing"})
	env.ExecuteWorkflow(func(ctx workflow.Context) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute, HeartbeatTimeout: 300 * time.Millisecond})
		return workflow.ExecuteActivity(ctx, "Listing").Get(ctx, nil)
	})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if n := beats.Load(); n < 3 {
		t.Fatalf("%d heartbeats during a 1 s listing at a 300 ms timeout, want at least 3", n)
	}
	if c, _ := lastCursor.Load().(int); c != 41 {
		t.Fatalf("heartbeat cursor %v, want the resumed one (41)", lastCursor.Load())
	}
}
