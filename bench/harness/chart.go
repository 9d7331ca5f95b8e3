package harness

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
)

// The chart: throughput (left) and latency percentiles (right) against offered load, for the
// fixed-rate sync and async phases; the burst and saturation phases stand in a "max" column at
// the right of each panel. Hand-written SVG, no dependencies.

const (
	chartW, chartH = 1000, 460
	panelW, panelH = 400, 320
	panelTop       = 80
)

var panelLeft = [2]float64{70, 570}

type series struct {
	kind  string // "sync" or "async"
	color string
	rates []Phase // fixed-rate phases
	max   *Phase  // saturation or burst
}

// WriteSVG writes the chart to path.
func (r *Report) WriteSVG(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	r.SVG(f)
	return f.Close()
}

// SVG writes the chart.
func (r *Report) SVG(w io.Writer) {
	ss := []*series{{kind: "sync", color: "#1f77b4"}, {kind: "async", color: "#ff7f0e"}}
	var ceiling float64
	for i := range r.Phases {
		p := &r.Phases[i]
		switch p.Name {
		case "sync-rate":
			ss[0].rates = append(ss[0].rates, *p)
		case PhaseSyncSaturation:
			ss[0].max = p
		case "async-rate":
			ss[1].rates = append(ss[1].rates, *p)
		case PhaseAsync:
			ss[1].max = p
		case PhaseCeiling:
			ceiling = p.Throughput
		}
	}
	// x: log10 of offered load, plus the "max" column.
	lo, hi := math.Inf(1), math.Inf(-1)
	ymax, lmin, lmax := 1.0, math.Inf(1), math.Inf(-1)
	consider := func(p Phase) {
		ymax = max(ymax, p.Throughput, p.Offered)
		for _, v := range []float64{p.Latency.P50, p.Latency.P95, p.Latency.P99} {
			if v > 0 {
				lmin, lmax = min(lmin, v), max(lmax, v)
			}
		}
	}
	for _, s := range ss {
		for _, p := range s.rates {
			lo, hi = min(lo, p.Offered), max(hi, p.Offered)
			consider(p)
		}
		if s.max != nil {
			consider(*s.max)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 100, 1000
	}
	lmin, lmax = min(lmin, 5), max(lmax, 5) // keep the 5 ms target in view
	xl0, xl1 := math.Log10(lo)-0.15, math.Log10(hi)+0.15
	maxCol := panelW - 30.0 // x of the "max" column inside a panel
	xAt := func(panel int, offered float64) float64 {
		if offered == 0 {
			return panelLeft[panel] + maxCol
		}
		return panelLeft[panel] + (math.Log10(offered)-xl0)/(xl1-xl0)*(maxCol-50)
	}
	ymax = niceCeil(ymax * 1.05)
	yThr := func(v float64) float64 { return panelTop + panelH - v/ymax*panelH }
	ll0, ll1 := math.Floor(math.Log10(lmin)), math.Ceil(math.Log10(lmax))
	if ll1 <= ll0 {
		ll1 = ll0 + 1
	}
	yLat := func(v float64) float64 {
		return panelTop + panelH - (math.Log10(max(v, math.Pow(10, ll0)))-ll0)/(ll1-ll0)*panelH
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	title := "stepjet: order workflow (6 states, 3 tasks) against offered load"
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", 20, esc(title))
	sub := fmt.Sprintf("%s, %d CPUs, %s — %s", r.Host.GOOS+"/"+r.Host.GOARCH, r.Host.CPUs, r.Started.Format("2006-01-02"), r.Setup)
	fmt.Fprintf(&b, `<text x="20" y="42" font-size="10" fill="#555">%s</text>`+"\n", esc(truncate(sub, 190)))
	if ceiling > 0 {
		fmt.Fprintf(&b, `<text x="20" y="58" font-size="11" fill="#555">JetStream ceiling (publish+consume/ack pairs): %.0f/s</text>`+"\n", ceiling)
	}

	for panel := range 2 {
		x0 := panelLeft[panel]
		// frame and axes
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", x0, panelTop, panelW, panelH)
		ticked := map[float64]bool{}
		for _, s := range ss {
			for _, p := range s.rates {
				if ticked[p.Offered] {
					continue
				}
				ticked[p.Offered] = true
				x := xAt(panel, p.Offered)
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>`, x, panelTop, x, panelTop+panelH)
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10">%.0f</text>`+"\n", x, panelTop+panelH+14, p.Offered)
			}
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc" stroke-dasharray="2,3"/>`, x0+maxCol-20, panelTop, x0+maxCol-20, panelTop+panelH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10">max</text>`+"\n", x0+maxCol, panelTop+panelH+14)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">offered load (executions/s, log scale; max = burst / saturation)</text>`+"\n", x0+panelW/2, panelTop+panelH+32)
		if panel == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-weight="bold">Throughput (completed executions/s)</text>`+"\n", x0, panelTop-8)
			for i := 0; i <= 5; i++ {
				v := ymax * float64(i) / 5
				y := yThr(v)
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/><text x="%.1f" y="%.1f" text-anchor="end" font-size="10">%s</text>`+"\n", x0, y, x0+panelW, y, x0-4, y+3, short(v))
			}
			// offered = achieved
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#bbb" stroke-dasharray="4,4"/>`+"\n", xAt(0, lo), yThr(lo), xAt(0, hi), yThr(hi))
			for _, s := range ss {
				pts := make([][2]float64, 0, len(s.rates))
				for _, p := range s.rates {
					pts = append(pts, [2]float64{xAt(0, p.Offered), yThr(p.Throughput)})
				}
				polyline(&b, pts, s.color, "")
				if s.max != nil {
					pts = append(pts, [2]float64{xAt(0, 0), yThr(s.max.Throughput)})
					fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="10" fill="%s">%s/s</text>`+"\n", xAt(0, 0)-6, yThr(s.max.Throughput)-6, s.color, short(s.max.Throughput))
				}
				for _, pt := range pts {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, pt[0], pt[1], s.color)
				}
				b.WriteString("\n")
			}
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-weight="bold">Latency, start to result (ms, log scale)</text>`+"\n", x0, panelTop-8)
			for e := ll0; e <= ll1; e++ {
				y := yLat(math.Pow(10, e))
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/><text x="%.1f" y="%.1f" text-anchor="end" font-size="10">%s</text>`+"\n", x0, y, x0+panelW, y, x0-4, y+3, short(math.Pow(10, e)))
			}
			y5 := yLat(5)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d62728" stroke-dasharray="6,3"/><text x="%.1f" y="%.1f" font-size="10" fill="#d62728">sync p99 target 5 ms</text>`+"\n", x0, y5, x0+panelW, y5, x0+4, y5-4)
			pcts := []struct {
				name string
				dash string
				get  func(Latency) float64
			}{{"p50", "", func(l Latency) float64 { return l.P50 }}, {"p95", "5,3", func(l Latency) float64 { return l.P95 }}, {"p99", "2,2", func(l Latency) float64 { return l.P99 }}}
			for _, s := range ss {
				for _, pc := range pcts {
					pts := make([][2]float64, 0, len(s.rates))
					for _, p := range s.rates {
						pts = append(pts, [2]float64{xAt(1, p.Offered), yLat(pc.get(p.Latency))})
					}
					polyline(&b, pts, s.color, pc.dash)
					if s.max != nil {
						pts = append(pts, [2]float64{xAt(1, 0), yLat(pc.get(s.max.Latency))})
					}
					for _, pt := range pts {
						fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, pt[0], pt[1], s.color)
					}
					b.WriteString("\n")
				}
			}
		}
	}
	// legend
	ly := float64(chartH - 22)
	lx := 70.0
	for _, s := range ss {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n", lx, ly, s.color, lx+8, ly+4, s.kind)
		lx += 70
	}
	for _, l := range []struct{ name, dash string }{{"p50", ""}, {"p95", "5,3"}, {"p99", "2,2"}} {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n", lx, ly, lx+24, ly, l.dash, lx+28, ly+4, l.name)
		lx += 70
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#bbb" stroke-dasharray="4,4"/><text x="%.1f" y="%.1f">achieved = offered</text>`+"\n", lx, ly, lx+24, ly, lx+28, ly+4)
	b.WriteString("</svg>\n")
	_, _ = io.WriteString(w, b.String())
}

func polyline(b *strings.Builder, pts [][2]float64, color, dash string) {
	if len(pts) < 2 {
		return
	}
	b.WriteString(`<polyline fill="none" stroke-width="1.8" stroke="` + color + `"`)
	if dash != "" {
		b.WriteString(` stroke-dasharray="` + dash + `"`)
	}
	b.WriteString(` points="`)
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(b, "%.1f,%.1f", p[0], p[1])
	}
	b.WriteString(`"/>`)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func short(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	case v >= 1:
		return fmt.Sprintf("%.3g", v)
	default:
		return fmt.Sprintf("%.2g", v)
	}
}

func esc(s string) string { return html.EscapeString(s) }
