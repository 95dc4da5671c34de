package poledger

import (
	"context"
	"strings"

	"github.com/bokfor/bokfor/internal/apierr"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
)

// FindProduct matches by Code = SKU.
func (l *Ledger) FindProduct(ctx context.Context, sku string) (string, error) {
	if err := l.ready(ctx); err != nil {
		return "", err
	}
	p, err := l.c.FindProductByCode(ctx, sku)
	if err != nil {
		return "", err
	}
	if p == nil {
		return "", ledger.ErrNotFound
	}
	return itoa(p.ID), nil
}

// CreateProduct creates a product on the line's sales account (which
// decides its VAT). A rejected duplicate code adopts the existing product.
func (l *Ledger) CreateProduct(ctx context.Context, p ledger.Product) (string, error) {
	if err := l.ready(ctx); err != nil {
		return "", err
	}
	acct, err := accountNo(p.Account)
	if err != nil {
		return "", err
	}
	price := poweroffice.Amount(p.UnitNet)
	id, err := l.createProduct(ctx, poweroffice.ProductPost{Code: p.SKU, Name: ledgerdoc.Truncate(p.Name, 400), UnitPrice: &price,
		StandardSalesAccount: acct, IsArchived: !p.Active})
	if err != nil {
		return "", err
	}
	return itoa(id), nil
}

func (l *Ledger) createProduct(ctx context.Context, in poweroffice.ProductPost) (int64, error) {
	pr, err := l.c.CreateProduct(ctx, in)
	if err == nil {
		return pr.ID, nil
	}
	if apierr.Is(err, apierr.KindValidation) || apierr.Is(err, apierr.KindConflict) || apierr.Is(err, apierr.KindAmbiguous) {
		// A lost response or a repeat: the code may exist already.
		if found, ferr := l.c.FindProductByCode(ctx, in.Code); ferr == nil && found != nil {
			return found.ID, nil
		}
	}
	return 0, err
}

// lineProductNames name the generated products of lines without a shop
// product.
var lineProductNames = map[ledgerdoc.LineKind]string{
	ledgerdoc.LineProduct: "Vare", ledgerdoc.LineShipping: "Frakt", ledgerdoc.LineWrapping: "Gaveinnpakning",
	ledgerdoc.LineDiscount: "Rabatt", ledgerdoc.LineFee: "Gebyr", ledgerdoc.LineRounding: "Øreavrunding",
}

// lineProduct finds or creates the generated product of a line kind on
// an account ("BOKFOR-SHIPPING-3000"); PowerOffice needs a product on
// every line for its accounting.
func (l *Ledger) lineProduct(ctx context.Context, kind ledgerdoc.LineKind, acct int64) (int64, error) {
	code := "BOKFOR-" + strings.ToUpper(string(kind)) + "-" + itoa(acct)
	l.mu.Lock()
	id, ok := l.products[code]
	l.mu.Unlock()
	if ok {
		return id, nil
	}
	p, err := l.c.FindProductByCode(ctx, code)
	if err != nil {
		return 0, err
	}
	if p != nil {
		id = p.ID
	} else {
		name := lineProductNames[kind]
		if name == "" {
			name = string(kind)
		}
		if id, err = l.createProduct(ctx, poweroffice.ProductPost{Code: code, Name: name, StandardSalesAccount: acct}); err != nil {
			return 0, err
		}
	}
	l.mu.Lock()
	l.products[code] = id
	l.mu.Unlock()
	return id, nil
}
