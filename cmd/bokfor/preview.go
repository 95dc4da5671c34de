package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bokfor/bokfor/internal/app"
	"github.com/bokfor/bokfor/internal/config"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/ratelimit"
	"github.com/bokfor/bokfor/internal/store"
)

func newPreviewCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "preview --tenant T --order ID",
		Short: "Print the ledger document an order would produce, without posting anything",
		Long: "Reads the order from the tenant's shop and builds the ledger document exactly as the order\n" +
			"workflow would. Nothing is written to the shop or the ledger; the ledger is not contacted.",
		Args: cobra.NoArgs,
	}
	var tenantID, orderID string
	var asJSON bool
	c.Flags().StringVar(&tenantID, "tenant", "", "tenant id (required)")
	c.Flags().StringVar(&orderID, "order", "", "the shop's order id (required)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the document as JSON")
	_ = c.MarkFlagRequired("tenant")
	_ = c.MarkFlagRequired("order")
	p := bind(c, e, config.Database|config.Secrets|config.Logging)
	c.RunE = func(c *cobra.Command, _ []string) error {
		if err := p.start(e, "preview"); err != nil {
			return err
		}
		ctx := c.Context()
		s, closeStore, err := p.openStore(ctx, true)
		if err != nil {
			return err
		}
		defer closeStore()
		pv, err := previewOrder(ctx, s, app.NewConnectors(ratelimit.Unlimited{}, p.log), tenantID, orderID)
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(pv.doc)
		}
		return pv.print(e.stdout)
	}
	return c
}

// preview is a built document with the context needed to read it.
type preview struct {
	tenantID string
	disabled bool
	order    *domain.Order
	doc      *ledgerdoc.Document
	// shopState says whether the order's shop state triggers transfer.
	shopState string
	// posted is the document already in the ledger for the order, from
	// the store's invoice link (no ledger call), or nil.
	posted *ledger.Posted
}

// previewOrder reads the order from the tenant's shop and builds its
// ledger document. It never contacts the ledger.
func previewOrder(ctx context.Context, s *store.Store, conns *app.Connectors, tenantID, orderID string) (*preview, error) {
	t, err := s.Tenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	sh, err := conns.Shop(ctx, t)
	if err != nil {
		return nil, err
	}
	o, err := sh.Order(ctx, orderID)
	if err != nil {
		return nil, fmt.Errorf("read order %s from the shop of tenant %s: %w", orderID, tenantID, err)
	}
	doc, err := ledgerdoc.Build(t.ID, &t.Settings, o)
	if err != nil {
		return nil, fmt.Errorf("order %s of tenant %s cannot be booked: %w", orderID, tenantID, err)
	}
	pv := &preview{tenantID: t.ID, disabled: t.Disabled, order: o, doc: doc}
	switch {
	case slices.Contains(t.Settings.CancelStates, o.StateID):
		pv.shopState = o.StateID + " (a cancel state: the order would not be booked)"
	case slices.Contains(t.Settings.TransferStates, o.StateID):
		pv.shopState = o.StateID + " (a transfer state: the order is booked)"
	default:
		pv.shopState = o.StateID + " (not a transfer state: the order waits)"
	}
	l, err := s.LinkByShopID(ctx, t.ID, store.LinkInvoice, orderID)
	switch {
	case err == nil:
		pv.posted = &ledger.Posted{ID: l.LedgerID}
		_ = json.Unmarshal(l.Snapshot, pv.posted) // the id alone is enough to say it is booked
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return pv, nil
}

// print writes the document as tables an accountant can check.
func (pv *preview) print(w io.Writer) error {
	d := pv.doc
	printf(w, "Preview of shop order %s for tenant %s: nothing is posted.\n\n", d.ShopOrderID, pv.tenantID)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	if pv.disabled {
		kv("Tenant", "disabled: its orders are not booked while it is")
	}
	kv("Kind", string(d.Kind))
	kv("Reference", d.Reference)
	kv("Shop reference", d.ShopReference)
	kv("Shop state", pv.shopState)
	if pv.posted != nil {
		kv("In the ledger", fmt.Sprintf("already posted as %s (id %s): bokfor will not post it again", dash(pv.posted.Number), pv.posted.ID))
	} else {
		kv("In the ledger", "not posted by bokfor yet")
	}
	kv("Issue date", d.IssueDate)
	kv("Currency", d.Currency+" (rate "+d.ConversionRate.String()+")")
	kv("Payment module", d.PaymentModule)
	switch d.Kind {
	case ledgerdoc.KindCashInvoice:
		kv("Payment account", d.PaymentAccount)
	case ledgerdoc.KindInvoice:
		kv("Send method", dash(d.SendMethod))
		kv("Due days", fmt.Sprint(d.DueDays))
	case ledgerdoc.KindInvoiceVoucher:
		kv("Shop invoice no", dash(pv.order.InvoiceNumber))
		kv("Due days", fmt.Sprint(d.DueDays))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	printf(w, "\nLines\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tKIND\tDESCRIPTION\tQTY\tUNIT NET\tNET\tVAT\tGROSS\tRATE\tVAT TYPE\tACCOUNT")
	for i, l := range d.Lines {
		rate := l.Rate.String()
		if l.Kind == ledgerdoc.LineRounding {
			rate = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, l.Kind, l.Description, l.Quantity,
			l.UnitNet, l.Net, l.VAT, l.Gross, rate, l.VATType, l.Account)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	printf(w, "\nPer VAT rate\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RATE\tNET\tVAT\tGROSS")
	for _, r := range d.PerRate {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Rate, r.Net, r.VAT, r.Gross)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	printf(w, "\nTotals\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Net\t%s\n", d.Net)
	fmt.Fprintf(tw, "VAT\t%s\n", d.VAT)
	fmt.Fprintf(tw, "Gross\t%s %s\n", d.Gross, d.Currency)
	fmt.Fprintf(tw, "Shop total\t%s %s\n", d.ShopTotal, d.Currency)
	var fee money.Ore
	for _, l := range d.Lines {
		if l.Kind == ledgerdoc.LineFee {
			fee += l.Gross
		}
	}
	if fee != 0 {
		fmt.Fprintf(tw, "Invoice fee\t%s (added to the shop total)\n", fee)
	}
	if d.Rounding != 0 {
		fmt.Fprintf(tw, "Rounding\t%s (on the rounding line)\n", d.Rounding)
	} else {
		fmt.Fprintf(tw, "Rounding\tnone\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := len(pv.order.Refunds); n > 0 {
		printf(w, "\nThe order has %d refund(s) (credit slips); their credit notes are not previewed.\n", n)
	}
	return nil
}
