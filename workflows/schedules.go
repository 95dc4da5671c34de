package workflows

// Schedule kinds: the prefixes of the per-tenant schedule ids
// (ScheduleID(kind, tenant)), e.g. "sync-products-demo".
const (
	ScheduleKindPollOrders  = "poll-orders"
	ScheduleKindSettlements = "watch-settlements"
	ScheduleKindProducts    = "sync-products"
	ScheduleKindStock       = "sync-stock"
	ScheduleKindCustomers   = "sync-customers"
)
