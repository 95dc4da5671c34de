package poweroffice

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// GeneralLedgerAccounts reads the accounts with the given numbers (all
// when none are given).
func (c *Client) GeneralLedgerAccounts(ctx context.Context, accountNos ...int64) ([]GeneralLedgerAccount, error) {
	q := url.Values{}
	if len(accountNos) > 0 {
		s := make([]string, len(accountNos))
		for i, n := range accountNos {
			s[i] = strconv.FormatInt(n, 10)
		}
		q.Set("accountNos", strings.Join(s, ","))
	}
	return listAll[GeneralLedgerAccount](ctx, c, "GET /GeneralLedgerAccounts", "/GeneralLedgerAccounts", q)
}

// VatCodes reads the active VAT codes.
func (c *Client) VatCodes(ctx context.Context) ([]VatCode, error) {
	return listAll[VatCode](ctx, c, "GET /VatCodes", "/VatCodes", url.Values{"isActive": {"true"}})
}
