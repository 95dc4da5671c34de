package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"log/slog"

	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledger/fikenledger"
	"github.com/bokfor/bokfor/internal/ledger/poledger"
	"github.com/bokfor/bokfor/internal/ledger/poweroffice"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/shop"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/shop/psshop"
	"github.com/bokfor/bokfor/internal/store"
	"github.com/bokfor/bokfor/internal/tenant"
)

// Secret names in a tenant's secrets.
const (
	SecretShopAPIKey  = "shop_api_key"
	SecretShopWebhook = "shop_webhook_secret"
	SecretLedgerToken = "ledger_token"
)

// Connectors builds and caches each tenant's shop and ledger clients. A
// client is rebuilt when the tenant's row changes. All Fiken clients share
// one Limiter, so requests per credential are paced across every worker
// process that uses the same database.
type Connectors struct {
	Limiter ratelimit.Limiter
	HTTP    *http.Client
	Log     *zap.Logger

	mu      sync.Mutex
	shops   map[string]cached[shop.Shop]
	ledgers map[string]cached[ledger.Ledger]
	closers []func()
}

type cached[T any] struct {
	updated time.Time
	v       T
}

// NewConnectors returns connectors pacing ledger requests with limiter.
func NewConnectors(limiter ratelimit.Limiter, log *zap.Logger) *Connectors {
	return &Connectors{Limiter: limiter, Log: log, HTTP: &http.Client{Timeout: 60 * time.Second},
		shops: map[string]cached[shop.Shop]{}, ledgers: map[string]cached[ledger.Ledger]{}}
}

// Shop returns the tenant's shop client.
func (c *Connectors) Shop(_ context.Context, t *store.TenantRow) (shop.Shop, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.shops[t.ID]; ok && s.updated.Equal(t.UpdatedAt) {
		return s.v, nil
	}
	var s shop.Shop
	switch t.Settings.Shop.Kind {
	case tenant.ShopPrestaShop:
		key := t.Secrets[SecretShopAPIKey]
		if key == "" {
			return nil, fmt.Errorf("tenant %s: secret %s is not set", t.ID, SecretShopAPIKey)
		}
		version := prestashop.Version8
		if t.Settings.Shop.Version == "1.7" {
			version = prestashop.Version17
		}
		cl, err := prestashop.New(prestashop.Config{BaseURL: t.Settings.Shop.BaseURL, Key: key, ShopID: t.Settings.Shop.ShopID,
			Version: version, HTTPClient: c.HTTP})
		if err != nil {
			return nil, err
		}
		s = psshop.New(cl)
	default:
		return nil, fmt.Errorf("tenant %s: shop kind %q is not supported yet", t.ID, t.Settings.Shop.Kind)
	}
	c.shops[t.ID] = cached[shop.Shop]{t.UpdatedAt, s}
	return s, nil
}

// Ledger returns the tenant's ledger client.
func (c *Connectors) Ledger(_ context.Context, t *store.TenantRow) (ledger.Ledger, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.ledgers[t.ID]; ok && l.updated.Equal(t.UpdatedAt) {
		return l.v, nil
	}
	var l ledger.Ledger
	switch t.Settings.Ledger.Kind {
	case tenant.LedgerFiken:
		token := t.Secrets[SecretLedgerToken]
		if token == "" {
			return nil, fmt.Errorf("tenant %s: secret %s is not set", t.ID, SecretLedgerToken)
		}
		cl, err := fiken.New(fiken.Config{BaseURL: t.Settings.Ledger.BaseURL, CompanySlug: t.Settings.Ledger.Company,
			Token: fiken.PersonalToken(token), HTTPClient: c.HTTP, Limiter: c.Limiter,
			Logger: slog.New(zapslog.NewHandler(c.Log.Named("fiken").Core()))})
		if err != nil {
			return nil, err
		}
		l = fikenledger.New(cl, t.Settings.Ledger.BankAccount)
	case tenant.LedgerPowerOffice:
		keys := map[string]string{}
		for _, k := range []string{"ledger_application_key", "ledger_client_key", "ledger_subscription_key"} {
			if keys[k] = t.Secrets[k]; keys[k] == "" {
				return nil, fmt.Errorf("tenant %s: secret %s is not set", t.ID, k)
			}
		}
		// One limiter key per subscription key, shared by every tenant on
		// it; the shared limiter's interval (DefaultInterval) keeps well
		// under PowerOffice's 10 requests per second.
		cl, err := poweroffice.New(poweroffice.Config{BaseURL: t.Settings.Ledger.BaseURL, ApplicationKey: keys["ledger_application_key"],
			ClientKey: keys["ledger_client_key"], SubscriptionKey: keys["ledger_subscription_key"], HTTPClient: c.HTTP, Limiter: c.Limiter,
			Logger: slog.New(zapslog.NewHandler(c.Log.Named("poweroffice").Core()))})
		if err != nil {
			return nil, err
		}
		fees := map[string]string{}
		selfInvoiced := false
		for _, pm := range t.Settings.PaymentMethods {
			if pm.Account != "" && pm.FeeAccount != "" {
				fees[pm.Account] = pm.FeeAccount
			}
			selfInvoiced = selfInvoiced || pm.SelfInvoiced
		}
		l = poledger.New(cl, poledger.Options{FeeAccounts: fees, SelfInvoiced: selfInvoiced})
	default:
		return nil, fmt.Errorf("tenant %s: ledger kind %q is not supported", t.ID, t.Settings.Ledger.Kind)
	}
	c.ledgers[t.ID] = cached[ledger.Ledger]{t.UpdatedAt, l}
	return l, nil
}

// LimiterMaxConns is the size of the rate limiter's own connection pool:
// a request holds one connection per rate-limit key while it waits for
// its slot and runs.
const LimiterMaxConns = 10

// PostgresConnectors returns connectors whose ledger rate limits are held
// in PostgreSQL, shared by every process on the same database. The
// limiter has its own small pool (same database), closed by Close: on the
// store's pool, callers holding store connections while they wait for a
// ledger slot (find-or-create locks) could take every connection the
// limiter needs to hand out the next slot, and nothing would move.
func PostgresConnectors(ctx context.Context, s *store.Store, log *zap.Logger) (*Connectors, error) {
	cfg := s.Pool().Config().Copy()
	cfg.MaxConns = LimiterMaxConns
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("rate limiter pool: %w", err)
	}
	if err := ratelimit.Setup(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("rate limiter: %w", err)
	}
	limiter := ratelimit.NewPostgres(pool, ratelimit.DefaultInterval).
		WithInterval("poweroffice/", poweroffice.DefaultInterval)
	c := NewConnectors(limiter, log)
	c.closers = append(c.closers, pool.Close)
	return c, nil
}

// Close releases what the connectors own (the limiter's pool).
func (c *Connectors) Close() {
	for _, f := range c.closers {
		f()
	}
	c.closers = nil
}
