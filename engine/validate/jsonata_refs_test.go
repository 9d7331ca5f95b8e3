package validate

import (
	"reflect"
	"testing"
)

func TestTopLevelRefs(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{"phone", []string{"phone"}},
		{"phone[0].number", []string{"phone"}},
		{"$.phone", []string{"$"}},
		{"$$", []string{"$$"}},
		{"$x[$$.a]", []string{"$$"}},
		{"aaa + bbb", []string{"aaa", "bbb"}},
		{"{aaa: 1}", []string{"aaa"}},
		{"{'aaa': 1}", nil},
		{"[a, 1]", []string{"a"}},
		{"(a; b)", []string{"a", "b"}},
		{"$f(a)", []string{"a"}},
		{"$map($states.input.a, function($x){ b })", []string{"b"}},
		{"function($x)<n:n>{ c }(1)", []string{"c"}},
		// λ is JSONata's shorthand for function: its parameters are no reference.
		{"λ($x){ $x + 1 }(1)", nil},
		{"$map($states.input.a, λ($x)<n?:n>{ d })", []string{"d"}},
		// A string at the head of a path is a name to JSONata's parser.
		{"'foo'.bar", []string{"foo"}},
		{`"a b".c & 'x'`, []string{"a b"}},
		{`$states.input.'foo'.bar`, nil},
		{"$states.input.items[phone > 3]", nil},
		{"$states.input.items^(price)", nil},
		{"$states.input.items{type: price}", nil},
		{"$states.input.a.(b + c)", nil},
		{"$states.input.a.$uppercase(name)", nil},
		{"$x.[a, b]", nil},
		{"$x ~> |a|{'b': 1}|", nil},
		{"$a and $b or $c in [1]", nil},
		{"true or false and null", nil},
		{"`quoted name`", []string{"quoted name"}},
		{"'phone' & \"x\" & /ab+/i", nil},
		{"/* phone */ 1.5e3 + 2", nil},
		{"[1..5]", nil},
		{"$x ? a : b", []string{"a", "b"}},
		{"$states.result.Payload", []string{"$states.result"}},
		{"$states.errorOutput", []string{"$states.errorOutput"}},
		{"$states.input", nil},
		{"*", nil},
		{"$x * 2", nil},
	} {
		if got := topLevelRefs(tc.expr); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestValidVariableName(t *testing.T) {
	for name, want := range map[string]bool{
		"x": true, "_x": false, "résumé": true, "x1": true, "a_b": true, "Σ": true,
		"1x": false, "": false, "a-b": false, "a b": false, "$a": false, "a.b": false,
		string(make([]byte, 81)): false,
	} {
		if got := validVariableName(name); got != want {
			t.Errorf("%q: got %v, want %v", name, got, want)
		}
	}
}

func FuzzTopLevelRefs(f *testing.F) {
	for _, s := range []string{"phone", "$map($x, function($v){ a })", "a[b]{c: d}^(e)", "|a|b|", "`x", "'", "/*", "function(", ")))", "$$$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		_ = topLevelRefs(expr)
	})
}
