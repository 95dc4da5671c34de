package psshop

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
)

var _ shop.Catalog = (*Shop)(nil)

func objectID(what, id string) (int, error) {
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return 0, &apierr.Error{Kind: apierr.KindValidation, API: "prestashop", Op: what + " id", Message: fmt.Sprintf("%q is not a PrestaShop %s id", id, what)}
	}
	return n, nil
}

// ChangedProducts lists the products changed after the watermark (the
// format of ChangedOrders), paging through the whole window.
func (s *Shop) ChangedProducts(ctx context.Context, watermark string) ([]string, string, error) {
	changes, next, err := s.changes(ctx, "products", watermark, 500)
	if err != nil {
		return nil, watermark, err
	}
	ids := make([]string, len(changes))
	for k, c := range changes {
		ids[k] = c.OrderID
	}
	return ids, next, nil
}

// Product reads a product with its combinations.
func (s *Shop) Product(ctx context.Context, productID string) (*domain.Product, error) {
	n, err := objectID("product", productID)
	if err != nil {
		return nil, err
	}
	p, err := s.c.Product(ctx, n)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, fmt.Errorf("product %s: %w", productID, shop.ErrNotFound)
	}
	return p, err
}

// Products reads several products with their combinations, a hundred per
// request; ids the shop does not have are left out.
func (s *Shop) Products(ctx context.Context, productIDs []string) ([]*domain.Product, error) {
	nums := make([]int, 0, len(productIDs))
	for _, id := range productIDs {
		n, err := objectID("product", id)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n)
	}
	return s.c.Products(ctx, nums)
}

// ProductIDsBySKU finds the products whose reference, or one of whose
// combinations' reference, is sku.
func (s *Shop) ProductIDsBySKU(ctx context.Context, sku string) ([]string, error) {
	ids, err := s.c.ProductIDsByReference(ctx, sku)
	if err != nil {
		return nil, err
	}
	parents, err := s.c.CombinationProductIDsByReference(ctx, sku)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range append(ids, parents...) {
		if v := strconv.Itoa(id); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// UpdateProduct writes name, net price and active.
func (s *Shop) UpdateProduct(ctx context.Context, productID string, c shop.ProductChange) error {
	n, err := objectID("product", productID)
	if err != nil {
		return err
	}
	u := prestashop.ProductUpdate{Name: c.Name, Active: c.Active}
	if c.PriceNet != nil {
		p := money.Ore(*c.PriceNet)
		u.PriceTaxExcl = &p
	}
	return s.c.UpdateProduct(ctx, n, u)
}

// CreateProduct creates a simple product in the home category with the
// tax rule group of the rate.
func (s *Shop) CreateProduct(ctx context.Context, p shop.NewProduct) (string, error) {
	group, err := s.c.TaxRulesGroupFor(ctx, p.Rate)
	if err != nil {
		return "", err
	}
	if group == 0 {
		return "", &apierr.Error{Kind: apierr.KindValidation, API: "prestashop", Op: "create product",
			Message: fmt.Sprintf("the shop has no tax rule group with rate %s", p.Rate)}
	}
	id, err := s.c.CreateProduct(ctx, prestashop.NewProduct{Reference: p.SKU, Name: p.Name, PriceTaxExcl: money.Ore(p.PriceNet),
		TaxRulesGroupID: group, Active: p.Active})
	if err != nil {
		return "", err
	}
	return strconv.Itoa(id), nil
}

// StockLevels reads the product's stock rows.
func (s *Shop) StockLevels(ctx context.Context, productID string) ([]domain.StockLevel, error) {
	n, err := objectID("product", productID)
	if err != nil {
		return nil, err
	}
	return s.c.StockLevels(ctx, n)
}

// SetStock sets one stock row's quantity.
func (s *Shop) SetStock(ctx context.Context, stockID string, quantity int) error {
	n, err := objectID("stock", stockID)
	if err != nil {
		return err
	}
	return s.c.SetStock(ctx, n, quantity)
}

var _ shop.CustomerCatalog = (*Shop)(nil)

// ChangedCustomers lists customers changed after the watermark.
func (s *Shop) ChangedCustomers(ctx context.Context, watermark string) ([]string, string, error) {
	changes, next, err := s.changes(ctx, "customers", watermark, 500)
	if err != nil {
		return nil, watermark, err
	}
	ids := make([]string, len(changes))
	for k, c := range changes {
		ids[k] = c.OrderID
	}
	return ids, next, nil
}

// Customer reads a customer.
func (s *Shop) Customer(ctx context.Context, customerID string) (*domain.Customer, error) {
	n, err := objectID("customer", customerID)
	if err != nil {
		return nil, err
	}
	c, err := s.c.Customer(ctx, n)
	if apierr.Is(err, apierr.KindNotFound) {
		return nil, fmt.Errorf("customer %s: %w", customerID, shop.ErrNotFound)
	}
	return c, err
}

// CustomersByEmail finds customers by e-mail.
func (s *Shop) CustomersByEmail(ctx context.Context, email string) ([]domain.Customer, error) {
	return s.c.CustomersByEmail(ctx, email)
}

// CustomersByOrgNumber finds customers by siret.
func (s *Shop) CustomersByOrgNumber(ctx context.Context, org string) ([]domain.Customer, error) {
	return s.c.CustomersByOrgNumber(ctx, org)
}

// CreateCustomer creates the account, then its address (country by ISO
// code; the address is skipped when the shop lacks the country).
func (s *Shop) CreateCustomer(ctx context.Context, c shop.NewCustomer) (string, error) {
	id, err := s.c.CreateCustomer(ctx, prestashop.NewCustomer{Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		Company: c.Company, OrgNumber: c.OrgNumber})
	if err != nil {
		return "", err
	}
	if c.Address.Address1 != "" && c.Address.City != "" {
		iso := c.Address.Country
		if iso == "" {
			iso = "NO"
		}
		country, err := s.c.CountryID(ctx, iso)
		if err != nil {
			return "", err
		}
		if country != 0 {
			a := c.Address
			if a.FirstName == "" {
				a.FirstName, a.LastName = c.FirstName, c.LastName
			}
			if _, err := s.c.CreateAddress(ctx, prestashop.NewAddress{CustomerID: id, CountryID: country, Alias: "Regnskap", Address: a}); err != nil {
				return "", err
			}
		}
	}
	return strconv.Itoa(id), nil
}

// UpdateCustomer changes some fields of a customer.
func (s *Shop) UpdateCustomer(ctx context.Context, customerID string, c shop.CustomerChange) error {
	n, err := objectID("customer", customerID)
	if err != nil {
		return err
	}
	return s.c.UpdateCustomer(ctx, n, prestashop.CustomerUpdate{FirstName: c.FirstName, LastName: c.LastName, Company: c.Company,
		Email: c.Email, OrgNumber: c.OrgNumber})
}
