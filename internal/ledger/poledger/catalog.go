package poledger

import (
	"context"
	"strings"
	"time"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
)

var (
	_ ledger.Catalog         = (*Ledger)(nil)
	_ ledger.CustomerCatalog = (*Ledger)(nil)
)

// afterFilter formats since for PowerOffice's exclusive timestamp filters,
// a second early (replica lag and exclusivity); "" for zero (everything).
func afterFilter(since time.Time) string {
	if since.IsZero() {
		return ""
	}
	return since.Add(-time.Second).UTC().Format(time.RFC3339)
}

// day returns the date of an RFC 3339 timestamp, or "".
func day(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// catalogProduct maps a PowerOffice product; VATType is the SAF-T code of
// the sales account's VAT code (informational: VAT follows the account).
func (l *Ledger) catalogProduct(p poweroffice.Product) ledger.CatalogProduct {
	cp := ledger.CatalogProduct{ID: itoa(p.ID), SKU: p.Code, Name: p.Name, Active: !p.IsArchived, Note: p.Description,
		Modified: day(p.LastChangedDateTime)}
	if p.UnitPrice != nil {
		cp.UnitNet = int64(p.UnitPrice.Ore())
	}
	if p.StandardSalesAccount != 0 {
		cp.Account = itoa(p.StandardSalesAccount)
		if a, ok := l.account(p.StandardSalesAccount); ok {
			cp.VATType = a.VatCode
		}
	}
	if p.IsStockItem {
		stock := p.StockOnHand
		cp.Stock = &stock
	}
	if s := day(p.StockChangedDateTime); s > cp.Modified {
		cp.Modified = s
	}
	return cp
}

// ChangedProducts lists products changed after since, by either their
// fields or their stock (two filters: the first ignores stock).
func (l *Ledger) ChangedProducts(ctx context.Context, since time.Time) ([]ledger.CatalogProduct, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	ps, err := l.c.ListProductsChanged(ctx, afterFilter(since))
	if err != nil {
		return nil, err
	}
	if !since.IsZero() {
		stock, err := l.c.ListProductsStockChanged(ctx, afterFilter(since))
		if err != nil {
			return nil, err
		}
		ps = append(ps, stock...)
	}
	seen := map[int64]bool{}
	out := make([]ledger.CatalogProduct, 0, len(ps))
	for _, p := range ps {
		if seen[p.ID] || strings.HasPrefix(p.Code, "BOKFOR-") {
			continue
		}
		seen[p.ID] = true
		out = append(out, l.catalogProduct(p))
	}
	return out, nil
}

// CatalogProduct reads one product.
func (l *Ledger) CatalogProduct(ctx context.Context, id string) (*ledger.CatalogProduct, error) {
	pid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	p, err := l.c.GetProduct(ctx, pid)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, ledger.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	cp := l.catalogProduct(p)
	return &cp, nil
}

// ProductBySKU finds a product by Code.
func (l *Ledger) ProductBySKU(ctx context.Context, sku string) (*ledger.CatalogProduct, error) {
	if err := l.chart(ctx); err != nil {
		return nil, err
	}
	p, err := l.c.FindProductByCode(ctx, sku)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, ledger.ErrNotFound
	}
	cp := l.catalogProduct(*p)
	return &cp, nil
}

// CreateCatalogProduct creates a product on p.Account (a stock item when
// p.Stock is set).
func (l *Ledger) CreateCatalogProduct(ctx context.Context, p ledger.CatalogProduct) (string, error) {
	if err := l.ready(ctx); err != nil {
		return "", err
	}
	acct, err := accountNo(p.Account)
	if err != nil {
		return "", err
	}
	price := poweroffice.Amount(p.UnitNet)
	in := poweroffice.ProductPost{Code: p.SKU, Name: p.Name, Description: p.Note, UnitPrice: &price, StandardSalesAccount: acct,
		IsArchived: !p.Active, StockOnHand: p.Stock, IsStockItem: p.Stock != nil}
	pr, err := l.c.CreateProduct(ctx, in)
	if err != nil {
		return "", err
	}
	return itoa(pr.ID), nil
}

// UpdateCatalogProduct writes name, price, description, active state,
// sales account and (when not nil) stock with one JSON Patch; the code
// stays.
func (l *Ledger) UpdateCatalogProduct(ctx context.Context, p ledger.CatalogProduct) error {
	id, err := parseID(p.ID)
	if err != nil {
		return err
	}
	if err := l.chart(ctx); err != nil {
		return err
	}
	ops := []poweroffice.PatchOp{poweroffice.Replace("Name", p.Name), poweroffice.Replace("UnitPrice", poweroffice.Amount(p.UnitNet)),
		poweroffice.Replace("Description", p.Note), poweroffice.Replace("IsArchived", !p.Active)}
	if p.Account != "" {
		no, err := accountNo(p.Account)
		if err != nil {
			return err
		}
		a, ok := l.account(no)
		if !ok {
			return invalid("PATCH /Products/{id}", "sales account %d does not exist in PowerOffice", no)
		}
		ops = append(ops, poweroffice.Replace("StandardSalesAccountId", a.ID))
	}
	if p.Stock != nil {
		ops = append(ops, poweroffice.Replace("StockOnHand", *p.Stock), poweroffice.Replace("IsStockItem", true))
	}
	_, err = l.c.PatchProduct(ctx, id, ops)
	return err
}

// catalogCustomer maps a PowerOffice customer; MemberNumber is its
// ExternalImportReference.
func catalogCustomer(c poweroffice.Customer) ledger.CatalogCustomer {
	name := c.Name
	if name == "" {
		name = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	cc := ledger.CatalogCustomer{ID: itoa(c.ID), Name: name, Email: c.EmailAddress, OrgNumber: c.OrganizationNumber, Phone: c.PhoneNumber,
		MemberNumber: c.ExternalImportReference, Inactive: c.IsArchived}
	if a := c.MailAddress; a != nil {
		cc.Address = domain.Address{Address1: a.AddressLine1, Address2: a.AddressLine2, PostCode: a.ZipCode, City: a.City, Country: a.CountryCode}
	}
	return cc
}

// ChangedCustomers lists customers changed after since (all when zero).
// PowerOffice does not move LastChangedDateTimeOffset for address changes.
func (l *Ledger) ChangedCustomers(ctx context.Context, since time.Time) ([]ledger.CatalogCustomer, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	cs, err := l.c.ListCustomers(ctx, poweroffice.CustomerFilter{LastChangedAfter: afterFilter(since)})
	if err != nil {
		return nil, err
	}
	out := make([]ledger.CatalogCustomer, 0, len(cs))
	for _, c := range cs {
		out = append(out, catalogCustomer(c))
	}
	return out, nil
}

// CatalogCustomer reads one customer.
func (l *Ledger) CatalogCustomer(ctx context.Context, id string) (*ledger.CatalogCustomer, error) {
	cid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	c, err := l.c.GetCustomer(ctx, cid)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, ledger.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	cc := catalogCustomer(c)
	return &cc, nil
}

// UpdateCatalogCustomer patches the given fields; every other field, the
// customer number and SubledgerAccountId included, stays. A person's name
// is written as first and last name.
func (l *Ledger) UpdateCatalogCustomer(ctx context.Context, id string, ch ledger.CustomerChange) error {
	cid, err := parseID(id)
	if err != nil {
		return err
	}
	var ops []poweroffice.PatchOp
	if ch.Name != nil {
		cur, err := l.c.GetCustomer(ctx, cid)
		if err != nil {
			return err
		}
		if cur.IsPerson {
			first, last := "", *ch.Name
			if i := strings.LastIndex(*ch.Name, " "); i > 0 {
				first, last = (*ch.Name)[:i], (*ch.Name)[i+1:]
			}
			ops = append(ops, poweroffice.Replace("FirstName", first), poweroffice.Replace("LastName", last))
		}
		ops = append(ops, poweroffice.Replace("Name", *ch.Name))
	}
	if ch.Email != nil {
		ops = append(ops, poweroffice.Replace("EmailAddress", *ch.Email))
	}
	if ch.OrgNumber != nil {
		ops = append(ops, poweroffice.Replace("OrganizationNumber", orgNumber(*ch.OrgNumber)))
	}
	if len(ops) == 0 {
		return nil
	}
	_, err = l.c.PatchCustomer(ctx, cid, ops)
	return err
}
