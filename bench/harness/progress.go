package harness

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line bar on a terminal while a phase runs. A nil *progress draws nothing.
type progress struct {
	w     io.Writer
	label string
	total int
	done  func() int
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

// IsTerminal reports whether f is a character device (a TTY), without x/term.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// startProgress redraws every 200 ms until end is called; w nil disables it.
func startProgress(w io.Writer, label string, total int, done func() int) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w, label: label, total: total, done: done, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				p.draw()
				fmt.Fprintln(p.w)
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

func (p *progress) draw() {
	n := p.done()
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = min(float64(n)/float64(p.total), 1)
	}
	fill := int(frac * width)
	el := time.Since(p.start)
	rate := float64(n) / max(el.Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r%-22s [%s%s] %7d/%-7d %8.0f/s %5.1fs", p.label, strings.Repeat("#", fill),
		strings.Repeat(".", width-fill), n, p.total, rate, el.Seconds())
}

func (p *progress) end() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}
