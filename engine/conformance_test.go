package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/mock"
	"github.com/stepjet/stepjet/internal/testreq"
)

// The cases in ../shared/conformance/cases were recorded against AWS Step Functions (see its
// README.md). Each runs through Compile+Run with its mocks; the comparison follows the shared
// runner: placeholders are wildcards, JSON-text causes compare parsed. testdata/conformance is a
// copy for a clone without ../shared; TestConformanceCopyIsShared proves it is the same.

type confCase struct {
	ID         string          `json:"id"`
	Category   string          `json:"category"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Mocks      json.RawMessage `json:"mocks"`
	Expected   struct {
		Status             string          `json:"status"`
		Output             json.RawMessage `json:"output"`
		OutputPlaceholders []placeholder   `json:"output_placeholders"`
		Error              json.RawMessage `json:"error"`
		Cause              json.RawMessage `json:"cause"`
		CauseRegex         string          `json:"cause_regex"`
		ErrorRegex         string          `json:"error_regex"`
		CausePlaceholders  []placeholder   `json:"cause_placeholders"`
		ErrorPlaceholders  []placeholder   `json:"error_placeholders"`
	} `json:"expected"`
	Provenance struct {
		Type string `json:"state_machine_type"`
	} `json:"provenance"`
}

type placeholder struct {
	Path  []any   `json:"path"`
	Regex *string `json:"regex"`
}

// instantClock answers every wait at once, so Wait states and retry back-offs cost nothing.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }
func (instantClock) After(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Now()
	return c
}

func loadCases(t *testing.T) []confCase {
	t.Helper()
	dir := testreq.Recordings(t, "cases", filepath.Join("testdata", "conformance"))
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance cases in %s: %v", dir, err)
	}
	var cases []confCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c confCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, c)
	}
	return cases
}

// caseInvoker answers a case's Task states from its mock configuration (nil: none).
func caseInvoker(t *testing.T, c confCase) engine.TaskInvoker {
	t.Helper()
	if len(c.Mocks) == 0 || string(c.Mocks) == "null" {
		return nil
	}
	cfg, err := mock.Load(c.Mocks)
	if err != nil {
		t.Fatalf("%s: mocks: %v", c.ID, err)
	}
	inv, err := cfg.Invoker("sm", "conformance")
	if err != nil {
		t.Fatalf("%s: mocks: %v", c.ID, err)
	}
	return inv
}

// runCase runs one case and returns "" when the result matches AWS's, else why not.
func runCase(c confCase) (why string) {
	defer func() {
		if p := recover(); p != nil {
			why = fmt.Sprintf("panic: %v", p)
		}
	}()
	// A few cases ran as STANDARD workflows with features Express refuses (Distributed Map).
	m, err := engine.Compile(c.Definition, engine.CompileOptions{Type: c.Provenance.Type})
	if err != nil {
		return "compile: " + err.Error()
	}
	opts := engine.RunOptions{
		Clock:            instantClock{},
		Name:             "conformance",
		StateMachineName: "sm",
		ExecutionArn:     "arn:aws:states:us-east-1:111111111111:express:sm:conformance:0d4b6c1e-1111-2222-3333-444455556666",
		StateMachineArn:  "arn:aws:states:us-east-1:111111111111:stateMachine:sm",
		RoleArn:          "arn:aws:iam::111111111111:role/sfn",
	}
	if len(c.Mocks) > 0 && string(c.Mocks) != "null" {
		cfg, err := mock.Load(c.Mocks)
		if err != nil {
			return "mocks: " + err.Error()
		}
		inv, err := cfg.Invoker("sm", "conformance")
		if err != nil {
			return "mocks: " + err.Error()
		}
		opts.Tasks = inv
	}
	res := m.Run(context.Background(), c.Input, opts)
	exp := c.Expected
	if string(res.Status) != exp.Status {
		s := fmt.Sprintf("status %s, AWS gave %s", res.Status, exp.Status)
		if res.Status != engine.StatusSucceeded {
			s += fmt.Sprintf(" (got %s: %.300s)", res.Error, res.Cause)
		} else {
			s += fmt.Sprintf(" (AWS: %s: %.300s)", exp.Error, exp.Cause)
		}
		return s
	}
	if exp.Status == "SUCCEEDED" {
		var want, got any
		if err := json.Unmarshal(exp.Output, &want); err != nil {
			return "bad expected output"
		}
		if err := json.Unmarshal(res.Output, &got); err != nil {
			return fmt.Sprintf("output is not JSON: %.200s", res.Output)
		}
		// AWS prints outputs compact; the engine keeps every document so (see TestOutputsAreCompact).
		var compact bytes.Buffer
		if json.Compact(&compact, res.Output) == nil && !bytes.Equal(compact.Bytes(), res.Output) {
			return fmt.Sprintf("output is not compact: %.200s", res.Output)
		}
		want = wildcards(want, exp.OutputPlaceholders)
		return diff(want, got, "$", c.Provenance.Type == "STANDARD")
	}
	for _, k := range []struct {
		name  string
		want  json.RawMessage
		rx    string
		ph    []placeholder
		value string
	}{
		{"error", exp.Error, exp.ErrorRegex, exp.ErrorPlaceholders, res.Error},
		{"cause", exp.Cause, exp.CauseRegex, exp.CausePlaceholders, res.Cause},
	} {
		var want any
		if len(k.want) > 0 {
			_ = json.Unmarshal(k.want, &want)
		}
		switch w := want.(type) {
		case map[string]any, []any:
			var got any
			if err := json.Unmarshal([]byte(k.value), &got); err != nil {
				return fmt.Sprintf("%s %q is not the JSON text AWS gave", k.name, k.value)
			}
			if d := diff(wildcards(w, k.ph), got, k.name, false); d != "" {
				return d
			}
		default:
			if k.rx != "" {
				if !regexp.MustCompile(`(?s)^(?:` + loosen(k.rx) + `)$`).MatchString(k.value) {
					return fmt.Sprintf("%s %q does not match AWS's %q", k.name, k.value, k.rx)
				}
				continue
			}
			ws, _ := want.(string)
			if ws != k.value {
				return fmt.Sprintf("%s %q, AWS gave %q", k.name, k.value, ws)
			}
		}
	}
	return ""
}

func loosen(rx string) string {
	return strings.ReplaceAll(rx, ":execution:", ":(?:execution|express):")
}

// anyValue is a placeholder leaf.
type anyValue struct{ rx *regexp.Regexp }

func wildcards(v any, phs []placeholder) any {
	for _, ph := range phs {
		var m anyValue
		if ph.Regex != nil && *ph.Regex != "" {
			m.rx = regexp.MustCompile(`(?s)^(?:` + loosen(*ph.Regex) + `)$`)
		}
		if len(ph.Path) == 0 {
			return m
		}
		parent := v
		ok := true
		for _, p := range ph.Path[:len(ph.Path)-1] {
			parent, ok = step(parent, p)
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		switch pp := parent.(type) {
		case map[string]any:
			if k, isStr := ph.Path[len(ph.Path)-1].(string); isStr {
				pp[k] = m
			}
		case []any:
			if i, isNum := ph.Path[len(ph.Path)-1].(float64); isNum && int(i) < len(pp) {
				pp[int(i)] = m
			}
		}
	}
	return v
}

func step(v any, p any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		k, ok := p.(string)
		if !ok {
			return nil, false
		}
		r, ok := x[k]
		return r, ok
	case []any:
		i, ok := p.(float64)
		if !ok || int(i) >= len(x) {
			return nil, false
		}
		return x[int(i)], true
	}
	return nil, false
}

func diff(want, got any, path string, standard bool) string {
	if a, ok := want.(anyValue); ok {
		if s, isStr := got.(string); a.rx != nil && isStr && !a.rx.MatchString(s) {
			return fmt.Sprintf("%s: %q does not match the recorded pattern", path, s)
		}
		return ""
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %.200s, AWS gave an object", path, js(got))
		}
		var missing, extra []string
		for k := range w {
			if _, ok := g[k]; !ok && !(standard && k == "RedriveCount") {
				missing = append(missing, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return fmt.Sprintf("%s: missing key(s) %v", path, missing)
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			return fmt.Sprintf("%s: unexpected key(s) %v", path, extra)
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := g[k]; !ok {
				continue
			}
			if d := diff(w[k], g[k], path+"."+k, standard); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %.200s, AWS gave %.200s", path, js(got), js(want))
		}
		for i := range w {
			if d := diff(w[i], g[i], fmt.Sprintf("%s[%d]", path, i), standard); d != "" {
				return d
			}
		}
		return ""
	case float64:
		if g, ok := got.(float64); ok && (g == w || math.Abs(g-w) <= 1e-9*math.Abs(w)) {
			return ""
		}
	default:
		if want == got {
			return ""
		}
	}
	return fmt.Sprintf("%s: got %.200s, AWS gave %.200s", path, js(got), js(want))
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// knownFailures names the recorded cases TestConformance lets fail, each with why (none today).
// Every other case must pass; a listed case that passes fails the test until it is taken off.
var knownFailures = map[string]string{}

// TestConformance runs every recorded case and reports the pass rate by category. It fails when
// any case fails that knownFailures does not name.
func TestConformance(t *testing.T) {
	cases := loadCases(t)
	type outcome struct {
		c   confCase
		why string
	}
	results := make([]outcome, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, c := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = outcome{c, runCase(c)}
		}()
	}
	wg.Wait()
	pass := map[string]int{}
	total := map[string]int{}
	gate := testreq.Gate{Known: knownFailures}
	passed := 0
	var cats []string
	for _, r := range results {
		if total[r.c.Category] == 0 {
			cats = append(cats, r.c.Category)
		}
		total[r.c.Category]++
		if gate.Check(t, r.c.ID, r.why) {
			passed++
			pass[r.c.Category]++
		}
	}
	gate.Done(t)
	sort.Strings(cats)
	for _, c := range cats {
		t.Logf("%-16s %3d/%3d", c, pass[c], total[c])
	}
	t.Logf("total %d/%d passed (%.1f%%)", passed, len(cases), 100*float64(passed)/float64(len(cases)))
}

// The repository's copy of the recordings may stand in for ../shared/conformance/cases only
// while it is byte for byte the same.
func TestConformanceCopyIsShared(t *testing.T) {
	testreq.SameAsShared(t, "cases", filepath.Join("testdata", "conformance"))
}
