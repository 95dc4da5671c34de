package workflows

import (
	"strings"
)

// OrderWorkflowID returns the id of the order workflow of one shop order:
// "order-<tenant>-<shopOrderId>", with every character outside
// [A-Za-z0-9._-] replaced so that Web UI links keep working.
func OrderWorkflowID(tenantID, shopOrderID string) string {
	return "order-" + SafeID(tenantID) + "-" + SafeID(shopOrderID)
}

// ScheduleID returns the id of a tenant's periodic schedule, e.g.
// "poll-orders-demo".
func ScheduleID(kind, tenantID string) string {
	return SafeID(kind) + "-" + SafeID(tenantID)
}

// SafeID replaces every character outside [A-Za-z0-9._-] by '_'.
func SafeID(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		default:
			return '_'
		}
	}, s)
}
