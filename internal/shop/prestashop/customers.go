package prestashop

import (
	"context"
	"net/url"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
)

// Customer reads a customer (or guest) by id.
func (c *Client) Customer(ctx context.Context, customerID int) (*domain.Customer, error) {
	o, err := c.get(ctx, "customers", "customer", customerID)
	if err != nil {
		return nil, err
	}
	r := &reader{loc: c.cfg.Location}
	cu := mapCustomer(r, o)
	if r.err != nil {
		return nil, decodeErr("GET /api/customers/{id}", r.err)
	}
	return &cu, nil
}

// CustomersByEmail returns the customers (accounts and guests) with an
// e-mail address.
func (c *Client) CustomersByEmail(ctx context.Context, email string) ([]domain.Customer, error) {
	objs, err := c.list(ctx, "customers", url.Values{"filter[email]": {filterValue(email)}, "sort": {"[id_ASC]"}})
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

func mapCustomer(r *reader, o object) domain.Customer {
	return domain.Customer{
		ID:        o.str("id"),
		Email:     o.str("email"),
		FirstName: o.str("firstname"),
		LastName:  o.str("lastname"),
		Company:   o.str("company"),
		OrgNumber: o.str("siret"),
		Guest:     r.bool(o, "is_guest"),
		Active:    r.bool(o, "active"),
		Deleted:   r.bool(o, "deleted"),
		UpdatedAt: r.time(o, "date_upd"),
	}
}

// Address reads an address by id, with its country's ISO code. Use the ids
// stored on the order: editing an address used by an order creates a new
// one.
func (c *Client) Address(ctx context.Context, addressID int) (*domain.Address, error) {
	o, err := c.get(ctx, "addresses", "address", addressID)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	a := domain.Address{
		ID:         o.str("id"),
		CustomerID: id(o, "id_customer"),
		Company:    o.str("company"),
		VATNumber:  o.str("vat_number"),
		FirstName:  o.str("firstname"),
		LastName:   o.str("lastname"),
		Address1:   o.str("address1"),
		Address2:   o.str("address2"),
		PostCode:   o.str("postcode"),
		City:       o.str("city"),
		Phone:      o.str("phone"),
	}
	if a.Phone == "" {
		a.Phone = o.str("phone_mobile")
	}
	if cid := r.int(o, "id_country"); cid != 0 {
		iso, err := c.countryISO(ctx, cid)
		if err != nil && !apierr.Is(err, apierr.KindAuth) {
			return nil, err
		}
		a.Country = iso
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/addresses/{id}", r.err)
	}
	return &a, nil
}

// countryISO returns a country's ISO code, cached for Config.ReferenceTTL.
func (c *Client) countryISO(ctx context.Context, countryID int) (string, error) {
	return c.ref.countryISO.load(countryID, func() (string, error) {
		co, err := c.get(ctx, "countries", "country", countryID)
		if err != nil {
			return "", err
		}
		return co.str("iso_code"), nil
	})
}
