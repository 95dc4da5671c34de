package prestashop

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
)

// NewProduct is a simple product to create (the product sync creates the
// shop side of ledger products).
type NewProduct struct {
	// Reference is the SKU.
	Reference string
	// Name is set in the configured language.
	Name string
	// PriceTaxExcl is the base price excl. VAT.
	PriceTaxExcl money.Ore
	// TaxRulesGroupID is the tax rule group (0: none).
	TaxRulesGroupID int
	Active          bool
}

// CreateProduct creates a simple product in the home category and
// returns its id. It is a single attempt: after a KindAmbiguous failure
// look the reference up before trying again.
func (c *Client) CreateProduct(ctx context.Context, p NewProduct) (int, error) {
	active := "0"
	if p.Active {
		active = "1"
	}
	body := buildXML("product", []field{
		{name: "reference", value: p.Reference},
		{name: "price", value: p.PriceTaxExcl.String() + "0000"},
		{name: "id_tax_rules_group", value: itoa(p.TaxRulesGroupID)},
		{name: "active", value: active},
		{name: "id_category_default", value: "2"},
		{name: "state", value: "1"},
		{name: "type", value: "simple"},
		{name: "minimal_quantity", value: "1"},
		{name: "available_for_order", value: "1"},
		{name: "show_price", value: "1"},
		{name: "visibility", value: "both"},
		{name: "name", langs: map[int]string{c.cfg.LanguageID: p.Name}},
		{name: "link_rewrite", langs: map[int]string{c.cfg.LanguageID: linkRewrite(p.Name)}},
	})
	out, err := c.do(ctx, call{method: http.MethodPost, resource: "products", body: body, json: true})
	if err != nil {
		return 0, err
	}
	o, err := decodeOne(out, "product")
	if err != nil {
		return 0, decodeErr("POST /api/products", err)
	}
	r := &reader{}
	id := r.int(o, "id")
	return id, r.err
}

// linkRewrite makes a URL slug of a name: lower-case letters and digits
// joined by '-'; Norwegian letters are spelt out (æ→ae, ø→o, å→a).
func linkRewrite(name string) string {
	repl := strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "Æ", "ae", "Ø", "o", "Å", "a")
	var b strings.Builder
	dash := false
	for _, r := range repl.Replace(strings.ToLower(name)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		return "product"
	}
	return s
}

// TaxRulesGroupFor returns the id of the first active tax rule group whose
// rule for the configured country has this rate, or 0 when there is none.
func (c *Client) TaxRulesGroupFor(ctx context.Context, rate domain.VATRate) (int, error) {
	groups, err := c.list(ctx, "tax_rule_groups", url.Values{"display": {"[id,active,deleted]"}, "sort": {"[id_ASC]"}})
	if err != nil {
		return 0, err
	}
	r := &reader{}
	for _, g := range groups {
		if !r.bool(g, "active") || r.bool(g, "deleted") {
			continue
		}
		id := r.int(g, "id")
		got, err := c.groupRate(ctx, id)
		if err != nil {
			return 0, err
		}
		if got == rate {
			return id, r.err
		}
	}
	return 0, r.err
}

// CombinationProductIDsByReference returns the product ids of the
// combinations whose reference is sku.
func (c *Client) CombinationProductIDsByReference(ctx context.Context, sku string) ([]int, error) {
	objs, err := c.list(ctx, "combinations", url.Values{"display": {"[id,id_product]"}, "filter[reference]": {filterValue(sku)}, "sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var ids []int
	for _, o := range objs {
		ids = append(ids, r.int(o, "id_product"))
	}
	return ids, r.err
}
