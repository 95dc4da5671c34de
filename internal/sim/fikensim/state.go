package fikensim

import (
	"strconv"
	"time"
)

// state is all simulated data; guarded by Server.mu.
type state struct {
	nextID    int64
	companies map[string]*company
	order     []string // company slugs in creation order
}

// company is one simulated Fiken company.
type company struct {
	Name                string
	Slug                string
	OrganizationNumber  string
	VatType             string
	HasAPIAccess        bool
	Created             string
	bankAccounts        []*bankAccount
	accounts            []account
	invoiceCounter      *int64
	creditNoteCounter   *int64
	contacts            []*contact
	products            []*product
	invoices            []*invoice
	creditNotes         []*creditNote
	sales               []*sale
	nextCustomerNumber  int32
	nextSupplierNumber  int32
	nextBankAccountCode int
}

type account struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type bankAccount struct {
	ID             int64
	Name           string
	AccountCode    string
	Number         string
	IBAN, BIC      string
	ForeignService string
	Type           string
	Inactive       bool
}

func newState(now time.Time) *state {
	st := &state{nextID: 1000000, companies: map[string]*company{}}
	st.addCompany("demo", "Demo Nettbutikk AS", "999888777", true, true, now)
	return st
}

func (st *state) id() int64 {
	st.nextID++
	return st.nextID
}

// addCompany creates a company with the standard chart of accounts, a
// bank account per payment provider and, when counters is set, invoice
// and credit-note number series at 10000.
func (st *state) addCompany(slug, name, orgNr string, apiAccess, counters bool, now time.Time) *company {
	co := &company{Name: name, Slug: slug, OrganizationNumber: orgNr, VatType: "bi-monthly",
		HasAPIAccess: apiAccess, Created: now.Format(dateFormat),
		nextCustomerNumber: 10001, nextSupplierNumber: 20001, nextBankAccountCode: 10001}
	co.accounts = []account{
		{"1500", "Kundefordringer"}, {"1920", "Bankinnskudd"}, {"2400", "Leverandørgjeld"},
		{"2700", "Utgående merverdiavgift, høy sats"}, {"2701", "Utgående merverdiavgift, middels sats"},
		{"2702", "Utgående merverdiavgift, lav sats"}, {"3000", "Salgsinntekt, avgiftspliktig"},
		{"3100", "Salgsinntekt, avgiftsfri"}, {"3200", "Salgsinntekt, utenfor avgiftsområdet"},
		{"3600", "Leieinntekt"}, {"3900", "Annen driftsrelatert inntekt"},
		{"7770", "Bank- og kortgebyrer"}, {"7790", "Annen kostnad"}, {"8160", "Valutatap"},
	}
	for _, b := range []struct{ name, number, typ, service string }{
		{"Driftskonto", "15035646830", "normal", ""},
		{"Stripe", "15035646831", "foreign", "Stripe"},
		{"Vipps", "15035646832", "foreign", "Vipps"},
		{"Klarna", "15035646833", "foreign", "Klarna"},
		{"PayPal", "15035646834", "foreign", "PayPal"},
	} {
		co.addBankAccount(st, b.name, b.number, b.typ, b.service)
	}
	if counters {
		ic, cc := int64(10000), int64(10000)
		co.invoiceCounter, co.creditNoteCounter = &ic, &cc
	}
	st.companies[slug] = co
	st.order = append(st.order, slug)
	return co
}

func (co *company) addBankAccount(st *state, name, number, typ, service string) *bankAccount {
	b := &bankAccount{ID: st.id(), Name: name, AccountCode: "1920:" + strconv.Itoa(co.nextBankAccountCode),
		Number: number, Type: typ, ForeignService: service}
	co.nextBankAccountCode++
	co.bankAccounts = append(co.bankAccounts, b)
	return b
}

// validAccount reports whether code is a bookable account: a chart
// account or a bank account code.
func (co *company) validAccount(code string) bool {
	for _, a := range co.accounts {
		if a.Code == code {
			return true
		}
	}
	for _, b := range co.bankAccounts {
		if b.AccountCode == code {
			return true
		}
	}
	return false
}

func (co *company) bankAccountByCode(code string) *bankAccount {
	for _, b := range co.bankAccounts {
		if b.AccountCode == code {
			return b
		}
	}
	return nil
}

func (co *company) contact(id int64) *contact {
	for _, c := range co.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (co *company) product(id int64) *product {
	for _, p := range co.products {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (co *company) invoice(id int64) *invoice {
	for _, i := range co.invoices {
		if i.ID == id {
			return i
		}
	}
	return nil
}

func (co *company) creditNote(id int64) *creditNote {
	for _, c := range co.creditNotes {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (co *company) sale(id int64) *sale {
	for _, s := range co.sales {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// dateFormat is Fiken's date layout.
const dateFormat = "2006-01-02"
