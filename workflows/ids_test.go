package workflows

import "testing"

func TestOrderWorkflowID(t *testing.T) {
	t.Parallel()
	tests := []struct{ tenant, order, want string }{
		{"demo", "42", "order-demo-42"},
		{"acme.no", "A/17 x", "order-acme.no-A_17_x"},
		{"t", "ø@:", "order-t-___"},
	}
	for _, tt := range tests {
		if got := OrderWorkflowID(tt.tenant, tt.order); got != tt.want {
			t.Errorf("OrderWorkflowID(%q,%q) = %q, want %q", tt.tenant, tt.order, got, tt.want)
		}
	}
}

func TestDevServerFlagsCoverEveryAttribute(t *testing.T) {
	t.Parallel()
	flags := DevServerFlags()
	if len(flags) != 2*len(SearchAttributes()) {
		t.Fatalf("flags = %v", flags)
	}
	want := map[string]bool{"TenantID=Keyword": true, "NeedsAttention=Bool": true, "PaymentDueAt=Datetime": true}
	for i := 1; i < len(flags); i += 2 {
		delete(want, flags[i])
	}
	if len(want) != 0 {
		t.Fatalf("missing %v in %v", want, flags)
	}
}
