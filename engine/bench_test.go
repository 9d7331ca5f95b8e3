package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine"
)

// The fixed workloads of ../shared/bench (copied into testdata/bench).

func benchFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bench", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// orderTasks answers the order workflow's functions in-process.
var orderTasks = engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) {
	switch req.Resource[strings.LastIndexByte(req.Resource, ':')+1:] {
	case "CheckInventory":
		return []byte(`{"inStock": true}`), nil
	case "ProcessPayment":
		return []byte(`{"paymentId": "p-1", "status": "APPROVED"}`), nil
	case "Ship":
		return []byte(`{"trackingId": "t-1"}`), nil
	}
	return nil, &engine.Error{Name: "Lambda.ResourceNotFoundException", Cause: "no function " + req.Resource}
})

func checkOutput(tb testing.TB, m *engine.Machine, input []byte, opts engine.RunOptions, want []byte) {
	tb.Helper()
	res := m.Run(context.Background(), input, opts)
	if res.Status != engine.StatusSucceeded {
		tb.Fatalf("status %s: %s: %s", res.Status, res.Error, res.Cause)
	}
	var g, w any
	if err := json.Unmarshal(res.Output, &g); err != nil {
		tb.Fatalf("output is not JSON: %s", res.Output)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		tb.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("output differs:\n got %s\nwant %s", res.Output, want)
	}
}

func mustCompile(tb testing.TB, def []byte) *engine.Machine {
	tb.Helper()
	m, err := engine.Compile(def, engine.CompileOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkOrder: 6 states entered, three in-process tasks, ~1 KiB input.
// Target: ≥ 100,000 executions/s on one core and ≤ 50 allocs per execution.
func BenchmarkOrder(b *testing.B) {
	m := mustCompile(b, benchFile(b, "order.asl.json"))
	input := benchFile(b, "order-input.json")
	opts := engine.RunOptions{Tasks: orderTasks, Name: "bench", ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:order:bench:1"}
	checkOutput(b, m, input, opts, benchFile(b, "order-expected-output.json"))
	b.ReportAllocs()
	for b.Loop() {
		if res := m.Run(context.Background(), input, opts); res.Status != engine.StatusSucceeded {
			b.Fatal(res.Error, res.Cause)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
}

// BenchmarkChain100: 100 Pass states, each writing $.step; per-transition figures.
func BenchmarkChain100(b *testing.B) {
	m := mustCompile(b, benchFile(b, "chain100.asl.json"))
	input := benchFile(b, "chain-input.json")
	checkOutput(b, m, input, engine.RunOptions{}, benchFile(b, "chain100-expected-output.json"))
	b.ReportAllocs()
	for b.Loop() {
		m.Run(context.Background(), input, engine.RunOptions{})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/transition")
}
