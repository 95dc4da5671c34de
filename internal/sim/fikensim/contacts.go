package fikensim

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// addressIn / addressOut is Fiken's address.
type address struct {
	StreetAddress      string  `json:"streetAddress,omitempty"`
	StreetAddressLine2 string  `json:"streetAddressLine2,omitempty"`
	City               string  `json:"city,omitempty"`
	PostCode           string  `json:"postCode,omitempty"`
	Country            *string `json:"country"`
}

func (a *address) check(field string) *apiError {
	if a != nil && (a.Country == nil || *a.Country == "") {
		return badRequest("%s.country: must not be null", field)
	}
	return nil
}

// contactPersonIn is the writable part of a contact person.
type contactPersonIn struct {
	Name        *string  `json:"name"`
	Email       *string  `json:"email"`
	PhoneNumber string   `json:"phoneNumber,omitempty"`
	Address     *address `json:"address,omitempty"`
}

func (p *contactPersonIn) check(field string) *apiError {
	return firstErr(required(p.Name != nil && *p.Name != "", field+".name"),
		required(p.Email != nil && *p.Email != "", field+".email"), p.Address.check(field+".address"))
}

// contactIn is the writable part of a contact (create and PUT bodies).
type contactIn struct {
	Name                      *string           `json:"name"`
	Email                     string            `json:"email,omitempty"`
	OrganizationNumber        string            `json:"organizationNumber,omitempty"`
	PhoneNumber               string            `json:"phoneNumber,omitempty"`
	MemberNumber              *float64          `json:"memberNumber,omitempty"`
	MemberNumberString        string            `json:"memberNumberString,omitempty"`
	Customer                  bool              `json:"customer"`
	Supplier                  bool              `json:"supplier"`
	BankAccountNumber         string            `json:"bankAccountNumber,omitempty"`
	Currency                  string            `json:"currency,omitempty"`
	Language                  *string           `json:"language,omitempty"`
	Inactive                  bool              `json:"inactive"`
	DaysUntilInvoicingDueDate *int32            `json:"daysUntilInvoicingDueDate,omitempty"`
	Discount                  *float64          `json:"discount,omitempty"`
	Address                   *address          `json:"address,omitempty"`
	Groups                    []string          `json:"groups,omitempty"`
	ContactPerson             []contactPersonIn `json:"contactPerson,omitempty"`
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

func (c *contactIn) check() *apiError {
	if e := required(c.Name != nil && *c.Name != "", "name"); e != nil {
		return e
	}
	switch {
	case len(*c.Name) > 200:
		return badRequest("name: size must be between 1 and 200")
	case len(c.Email) > 200:
		return badRequest("email: size must be at most 200")
	case len(c.BankAccountNumber) > 11:
		return badRequest("bankAccountNumber: size must be at most 11")
	case len(c.PhoneNumber) > 20:
		return badRequest("phoneNumber: size must be at most 20")
	case c.Currency != "" && !currencyRE.MatchString(c.Currency):
		return badRequest("currency: must match ^[A-Z]{3}$")
	case c.Discount != nil && (*c.Discount < 0 || *c.Discount > 100):
		return badRequest("discount: must be between 0 and 100")
	}
	if e := c.Address.check("address"); e != nil {
		return e
	}
	for i := range c.ContactPerson {
		if e := c.ContactPerson[i].check("contactPerson[" + strconv.Itoa(i) + "]"); e != nil {
			return e
		}
	}
	return nil
}

type contactPerson struct {
	ID int64
	In contactPersonIn
}

// contact is a stored contact.
type contact struct {
	ID             int64
	Created        string
	Modified       string
	In             contactIn // as last written, including write-only fields
	CustomerNumber int32
	SupplierNumber int32
	Persons        []*contactPerson
	Referenced     bool // has invoices or sales: delete deactivates
}

// contactPersonOut is a contact person as returned.
type contactPersonOut struct {
	ContactPersonID int64    `json:"contactPersonId"`
	Name            string   `json:"name"`
	Email           string   `json:"email"`
	PhoneNumber     string   `json:"phoneNumber,omitempty"`
	Address         *address `json:"address,omitempty"`
}

// contactOut is a contact as returned: read-only fields added, the spec's
// write-only fields (phoneNumber, memberNumber(String), currency) left out.
type contactOut struct {
	ContactID                 int64              `json:"contactId"`
	CreatedDate               string             `json:"createdDate"`
	LastModifiedDate          string             `json:"lastModifiedDate"`
	Name                      string             `json:"name"`
	Email                     string             `json:"email,omitempty"`
	OrganizationNumber        string             `json:"organizationNumber,omitempty"`
	CustomerNumber            int32              `json:"customerNumber,omitempty"`
	CustomerAccountCode       string             `json:"customerAccountCode,omitempty"`
	SupplierNumber            int32              `json:"supplierNumber,omitempty"`
	SupplierAccountCode       string             `json:"supplierAccountCode,omitempty"`
	Customer                  bool               `json:"customer"`
	Supplier                  bool               `json:"supplier"`
	BankAccountNumber         string             `json:"bankAccountNumber,omitempty"`
	ContactPerson             []contactPersonOut `json:"contactPerson"`
	Language                  *string            `json:"language,omitempty"`
	Inactive                  bool               `json:"inactive"`
	DaysUntilInvoicingDueDate *int32             `json:"daysUntilInvoicingDueDate,omitempty"`
	Discount                  *float64           `json:"discount,omitempty"`
	Address                   *address           `json:"address,omitempty"`
	Groups                    []string           `json:"groups"`
}

func (p *contactPerson) out() contactPersonOut {
	return contactPersonOut{ContactPersonID: p.ID, Name: deref(p.In.Name), Email: deref(p.In.Email),
		PhoneNumber: p.In.PhoneNumber, Address: p.In.Address}
}

func (c *contact) out() contactOut {
	o := contactOut{ContactID: c.ID, CreatedDate: c.Created, LastModifiedDate: c.Modified,
		Name: deref(c.In.Name), Email: c.In.Email, OrganizationNumber: c.In.OrganizationNumber,
		Customer: c.In.Customer, Supplier: c.In.Supplier, BankAccountNumber: c.In.BankAccountNumber,
		Language: c.In.Language, Inactive: c.In.Inactive, DaysUntilInvoicingDueDate: c.In.DaysUntilInvoicingDueDate,
		Discount: c.In.Discount, Address: c.In.Address, Groups: append([]string{}, c.In.Groups...),
		ContactPerson: []contactPersonOut{}}
	if c.CustomerNumber != 0 {
		o.CustomerNumber = c.CustomerNumber
		o.CustomerAccountCode = "1500:" + strconv.Itoa(int(c.CustomerNumber))
	}
	if c.SupplierNumber != 0 {
		o.SupplierNumber = c.SupplierNumber
		o.SupplierAccountCode = "2400:" + strconv.Itoa(int(c.SupplierNumber))
	}
	for _, p := range c.Persons {
		o.ContactPerson = append(o.ContactPerson, p.out())
	}
	return o
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// apply stores a create or full-replacement body.
func (s *Server) applyContact(co *company, c *contact, in contactIn) {
	persons := in.ContactPerson
	in.ContactPerson = nil
	c.In = in
	c.Modified = s.today()
	if in.Customer && c.CustomerNumber == 0 {
		c.CustomerNumber = co.nextCustomerNumber
		co.nextCustomerNumber++
	}
	if in.Supplier && c.SupplierNumber == 0 {
		c.SupplierNumber = co.nextSupplierNumber
		co.nextSupplierNumber++
	}
	// Contact persons are a sub-resource: a PUT without contactPerson keeps
	// them; one with contactPerson adds those given (simulator assumption,
	// see package doc).
	for _, p := range persons {
		c.Persons = append(c.Persons, &contactPerson{ID: s.st.id(), In: p})
	}
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	q := r.URL.Query()
	lm, e1 := parseDateFilter(q, "lastModified")
	cd, e2 := parseDateFilter(q, "createdDate")
	cust, e3 := boolFilter(q, "customer")
	supp, e4 := boolFilter(q, "supplier")
	inact, e5 := boolFilter(q, "inactive")
	custNo, e6 := intFilter(q, "customerNumber")
	suppNo, e7 := intFilter(q, "supplierNumber")
	if e := firstErr(e1, e2, e3, e4, e5, e6, e7); e != nil {
		return e
	}
	var out []contactOut
	for _, c := range co.contacts {
		if !lm.match(c.Modified) || !cd.match(c.Created) ||
			(cust != nil && *cust != c.In.Customer) || (supp != nil && *supp != c.In.Supplier) ||
			(inact != nil && *inact != c.In.Inactive) ||
			(custNo != 0 && int64(c.CustomerNumber) != custNo) || (suppNo != 0 && int64(c.SupplierNumber) != suppNo) {
			continue
		}
		if !eqFilter(q, "memberNumberString", c.In.MemberNumberString) || !eqFilter(q, "name", deref(c.In.Name)) ||
			!eqFilter(q, "organizationNumber", c.In.OrganizationNumber) || !eqFilter(q, "email", c.In.Email) ||
			!eqFilter(q, "phoneNumber", c.In.PhoneNumber) || !groupFilter(q, c.In.Groups) {
			continue
		}
		out = append(out, c.out())
	}
	switch q.Get("sortBy") {
	case "", "createdDate asc":
	case "createdDate desc":
		reverse(out)
	case "lastModified asc":
		sort.SliceStable(out, func(i, j int) bool { return out[i].LastModifiedDate < out[j].LastModifiedDate })
	case "lastModified desc":
		sort.SliceStable(out, func(i, j int) bool { return out[i].LastModifiedDate > out[j].LastModifiedDate })
	default:
		return badRequest("sortBy: unsupported value %q", q.Get("sortBy"))
	}
	writePage(w, r, out)
	return nil
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// eqFilter is an exact-match string filter that passes when absent.
func eqFilter(q map[string][]string, name, value string) bool {
	v, ok := q[name]
	return !ok || len(v) == 0 || v[0] == value
}

// eqFilterOf is eqFilter(q, name, value) as a function of value, with q
// read once.
func eqFilterOf(q map[string][]string, name string) func(value string) bool {
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return func(string) bool { return true }
	}
	want := v[0]
	return func(value string) bool { return value == want }
}

func groupFilter(q map[string][]string, groups []string) bool {
	v, ok := q["group"]
	if !ok || len(v) == 0 {
		return true
	}
	for _, g := range groups {
		if strings.EqualFold(g, v[0]) {
			return true
		}
	}
	return false
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	var in contactIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check(); e != nil {
		return e
	}
	c := &contact{ID: s.st.id(), Created: s.today()}
	s.applyContact(co, c, in)
	co.contacts = append(co.contacts, c)
	s.created(w, r, co, "/contacts/"+strconv.FormatInt(c.ID, 10))
	return nil
}

func (s *Server) findContact(r *http.Request, co *company) (*contact, *apiError) {
	id, e := pathID(r, "contactId")
	if e != nil {
		return nil, e
	}
	c := co.contact(id)
	if c == nil {
		return nil, notFound("contact", id)
	}
	return c, nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, e := s.findContact(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, c.out())
	return nil
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, e := s.findContact(r, co)
	if e != nil {
		return e
	}
	var in contactIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check(); e != nil {
		return e
	}
	s.applyContact(co, c, in)
	s.located(w, r, co, "/contacts/"+strconv.FormatInt(c.ID, 10), http.StatusOK)
	return nil
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, e := s.findContact(r, co)
	if e != nil {
		return e
	}
	if c.Referenced {
		c.In.Inactive = true
		c.Modified = s.today()
		writeJSON(w, http.StatusOK, c.out())
		return nil
	}
	for i, x := range co.contacts {
		if x == c {
			co.contacts = append(co.contacts[:i], co.contacts[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listContactPersons(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, e := s.findContact(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, c.out().ContactPerson)
	return nil
}

func (s *Server) addContactPerson(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, e := s.findContact(r, co)
	if e != nil {
		return e
	}
	var in contactPersonIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check("contactPerson"); e != nil {
		return e
	}
	p := &contactPerson{ID: s.st.id(), In: in}
	c.Persons = append(c.Persons, p)
	c.Modified = s.today()
	// Fiken answers 200, not 201, here.
	s.located(w, r, co, "/contacts/"+strconv.FormatInt(c.ID, 10)+"/contactPerson/"+strconv.FormatInt(p.ID, 10), http.StatusOK)
	return nil
}

func (s *Server) findContactPerson(r *http.Request, co *company) (*contact, int, *apiError) {
	c, e := s.findContact(r, co)
	if e != nil {
		return nil, 0, e
	}
	id, e := pathID(r, "personId")
	if e != nil {
		return nil, 0, e
	}
	for i, p := range c.Persons {
		if p.ID == id {
			return c, i, nil
		}
	}
	return nil, 0, notFound("contact person", id)
}

func (s *Server) getContactPerson(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, i, e := s.findContactPerson(r, co)
	if e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, c.Persons[i].out())
	return nil
}

func (s *Server) updateContactPerson(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, i, e := s.findContactPerson(r, co)
	if e != nil {
		return e
	}
	var in contactPersonIn
	if e := decodeJSON(r, &in); e != nil {
		return e
	}
	if e := in.check("contactPerson"); e != nil {
		return e
	}
	c.Persons[i].In = in
	c.Modified = s.today()
	s.located(w, r, co, "/contacts/"+strconv.FormatInt(c.ID, 10)+"/contactPerson/"+strconv.FormatInt(c.Persons[i].ID, 10), http.StatusOK)
	return nil
}

func (s *Server) deleteContactPerson(w http.ResponseWriter, r *http.Request, co *company) *apiError {
	c, i, e := s.findContactPerson(r, co)
	if e != nil {
		return e
	}
	c.Persons = append(c.Persons[:i], c.Persons[i+1:]...)
	c.Modified = s.today()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
