package jsonata

import (
	"os"
	"testing"
)

// orderStates is $states as the interpreter binds it for a Task state of the order workflow in
// JSONata mode: the ~1 KiB order input, the context object (which repeats the input) and the
// task's result.
func orderStates(tb testing.TB) *vars {
	tb.Helper()
	in, err := os.ReadFile("../../bench/testdata/order-input.json")
	if err != nil {
		tb.Fatal(err)
	}
	input := string(compactJSON(tb, in))
	ctx := `{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:express:order:e1:6f0c6a52-1a52-4b1e-9a0e-4d3f2f8f5a11",` +
		`"Input":` + input + `,"Name":"e1","RoleArn":"arn:aws:iam::123456789012:role/r","StartTime":"2026-11-24T18:32:07.000Z"},` +
		`"StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:order","Name":"order"},` +
		`"State":{"Name":"CheckInventory","EnteredTime":"2026-11-24T18:32:07.012Z"}}`
	result := `{"inStock":true,"warehouse":"SEA-1","reserved":["SKU-10021","SKU-20417"]}`
	return &vars{m: map[string]string{
		"states":  `{"input":` + input + `,"context":` + ctx + `,"result":` + result + `}`,
		"orderId": `"ORD-20261124-000123"`,
	}}
}

// orderExprs are the expressions of a JSONata-mode order workflow, by the role they play.
var orderExprs = map[string]string{
	"Items":      `$states.input.items`,
	"Arithmetic": `$states.input.totals.grandTotal * 2`,
	"Condition":  `$states.result.inStock = true`,
	"Path":       `$states.input.customer.email`,
	"Count":      `$count($states.input.items)`,
	"MapFilter":  `$states.input.items[qty > 1].{"sku": sku, "amount": qty * unitPrice}`,
}

// orderOutput is an Output template's four expressions, evaluated together for one state.
var orderOutput = []string{
	`$states.input.orderId`,
	`$states.input.totals.grandTotal`,
	`$sum($states.input.items.(qty * unitPrice))`,
	`$states.input.customer.name & " <" & $states.input.customer.email & ">"`,
}

func BenchmarkOrder(b *testing.B) {
	for _, name := range []string{"Items", "Arithmetic", "Condition", "Path", "Count", "MapFilter"} {
		b.Run(name, func(b *testing.B) {
			e, err := Compile(orderExprs[name])
			if err != nil {
				b.Fatal(err)
			}
			st := orderStates(b)
			b.ReportAllocs()
			for b.Loop() {
				st.asked = st.asked[:0]
				if _, ok, err := e.Eval(st); err != nil || !ok {
					b.Fatal(err, ok)
				}
			}
		})
	}
}

// BenchmarkOrderScope is BenchmarkOrder with each evaluation in a fresh Scope, as the
// interpreter evaluates a state's single expression (Items, Condition, ...).
func BenchmarkOrderScope(b *testing.B) {
	for _, name := range []string{"Items", "Arithmetic", "Condition", "Path", "Count", "MapFilter"} {
		b.Run(name, func(b *testing.B) {
			e, err := Compile(orderExprs[name])
			if err != nil {
				b.Fatal(err)
			}
			st := orderStates(b)
			var sc Scope
			b.ReportAllocs()
			for b.Loop() {
				st.asked = st.asked[:0]
				sc.Reset(st)
				if _, ok, err := e.Eval(&sc); err != nil || !ok {
					b.Fatal(err, ok)
				}
			}
		})
	}
}

// BenchmarkOrderOutput evaluates the four expressions of one state's Output template with the
// same bindings, as the interpreter does for one state.
func BenchmarkOrderOutput(b *testing.B) {
	exprs := make([]*Expr, len(orderOutput))
	for i, s := range orderOutput {
		e, err := Compile(s)
		if err != nil {
			b.Fatal(err)
		}
		exprs[i] = e
	}
	st := orderStates(b)
	b.Run("Bindings", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st.asked = st.asked[:0]
			for _, e := range exprs {
				if _, ok, err := e.Eval(st); err != nil || !ok {
					b.Fatal(err, ok)
				}
			}
		}
	})
	b.Run("Scope", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			st.asked = st.asked[:0]
			sc := NewScope(st)
			for _, e := range exprs {
				if _, ok, err := e.Eval(sc); err != nil || !ok {
					b.Fatal(err, ok)
				}
			}
		}
	})
}

func compactJSON(tb testing.TB, in []byte) []byte {
	tb.Helper()
	var out []byte
	inStr := false
	for i := 0; i < len(in); i++ {
		c := in[i]
		if inStr {
			out = append(out, c)
			if c == '\\' && i+1 < len(in) {
				i++
				out = append(out, in[i])
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\n', '\t', '\r':
			continue
		case '"':
			inStr = true
		}
		out = append(out, c)
	}
	return out
}
