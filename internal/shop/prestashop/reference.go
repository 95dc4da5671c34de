package prestashop

import (
	"context"
	"fmt"
	"net/url"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/money"
)

// Tax is a PrestaShop tax (taxes resource).
type Tax struct {
	// ID is the tax id.
	ID int
	// Name is the tax name in the configured language.
	Name string
	// Rate is the VAT rate.
	Rate domain.VATRate
	// Active reports whether the tax is in use.
	Active bool
}

// Tax reads a tax by id. A tax read in the last Config.ReferenceTTL is
// answered from the client's cache: PrestaShop saves an edit of a tax that
// orders use as a new tax and soft-deletes the old one, so an id's rate
// stays put.
func (c *Client) Tax(ctx context.Context, taxID int) (Tax, error) {
	return c.ref.taxes.load(taxID, func() (Tax, error) { return c.readTax(ctx, taxID) })
}

func (c *Client) readTax(ctx context.Context, taxID int) (Tax, error) {
	o, err := c.get(ctx, "taxes", "tax", taxID)
	if err != nil {
		return Tax{}, err
	}
	r := &reader{}
	t := Tax{ID: r.int(o, "id"), Name: o.i18n("name", c.cfg.LanguageID), Rate: r.rate(o, "rate"), Active: r.bool(o, "active")}
	if r.err != nil {
		return Tax{}, decodeErr("GET /api/taxes/{id}", r.err)
	}
	return t, nil
}

// Currency is a shop currency.
type Currency struct {
	// ID is the currency id.
	ID int
	// ISOCode is the ISO 4217 code, e.g. "NOK".
	ISOCode string
	// Name is the currency's name.
	Name string
	// ConversionRate is the rate from the shop's default currency.
	ConversionRate domain.ConversionRate
	// Precision is the number of decimals shown.
	Precision int
	// Active reports whether customers can pay in it.
	Active bool
	// Deleted reports a soft-deleted currency.
	Deleted bool
}

func mapCurrency(r *reader, o object) Currency {
	return Currency{
		ID: r.int(o, "id"), ISOCode: o.str("iso_code"), Name: o.str("name"),
		ConversionRate: r.conv(o, "conversion_rate"), Precision: r.int(o, "precision"),
		Active: r.bool(o, "active"), Deleted: r.bool(o, "deleted"),
	}
}

// Currency reads a currency by id. It is never cached: ConversionRate
// changes whenever the shop updates its rates.
func (c *Client) Currency(ctx context.Context, currencyID int) (Currency, error) {
	o, err := c.get(ctx, "currencies", "currency", currencyID)
	if err != nil {
		return Currency{}, err
	}
	r := &reader{}
	cur := mapCurrency(r, o)
	if r.err != nil {
		return Currency{}, decodeErr("GET /api/currencies/{id}", r.err)
	}
	return cur, nil
}

// currencyISO returns a currency's ISO code, cached for
// Config.ReferenceTTL (the code of a currency id does not change; its rate
// does, which is why only the code is kept).
func (c *Client) currencyISO(ctx context.Context, currencyID int) (string, error) {
	return c.ref.currencyISO.load(currencyID, func() (string, error) {
		cur, err := c.Currency(ctx, currencyID)
		return cur.ISOCode, err
	})
}

// Currencies lists the shop's currencies.
func (c *Client) Currencies(ctx context.Context) ([]Currency, error) {
	objs, err := c.list(ctx, "currencies", url.Values{"sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var out []Currency
	for _, o := range objs {
		out = append(out, mapCurrency(r, o))
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/currencies", r.err)
	}
	return out, nil
}

// Carrier is a shipping carrier.
type Carrier struct {
	// ID is the carrier id (a new id on every edit; ReferenceID is stable).
	ID int
	// ReferenceID is the carrier's stable id_reference.
	ReferenceID int
	// Name is the carrier's name.
	Name string
	// TaxGroupID is the tax rule group of its shipping charges.
	TaxGroupID int
	// Active reports whether it is offered.
	Active bool
	// Deleted reports a soft-deleted (or superseded) carrier.
	Deleted bool
}

func mapCarrier(r *reader, o object) Carrier {
	return Carrier{
		ID: r.int(o, "id"), ReferenceID: r.int(o, "id_reference"), Name: o.str("name"),
		TaxGroupID: r.int(o, "id_tax_rules_group"), Active: r.bool(o, "active"), Deleted: r.bool(o, "deleted"),
	}
}

// Carrier reads a carrier by id. A carrier read in the last
// Config.ReferenceTTL is answered from the client's cache (the back office
// gives an edited carrier a new id, so mostly Active and Deleted can lag).
func (c *Client) Carrier(ctx context.Context, carrierID int) (Carrier, error) {
	return c.ref.carriers.load(carrierID, func() (Carrier, error) { return c.readCarrier(ctx, carrierID) })
}

func (c *Client) readCarrier(ctx context.Context, carrierID int) (Carrier, error) {
	o, err := c.get(ctx, "carriers", "carrier", carrierID)
	if err != nil {
		return Carrier{}, err
	}
	r := &reader{}
	car := mapCarrier(r, o)
	if r.err != nil {
		return Carrier{}, decodeErr("GET /api/carriers/{id}", r.err)
	}
	return car, nil
}

// Carriers lists the shop's carriers.
func (c *Client) Carriers(ctx context.Context) ([]Carrier, error) {
	objs, err := c.list(ctx, "carriers", url.Values{"sort": {"[id_ASC]"}})
	if err != nil {
		return nil, err
	}
	r := &reader{}
	var out []Carrier
	for _, o := range objs {
		out = append(out, mapCarrier(r, o))
	}
	if r.err != nil {
		return nil, decodeErr("GET /api/carriers", r.err)
	}
	return out, nil
}

// CartRule is a discount rule (voucher).
type CartRule struct {
	// ID is the cart rule id.
	ID int
	// Name is the rule's name in the configured language.
	Name string
	// Code is the voucher code, or "" for automatic rules.
	Code string
	// ReductionAmount is an amount off, in the rule's currency.
	ReductionAmount money.Ore
	// ReductionTaxIncluded reports that ReductionAmount includes VAT.
	ReductionTaxIncluded bool
	// ReductionPercent is a percentage off in basis points (1000 = 10 %).
	ReductionPercent int
	// FreeShipping reports a free-shipping rule.
	FreeShipping bool
	// Active reports whether the rule can be used.
	Active bool
}

// CartRule reads a cart rule by id.
func (c *Client) CartRule(ctx context.Context, ruleID int) (CartRule, error) {
	o, err := c.get(ctx, "cart_rules", "cart_rule", ruleID)
	if err != nil {
		return CartRule{}, err
	}
	r := &reader{}
	cr := CartRule{
		ID: r.int(o, "id"), Name: o.i18n("name", c.cfg.LanguageID), Code: o.str("code"),
		ReductionAmount: r.money(o, "reduction_amount"), ReductionTaxIncluded: r.bool(o, "reduction_tax"),
		ReductionPercent: int(r.rate(o, "reduction_percent")), FreeShipping: r.bool(o, "free_shipping"),
		Active: r.bool(o, "active"),
	}
	if r.err != nil {
		return CartRule{}, decodeErr("GET /api/cart_rules/{id}", r.err)
	}
	return cr, nil
}

// notFound builds a KindNotFound error for a lookup that found nothing.
func notFound(op, what string) error {
	return &apierr.Error{Kind: apierr.KindNotFound, API: apiName, Op: op, Message: fmt.Sprintf("%s not found", what)}
}
