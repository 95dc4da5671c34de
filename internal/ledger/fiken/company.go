package fiken

import (
	"context"
	"net/url"
)

// ListCompanies returns every company the credential can access.
func (c *Client) ListCompanies(ctx context.Context) ([]Company, error) {
	return listAll[Company](ctx, c, "GET /companies", "/companies", nil)
}

// GetCompany returns the client's company; check HasAPIAccess.
func (c *Client) GetCompany(ctx context.Context) (Company, error) {
	var co Company
	err := c.get(ctx, "GET /companies/{slug}", c.company(""), nil, &co)
	return co, err
}

// ListBankAccounts returns the company's bank accounts, including the
// ones set up per payment provider.
func (c *Client) ListBankAccounts(ctx context.Context) ([]BankAccount, error) {
	return listAll[BankAccount](ctx, c, "GET /bankAccounts", c.company("/bankAccounts"), nil)
}

// CreateBankAccount creates a bank account and returns its id.
func (c *Client) CreateBankAccount(ctx context.Context, req BankAccountRequest) (int64, error) {
	return c.create(ctx, "POST /bankAccounts", c.company("/bankAccounts"), req)
}

// ListAccounts returns the bookkeeping accounts between fromAccount and
// toAccount (inclusive, e.g. "3000", "3999"; empty for no bound).
func (c *Client) ListAccounts(ctx context.Context, fromAccount, toAccount string) ([]Account, error) {
	q := url.Values{}
	setStr(q, "fromAccount", fromAccount)
	setStr(q, "toAccount", toAccount)
	return listAll[Account](ctx, c, "GET /accounts", c.company("/accounts"), q)
}
