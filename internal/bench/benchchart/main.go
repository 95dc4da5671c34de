// Command benchchart draws the charts of a `bokfor bench` run from its
// JSON results: calls.png, limit.png, ceiling.png, latency.png and
// sync.png next to the JSON files. It is a separate program so that the plotting library
// is linked into this tool only, never into the bokfor binary.
//
//	go run ./internal/bench/benchchart -dir docs/bench
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/bokfor/bokfor/internal/bench"
)

func main() {
	dir := flag.String("dir", "docs/bench", "directory with the JSON results; the PNGs are written there")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	charts := []struct {
		name string
		draw func(dir string) (bool, error)
	}{{"calls", drawCalls}, {"limit", drawLimit}, {"ceiling", drawCeiling}, {"latency", drawLatency}, {"sync", drawSync}}
	for _, c := range charts {
		ok, err := c.draw(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if ok {
			fmt.Printf("wrote %s\n", filepath.Join(dir, c.name+".png"))
		}
	}
	return nil
}

// load reads dir/name.json into v; false when the scenario did not run.
func load(dir, name string, v any) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

var (
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	grey   = color.RGBA{R: 0x77, G: 0x77, B: 0x77, A: 0xff}
	red    = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

func drawCalls(dir string) (bool, error) {
	var r bench.CallsResult
	if ok, err := load(dir, "calls", &r); !ok || err != nil {
		return ok, err
	}
	short := []string{"first order", "returning", "new customer", "new products", "card + fee", "unpaid→settled", "refund"}
	var ledger, shop plotter.Values
	var names []string
	for i, row := range r.Rows {
		ledger = append(ledger, float64(row.LedgerCalls))
		shop = append(shop, float64(row.ShopCalls))
		name := row.Case
		if i < len(short) {
			name = short[i]
		}
		names = append(names, name)
	}
	p := plot.New()
	p.Title.Text = "Calls per order"
	p.Y.Label.Text = "requests"
	w := vg.Points(14)
	lb, err := plotter.NewBarChart(ledger, w)
	if err != nil {
		return false, err
	}
	lb.Color, lb.Offset = blue, -w/2
	sb, err := plotter.NewBarChart(shop, w)
	if err != nil {
		return false, err
	}
	sb.Color, sb.Offset = orange, w/2
	p.Add(lb, sb)
	p.Legend.Add("ledger (Fiken)", lb)
	p.Legend.Add("shop (PrestaShop)", sb)
	p.Legend.Top, p.Legend.Left = true, true
	p.NominalX(names...)
	return true, p.Save(9*vg.Inch, 4*vg.Inch, filepath.Join(dir, "calls.png"))
}

func drawLimit(dir string) (bool, error) {
	var r bench.LimitResult
	if ok, err := load(dir, "limit", &r); !ok || err != nil {
		return ok, err
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("At the limit: %d-order backlog, one tenant, Fiken latency %d ms", r.Orders, r.LatencyMS)
	p.X.Label.Text = "seconds since the backlog was handed over"
	p.Y.Label.Text = "ledger requests in that second"
	pts := make(plotter.XYs, len(r.PerSecond))
	for i, n := range r.PerSecond {
		pts[i] = plotter.XY{X: float64(i), Y: float64(n)}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return false, err
	}
	line.Color = blue
	p.Add(line)
	p.Legend.Add("achieved", line)
	for _, h := range []struct {
		y     float64
		label string
		c     color.Color
	}{{r.FikenRPS, "Fiken limit 4/s", red}, {r.LimiterRPS, "bokfor limiter 3.33/s", grey}} {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: h.y}, {X: float64(max(len(pts)-1, 1)), Y: h.y}})
		if err != nil {
			return false, err
		}
		l.Color, l.Dashes = h.c, plotutil.Dashes(1)
		p.Add(l)
		p.Legend.Add(h.label, l)
	}
	p.Y.Min, p.Y.Max = 0, 5
	p.Legend.Top = false
	return true, p.Save(8*vg.Inch, 4*vg.Inch, filepath.Join(dir, "limit.png"))
}

func drawCeiling(dir string) (bool, error) {
	var r bench.CeilingResult
	if ok, err := load(dir, "ceiling", &r); !ok || err != nil {
		return ok, err
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("CPU per order, %d tenants × %d orders (no limits, no latency)", r.Tenants, r.Engine.Orders)
	p.Y.Label.Text = "CPU ms per order"
	w := vg.Points(30)
	parts := []struct {
		name string
		get  func(c bench.Cost) float64
		c    color.Color
	}{
		{"bench process (worker, sims, driver)", func(c bench.Cost) float64 { return c.SelfCPUPerOrderMS }, blue},
		{"Temporal dev server", func(c bench.Cost) float64 { return c.ServerCPUPerOrderMS }, orange},
		{"PostgreSQL backends", func(c bench.Cost) float64 { return c.PostgresCPUPerOrderMS }, grey},
	}
	var below *plotter.BarChart
	for _, part := range parts {
		b, err := plotter.NewBarChart(plotter.Values{part.get(r.Engine), part.get(r.Plain)}, w)
		if err != nil {
			return false, err
		}
		b.Color = part.c
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(part.name, b)
	}
	p.Legend.Top = true
	p.NominalX(fmt.Sprintf("bokfor: %.1f orders/s", r.Engine.OrdersPerSecond), fmt.Sprintf("plain loop: %.0f orders/s", r.Plain.OrdersPerSecond))
	return true, p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(dir, "ceiling.png"))
}

func drawLatency(dir string) (bool, error) {
	var r bench.LatencyResult
	if ok, err := load(dir, "latency", &r); !ok || err != nil {
		return ok, err
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Accepted → ledger document at %.1f orders/s (%d orders)", r.Rate, r.Orders)
	p.X.Label.Text = "latency (ms)"
	p.Y.Label.Text = "share of orders at or below"
	pts := make(plotter.XYs, len(r.SamplesMS))
	for i, v := range r.SamplesMS {
		pts[i] = plotter.XY{X: v, Y: float64(i+1) / float64(len(r.SamplesMS))}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return false, err
	}
	l.Color = blue
	p.Add(l)
	for _, q := range []struct {
		v    float64
		name string
	}{{r.Document.P50, "p50"}, {r.Document.P95, "p95"}, {r.Document.P99, "p99"}} {
		ql, err := plotter.NewLine(plotter.XYs{{X: q.v, Y: 0}, {X: q.v, Y: 1}})
		if err != nil {
			return false, err
		}
		ql.Color, ql.Dashes = grey, plotutil.Dashes(1)
		p.Add(ql)
		p.Legend.Add(fmt.Sprintf("%s %.0f ms", q.name, q.v), ql)
	}
	p.Legend.Left, p.Legend.Top = false, false
	p.Y.Min, p.Y.Max = 0, 1
	return true, p.Save(7*vg.Inch, 4*vg.Inch, filepath.Join(dir, "latency.png"))
}

func drawSync(dir string) (bool, error) {
	var r bench.SyncCostResult
	if ok, err := load(dir, "sync", &r); !ok || err != nil {
		return ok, err
	}
	if len(r.Rows) == 0 {
		return false, nil
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Product sync: API calls per run (%.0f %% of the catalogue changed)", 100*bench.ChangedShare)
	p.X.Label.Text = "products in the catalogue"
	p.Y.Label.Text = "shop + ledger requests"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	series := []struct {
		name string
		get  func(x bench.SyncRow) float64
		c    color.Color
	}{
		{"first run (links the catalogue)", func(x bench.SyncRow) float64 { return float64(x.First.LedgerCalls) + float64(x.First.ShopCalls) }, orange},
		{"incremental run", func(x bench.SyncRow) float64 {
			return float64(x.Incremental.LedgerCalls) + float64(x.Incremental.ShopCalls)
		}, blue},
		{"changed products", func(x bench.SyncRow) float64 { return float64(x.Changed) }, grey},
	}
	for _, s := range series {
		pts := make(plotter.XYs, 0, len(r.Rows))
		for _, x := range r.Rows {
			if y := s.get(x); y > 0 {
				pts = append(pts, plotter.XY{X: float64(x.Products), Y: y})
			}
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return false, err
		}
		l.Color, sc.Color = s.c, s.c
		p.Add(l, sc)
		p.Legend.Add(s.name, l, sc)
	}
	p.Legend.Top, p.Legend.Left = true, true
	return true, p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(dir, "sync.png"))
}
