package workflows

import (
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Custom search attributes (design: Temporal conventions). They are
// plaintext in Temporal's visibility store: never put personal data in them.
var (
	// AttrTenantID is the tenant of the workflow.
	AttrTenantID = temporal.NewSearchAttributeKeyKeyword("TenantID")
	// AttrShopOrderRef is the shop's order reference (not a name or e-mail).
	AttrShopOrderRef = temporal.NewSearchAttributeKeyKeyword("ShopOrderRef")
	// AttrOrderState is the order workflow's state (see OrderState).
	AttrOrderState = temporal.NewSearchAttributeKeyKeyword("OrderState")
	// AttrLedgerDocNo is the ledger document's number once booked.
	AttrLedgerDocNo = temporal.NewSearchAttributeKeyKeyword("LedgerDocNo")
	// AttrNeedsAttention is true while an order waits for an operator.
	AttrNeedsAttention = temporal.NewSearchAttributeKeyBool("NeedsAttention")
	// AttrPaymentDueAt is the invoice's due date while it is unpaid.
	AttrPaymentDueAt = temporal.NewSearchAttributeKeyTime("PaymentDueAt")
)

// SearchAttribute is a custom search attribute's name and type, for
// registering it with a Temporal namespace.
type SearchAttribute struct {
	Name string
	Type enums.IndexedValueType
}

// SearchAttributes lists every custom search attribute bokfor uses.
func SearchAttributes() []SearchAttribute {
	return []SearchAttribute{
		{AttrTenantID.GetName(), enums.INDEXED_VALUE_TYPE_KEYWORD},
		{AttrShopOrderRef.GetName(), enums.INDEXED_VALUE_TYPE_KEYWORD},
		{AttrOrderState.GetName(), enums.INDEXED_VALUE_TYPE_KEYWORD},
		{AttrLedgerDocNo.GetName(), enums.INDEXED_VALUE_TYPE_KEYWORD},
		{AttrNeedsAttention.GetName(), enums.INDEXED_VALUE_TYPE_BOOL},
		{AttrPaymentDueAt.GetName(), enums.INDEXED_VALUE_TYPE_DATETIME},
	}
}

// DevServerFlags returns the `temporal server start-dev` flags that
// register the search attributes.
func DevServerFlags() []string {
	var args []string
	for _, a := range SearchAttributes() {
		args = append(args, "--search-attribute", a.Name+"="+typeName(a.Type))
	}
	return args
}

func typeName(t enums.IndexedValueType) string {
	switch t {
	case enums.INDEXED_VALUE_TYPE_KEYWORD:
		return "Keyword"
	case enums.INDEXED_VALUE_TYPE_BOOL:
		return "Bool"
	case enums.INDEXED_VALUE_TYPE_DATETIME:
		return "Datetime"
	case enums.INDEXED_VALUE_TYPE_INT:
		return "Int"
	case enums.INDEXED_VALUE_TYPE_TEXT:
		return "Text"
	default:
		return "Keyword"
	}
}
