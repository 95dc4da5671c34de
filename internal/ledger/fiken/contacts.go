package fiken

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ContactFilter selects contacts; all string filters are exact matches.
type ContactFilter struct {
	MemberNumberString string
	Email              string
	OrganizationNumber string
	Name               string
	PhoneNumber        string
	CustomerNumber     int64
	Customer           *bool
	Supplier           *bool
	Inactive           *bool
	LastModified       DateFilter
	CreatedDate        DateFilter
	// SortBy is e.g. "lastModified asc" or "createdDate desc".
	SortBy string
}

func (f ContactFilter) query() url.Values {
	q := url.Values{}
	setStr(q, "memberNumberString", f.MemberNumberString)
	setStr(q, "email", f.Email)
	setStr(q, "organizationNumber", f.OrganizationNumber)
	setStr(q, "name", f.Name)
	setStr(q, "phoneNumber", f.PhoneNumber)
	setInt(q, "customerNumber", f.CustomerNumber)
	setBool(q, "customer", f.Customer)
	setBool(q, "supplier", f.Supplier)
	setBool(q, "inactive", f.Inactive)
	f.LastModified.apply(q, "lastModified")
	f.CreatedDate.apply(q, "createdDate")
	setStr(q, "sortBy", f.SortBy)
	return q
}

// ListContacts returns every contact matching f.
func (c *Client) ListContacts(ctx context.Context, f ContactFilter) ([]Contact, error) {
	return listAll[Contact](ctx, c, "GET /contacts", c.company("/contacts"), f.query())
}

// FindContact looks a customer up the way the integration matches them:
// by memberNumberString (the shop customer id), then organisation
// number, then e-mail; empty keys are skipped. It returns nil when none
// matches.
func (c *Client) FindContact(ctx context.Context, memberNumber, orgNumber, email string) (*Contact, error) {
	for _, f := range []ContactFilter{
		{MemberNumberString: memberNumber},
		{OrganizationNumber: orgNumber},
		{Email: email},
	} {
		if f.MemberNumberString == "" && f.OrganizationNumber == "" && f.Email == "" {
			continue
		}
		p, err := getPage[Contact](ctx, c, "GET /contacts", c.company("/contacts"), f.query(), 0, 1)
		if err != nil {
			return nil, err
		}
		if len(p.Items) > 0 {
			return &p.Items[0], nil
		}
	}
	return nil, nil
}

// GetContact returns one contact.
func (c *Client) GetContact(ctx context.Context, id int64) (Contact, error) {
	var ct Contact
	err := c.get(ctx, "GET /contacts/{id}", c.company("/contacts/"+strconv.FormatInt(id, 10)), nil, &ct)
	return ct, err
}

// CreateContact creates a contact and returns its id. Set Customer to
// true for contacts that will be invoiced.
func (c *Client) CreateContact(ctx context.Context, req ContactRequest) (int64, error) {
	return c.create(ctx, "POST /contacts", c.company("/contacts"), req)
}

// UpdateContact replaces the contact with req (full replacement: every
// field not in req is cleared).
func (c *Client) UpdateContact(ctx context.Context, id int64, req ContactRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPut, op: "PUT /contacts/{id}",
		path: c.company("/contacts/" + strconv.FormatInt(id, 10)), body: req}, nil)
	return err
}

// ModifyContact changes a contact without losing the fields it does not
// mean to change: it reads the contact, builds a full request from every
// writable field Fiken returned plus the write-only fields the caller
// holds (which Fiken does not return), lets change edit it, and PUTs it.
// Contact persons are left alone (managed with the contactPerson calls).
func (c *Client) ModifyContact(ctx context.Context, id int64, keep ContactWriteOnly, change func(*ContactRequest)) error {
	cur, err := c.GetContact(ctx, id)
	if err != nil {
		return err
	}
	req := ContactRequestFrom(cur, keep)
	change(&req)
	return c.UpdateContact(ctx, id, req)
}

// ContactRequestFrom builds the full-replacement body that keeps ct as it
// is, taking the write-only fields from keep (or from ct when Fiken
// returned them).
func ContactRequestFrom(ct Contact, keep ContactWriteOnly) ContactRequest {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	return ContactRequest{
		Name:                      ct.Name,
		Email:                     ct.Email,
		OrganizationNumber:        ct.OrganizationNumber,
		PhoneNumber:               pick(keep.PhoneNumber, ct.PhoneNumber),
		MemberNumberString:        pick(keep.MemberNumberString, ct.MemberNumberString),
		Customer:                  ct.Customer,
		Supplier:                  ct.Supplier,
		BankAccountNumber:         ct.BankAccountNumber,
		Currency:                  pick(keep.Currency, ct.Currency),
		Language:                  ct.Language,
		Inactive:                  ct.Inactive,
		DaysUntilInvoicingDueDate: ct.DaysUntilInvoicingDueDate,
		Discount:                  ct.Discount,
		Address:                   ct.Address,
		Groups:                    ct.Groups,
	}
}

// ListContactPersons returns the contact's persons.
func (c *Client) ListContactPersons(ctx context.Context, contactID int64) ([]ContactPerson, error) {
	var ps []ContactPerson
	err := c.get(ctx, "GET /contacts/{id}/contactPerson",
		c.company("/contacts/"+strconv.FormatInt(contactID, 10)+"/contactPerson"), nil, &ps)
	return ps, err
}

// AddContactPerson adds a person to a contact and returns its id (Fiken
// answers 200, not 201, with a Location).
func (c *Client) AddContactPerson(ctx context.Context, contactID int64, req ContactPersonRequest) (int64, error) {
	return c.create(ctx, "POST /contacts/{id}/contactPerson",
		c.company("/contacts/"+strconv.FormatInt(contactID, 10)+"/contactPerson"), req)
}

// UpdateContactPerson replaces a contact person.
func (c *Client) UpdateContactPerson(ctx context.Context, contactID, personID int64, req ContactPersonRequest) error {
	_, err := c.do(ctx, request{method: http.MethodPut, op: "PUT /contacts/{id}/contactPerson/{personId}",
		path: c.company("/contacts/" + strconv.FormatInt(contactID, 10) + "/contactPerson/" + strconv.FormatInt(personID, 10)),
		body: req}, nil)
	return err
}
