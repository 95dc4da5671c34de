package poweroffice

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ListCustomers lists customers matching f, every page.
func (c *Client) ListCustomers(ctx context.Context, f CustomerFilter) ([]Customer, error) {
	q := url.Values{}
	setStr(q, "externalImportReference", f.ExternalImportReference)
	setStr(q, "customerNos", f.CustomerNos)
	setStr(q, "externalNos", f.ExternalNos)
	setStr(q, "lastChangedDateTimeOffsetGreaterThan", f.LastChangedAfter)
	return listAll[Customer](ctx, c, "GET /Customers", "/Customers", q)
}

// FindCustomerByReference returns the customer whose
// ExternalImportReference is ref, or nil.
func (c *Client) FindCustomerByReference(ctx context.Context, ref string) (*Customer, error) {
	cs, err := c.ListCustomers(ctx, CustomerFilter{ExternalImportReference: ref})
	if err != nil {
		return nil, err
	}
	for _, cu := range cs {
		if cu.ExternalImportReference == ref {
			return &cu, nil
		}
	}
	return nil, nil
}

// GetCustomer reads one customer by its (contact) id.
func (c *Client) GetCustomer(ctx context.Context, id int64) (Customer, error) {
	var cu Customer
	_, err := c.do(ctx, request{method: http.MethodGet, path: "/Customers/" + strconv.FormatInt(id, 10), op: "GET /Customers/{id}"}, &cu)
	return cu, err
}

// CreateCustomer creates a customer (one attempt) and returns it with its
// Id and SubledgerAccountId.
func (c *Client) CreateCustomer(ctx context.Context, in CustomerPost) (Customer, error) {
	var cu Customer
	_, err := c.do(ctx, request{method: http.MethodPost, path: "/Customers", op: "POST /Customers", body: in}, &cu)
	return cu, err
}

// PatchCustomer applies a JSON Patch to a customer. Fields not named keep
// their values, SubledgerAccountId and Number included.
func (c *Client) PatchCustomer(ctx context.Context, id int64, ops []PatchOp) (Customer, error) {
	var cu Customer
	_, err := c.do(ctx, request{method: http.MethodPatch, path: "/Customers/" + strconv.FormatInt(id, 10), op: "PATCH /Customers/{id}",
		body: ops, contentType: "application/json-patch+json"}, &cu)
	return cu, err
}
