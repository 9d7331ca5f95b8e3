package jsonata

import "testing"

// TestStringNumbers: $string and "&" write numbers as JSONata does — rounded to 15 significant
// digits and printed as JavaScript prints a number — whether the number was computed or read
// from the input as written ("10.50", "2.0", "-0", "1E2"), alone or inside an array or object.
func TestStringNumbers(t *testing.T) {
	in := `{"price":10.50,"f":2.0,"n":-0,"big":1e21,"arr":[10.50,1.0],"o":{"a":2.50},` +
		`"x":0.30000000000000004,"e":1E2,"tiny":5e-7}`
	tests := []struct{ expr, want string }{
		{`'Price: ' & $states.input.price`, `"Price: 10.5"`},
		{`$states.input.price & ''`, `"10.5"`},
		{`$string($states.input.f)`, `"2"`},
		{`$string($states.input.e)`, `"100"`},
		{`$string($states.input.tiny)`, `"5e-7"`},
		{`$string(0.000001)`, `"0.000001"`},
		{`$string($states.input)`, `"{\"price\":10.5,\"f\":2,\"n\":0,\"big\":1e+21,\"arr\":[10.5,1],\"o\":{\"a\":2.5},\"x\":0.3,\"e\":100,\"tiny\":5e-7}"`},
		{`$string($states.input.arr)`, `"[10.5,1]"`},
		{`$states.input.arr & ''`, `"[10.5,1]"`},
		{`$string([0.1+0.2])`, `"[0.3]"`},
		{`$string({'a': 0.1+0.2})`, `"{\"a\":0.3}"`},
		{`$string([1/3])`, `"[0.333333333333333]"`},
		{`$string(-0)`, `"0"`},
		{`$string($states.input.n)`, `"0"`},
		{`$string(1e21)`, `"1e+21"`},
		{`$string(123456789012345678)`, `"123456789012346000"`},
		{`$string($states.input.o, true)`, `"{\n  \"a\": 2.5\n}"`},
	}
	for _, tc := range tests {
		got, ok, err := eval(t, tc.expr, states(in))
		if err != nil || !ok || got != tc.want {
			t.Errorf("%s = %s (%v, %v), want %s", tc.expr, got, ok, err, tc.want)
		}
	}
}
