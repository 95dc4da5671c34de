package posim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// address is ContactAddressDto.
type address struct {
	ID           int64  `json:"Id"`
	AddressLine1 string `json:"AddressLine1"`
	AddressLine2 string `json:"AddressLine2"`
	ZipCode      string `json:"ZipCode"`
	City         string `json:"City"`
	CountryCode  string `json:"CountryCode"`
}

// customer is the stored CustomerDto (the fields the simulator keeps).
type customer struct {
	ID                      int64    `json:"Id"`
	Number                  int64    `json:"Number"`
	SubledgerAccountID      int64    `json:"SubledgerAccountId"`
	ExternalImportReference *string  `json:"ExternalImportReference"`
	IsPerson                bool     `json:"IsPerson"`
	Name                    string   `json:"Name"`
	FirstName               string   `json:"FirstName"`
	LastName                string   `json:"LastName"`
	EmailAddress            string   `json:"EmailAddress"`
	InvoiceEmailAddress     string   `json:"InvoiceEmailAddress"`
	OrganizationNumber      string   `json:"OrganizationNumber"`
	PhoneNumber             string   `json:"PhoneNumber"`
	CurrencyCode            string   `json:"CurrencyCode"`
	IsArchived              bool     `json:"IsArchived"`
	IsVatFree               bool     `json:"IsVatFree"`
	MailAddress             *address `json:"MailAddress,omitempty"`
	ContactCreated          string   `json:"ContactCreatedDateTimeOffset"`
	CustomerCreated         string   `json:"CustomerCreatedDateTimeOffset"`
	LastChanged             string   `json:"LastChangedDateTimeOffset"`
}

// customerIn is the part of CustomerPostDto the simulator keeps.
type customerIn struct {
	Number                  *int64 `json:"Number"`
	ExternalImportReference string `json:"ExternalImportReference"`
	IsPerson                bool   `json:"IsPerson"`
	Name                    string `json:"Name"`
	FirstName               string `json:"FirstName"`
	LastName                string `json:"LastName"`
	EmailAddress            string `json:"EmailAddress"`
	InvoiceEmailAddress     string `json:"InvoiceEmailAddress"`
	OrganizationNumber      string `json:"OrganizationNumber"`
	PhoneNumber             string `json:"PhoneNumber"`
	CurrencyCode            string `json:"CurrencyCode"`
	IsArchived              bool   `json:"IsArchived"`
	IsVatFree               bool   `json:"IsVatFree"`
	MailAddress             *struct {
		AddressLine1, AddressLine2, ZipCode, City, CountryCode string
	} `json:"MailAddress"`
}

// customerReadOnly are CustomerDto fields PATCH refuses.
var customerReadOnly = []string{"Id", "SubledgerAccountId", "ContactCreatedDateTimeOffset", "CustomerCreatedDateTimeOffset", "LastChangedDateTimeOffset"}

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	q := r.URL.Query()
	changed, hasChanged, e := after(q, "lastChangedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	created, hasCreated, e := after(q, "customerCreatedDateTimeOffsetGreaterThan")
	if e != nil {
		return e
	}
	ref, nos, ext := q.Get("externalImportReference"), list(q, "customerNos"), list(q, "externalNos")
	out := []customer{}
	for _, c := range cl.customers {
		switch {
		case ref != "" && (c.ExternalImportReference == nil || *c.ExternalImportReference != ref):
		case nos != nil && !inRanges(c.Number, nos):
		case ext != nil:
			// ExternalNumber is not kept: nothing matches.
		case hasChanged && !mustTime(c.LastChanged).After(changed):
		case hasCreated && !mustTime(c.CustomerCreated).After(created):
		default:
			out = append(out, *c)
		}
	}
	return writeList(w, r, out)
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	id, e := pathInt(r, "id")
	if e != nil {
		return e
	}
	c := cl.customer(id)
	if c == nil {
		return notFound("Customer", id)
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	var in customerIn
	if e := decode(r, &in); e != nil {
		return e
	}
	if strings.TrimSpace(in.Name) == "" && strings.TrimSpace(in.FirstName+in.LastName) == "" {
		return badRequest("Name (or FirstName/LastName for a person) is required")
	}
	if len(in.ExternalImportReference) > 50 {
		return badRequest("ExternalImportReference may be at most 50 characters")
	}
	if in.ExternalImportReference != "" && slices.ContainsFunc(cl.customers, func(c *customer) bool {
		return c.ExternalImportReference != nil && *c.ExternalImportReference == in.ExternalImportReference
	}) {
		return duplicate("Customer", in.ExternalImportReference)
	}
	now := stamp(s.opts.Now())
	c := &customer{ID: s.id(), SubledgerAccountID: s.id() + 700000, IsPerson: in.IsPerson, Name: in.Name, FirstName: in.FirstName,
		LastName: in.LastName, EmailAddress: in.EmailAddress, InvoiceEmailAddress: in.InvoiceEmailAddress,
		OrganizationNumber: in.OrganizationNumber, PhoneNumber: in.PhoneNumber, CurrencyCode: in.CurrencyCode,
		IsArchived: in.IsArchived, IsVatFree: in.IsVatFree, ContactCreated: now, CustomerCreated: now, LastChanged: now}
	if c.Name == "" {
		c.Name = strings.TrimSpace(in.FirstName + " " + in.LastName)
	}
	if c.CurrencyCode == "" {
		c.CurrencyCode = "NOK"
	}
	if in.ExternalImportReference != "" {
		ref := in.ExternalImportReference
		c.ExternalImportReference = &ref
	}
	if in.Number != nil {
		if *in.Number < 10000 || *in.Number > 99999 {
			return badRequest("Number %d is outside the customer number series 10000-99999", *in.Number)
		}
		if slices.ContainsFunc(cl.customers, func(o *customer) bool { return o.Number == *in.Number }) {
			return badRequest("customer Number %d is in use", *in.Number)
		}
		c.Number = *in.Number
	} else {
		for slices.ContainsFunc(cl.customers, func(o *customer) bool { return o.Number == cl.nextCustNo }) {
			cl.nextCustNo++
		}
		c.Number = cl.nextCustNo
		cl.nextCustNo++
	}
	if a := in.MailAddress; a != nil {
		if a.ZipCode == "" || a.City == "" {
			return badRequest("MailAddress needs ZipCode and City")
		}
		if a.CountryCode == "" {
			a.CountryCode = "NO"
		}
		c.MailAddress = &address{ID: s.id(), AddressLine1: a.AddressLine1, AddressLine2: a.AddressLine2, ZipCode: a.ZipCode, City: a.City, CountryCode: a.CountryCode}
	}
	cl.customers = append(cl.customers, c)
	w.Header().Set("Location", s.base(r)+"/v2/Customers/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) patchCustomer(w http.ResponseWriter, r *http.Request, cl *client) *apiErr {
	if e := requirePatch(r); e != nil {
		return e
	}
	id, e := pathInt(r, "id")
	if e != nil {
		return e
	}
	c := cl.customer(id)
	if c == nil {
		return notFound("Customer", id)
	}
	next := *c
	if e := applyPatch(r, &next, customerReadOnly); e != nil {
		return e
	}
	if ref := next.ExternalImportReference; ref != nil && (c.ExternalImportReference == nil || *ref != *c.ExternalImportReference) {
		if len(*ref) > 50 {
			return badRequest("ExternalImportReference may be at most 50 characters")
		}
		if slices.ContainsFunc(cl.customers, func(o *customer) bool {
			return o.ID != c.ID && o.ExternalImportReference != nil && *o.ExternalImportReference == *ref
		}) {
			return duplicate("Customer", *ref)
		}
	}
	next.LastChanged = stamp(s.opts.Now())
	*c = next
	writeJSON(w, http.StatusOK, c)
	return nil
}
