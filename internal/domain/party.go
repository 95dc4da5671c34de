package domain

import "time"

// Customer is a shop customer account or guest.
type Customer struct {
	// ID is the shop's customer id.
	ID string
	// Email is the customer's e-mail address.
	Email string
	// FirstName is the customer's first name.
	FirstName string
	// LastName is the customer's last name.
	LastName string
	// Company is the company name for business customers, or "".
	Company string
	// OrgNumber is the organisation number (PrestaShop: siret), or "".
	OrgNumber string
	// Guest reports a guest checkout without an account.
	Guest bool
	// Active reports whether the account is enabled.
	Active bool
	// Deleted reports a soft-deleted customer.
	Deleted bool
	// UpdatedAt is when the customer last changed (shop-local wall time).
	UpdatedAt time.Time
}

// Name returns the company name if set, else "FirstName LastName".
func (c Customer) Name() string {
	if c.Company != "" {
		return c.Company
	}
	switch {
	case c.FirstName == "":
		return c.LastName
	case c.LastName == "":
		return c.FirstName
	}
	return c.FirstName + " " + c.LastName
}

// Address is a postal address as stored on an order.
type Address struct {
	// ID is the shop's address id.
	ID string
	// CustomerID is the owning customer's id.
	CustomerID string
	// Company is the company name, or "".
	Company string
	// VATNumber is the VAT/organisation number given with the address.
	VATNumber string
	// FirstName is the recipient's first name.
	FirstName string
	// LastName is the recipient's last name.
	LastName string
	// Address1 is the street address.
	Address1 string
	// Address2 is the second address line.
	Address2 string
	// PostCode is the postal code.
	PostCode string
	// City is the city.
	City string
	// Country is the ISO 3166-1 alpha-2 country code, e.g. "NO".
	Country string
	// Phone is a phone number, or "".
	Phone string
}
