package fikenledger

import (
	"context"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
)

var _ ledger.Catalog = (*Ledger)(nil)

func catalogProduct(p fiken.Product) ledger.CatalogProduct {
	return ledger.CatalogProduct{ID: itoa(p.ProductID), SKU: p.ProductNumber, Name: p.Name, UnitNet: int64(p.UnitPrice),
		VATType: p.VatType, Account: p.IncomeAccount, Active: p.Active, Note: p.Note, Stock: p.Stock, Modified: p.LastModifiedDate}
}

func productRequest(p ledger.CatalogProduct) fiken.ProductRequest {
	return fiken.ProductRequest{Name: ledgerdoc.Truncate(p.Name, 200), UnitPrice: money.Ore(p.UnitNet), IncomeAccount: p.Account,
		VatType: p.VATType, Active: p.Active, ProductNumber: p.SKU, Stock: p.Stock, Note: ledgerdoc.Truncate(p.Note, 200)}
}

// ChangedProducts lists products with lastModified on or after since's
// date (Fiken filters by date only), every product when since is zero.
func (l *Ledger) ChangedProducts(ctx context.Context, since time.Time) ([]ledger.CatalogProduct, error) {
	var f fiken.ProductFilter
	if !since.IsZero() {
		f.LastModified.Ge = since.Format("2006-01-02")
	}
	ps, err := l.c.ListProducts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]ledger.CatalogProduct, len(ps))
	for i, p := range ps {
		out[i] = catalogProduct(p)
	}
	return out, nil
}

// CatalogProduct reads one product.
func (l *Ledger) CatalogProduct(ctx context.Context, id string) (*ledger.CatalogProduct, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p, err := l.c.GetProduct(ctx, n)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, ledger.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	cp := catalogProduct(p)
	return &cp, nil
}

// ProductBySKU finds a product by productNumber.
func (l *Ledger) ProductBySKU(ctx context.Context, sku string) (*ledger.CatalogProduct, error) {
	p, err := l.c.FindProductByNumber(ctx, sku)
	if err != nil {
		return nil, err
	}
	if p == nil || p.ProductNumber != sku {
		return nil, ledger.ErrNotFound
	}
	cp := catalogProduct(*p)
	return &cp, nil
}

// CreateCatalogProduct creates a product.
func (l *Ledger) CreateCatalogProduct(ctx context.Context, p ledger.CatalogProduct) (string, error) {
	id, err := l.c.CreateProduct(ctx, productRequest(p))
	if err != nil {
		return "", err
	}
	return itoa(id), nil
}

// UpdateCatalogProduct replaces a product (PUT); a nil Stock is read back
// by the client and kept.
func (l *Ledger) UpdateCatalogProduct(ctx context.Context, p ledger.CatalogProduct) error {
	n, err := parseID(p.ID)
	if err != nil {
		return err
	}
	return l.c.UpdateProduct(ctx, n, productRequest(p))
}

var _ ledger.CustomerCatalog = (*Ledger)(nil)

func catalogCustomer(ct fiken.Contact) ledger.CatalogCustomer {
	c := ledger.CatalogCustomer{ID: itoa(ct.ContactID), Name: ct.Name, Email: ct.Email, OrgNumber: ct.OrganizationNumber,
		Phone: ct.PhoneNumber, MemberNumber: ct.MemberNumberString, Inactive: ct.Inactive}
	if a := ct.Address; a != nil {
		c.Address = domain.Address{Address1: a.StreetAddress, Address2: a.StreetAddressLine2, PostCode: a.PostCode, City: a.City,
			Country: countryISO(a.Country), Phone: ct.PhoneNumber}
	}
	return c
}

// countryISO maps the country names Fiken stores back to ISO codes.
func countryISO(name string) string {
	switch name {
	case "", "Norge", "Norway", "NO":
		return "NO"
	case "Sverige", "Sweden":
		return "SE"
	case "Danmark", "Denmark":
		return "DK"
	}
	if len(name) == 2 {
		return name
	}
	return ""
}

// ChangedCustomers lists customer contacts modified on or after since's
// date (all when since is zero).
func (l *Ledger) ChangedCustomers(ctx context.Context, since time.Time) ([]ledger.CatalogCustomer, error) {
	yes := true
	f := fiken.ContactFilter{Customer: &yes}
	if !since.IsZero() {
		f.LastModified.Ge = since.Format("2006-01-02")
	}
	cts, err := l.c.ListContacts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]ledger.CatalogCustomer, len(cts))
	for i, ct := range cts {
		out[i] = catalogCustomer(ct)
	}
	return out, nil
}

// CatalogCustomer reads one contact.
func (l *Ledger) CatalogCustomer(ctx context.Context, id string) (*ledger.CatalogCustomer, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	ct, err := l.c.GetContact(ctx, n)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, ledger.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c := catalogCustomer(ct)
	return &c, nil
}

// UpdateCatalogCustomer changes name, e-mail and organisation number,
// keeping every other field (ModifyContact reads the contact first).
func (l *Ledger) UpdateCatalogCustomer(ctx context.Context, id string, c ledger.CustomerChange) error {
	n, err := parseID(id)
	if err != nil {
		return err
	}
	return l.c.ModifyContact(ctx, n, fiken.ContactWriteOnly{}, func(r *fiken.ContactRequest) {
		if c.Name != nil {
			r.Name = ledgerdoc.Truncate(*c.Name, 200)
		}
		if c.Email != nil {
			r.Email = *c.Email
		}
		if c.OrgNumber != nil {
			r.OrganizationNumber = orgNumber(*c.OrgNumber)
		}
	})
}
