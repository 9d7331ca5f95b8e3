package choice

import (
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

// benchInput is a ~1 KiB order document; the fields the rule reads sit after some padding.
func benchInput() []byte {
	items := strings.Repeat(`{"sku": "ABC-123", "qty": 2, "price": 19.99, "note": "gift wrap please"},`, 10)
	return []byte(`{"id": "order-0001", "items": [` + strings.TrimSuffix(items, ",") + `],
		"customer": {"name": "Jane Doe", "email": "jane@example.com", "vip": true, "since": "2016-03-14T01:59:00Z"},
		"order": {"status": "PAID", "total": 129.5, "currency": "EUR"}}`)
}

const benchRule = `{"And": [
	{"Variable": "$.order.total", "NumericGreaterThan": 100},
	{"Variable": "$.order.status", "StringEquals": "PAID"},
	{"Variable": "$.customer.since", "TimestampLessThan": "2020-01-01T00:00:00Z"}
], "Next": "Priority"}`

func BenchmarkEvalAnd3(b *testing.B) {
	r, err := CompileJSON([]byte(benchRule))
	if err != nil {
		b.Fatal(err)
	}
	env := &jsonpath.Env{Input: benchInput()}
	if len(env.Input) < 900 || len(env.Input) > 1300 {
		b.Fatalf("input is %d bytes, want about 1 KiB", len(env.Input))
	}
	if ok, err := r.Eval(env); !ok || err != nil {
		b.Fatalf("Eval = %v, %v; want true", ok, err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(env.Input)))
	for b.Loop() {
		if ok, _ := r.Eval(env); !ok {
			b.Fatal("no match")
		}
	}
}

// TestEvalDoesNotAllocate keeps the definite-path fast path allocation-free.
func TestEvalDoesNotAllocate(t *testing.T) {
	r, err := CompileJSON([]byte(benchRule))
	if err != nil {
		t.Fatal(err)
	}
	env := &jsonpath.Env{Input: benchInput()}
	if n := testing.AllocsPerRun(100, func() { _, _ = r.Eval(env) }); n != 0 {
		t.Errorf("Eval allocates %v times per run, want 0", n)
	}
}
