package chaos

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	"github.com/bokfor/bokfor/activities"
	"github.com/bokfor/bokfor/internal/domain"
	"github.com/bokfor/bokfor/internal/ledger/fiken"
	"github.com/bokfor/bokfor/internal/ledgerdoc"
	"github.com/bokfor/bokfor/internal/money"
	"github.com/bokfor/bokfor/internal/shop/prestashop"
	"github.com/bokfor/bokfor/internal/sim/posim"
	"github.com/bokfor/bokfor/internal/sim/prestashopsim"
)

// Invariant is one checked property and its violations.
type Invariant struct {
	Name       string
	Checked    int
	Violations int
	// Examples are up to five violations, for the operator.
	Examples []string
}

func (inv *Invariant) fail(format string, args ...any) {
	inv.Violations++
	if len(inv.Examples) < 5 {
		inv.Examples = append(inv.Examples, fmt.Sprintf(format, args...))
	}
}

// Report is the outcome of a run.
type Report struct {
	Config Config
	Dir    string
	// Faults injected, by kind.
	Faults []Count
	// Orders and what happened to them.
	Orders []Count
	// Documents in the ledger.
	Documents  []Count
	Invariants []*Invariant
	// Quiet says every order reached its end state within Config.Quiescence.
	Quiet bool
	// Placement is how long placing the orders took; Total from the first
	// order to quiescence; SincePlaced and SinceLastFault from the last
	// order and the last injected process fault to quiescence.
	Placement, Total, SincePlaced, SinceLastFault time.Duration
}

// Count is a named number for the table.
type Count struct {
	Name string
	N    int64
	Note string
}

// Violations returns the violations of the named invariant.
func (rep *Report) Violations(name string) int {
	for _, inv := range rep.Invariants {
		if inv.Name == name {
			return inv.Violations
		}
	}
	return 0
}

// Failed reports whether any invariant was violated.
func (rep *Report) Failed() bool {
	for _, inv := range rep.Invariants {
		if inv.Violations > 0 {
			return true
		}
	}
	return !rep.Quiet
}

// Print writes the report as tables.
func (rep *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	c := rep.Config
	fmt.Fprintf(tw, "bokfor chaos: %d orders, %d tenants (%s in turn), %d workers, seed %d\n\n", c.Orders, c.Tenants,
		strings.Join(c.Ledgers, ", "), c.Workers, c.Seed)
	section := func(title string, cs []Count) {
		fmt.Fprintf(tw, "%s\t\t\n", title)
		for _, x := range cs {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", x.Name, x.N, x.Note)
		}
		fmt.Fprintf(tw, "\t\t\n")
	}
	section("Faults injected", rep.Faults)
	section("Orders", rep.Orders)
	section("Ledger documents", rep.Documents)
	fmt.Fprintf(tw, "Invariant\tchecked\tviolations\n")
	for _, inv := range rep.Invariants {
		fmt.Fprintf(tw, "  %s\t%d\t%d\n", inv.Name, inv.Checked, inv.Violations)
	}
	fmt.Fprintf(tw, "\t\t\n")
	fmt.Fprintf(tw, "Timing\t\t\n")
	fmt.Fprintf(tw, "  placing the orders\t%s\t\n", rep.Placement.Round(time.Second))
	fmt.Fprintf(tw, "  first order to quiescence\t%s\t\n", rep.Total.Round(time.Second))
	fmt.Fprintf(tw, "  last order to quiescence\t%s\t\n", rep.SincePlaced.Round(time.Second))
	fmt.Fprintf(tw, "  last process fault to quiescence\t%s\t\n", rep.SinceLastFault.Round(time.Second))
	_ = tw.Flush()
	for _, inv := range rep.Invariants {
		for _, e := range inv.Examples {
			fmt.Fprintf(w, "VIOLATION %s: %s\n", inv.Name, e)
		}
	}
	if !rep.Quiet {
		fmt.Fprintf(w, "NOT QUIESCENT: orders were still moving after %s\n", c.Quiescence)
	}
	if rep.Failed() {
		fmt.Fprintf(w, "FAIL (logs in %s)\n", rep.Dir)
	} else {
		fmt.Fprintf(w, "PASS\n")
	}
}

// RateInvariant names the ledger rate-limit invariant.
const RateInvariant = "ledger rate-limit violations"

// personal are substrings of the personal data the run places in orders.
var personal = []string{"chaos.example.no", "Kaosdottir", "Kaosveien"}

// check turns the faults off and checks every invariant against the
// simulators, the store and Temporal.
func (r *run) check(ctx context.Context, pool *pgxpool.Pool, rep *Report) error {
	off := map[string]any{}
	for _, a := range r.shopAddrs {
		_ = postJSON(ctx, "http://"+a+"/_sim/faults", off, nil)
	}
	var fkStats struct {
		Requests       int64            `json:"requests"`
		ByStatus       map[string]int64 `json:"by_status"`
		RateViolations int64            `json:"rate_violations"`
		FaultsInjected int64            `json:"faults_injected"`
	}
	if r.uses(LedgerFiken) {
		_ = postJSON(ctx, "http://"+r.fikenAddr+"/_sim/faults", off, nil)
		if err := getJSON(ctx, "http://"+r.fikenAddr+"/_sim/stats", &fkStats); err != nil {
			return err
		}
	}
	poStats := posim.Stats{ByStatus: map[string]int64{}}
	if r.po != nil {
		r.po.SetFaults(posim.Faults{})
		poStats = r.po.Stats()
	}
	var psErr, psTimeout, psDrop, psReq int64
	for _, a := range r.shopAddrs {
		var s prestashopsim.Stats
		if err := getJSON(ctx, "http://"+a+"/_sim/stats", &s); err != nil {
			return err
		}
		psErr += int64(s.Counters["fault_errors"])
		psTimeout += int64(s.Counters["fault_timeouts"])
		psDrop += int64(s.Counters["fault_drops"])
		for _, n := range s.Requests {
			psReq += int64(n)
		}
	}
	rs := r.relay.snapshot()
	r.events.mu.Lock()
	ev := struct {
		workerKill, starter, temporal, postgres int
		pgSkipped                               string
	}{r.events.workerKill, r.events.starter, r.events.temporal, r.events.postgres, r.events.pgSkipped}
	r.events.mu.Unlock()
	fk500, fkDrop := fkStats.ByStatus["500"], fkStats.ByStatus["dropped"]
	pgNote := "off (--restart-postgres=false)"
	switch {
	case r.cfg.PostgresRestart && ev.pgSkipped != "":
		pgNote = ev.pgSkipped
	case r.cfg.PostgresRestart:
		pgNote = fmt.Sprintf("private cluster; pg_ctl stop -m fast, %s down, start", r.cfg.PostgresOutage)
	}
	temporalStarts, temporalCrashes := r.temporal.counts()
	var workerCrashes, starterCrashes int
	for _, w := range r.workers {
		_, c := w.counts()
		workerCrashes += c
	}
	_, starterCrashes = r.starter.counts()
	rep.Faults = []Count{
		{"shop API requests", psReq, ""},
		{"shop API 503 errors", psErr, "answered without effect"},
		{"shop API timeouts", psTimeout, "held until the client gave up"},
		{"shop API responses dropped after commit", psDrop, ""},
	}
	if r.uses(LedgerFiken) {
		rep.Faults = append(rep.Faults, []Count{
			{"Fiken API requests", fkStats.Requests, ""},
			{"Fiken API 500 errors", fk500, "answered without effect"},
			{"Fiken API timeouts", max(0, fkStats.FaultsInjected-fk500-fkDrop), "held until the client gave up"},
			{"Fiken API responses dropped after commit", fkDrop, "the write is in the ledger, the answer lost"},
		}...)
	}
	if r.po != nil {
		po500 := poStats.ByStatus["500"]
		rep.Faults = append(rep.Faults, []Count{
			{"PowerOffice API requests", poStats.Requests, "10 per second per subscription key, shared by the tenants"},
			{"PowerOffice API 500 errors", po500, "answered without effect"},
			{"PowerOffice API timeouts + responses dropped", max(0, poStats.FaultsInjected-po500), "held without effect, or written and the answer lost"},
		}...)
	}
	rep.Faults = append(rep.Faults, []Count{
		{"webhooks sent by the shops", int64(rs.Received), ""},
		{"webhook copies delivered", int64(rs.Copies), fmt.Sprintf("%d duplicates, random delays up to 3 s", rs.Duplicates)},
		{"new-order webhooks never delivered", int64(rs.Never), "left to the order poller"},
		{"webhook copies retried (starter down)", int64(rs.Retried), fmt.Sprintf("%d given up", rs.Lost)},
		{"worker SIGKILLs", int64(ev.workerKill), fmt.Sprintf("%d workers; %d exits on their own, restarted", len(r.workers), workerCrashes)},
		{"starter SIGKILLs", int64(ev.starter), fmt.Sprintf("%d exits on their own, restarted", starterCrashes)},
		{"Temporal dev server restarts", int64(ev.temporal), fmt.Sprintf("SIGTERM, SQLite kept; %d starts, %d exits on its own", temporalStarts, temporalCrashes)},
		{"PostgreSQL restarts", int64(ev.postgres), pgNote},
	}...)

	r.mu.Lock()
	orders := slices.Clone(r.orders)
	r.mu.Unlock()
	var nSettle, nRefund, nCancel, nFinal, nBad int64
	for _, o := range orders {
		if o.Bad != "" {
			nBad++
		}
		if o.Settle {
			nSettle++
		}
		if o.Refund && o.RefundSlip != 0 {
			nRefund++
		}
		if o.Cancel && o.CancelDone {
			nCancel++
		}
		if o.Final {
			nFinal++
		}
	}
	rep.Orders = []Count{
		{"placed in the shops", int64(len(orders)), "vipps, stripe, bank wire; 1–3 lines; VAT 25/15/12/0 %"},
		{"bank-wire invoices paid in the ledger", nSettle, "found by the settlement watcher"},
		{"refunded in the shop after settlement", nRefund, "one line, one unit"},
		{"cancelled in the shop after booking", nCancel, "full credit note"},
		{"injected bad data", nBad, "unconfigured payment module or shipping at an unmapped 6 % VAT rate; must be parked"},
		{"at their end state", nFinal, "parked, for the bad ones"},
	}

	one := &Invariant{Name: "exactly one invoice per order"}
	stray := &Invariant{Name: "no invoice without an order"}
	total := &Invariant{Name: "invoice gross = shop total (+ invoice fee)"}
	vat := &Invariant{Name: "VAT per rate = shop's, ±1 øre per line (Fiken, no-fee orders)"}
	settled := &Invariant{Name: "settled invoice => shop order in settled state"}
	refunds := &Invariant{Name: "every refund/cancellation credited exactly once"}
	strayCN := &Invariant{Name: "no credit note without a refund"}
	uninvoiced := &Invariant{Name: "no sales order left uninvoiced (PowerOffice)"}
	dupCust := &Invariant{Name: "no duplicate customers"}
	dupProd := &Invariant{Name: "no duplicate products"}
	final := &Invariant{Name: "orders at their end state", Checked: len(orders), Violations: len(orders) - int(nFinal)}
	inbox := &Invariant{Name: "inbox fully delivered"}
	rate := &Invariant{Name: RateInvariant, Checked: int(fkStats.Requests + poStats.Requests)}
	for range fkStats.RateViolations {
		rate.fail("Fiken answered 429 (more than one request in flight or 4 per second per credential)")
	}
	for range poStats.RateViolations {
		rate.fail("PowerOffice answered 429 (more than 10 requests per second on the subscription key)")
	}
	failed := &Invariant{Name: "workflows failed, terminated or timed out"}
	parked := &Invariant{Name: "parked only for injected bad data, with the right reason"}
	saPII := &Invariant{Name: "personal data in search attributes"}
	histPII := &Invariant{Name: "plaintext personal data in stored histories"}
	logLeak := &Invariant{Name: "secrets or personal data in worker/starter logs"}
	rep.Invariants = []*Invariant{one, stray, total, vat, settled, refunds, strayCN, uninvoiced, dupCust, dupProd, final, inbox, rate, failed, parked, saPII, histPII, logLeak}
	for _, o := range orders {
		if !o.Final {
			final.fail("%s order %d (%s) is %q", r.tenants[o.Tenant].ID, o.ID, o.Module, o.State)
		}
	}

	var nInv, nCN, nCust, nProd int64
	fee := money.MustParse("39.00")
	for ti, t := range r.tenants {
		pc, err := prestashop.New(prestashop.Config{BaseURL: t.ShopURL, Key: prestashopsim.DefaultKey})
		if err != nil {
			return err
		}
		ls, err := r.ledgerState(ctx, t)
		if err != nil {
			return err
		}
		nInv, nCN, nCust, nProd = nInv+int64(ls.NInvoices), nCN+int64(ls.NCredits), nCust+int64(len(ls.Emails)), nProd+int64(len(ls.Products))
		states, err := pc.OrderStates(ctx)
		if err != nil {
			return fmt.Errorf("chaos: shop states of %s: %w", t.ID, err)
		}
		stateName := map[int]string{}
		for _, s := range states {
			stateName[s.ID] = s.Name
		}
		known := map[string]bool{}
		knownCN := map[string]bool{}
		for _, o := range orders {
			if o.Tenant != ti || o.Bad != "" {
				continue // a bad order's invoice would be stray
			}
			id := strconv.Itoa(o.ID)
			ref := ledgerdoc.Reference(t.ID, id)
			known[ref] = true
			one.Checked++
			got := ls.Invoices[ref]
			if len(got) != 1 {
				one.fail("%s (%s) order %d: %d invoices", t.ID, t.Ledger, o.ID, len(got))
				continue
			}
			inv := got[0]
			so, err := pc.Order(ctx, o.ID)
			if err != nil {
				return fmt.Errorf("chaos: shop order %s/%d: %w", t.ID, o.ID, err)
			}
			want := so.Totals.PaidTaxIncl
			if o.Module == "ps_wirepayment" {
				want += fee
			}
			total.Checked++
			if inv.Gross != want {
				total.fail("%s (%s) order %d: invoice gross %s, shop total %s", t.ID, t.Ledger, o.ID, inv.Gross, want)
			}
			if o.Module != "ps_wirepayment" && inv.Lines != nil {
				vat.Checked++
				if diff := vatDiff(so.Lines, inv.Lines); diff != "" {
					vat.fail("%s order %d: %s", t.ID, o.ID, diff)
				}
			}
			if inv.Settled && !o.Cancel {
				settled.Checked++
				cur, err := pc.OrderCurrentState(ctx, o.ID)
				if err != nil {
					return fmt.Errorf("chaos: shop order state %s/%d: %w", t.ID, o.ID, err)
				}
				if stateName[cur] != "Oppgjort i regnskap" {
					settled.fail("%s (%s) order %d: invoice settled, shop state %q", t.ID, t.Ledger, o.ID, stateName[cur])
				}
			}
			var want1 string
			switch {
			case o.Refund && o.RefundSlip != 0:
				want1 = activities.CreditReference(t.ID, id, strconv.Itoa(o.RefundSlip))
			case o.Cancel && o.CancelDone:
				want1 = activities.CreditReference(t.ID, id, "cancel")
			}
			if want1 != "" {
				knownCN[want1] = true
				refunds.Checked++
				if n := ls.Credits[want1]; n != 1 {
					refunds.fail("%s (%s) order %d: %d credit notes %s", t.ID, t.Ledger, o.ID, n, want1)
				}
			}
		}
		for ref, list := range ls.Invoices {
			stray.Checked += len(list)
			if !known[ref] {
				stray.fail("%s (%s): %d invoices with reference %q", t.ID, t.Ledger, len(list), ref)
			}
		}
		if t.Ledger == LedgerPowerOffice {
			uninvoiced.Checked += len(ls.Uninvoiced) + ls.NInvoices + ls.NCredits
			for _, so := range ls.Uninvoiced {
				uninvoiced.fail("%s: %s was never invoiced", t.ID, so)
			}
		}
		for ref, n := range ls.Credits {
			strayCN.Checked += n
			if !knownCN[ref] {
				strayCN.fail("%s (%s): %d credit notes with reference %q", t.ID, t.Ledger, n, ref)
			}
		}
		emails := map[string]int{}
		for _, e := range ls.Emails {
			emails[e]++
		}
		for _, n := range emails {
			dupCust.Checked++
			if n > 1 {
				// The address itself is personal data: not printed.
				dupCust.fail("%s (%s): %d customers for one e-mail address", t.ID, t.Ledger, n)
			}
		}
		names := map[string]int{}
		for _, p := range ls.Products {
			names[p]++
		}
		for name, n := range names {
			dupProd.Checked++
			if n > 1 {
				dupProd.fail("%s (%s): %d products named %q", t.ID, t.Ledger, n, name)
			}
		}
	}
	rep.Documents = []Count{
		{"invoices", nInv, ""},
		{"credit notes", nCN, ""},
		{"customers (contacts)", nCust, ""},
		{"products", nProd, ""},
	}

	var undelivered int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox`).Scan(&inbox.Checked); err != nil {
		return err
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE delivered_at IS NULL`).Scan(&undelivered); err != nil {
		return err
	}
	for range undelivered {
		inbox.fail("an inbox event is undelivered")
	}

	// Temporal: failed runs, parked orders, search attributes, histories.
	count := func(q string) (int, error) {
		resp, err := r.tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default", Query: q})
		if err != nil {
			return 0, fmt.Errorf("chaos: count %q: %w", q, err)
		}
		return int(resp.GetCount()), nil
	}
	all, err := count("")
	if err != nil {
		return err
	}
	failed.Checked, parked.Checked = all, len(orders)
	n, err := count("ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut'")
	if err != nil {
		return err
	}
	for range n {
		failed.fail("a workflow run did not end well")
	}
	if err := r.checkParked(ctx, pool, orders, parked); err != nil {
		return err
	}
	var token []byte
	sampled := 0
	for {
		resp, err := r.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", PageSize: 500, NextPageToken: token})
		if err != nil {
			return fmt.Errorf("chaos: list workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			saPII.Checked++
			b, _ := proto.Marshal(e.GetSearchAttributes())
			b = append(b, []byte(e.GetExecution().GetWorkflowId())...)
			if s := findAny(b, personal); s != "" {
				saPII.fail("workflow %s: search attributes contain %q", e.GetExecution().GetWorkflowId(), s)
			}
			if sampled < 40 && strings.HasPrefix(e.GetExecution().GetWorkflowId(), "order-") {
				sampled++
				histPII.Checked++
				if s, err := r.historyLeak(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId()); err != nil {
					return err
				} else if s != "" {
					histPII.fail("workflow %s: history contains %q in plaintext", e.GetExecution().GetWorkflowId(), s)
				}
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}

	// Logs of the processes that hold secrets and see personal data.
	forbidden := []string{r.key, "chaos-operator-token"}
	for _, t := range r.tenants {
		forbidden = append(forbidden, t.WebhookSecret, t.LedgerToken, t.ClientKey)
	}
	forbidden = append(forbidden, r.poApp, r.poSub)
	forbidden = append(forbidden, personal...)
	files, _ := filepath.Glob(filepath.Join(r.dir, "logs", "*.log"))
	for _, f := range files {
		base := filepath.Base(f)
		if !strings.HasPrefix(base, "worker-") && !strings.HasPrefix(base, "starter") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		logLeak.Checked += bytes.Count(b, []byte("\n"))
		for _, line := range bytes.Split(b, []byte("\n")) {
			if s := findAny(line, forbidden); s != "" {
				what := "personal data"
				if !slices.Contains(personal, s) {
					what = "a secret"
				}
				logLeak.fail("%s: a line contains %s", base, what)
			}
		}
	}
	return nil
}

// vatTypeRate maps the chaos tenants' Fiken VAT types to rates (the
// example tenant's vat table).
var vatTypeRate = map[string]domain.VATRate{"HIGH": domain.VAT25, "MEDIUM": domain.VAT15, "LOW": domain.VAT12, "EXEMPT": domain.VAT0}

// vatDiff compares the VAT per rate of the shop's lines with the
// invoice's (orders without shipping or discounts; a rounding line has no
// VAT); "" when equal within the documented tolerance: the ledger computes
// each line's VAT as net × rate, so a rate's VAT may differ from the shop's
// by at most one øre per line (docs/accounting.md, Totals).
func vatDiff(shop []domain.Line, ledger []fiken.InvoiceLine) string {
	want, got := map[domain.VATRate]money.Ore{}, map[domain.VATRate]money.Ore{}
	lines := map[domain.VATRate]int{}
	for _, l := range shop {
		want[l.TaxRate] += l.VAT()
	}
	for _, l := range ledger {
		if l.Vat == 0 {
			continue
		}
		r, ok := vatTypeRate[l.VatType]
		if !ok {
			return fmt.Sprintf("line with VAT type %q", l.VatType)
		}
		got[r] += l.Vat
		lines[r]++
	}
	rates := map[domain.VATRate]bool{}
	for r := range want {
		rates[r] = true
	}
	for r := range got {
		rates[r] = true
	}
	for r := range rates {
		d := got[r] - want[r]
		if d < 0 {
			d = -d
		}
		if d > money.Ore(lines[r]) {
			return fmt.Sprintf("VAT at %s: invoice %s, shop %s (%d lines)", r, got[r], want[r], lines[r])
		}
	}
	return ""
}

// historyLeak returns the first personal-data string found in the raw
// stored history of a workflow run.
func (r *run) historyLeak(ctx context.Context, id, runID string) (string, error) {
	it := r.tc.GetWorkflowHistory(ctx, id, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return "", fmt.Errorf("chaos: history of %s: %w", id, err)
		}
		b, _ := proto.Marshal(ev)
		if s := findAny(b, personal); s != "" {
			return s, nil
		}
	}
	return "", nil
}

func findAny(b []byte, subs []string) string {
	for _, s := range subs {
		if s != "" && bytes.Contains(b, []byte(s)) {
			return s
		}
	}
	return ""
}
