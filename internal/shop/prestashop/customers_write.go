package prestashop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"

	"github.com/bokfor/bokfor/internal/domain"
)

// CustomersByOrgNumber returns the customers whose siret (organisation
// number) is exactly org.
func (c *Client) CustomersByOrgNumber(ctx context.Context, org string) ([]domain.Customer, error) {
	objs, err := c.list(ctx, "customers", url.Values{"filter[siret]": {filterValue(org)}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{loc: c.cfg.Location}
	var out []domain.Customer
	for _, o := range objs {
		out = append(out, mapCustomer(r, o))
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/customers", r.err)
	}
	return out, nil
}

// NewCustomer is a customer account to create.
type NewCustomer struct {
	Email     string
	FirstName string
	LastName  string
	Company   string
	// OrgNumber is stored as siret.
	OrgNumber string
}

// CreateCustomer creates an active customer account with a random
// password (the customer sets their own through "forgot password") and
// returns its id. A single attempt: after a KindAmbiguous failure look
// the e-mail up before trying again.
func (c *Client) CreateCustomer(ctx context.Context, in NewCustomer) (int, error) {
	pw := make([]byte, 16)
	_, _ = rand.Read(pw)
	body := buildXML("customer", []field{
		{name: "email", value: in.Email},
		{name: "firstname", value: in.FirstName},
		{name: "lastname", value: in.LastName},
		{name: "company", value: in.Company},
		{name: "siret", value: in.OrgNumber},
		{name: "passwd", value: hex.EncodeToString(pw)},
		{name: "active", value: "1"},
		{name: "id_default_group", value: "3"},
		{name: "id_lang", value: itoa(c.cfg.LanguageID)},
	})
	return c.create(ctx, "customers", "customer", body)
}

// NewAddress is an address to add to a customer.
type NewAddress struct {
	CustomerID int
	// CountryID is the shop's country id (see CountryID).
	CountryID int
	Alias     string
	domain.Address
}

// CreateAddress adds an address to a customer and returns its id.
func (c *Client) CreateAddress(ctx context.Context, a NewAddress) (int, error) {
	body := buildXML("address", []field{
		{name: "id_customer", value: itoa(a.CustomerID)},
		{name: "id_country", value: itoa(a.CountryID)},
		{name: "alias", value: a.Alias},
		{name: "company", value: a.Company},
		{name: "vat_number", value: a.VATNumber},
		{name: "firstname", value: a.FirstName},
		{name: "lastname", value: a.LastName},
		{name: "address1", value: a.Address1},
		{name: "address2", value: a.Address2},
		{name: "postcode", value: a.PostCode},
		{name: "city", value: a.City},
		{name: "phone", value: a.Phone},
	})
	return c.create(ctx, "addresses", "address", body)
}

// CountryID returns the id of the country with an ISO code, or 0.
func (c *Client) CountryID(ctx context.Context, iso string) (int, error) {
	objs, err := c.list(ctx, "countries", url.Values{"display": {"[id,iso_code]"}, "filter[iso_code]": {filterValue(iso)}})
	if err != nil || len(objs) == 0 {
		return 0, err
	}
	r := &reader{}
	id := r.int(objs[0], "id")
	return id, r.err
}

// CustomerUpdate lists the customer fields to change; nil fields stay.
type CustomerUpdate struct {
	FirstName, LastName, Company, Email, OrgNumber *string
}

// UpdateCustomer changes some fields of a customer and nothing else.
func (c *Client) UpdateCustomer(ctx context.Context, customerID int, u CustomerUpdate) error {
	var fs []field
	for _, f := range []struct {
		name string
		v    *string
	}{{"firstname", u.FirstName}, {"lastname", u.LastName}, {"company", u.Company}, {"email", u.Email}, {"siret", u.OrgNumber}} {
		if f.v != nil {
			fs = append(fs, field{name: f.name, value: *f.v})
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return c.update(ctx, "customers", "customer", customerID, fs)
}

// create POSTs one object and returns its id.
func (c *Client) create(ctx context.Context, resource, elem string, body []byte) (int, error) {
	out, err := c.do(ctx, call{method: http.MethodPost, resource: resource, body: body, json: true})
	if err != nil {
		return 0, err
	}
	o, err := decodeOne(out, elem)
	if err != nil {
		return 0, decodeErr("POST /api/"+resource, err)
	}
	r := &reader{}
	id := r.int(o, "id")
	return id, r.err
}
