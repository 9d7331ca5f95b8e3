package payload

import (
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

// orderInput is a ~1 KiB order document, the shape of the order workflow's input.
var orderInput = []byte(`{"order":{"id":"ord-2026-000123","customer":{"id":"c-981","name":"Ana Souza","email":"ana@example.com","tier":"gold"},"total":129.90,"currency":"EUR","items":[` +
	strings.Repeat(`{"sku":"SKU-0001","name":"Widget","qty":2,"price":19.95,"tags":["blue","small"]},`, 9) +
	`{"sku":"SKU-0002","name":"Gadget","qty":1,"price":90.00,"tags":[]}]},"source":"web","received":"2026-11-24T10:00:00Z"}`)

const orderParameters = `{"orderId.$": "$.order.id", "customer.$": "$.order.customer", "total.$": "$.order.total", "static": {"a": 1}}`

func BenchmarkEvalOrderParameters(b *testing.B) {
	tmpl, err := Compile([]byte(orderParameters))
	if err != nil {
		b.Fatal(err)
	}
	env := &jsonpath.Env{Input: orderInput}
	b.SetBytes(int64(len(orderInput)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileOrderParameters(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile([]byte(orderParameters)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalJSONataOutput(b *testing.B) {
	tmpl, err := CompileJSONata("Output", []byte(`{"orderId": "{% $states.input.order.id %}", "total": "{% $states.input.order.total %}", "static": {"a": 1}}`))
	if err != nil {
		b.Fatal(err)
	}
	binds := mapVars{"states": []byte(`{"input":` + string(orderInput) + `}`)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Eval(binds); err != nil {
			b.Fatal(err)
		}
	}
}
