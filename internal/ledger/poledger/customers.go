package poledger

import (
	"context"
	"strings"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
)

// maxRef is the length limit of ExternalImportReference on customers.
const maxRef = 50

// FindCustomer matches by ExternalImportReference = shop id; then, since
// the v2 spec has no e-mail or organisation-number filter, by scanning
// the customers for the organisation number or e-mail. A customer found
// that way gets the shop id as its ExternalImportReference (JSON Patch;
// its number and SubledgerAccountId stay).
func (l *Ledger) FindCustomer(ctx context.Context, c ledger.Customer) (string, error) {
	if err := l.ready(ctx); err != nil {
		return "", err
	}
	if c.ShopID != "" && len(c.ShopID) <= maxRef {
		cu, err := l.c.FindCustomerByReference(ctx, c.ShopID)
		if err != nil {
			return "", err
		}
		if cu != nil {
			l.rememberSubledger(*cu)
			return itoa(cu.ID), nil
		}
	}
	org, email := orgNumber(c.OrgNumber), strings.ToLower(strings.TrimSpace(c.Email))
	if org == "" && email == "" {
		return "", ledger.ErrNotFound
	}
	all, err := l.c.ListCustomers(ctx, poweroffice.CustomerFilter{})
	if err != nil {
		return "", err
	}
	var hit *poweroffice.Customer
	for i, cu := range all {
		if cu.IsArchived {
			continue
		}
		if org != "" && orgNumber(cu.OrganizationNumber) == org {
			hit = &all[i]
			break
		}
		if hit == nil && email != "" && strings.EqualFold(strings.TrimSpace(cu.EmailAddress), email) {
			hit = &all[i]
		}
	}
	if hit == nil {
		return "", ledger.ErrNotFound
	}
	if hit.ExternalImportReference == "" && c.ShopID != "" && len(c.ShopID) <= maxRef {
		up, err := l.c.PatchCustomer(ctx, hit.ID, []poweroffice.PatchOp{poweroffice.Replace("ExternalImportReference", c.ShopID)})
		if err != nil {
			return "", err
		}
		hit = &up
	}
	l.rememberSubledger(*hit)
	return itoa(hit.ID), nil
}

// CreateCustomer creates a customer (a person unless there is an
// organisation number). A rejected duplicate reference adopts the
// existing customer.
func (l *Ledger) CreateCustomer(ctx context.Context, c ledger.Customer) (string, error) {
	if err := l.ready(ctx); err != nil {
		return "", err
	}
	in := poweroffice.CustomerPost{EmailAddress: c.Email, InvoiceEmailAddress: c.Email, PhoneNumber: c.Phone,
		CurrencyCode: c.Currency, OrganizationNumber: orgNumber(c.OrgNumber)}
	if len(c.ShopID) <= maxRef {
		in.ExternalImportReference = c.ShopID
	}
	name := ledgerdoc.Truncate(strings.TrimSpace(c.Name), 200)
	if in.OrganizationNumber == "" {
		in.IsPerson = true
		if i := strings.LastIndex(name, " "); i > 0 {
			in.FirstName, in.LastName = name[:i], name[i+1:]
		} else {
			in.LastName = name
		}
	} else {
		in.Name = name
	}
	if a := c.Address; a.City != "" && a.PostCode != "" {
		in.MailAddress = &poweroffice.Address{AddressLine1: a.Address1, AddressLine2: a.Address2, ZipCode: a.PostCode,
			City: a.City, CountryCode: strings.ToUpper(a.Country)}
	}
	cu, err := l.c.CreateCustomer(ctx, in)
	if apierr.Is(err, apierr.KindConflict) && in.ExternalImportReference != "" {
		found, ferr := l.c.FindCustomerByReference(ctx, in.ExternalImportReference)
		if ferr == nil && found != nil {
			l.rememberSubledger(*found)
			return itoa(found.ID), nil
		}
	}
	if err != nil {
		return "", err
	}
	l.rememberSubledger(cu)
	return itoa(cu.ID), nil
}

func (l *Ledger) rememberSubledger(cu poweroffice.Customer) {
	if cu.SubledgerAccountID == 0 {
		return
	}
	l.mu.Lock()
	l.subledgers[cu.ID] = cu.SubledgerAccountID
	l.mu.Unlock()
}

// subledger returns the customer's SubledgerAccountId (cached).
func (l *Ledger) subledger(ctx context.Context, customerID int64) (int64, error) {
	l.mu.Lock()
	id, ok := l.subledgers[customerID]
	l.mu.Unlock()
	if ok {
		return id, nil
	}
	cu, err := l.c.GetCustomer(ctx, customerID)
	if err != nil {
		return 0, err
	}
	l.rememberSubledger(cu)
	return cu.SubledgerAccountID, nil
}

// orgNumber keeps a Norwegian organisation number's 9 digits; anything
// else is dropped.
func orgNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() != 9 {
		return ""
	}
	return b.String()
}
