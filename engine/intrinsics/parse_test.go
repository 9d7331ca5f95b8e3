package intrinsics

import (
	"errors"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

func TestIsCall(t *testing.T) {
	tests := map[string]bool{
		"States.Format('x')": true,
		"States.UUID()":      true,
		"States.Nope(":       true, // written as a call: Parse reports what is wrong
		"States.Format":      false,
		"States.(":           false,
		"$.a":                false,
		" States.UUID()":     false,
		"states.UUID()":      false,
		"":                   false,
	}
	for s, want := range tests {
		if got := IsCall(s); got != want {
			t.Errorf("IsCall(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		pos  int
		msg  string
	}{
		// AWS refuses these definitions (recorded: api-cases ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION*).
		{`States.StringToJson('{"text":"An \"escaped double quote\" here"}')`, 34, `invalid escape sequence '\"'`},
		{`States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')`, 25, `invalid escape sequence '\"'`},
		{`States.Format('a\nb')`, 17, `invalid escape sequence '\n'`},
		{`States.Format('abc`, 15, "unterminated string literal"},
		{`States.Format('abc\`, 19, "unterminated escape sequence"},
		{`States.Nope(1)`, 1, `unknown intrinsic function "States.Nope"`},
		{`States.Format`, 14, "expected '(' after States.Format, found end of input"},
		{`States.Format(`, 15, "unexpected end of input, expected an argument"},
		{`States.Format('x',)`, 19, "missing argument"},
		{`States.Format(,'x')`, 15, "missing argument"},
		{`States.Format('x' 'y')`, 19, "expected ',' or ')' after argument 1 of States.Format"},
		{`States.Format("x")`, 15, "string literals must be in single quotes"},
		{`States.Format('x') extra`, 20, `unexpected 'e' after the end of the call`},
		{`States.Array(01)`, 14, "leading zero"},
		{`States.Array(1.)`, 16, "expected a digit after '.'"},
		{`States.Array(1e)`, 16, "expected a digit in the exponent"},
		{`States.Array(-)`, 15, "expected a digit"},
		{`States.Array(12abc)`, 16, "invalid number: unexpected 'a'"},
		{`States.Array(truex)`, 14, "unexpected 't'"},
		{`States.Array(True)`, 14, "unexpected 'T'"},
		{`States.Array(@)`, 14, "unexpected '@'"},
		{`States.Array($.a[)`, 14, "invalid JSONPath"},
		{`States.Array($['a)`, 14, "unterminated quoted name in path"},
		{`States.ArrayLength()`, 1, "States.ArrayLength takes 1 argument, got 0"},
		{`States.UUID(1)`, 1, "States.UUID takes 0 arguments, got 1"},
		{`States.MathRandom(1)`, 1, "States.MathRandom takes 2 to 3 arguments, got 1"},
		{`States.Format()`, 1, "States.Format takes at least 1 argument, got 0"},
		{`States.Array(States.Nope())`, 14, `unknown intrinsic function "States.Nope"`},
		{`States.Format('é', x)`, 20, "unexpected 'x'"}, // positions count characters, not bytes
		{`$.a`, 1, "expected an intrinsic function name"},
		{strings.Repeat(`States.Array(`, maxDepth+2) + strings.Repeat(`)`, maxDepth+2), 1 + 13*(maxDepth+1), "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Parse(tt.expr)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want a *ParseError", tt.expr, err)
			}
			if pe.Pos != tt.pos || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("got %q at %d\nwant %q at %d", pe.Msg, pe.Pos, tt.msg, tt.pos)
			}
			if !strings.Contains(pe.Error(), "at character") {
				t.Errorf("Error() = %q does not say where", pe.Error())
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct{ expr, canonical string }{
		{`States.Format('x {}',$.a)`, `States.Format('x {}', $.a)`},
		{"States.Array( 1 ,\t-2.5e-3 , true,false,null )", `States.Array(1, -2.5e-3, true, false, null)`},
		{`States.Array($['a,b'], $.c[?(@.d == ')')], $[0,1])`, `States.Array($['a,b'], $.c[?(@.d == ')')], $[0,1])`},
		{`States.Array($$.Execution.Id, $var.x[0], $)`, `States.Array($$.Execution.Id, $var.x[0], $)`},
		{`States.Array($.a )`, `States.Array($.a)`},
		{"States.StringSplit('Hello\nWorld', '\n')", "States.StringSplit('Hello\nWorld', '\n')"},
		{`States.StringToJson('{"a": "b"}')`, `States.StringToJson('{"a": "b"}')`},
		{`States.Format('\'\{\}\\')`, `States.Format('\'\{\}\\')`},
	}
	for _, tt := range tests {
		call, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if call.String() != tt.expr {
			t.Errorf("String() = %q, want the text as written", call.String())
		}
		if got := call.Canonical(); got != tt.canonical {
			t.Errorf("Canonical() = %q, want %q", got, tt.canonical)
		}
	}
}

func TestNames(t *testing.T) {
	if n := len(Names()); n != 18 {
		t.Errorf("%d intrinsic functions, want 18", n)
	}
	call, err := Parse(`States.MathAdd(1, 2)`)
	if err != nil || call.Name() != "States.MathAdd" {
		t.Errorf("Name() of States.MathAdd: %v, %v", call, err)
	}
}

// FuzzParse checks that Parse never panics, that what it accepts re-parses from its canonical
// form to the same canonical form, and that evaluating an accepted call never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`States.Format('Hello {}, welcome to {}!', $.name, $.place)`,
		`States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))`,
		`States.Array(1, -2.5e3, true, false, null, 'a\'\{\}\\b')`,
		`States.JsonMerge(States.StringToJson('{"a": 1}'), $.b, false)`,
		`States.Array($['a,b'], $.c[?(@.d == ')')], $[0,1], $var, $..x)`,
		`States.MathRandom(1, 10, 3)`,
		`States.Hash($.s, 'SHA-512')`,
		`States.UUID()`,
		`States.Format('\{}')`,
	} {
		f.Add(s)
	}
	env := &jsonpath.Env{
		Input:   []byte(`{"name":"n","place":"p","b":{"c":1},"s":"x","c":[{"d":")"}],"x":[1,2]}`),
		Context: []byte(`{"StateMachine":{"Name":"a-b"}}`),
		Vars:    testVars{"var": `[1]`},
	}
	f.Fuzz(func(t *testing.T, s string) {
		call, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Pos < 1 || pe.Pos > len([]rune(s))+1 {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		canon := call.Canonical()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, s, err)
		}
		if again.Canonical() != canon {
			t.Fatalf("canonical form changed: %q -> %q", canon, again.Canonical())
		}
		_, _ = call.Eval(env)
	})
}

func BenchmarkParse(b *testing.B) {
	const expr = `States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(expr); err != nil {
			b.Fatal(err)
		}
	}
}

var benchInput = []byte(`{"name":"Arnav","place":"Seattle","order":{"id":12345,"total":99.5,"items":[{"sku":"a"},{"sku":"b"}]},"tags":["x","y","z"]}`)

func benchmarkEval(b *testing.B, expr string) {
	call, err := Parse(expr)
	if err != nil {
		b.Fatal(err)
	}
	env := &jsonpath.Env{Input: benchInput}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchInput)))
	for b.Loop() {
		if _, err := call.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFormat(b *testing.B) {
	benchmarkEval(b, `States.Format('Hello {}, welcome to {}! Order {} totals {}.', $.name, $.place, $.order.id, $.order.total)`)
}

func BenchmarkEvalArray(b *testing.B) {
	benchmarkEval(b, `States.Array($.name, $.order.id, $.tags, $.order.items[0])`)
}
