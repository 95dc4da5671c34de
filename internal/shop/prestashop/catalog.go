package prestashop

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
)

// Product reads a product with its combinations and its VAT rate (through
// its tax rule group for Config.TaxCountryID).
func (c *Client) Product(ctx context.Context, productID int) (*domain.Product, error) {
	o, err := c.get(ctx, "products", "product", productID)
	if err != nil {
		return nil, err
	}
	return c.product(ctx, o, "GET /api/products/{id}")
}

// ProductsPerRequest is how many products Products reads per request.
const ProductsPerRequest = 100

// Products reads several products as Product does, ProductsPerRequest per
// request (display=full lists carry the associations), in id order.
// Products the shop does not have are left out. A product with
// combinations costs one more request for them, as in Product.
func (c *Client) Products(ctx context.Context, productIDs []int) ([]*domain.Product, error) {
	var out []*domain.Product
	for ids := range slices.Chunk(productIDs, ProductsPerRequest) {
		vs := make([]string, len(ids))
		for i, n := range ids {
			vs[i] = itoa(n)
		}
		objs, err := c.list(ctx, "products", url.Values{"display": {"full"}, "filter[id]": {filterValue(vs...)}, "sort": {"[id_ASC]"}})
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			p, err := c.product(ctx, o, "GET /api/products")
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// product maps a product object, reading its VAT rate and combinations.
func (c *Client) product(ctx context.Context, o object, op string) (*domain.Product, error) {
	r := &reader{loc: c.cfg.Location}
	p := domain.Product{
		ID:           o.str("id"),
		SKU:          o.str("reference"),
		EAN13:        o.str("ean13"),
		Name:         o.i18n("name", c.cfg.LanguageID),
		PriceTaxExcl: r.money(o, "price"),
		TaxGroupID:   id(o, "id_tax_rules_group"),
		Active:       r.bool(o, "active"),
		UpdatedAt:    r.time(o, "date_upd"),
	}
	productID := r.int(o, "id")
	group := r.int(o, "id_tax_rules_group")
	if r.err != nil {
		return nil, decodeErr(op, r.err)
	}
	var err error
	if group != 0 {
		if p.TaxRate, err = c.groupRate(ctx, group); err != nil {
			return nil, err
		}
	}
	if len(o.assoc("combinations")) > 0 {
		if p.Variants, err = c.Combinations(ctx, productID); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// groupRate resolves a tax rule group to the rate of its rule for the
// configured country (or its first rule), cached for Config.ReferenceTTL:
// products share a handful of groups.
func (c *Client) groupRate(ctx context.Context, group int) (domain.VATRate, error) {
	return c.ref.groupRates.load(group, func() (domain.VATRate, error) { return c.readGroupRate(ctx, group) })
}

func (c *Client) readGroupRate(ctx context.Context, group int) (domain.VATRate, error) {
	rules, err := c.list(ctx, "tax_rules", url.Values{"filter[id_tax_rules_group]": {filterValue(itoa(group))}, "sort": {"[id_ASC]"}})
	if err != nil {
		return 0, err
	}
	r := &reader{}
	for _, rule := range rules {
		if c.cfg.TaxCountryID != 0 && r.int(rule, "id_country") != c.cfg.TaxCountryID {
			continue
		}
		t, err := c.Tax(ctx, r.int(rule, "id_tax"))
		if err != nil {
			return 0, err
		}
		return t.Rate, r.err
	}
	return 0, r.err
}

// ProductIDsByReference returns the ids of the products with a reference
// (SKU); several means the catalogue has duplicates.
func (c *Client) ProductIDsByReference(ctx context.Context, sku string) ([]int, error) {
	objs, err := c.list(ctx, "products", url.Values{"display": {"[id,reference]"}, "filter[reference]": {filterValue(sku)}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var ids []int
	for _, o := range objs {
		ids = append(ids, r.int(o, "id"))
	}
	return ids, r.err
}

// Combinations reads a product's combinations.
func (c *Client) Combinations(ctx context.Context, productID int) ([]domain.Variant, error) {
	objs, err := c.list(ctx, "combinations", url.Values{"filter[id_product]": {filterValue(itoa(productID))}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var out []domain.Variant
	for _, o := range objs {
		out = append(out, domain.Variant{
			ID: o.str("id"), ProductID: id(o, "id_product"), SKU: o.str("reference"), EAN13: o.str("ean13"),
			PriceImpact: r.money(o, "price"), Default: r.bool(o, "default_on"),
		})
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/combinations", r.err)
	}
	return out, nil
}

// StockLevels reads a product's stock rows (one per combination plus the
// aggregate row with no variant) in the configured shop.
func (c *Client) StockLevels(ctx context.Context, productID int) ([]domain.StockLevel, error) {
	objs, err := c.list(ctx, "stock_availables", url.Values{"filter[id_product]": {filterValue(itoa(productID))}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var out []domain.StockLevel
	for _, o := range objs {
		out = append(out, domain.StockLevel{
			ID: o.str("id"), ProductID: id(o, "id_product"), VariantID: id(o, "id_product_attribute"),
			ShopID: id(o, "id_shop"), Quantity: r.int(o, "quantity"), DependsOnStock: r.bool(o, "depends_on_stock"),
		})
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/stock_availables", r.err)
	}
	return out, nil
}

// SetStock sets a stock row's quantity (absolute, no compare-and-set):
// PATCH on 8.x, GET-modify-PUT on 1.7 so no other field is wiped.
func (c *Client) SetStock(ctx context.Context, stockID, quantity int) error {
	return c.update(ctx, "stock_availables", "stock_available", stockID, []field{{name: "quantity", value: itoa(quantity)}})
}

// ProductUpdate lists the product fields to change; nil fields stay.
type ProductUpdate struct {
	// Name sets the name in the configured language.
	Name *string
	// PriceTaxExcl sets the base price excl. VAT.
	PriceTaxExcl *money.Ore
	// Active enables or disables the product.
	Active *bool
	// EAN13 sets the barcode.
	EAN13 *string
}

// UpdateProduct changes some fields of a product and nothing else.
func (c *Client) UpdateProduct(ctx context.Context, productID int, u ProductUpdate) error {
	var fs []field
	if u.Name != nil {
		fs = append(fs, field{name: "name", langs: map[int]string{c.cfg.LanguageID: *u.Name}})
	}
	if u.PriceTaxExcl != nil {
		fs = append(fs, field{name: "price", value: u.PriceTaxExcl.String() + "0000"})
	}
	if u.Active != nil {
		v := "0"
		if *u.Active {
			v = "1"
		}
		fs = append(fs, field{name: "active", value: v})
	}
	if u.EAN13 != nil {
		fs = append(fs, field{name: "ean13", value: *u.EAN13})
	}
	if len(fs) == 0 {
		return nil
	}
	return c.update(ctx, "products", "product", productID, fs)
}

// readOnlyFields are output by GET but refused by PUT (error 93: "parameter
// not writable"); everything else must be sent back or it is nulled.
func readOnlyFields(resource string) []string {
	if resource == "products" {
		return []string{"manufacturer_name", "quantity"}
	}
	return nil
}

// update changes some fields of one object. On 8.x it PATCHes only those
// fields; on 1.7, where PUT nulls every field it does not carry, it GETs the
// full XML, changes the fields and PUTs the whole object back.
func (c *Client) update(ctx context.Context, resource, elem string, objID int, fs []field) error {
	path := resource + "/" + itoa(objID)
	if c.cfg.Version != Version17 {
		body := buildXML(elem, append([]field{{name: "id", value: itoa(objID)}}, fs...))
		_, err := c.do(ctx, call{method: http.MethodPatch, resource: path, body: body})
		return err
	}
	b, err := c.do(ctx, call{method: http.MethodGet, resource: path})
	if err != nil {
		return err
	}
	root, err := parseXML(b)
	if err != nil {
		return decodeErr("GET /api/"+resource+"/{id}", err)
	}
	obj := root.child(elem)
	if obj == nil {
		return decodeErr("GET /api/"+resource+"/{id}", fmt.Errorf("no <%s> element", elem))
	}
	drop := map[string]bool{}
	for _, f := range readOnlyFields(resource) {
		drop[f] = true
	}
	kept := obj.children[:0]
	for _, ch := range obj.children {
		if !drop[ch.name] {
			kept = append(kept, ch)
		}
	}
	obj.children = kept
	for _, f := range fs {
		n := obj.child(f.name)
		if n == nil {
			n = &xnode{name: f.name}
			obj.children = append(obj.children, n)
		}
		if f.langs == nil {
			n.text, n.children = f.value, nil
			continue
		}
		for lang, v := range f.langs {
			var ln *xnode
			for _, l := range n.children {
				for _, a := range l.attrs {
					if a.Name.Local == "id" && strings.TrimSpace(a.Value) == itoa(lang) {
						ln = l
					}
				}
			}
			if ln == nil {
				ln = &xnode{name: "language"}
				ln.attrs = append(ln.attrs, xmlAttr("id", itoa(lang)))
				n.children = append(n.children, ln)
			}
			ln.text = v
		}
	}
	_, err = c.do(ctx, call{method: http.MethodPut, resource: path, body: document(root)})
	return err
}
