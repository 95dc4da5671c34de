// Package tenant defines a tenant's settings — one shop, one ledger and the
// rules that connect them — with their YAML form and validation. It does no
// I/O; the store persists tenants and keeps their secrets encrypted.
package tenant

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bokfor/bokfor/internal/money"
)

// idPattern limits tenant ids to characters that are safe in Temporal
// workflow ids and Web UI links.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// accountPattern is a ledger account: a 4-9 digit account number,
// optionally with a sub-account ("1920:10001", Fiken's bank and customer
// accounts).
var accountPattern = regexp.MustCompile(`^[0-9]{4,9}(:[0-9]{1,12})?$`)

// ValidID reports whether id is a well-formed tenant id: 1-63 letters,
// digits, '.', '_' or '-', starting with a letter or digit. Callers that
// take an id from outside (a URL) check it before any lookup.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Shop kinds.
const (
	ShopPrestaShop  = "prestashop"
	ShopWooCommerce = "woocommerce"
	ShopShopify     = "shopify"
)

// Ledger kinds.
const (
	LedgerFiken       = "fiken"
	LedgerPowerOffice = "poweroffice"
)

// Send methods for invoices the ledger sends.
const (
	SendNone     = "none"
	SendEmail    = "email"
	SendEHF      = "ehf"
	SendEfaktura = "efaktura"
	SendLetter   = "letter"
	SendAuto     = "auto"
)

// Field ownership values for two-way sync.
const (
	OwnerShop   = "shop"
	OwnerLedger = "ledger"
	OwnerNewest = "newest"
	OwnerNever  = "never"
)

// Stock masters.
const (
	StockMasterNone   = "none"
	StockMasterShop   = "shop"
	StockMasterLedger = "ledger"
)

// Tenant is one shop connected to one ledger.
type Tenant struct {
	// ID is the tenant's key in ids and URLs: letters, digits, '.', '_', '-'.
	ID string `yaml:"id"`
	// Name is a human-readable label.
	Name string `yaml:"name"`
	// Disabled tenants receive no webhooks and run no schedules.
	Disabled bool `yaml:"disabled,omitempty"`
	// Settings is everything that is not secret.
	Settings Settings `yaml:"settings"`
	// Secrets holds credentials by name (e.g. "api_key", "token",
	// "webhook_secret"). They are encrypted at rest and never printed.
	Secrets map[string]string `yaml:"secrets,omitempty"`
}

// Settings is the non-secret configuration of a tenant.
type Settings struct {
	Shop   ShopSettings   `yaml:"shop" json:"shop"`
	Ledger LedgerSettings `yaml:"ledger" json:"ledger"`
	// TransferStates are the shop order states that trigger transfer to the ledger.
	TransferStates []string `yaml:"transfer_states" json:"transfer_states"`
	// CancelStates are the shop order states that mean the order is cancelled.
	CancelStates []string `yaml:"cancel_states,omitempty" json:"cancel_states,omitempty"`
	// SettledState is the name of the shop order state written back when the
	// ledger reports the invoice settled; created in the shop if missing.
	SettledState string `yaml:"settled_state" json:"settled_state"`
	// PaymentMethods maps the shop's payment module to how it is booked.
	PaymentMethods []PaymentMethod `yaml:"payment_methods" json:"payment_methods"`
	// VAT maps each shop VAT rate to the ledger's VAT type and income account.
	VAT []VATRule `yaml:"vat" json:"vat"`
	// RoundingAccount receives any difference between the shop's total and
	// the sum of the ledger lines (øreavrunding).
	RoundingAccount string `yaml:"rounding_account" json:"rounding_account"`
	// CashCustomer, when set, books anonymous/guest orders on this ledger
	// contact instead of creating one per guest.
	CashCustomer string `yaml:"cash_customer,omitempty" json:"cash_customer,omitempty"`
	// CreateProducts allows creating missing products in the ledger.
	CreateProducts bool `yaml:"create_products" json:"create_products"`
	// ProductFields is the per-field ownership for product sync.
	ProductFields map[string]string `yaml:"product_fields,omitempty" json:"product_fields,omitempty"`
	// CustomerFields is the per-field ownership for customer sync.
	CustomerFields map[string]string `yaml:"customer_fields,omitempty" json:"customer_fields,omitempty"`
	// StockMaster says which side's stock wins: none, shop or ledger.
	StockMaster string `yaml:"stock_master" json:"stock_master"`
	// Schedules are the intervals of the periodic workflows.
	Schedules Schedules `yaml:"schedules" json:"schedules"`
}

// ShopSettings locates the shop.
type ShopSettings struct {
	// Kind is prestashop, woocommerce or shopify.
	Kind string `yaml:"kind" json:"kind"`
	// BaseURL is the shop's address, e.g. https://shop.example.no.
	BaseURL string `yaml:"base_url" json:"base_url"`
	// Version is the platform version where it changes API behaviour ("1.7", "8").
	Version string `yaml:"version,omitempty" json:"version,omitempty"`
	// ShopID selects one shop of a PrestaShop multishop (id_shop); 0 = default.
	ShopID int `yaml:"shop_id,omitempty" json:"shop_id,omitempty"`
}

// LedgerSettings locates the ledger.
type LedgerSettings struct {
	// Kind is fiken or poweroffice.
	Kind string `yaml:"kind" json:"kind"`
	// BaseURL overrides the API address (simulators, demo environments).
	BaseURL string `yaml:"base_url,omitempty" json:"base_url,omitempty"`
	// Company is the Fiken company slug (unused for PowerOffice).
	Company string `yaml:"company,omitempty" json:"company,omitempty"`
	// BankAccount is the ledger account unpaid invoices are paid to
	// (Fiken: "1920:10001"); empty: the company's first active bank account.
	BankAccount string `yaml:"bank_account,omitempty" json:"bank_account,omitempty"`
}

// PaymentMethod says how orders paid with one shop payment module are booked.
type PaymentMethod struct {
	// Module is the shop's payment module name, e.g. "vipps" or "bankwire".
	Module string `yaml:"module" json:"module"`
	// PaidAtCheckout: the money is already taken (card, Stripe, Vipps) and
	// the invoice is booked as paid to Account.
	PaidAtCheckout bool `yaml:"paid_at_checkout" json:"paid_at_checkout"`
	// Account is the ledger account (bank or clearing) the payment is posted to.
	Account string `yaml:"account,omitempty" json:"account,omitempty"`
	// FeeAccount receives the payment provider's fee, when there is one.
	FeeAccount string `yaml:"fee_account,omitempty" json:"fee_account,omitempty"`
	// SendMethod is how the ledger sends an unpaid invoice: none, email,
	// ehf, efaktura, letter or auto.
	SendMethod string `yaml:"send_method,omitempty" json:"send_method,omitempty"`
	// InvoiceFee is a fee line added to unpaid invoices, e.g. "39.00" (incl. VAT).
	InvoiceFee string `yaml:"invoice_fee,omitempty" json:"invoice_fee,omitempty"`
	// DueDays is the invoice's payment term in days.
	DueDays int `yaml:"due_days,omitempty" json:"due_days,omitempty"`
	// SelfInvoiced: the shop issues the invoice itself; the ledger receives
	// an invoice voucher (fakturabilag) instead of creating an invoice.
	SelfInvoiced bool `yaml:"self_invoiced,omitempty" json:"self_invoiced,omitempty"`
	// PostPayment: book an invoice on the customer's receivable, then post
	// the shop's payment against it to Account with the provider's fee
	// (card/Stripe settlements that must be reposted from the receivable).
	PostPayment bool `yaml:"post_payment,omitempty" json:"post_payment,omitempty"`
	// FeePercent and FeeFixed give the provider's fee per payment, e.g.
	// "2.4" and "2.00" (NOK); used with PostPayment.
	FeePercent string `yaml:"fee_percent,omitempty" json:"fee_percent,omitempty"`
	FeeFixed   string `yaml:"fee_fixed,omitempty" json:"fee_fixed,omitempty"`
}

// VATRule maps one shop VAT rate to the ledger.
type VATRule struct {
	// Rate is the shop's rate in percent, e.g. "25" or "12.5".
	Rate string `yaml:"rate" json:"rate"`
	// VATType is the ledger's VAT code (Fiken: HIGH, MEDIUM, LOW, EXEMPT, OUTSIDE...).
	VATType string `yaml:"vat_type" json:"vat_type"`
	// IncomeAccount is the sales account, e.g. "3000".
	IncomeAccount string `yaml:"income_account" json:"income_account"`
}

// Schedules are the intervals of the periodic workflows; zero disables one.
type Schedules struct {
	OrderPoll  Duration `yaml:"order_poll" json:"order_poll"`
	Settlement Duration `yaml:"settlement" json:"settlement"`
	Products   Duration `yaml:"products" json:"products"`
	Customers  Duration `yaml:"customers" json:"customers"`
	Stock      Duration `yaml:"stock" json:"stock"`
	// WebhookSilence raises an alarm (log and metric) when the poller finds
	// changed orders while no webhook arrived for this long; 0: 1 hour.
	WebhookSilence Duration `yaml:"webhook_silence,omitempty" json:"webhook_silence,omitempty"`
}

// Duration is a time.Duration written as "5m" in YAML and JSON.
type Duration struct{ time.Duration }

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration string such as "90s" or "1h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	v, err := time.ParseDuration(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// Parse reads one tenant from YAML, rejecting unknown fields, and validates it.
func Parse(data []byte) (*Tenant, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t Tenant
	if err := dec.Decode(&t); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("tenant yaml: the document is empty")
		}
		return nil, fmt.Errorf("tenant yaml: %w", err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("tenant yaml: more than one document (one tenant per file)")
	}
	t.Settings.applyDefaults()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Marshal writes the tenant as YAML with its secrets replaced by "(set)".
func (t *Tenant) Marshal() ([]byte, error) {
	c := *t
	if len(t.Secrets) > 0 {
		c.Secrets = make(map[string]string, len(t.Secrets))
		for k := range t.Secrets {
			c.Secrets[k] = "(set)"
		}
	}
	return yaml.Marshal(&c)
}

func (s *Settings) applyDefaults() {
	if s.StockMaster == "" {
		s.StockMaster = StockMasterNone
	}
	if s.SettledState == "" {
		s.SettledState = "Oppgjort i regnskap"
	}
	if s.Schedules.WebhookSilence.Duration == 0 {
		s.Schedules.WebhookSilence = Duration{time.Hour}
	}
	if s.Schedules == (Schedules{WebhookSilence: s.Schedules.WebhookSilence}) {
		s.Schedules = Schedules{
			WebhookSilence: s.Schedules.WebhookSilence,
			OrderPoll:      Duration{5 * time.Minute},
			Settlement:     Duration{15 * time.Minute},
			Products:       Duration{time.Hour},
			Customers:      Duration{6 * time.Hour},
			Stock:          Duration{15 * time.Minute},
		}
	}
}

// ValidationError lists every problem found in a tenant, each naming its field.
type ValidationError struct{ Problems []string }

// Error joins the problems into one line.
func (e *ValidationError) Error() string {
	return "invalid tenant: " + strings.Join(e.Problems, "; ")
}

// Validate checks the tenant and returns a *ValidationError naming every bad field.
func (t *Tenant) Validate() error {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if !idPattern.MatchString(t.ID) {
		add("id %q must be 1-63 letters, digits, '.', '_' or '-'", t.ID)
	}
	s := &t.Settings
	if !slices.Contains([]string{ShopPrestaShop, ShopWooCommerce, ShopShopify}, s.Shop.Kind) {
		add("settings.shop.kind %q must be prestashop, woocommerce or shopify", s.Shop.Kind)
	}
	if !httpURL(s.Shop.BaseURL) {
		add("settings.shop.base_url %q must be an http(s) URL with a host", s.Shop.BaseURL)
	}
	if s.Shop.ShopID < 0 {
		add("settings.shop.shop_id %d must be 0 (the default shop) or a shop id", s.Shop.ShopID)
	}
	switch s.Ledger.Kind {
	case LedgerFiken:
		if s.Ledger.Company == "" {
			add("settings.ledger.company is required for fiken (the company slug)")
		}
	case LedgerPowerOffice:
	default:
		add("settings.ledger.kind %q must be fiken or poweroffice", s.Ledger.Kind)
	}
	if s.Ledger.BaseURL != "" && !httpURL(s.Ledger.BaseURL) {
		add("settings.ledger.base_url %q must be an http(s) URL with a host", s.Ledger.BaseURL)
	}
	account := func(field, v string) {
		if v != "" && !accountPattern.MatchString(v) {
			add("%s %q must be an account number such as \"3000\" or \"1920:10001\"", field, v)
		}
	}
	account("settings.ledger.bank_account", s.Ledger.BankAccount)
	if len(s.TransferStates) == 0 {
		add("settings.transfer_states must list at least one shop order state")
	}
	for _, st := range s.TransferStates {
		if slices.Contains(s.CancelStates, st) {
			add("settings.cancel_states: state %q is also a transfer state", st)
		}
	}
	if s.RoundingAccount == "" {
		add("settings.rounding_account is required")
	}
	account("settings.rounding_account", s.RoundingAccount)
	seenMod := map[string]bool{}
	for i, m := range s.PaymentMethods {
		f := fmt.Sprintf("settings.payment_methods[%d]", i)
		if m.Module == "" {
			add("%s.module is required", f)
		}
		// Modules are matched case-insensitively (PaymentMethodFor): a
		// second spelling would never be used.
		if seenMod[strings.ToLower(m.Module)] {
			add("%s.module %q is listed twice", f, m.Module)
		}
		seenMod[strings.ToLower(m.Module)] = true
		account(f+".account", m.Account)
		account(f+".fee_account", m.FeeAccount)
		if m.SelfInvoiced && m.PaidAtCheckout {
			add("%s: self_invoiced excludes paid_at_checkout (an invoice voucher is booked on the customer, unpaid)", f)
		}
		if m.PaidAtCheckout && m.Account == "" {
			add("%s.account is required when paid_at_checkout is true", f)
		}
		if m.PostPayment && m.Account == "" {
			add("%s.account is required when post_payment is true", f)
		}
		if m.PostPayment && (m.PaidAtCheckout || m.SelfInvoiced) {
			add("%s: post_payment excludes paid_at_checkout and self_invoiced", f)
		}
		for _, fee := range []struct{ name, v string }{{"fee_percent", m.FeePercent}, {"fee_fixed", m.FeeFixed}} {
			if fee.v != "" {
				if v, err := money.Parse(fee.v); err != nil || v < 0 || fee.name == "fee_percent" && v > 10000 {
					add("%s.%s %q must be a non-negative decimal (a percentage at most 100)", f, fee.name, fee.v)
				}
			}
		}
		if m.SendMethod != "" && !slices.Contains([]string{SendNone, SendEmail, SendEHF, SendEfaktura, SendLetter, SendAuto}, m.SendMethod) {
			add("%s.send_method %q must be none, email, ehf, efaktura, letter or auto", f, m.SendMethod)
		}
		if m.InvoiceFee != "" {
			if v, err := money.Parse(m.InvoiceFee); err != nil || v < 0 {
				add("%s.invoice_fee %q must be a non-negative decimal amount", f, m.InvoiceFee)
			}
		}
		if m.DueDays < 0 || m.DueDays > 365 {
			add("%s.due_days %d must be between 0 and 365", f, m.DueDays)
		}
	}
	if len(s.VAT) == 0 {
		add("settings.vat must map at least one VAT rate")
	}
	seenRate := map[int64]bool{}
	for i, v := range s.VAT {
		f := fmt.Sprintf("settings.vat[%d]", i)
		r, err := money.ParseUnits(v.Rate, 2)
		if err != nil || r < 0 || r > 10000 {
			add("%s.rate %q must be a percentage between 0 and 100", f, v.Rate)
		} else if seenRate[r] {
			add("%s.rate %q is listed twice", f, v.Rate)
		}
		seenRate[r] = true
		if v.VATType == "" {
			add("%s.vat_type is required", f)
		}
		if v.IncomeAccount == "" {
			add("%s.income_account is required", f)
		}
		account(f+".income_account", v.IncomeAccount)
	}
	for _, fm := range []struct {
		name   string
		fields map[string]string
	}{{"product_fields", s.ProductFields}, {"customer_fields", s.CustomerFields}} {
		for _, k := range sortedKeys(fm.fields) {
			if !slices.Contains([]string{OwnerShop, OwnerLedger, OwnerNewest, OwnerNever}, fm.fields[k]) {
				add("settings.%s.%s %q must be shop, ledger, newest or never", fm.name, k, fm.fields[k])
			}
		}
	}
	if !slices.Contains([]string{StockMasterNone, StockMasterShop, StockMasterLedger}, s.StockMaster) {
		add("settings.stock_master %q must be none, shop or ledger", s.StockMaster)
	}
	for name, d := range map[string]Duration{"order_poll": s.Schedules.OrderPoll, "settlement": s.Schedules.Settlement, "products": s.Schedules.Products, "customers": s.Schedules.Customers, "stock": s.Schedules.Stock, "webhook_silence": s.Schedules.WebhookSilence} {
		if d.Duration != 0 && d.Duration < 10*time.Second {
			add("settings.schedules.%s %s must be 0 (off) or at least 10s", name, d.Duration)
		}
	}
	if len(p) == 0 {
		return nil
	}
	slices.Sort(p)
	return &ValidationError{Problems: p}
}

// PaymentMethodFor returns the settings of a shop payment module.
func (s *Settings) PaymentMethodFor(module string) (PaymentMethod, bool) {
	for _, m := range s.PaymentMethods {
		if strings.EqualFold(m.Module, module) {
			return m, true
		}
	}
	return PaymentMethod{}, false
}

// VATRuleFor returns the rule for a VAT rate given in basis points (2500 = 25 %).
func (s *Settings) VATRuleFor(basisPoints int64) (VATRule, error) {
	for _, v := range s.VAT {
		if r, err := money.ParseUnits(v.Rate, 2); err == nil && r == basisPoints {
			return v, nil
		}
	}
	return VATRule{}, fmt.Errorf("%w: %d.%02d %%", ErrNoVATRule, basisPoints/100, basisPoints%100)
}

// ErrNoVATRule means the tenant has no mapping for a VAT rate the shop used.
var ErrNoVATRule = errors.New("no VAT rule for rate")

// httpURL reports whether s is an absolute http or https URL with a host
// and nothing a client would refuse (spaces, control characters).
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
