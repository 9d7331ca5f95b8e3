package jsonata

import "testing"

const benchInput = `{"order":{"id":"o-1","total":21.5,"currency":"EUR","items":[` +
	`{"sku":"a","qty":2,"price":1.25},{"sku":"b","qty":0,"price":4},{"sku":"c","qty":5,"price":9.99},` +
	`{"sku":"d","qty":1,"price":120}]},"customer":{"id":"c-9","name":"Ada","tags":["x","y"]}}`

var benchStates = &vars{m: map[string]string{"states": `{"input":` + benchInput +
	`,"context":{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:sm:1","Input":` + benchInput +
	`,"StartTime":"2026-01-01T00:00:00.000Z","Name":"1","RoleArn":"arn:aws:iam::123456789012:role/r"},` +
	`"State":{"Name":"S","EnteredTime":"2026-01-01T00:00:00.000Z"},"StateMachine":{"Id":"arn:x","Name":"sm"}}}`}}

func benchEval(b *testing.B, expr string) {
	e, err := Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchStates.asked = benchStates.asked[:0]
		if _, _, err := e.Eval(benchStates); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(`$states.input.order.items[qty > 0].{"sku": sku, "amount": qty * price}`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalArithmetic(b *testing.B) { benchEval(b, `$states.input.order.total * 2`) }

func BenchmarkEvalMapFilter(b *testing.B) {
	benchEval(b, `$states.input.order.items[qty > 0].{"sku": sku, "amount": qty * price}`)
}
