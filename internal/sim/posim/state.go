package posim

import (
	"context"
	"time"
)

// client is one PowerOffice client (company) and its data.
type client struct {
	key         string
	name        string
	accounts    []*account
	vatCodes    []*vatCode
	customers   []*customer
	products    []*product
	orders      []*salesOrder
	invoices    []*invoice
	vouchers    []*bankVoucher
	manual      []*manualVoucher
	entries     []*subEntry
	nextCustNo  int64
	nextOrderNo int64
	nextInvNo   int64
	nextVouchNo int64
	nextMatchID int64
}

// account is a general ledger account; VAT comes from VatCodeID.
type account struct {
	ID        int64
	No        int64
	Name      string
	VatCodeID int64
}

// vatCode is a SAF-T VAT code; RateBP is the rate in basis points.
type vatCode struct {
	ID     int64
	Code   string
	Name   string
	RateBP int64
}

// seedAccounts is the seeded chart of accounts: number, name, SAF-T VAT
// code. Sales accounts carry the output VAT of their rate.
var seedAccounts = []struct {
	no   int64
	name string
	code string
}{
	{1500, "Kundefordringer", "0"}, {1901, "Visa", "0"}, {1902, "Mastercard", "0"}, {1903, "Vipps", "0"},
	{1904, "Klarna", "0"}, {1905, "Stripe", "0"}, {1920, "Bankinnskudd", "0"}, {2700, "Utgående merverdiavgift", "0"},
	{3000, "Salgsinntekt, avgiftspliktig høy sats", "3"}, {3030, "Salgsinntekt, avgiftspliktig middels sats", "31"},
	{3050, "Salgsinntekt, avgiftspliktig lav sats", "33"}, {3100, "Salgsinntekt, avgiftsfri", "5"},
	{3200, "Salgsinntekt, utenfor avgiftsområdet", "6"}, {7770, "Bank- og kortgebyrer", "0"}, {7790, "Øreavrunding", "0"},
}

// seedVatCodes are the SAF-T codes of the seed.
var seedVatCodes = []vatCode{
	{Code: "0", Name: "Ingen mva-behandling", RateBP: 0}, {Code: "1", Name: "Inngående mva høy sats", RateBP: 2500},
	{Code: "3", Name: "Utgående mva høy sats", RateBP: 2500}, {Code: "31", Name: "Utgående mva middels sats", RateBP: 1500},
	{Code: "33", Name: "Utgående mva lav sats", RateBP: 1200}, {Code: "5", Name: "Innenlands omsetning, fritatt", RateBP: 0},
	{Code: "6", Name: "Omsetning utenfor mva-loven", RateBP: 0},
}

// newClient seeds a client. Ids are drawn from the server so that account
// ids never equal account numbers (the API takes ids on voucher lines).
func newClient(s *Server, key string) *client {
	cl := &client{key: key, name: "Demo klient " + key, nextCustNo: 10000, nextOrderNo: 1, nextInvNo: 100001, nextVouchNo: 1}
	byCode := map[string]int64{}
	for _, v := range seedVatCodes {
		v.ID = s.id()
		byCode[v.Code] = v.ID
		cl.vatCodes = append(cl.vatCodes, &v)
	}
	for _, a := range seedAccounts {
		cl.accounts = append(cl.accounts, &account{ID: s.id() + 500000, No: a.no, Name: a.name, VatCodeID: byCode[a.code]})
	}
	return cl
}

// id returns a fresh id; callers hold s.mu.
func (s *Server) id() int64 {
	s.nextID++
	return s.nextID
}

func (cl *client) accountByNo(no int64) *account {
	for _, a := range cl.accounts {
		if a.No == no {
			return a
		}
	}
	return nil
}

func (cl *client) accountByID(id int64) *account {
	for _, a := range cl.accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (cl *client) vatCode(id int64) *vatCode {
	for _, v := range cl.vatCodes {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (cl *client) customer(id int64) *customer {
	for _, c := range cl.customers {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (cl *client) customerBySubledger(id int64) *customer {
	for _, c := range cl.customers {
		if c.SubledgerAccountID == id {
			return c
		}
	}
	return nil
}

func (cl *client) product(id int64) *product {
	for _, p := range cl.products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (cl *client) productByCode(code string) *product {
	for _, p := range cl.products {
		if p.Code != nil && *p.Code == code {
			return p
		}
	}
	return nil
}

func (cl *client) order(id string) *salesOrder {
	for _, o := range cl.orders {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (cl *client) invoice(id string) *invoice {
	for _, i := range cl.invoices {
		if i.ID == id {
			return i
		}
	}
	return nil
}

// clientKey carries the request's client through the context.
type clientKey struct{}

func withClient(ctx context.Context, cl *client) context.Context {
	return context.WithValue(ctx, clientKey{}, cl)
}

func clientOf(ctx context.Context) *client {
	cl, _ := ctx.Value(clientKey{}).(*client)
	return cl
}

// stamp formats a timestamp as PowerOffice does (RFC 3339 with offset).
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z07:00") }
