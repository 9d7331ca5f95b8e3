package jsonata

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
)

// vars is a Bindings over raw JSON texts that records which names were asked for.
type vars struct {
	m     map[string]string
	asked []string
}

func (v *vars) Lookup(name string) ([]byte, bool) {
	v.asked = append(v.asked, name)
	s, ok := v.m[name]
	return []byte(s), ok
}

func states(input string) *vars {
	return &vars{m: map[string]string{"states": `{"input":` + input + `,"context":{"Execution":{"Id":"arn:x","Input":` + input + `}}}`}}
}

func eval(t *testing.T, expr string, b Bindings) (string, bool, error) {
	t.Helper()
	e, err := Compile(expr)
	if err != nil {
		return "", false, err
	}
	v, def, err := e.Eval(b)
	return string(v), def, err
}

// awsCase is one expression taken from an execution recorded against AWS
// (../../shared/conformance/cases), with $states.input bound to the execution input.
type awsCase struct {
	ID    string          `json:"id"`
	Expr  string          `json:"expr"`
	Input json.RawMessage `json:"input"`
	Field string          `json:"field"`
	Want  *string         `json:"want"`
	Cause string          `json:"cause"`
}

func TestAWSRecordedExpressions(t *testing.T) {
	raw, err := os.ReadFile("testdata/aws_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []awsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases in testdata", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID+"/"+c.Field, func(t *testing.T) {
			got, def, err := eval(t, c.Expr, states(string(c.Input)))
			if c.Want != nil {
				if err != nil || !def {
					t.Fatalf("%s: err %v, defined %v; want %s", c.Expr, err, def, *c.Want)
				}
				if got != *c.Want {
					t.Fatalf("%s = %s; AWS gave %s", c.Expr, got, *c.Want)
				}
				return
			}
			var fe *failure.Error
			if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError {
				t.Fatalf("%s: got %s, %v; want States.QueryEvaluationError", c.Expr, got, err)
			}
			if s := ErrorSentence(c.Expr, c.Field, fe.Cause); !strings.HasSuffix(c.Cause, s) {
				t.Fatalf("cause\n got %q\nwant suffix of %q", s, c.Cause)
			}
		})
	}
}

func TestEval(t *testing.T) {
	in := `{"order":{"total":21.5,"n":3,"items":[{"sku":"a","qty":2,"price":1.25},{"sku":"b","qty":0,"price":4}]},` +
		`"obj":{"z":1,"a":{"y":null,"b":true}},"s":"line\nq\"<&>\u2028é","f":1.0,"big":1e21,"tiny":1e-7,"neg":-0}`
	tests := []struct {
		expr, want string
		defined    bool
	}{
		{`$states.input.order.total * 2`, `43`, true},
		{`$states.input.order.n`, `3`, true},
		{`$states.input.f`, `1`, true},
		{`0.1 + 0.2`, `0.30000000000000004`, true},
		{`1/3`, `0.3333333333333333`, true},
		{`$states.input.big`, `1e+21`, true},
		{`$states.input.tiny`, `1e-7`, true},
		{`0.000001`, `0.000001`, true},
		{`123456789012`, `123456789012`, true},
		{`$states.input.neg`, `0`, true},
		{`$states.input.obj`, `{"z":1,"a":{"y":null,"b":true}}`, true},
		{`$states.input.s`, "\"line\\nq\\\"<&>\u2028é\"", true},
		{`$states.input.order.items[qty > 0].sku`, `"a"`, true},
		{`$states.input.order.items.(qty * price)`, `[2.5,0]`, true},
		{`$map($states.input.order.items, function($i) { $i.sku })`, `["a","b"]`, true},
		{`$states.input.order.items[0]`, `{"sku":"a","qty":2,"price":1.25}`, true},
		{`{"k": $states.input.missing, "v": 1}`, `{"v":1}`, true},
		{`[1, $states.input.missing, 2]`, `[1,2]`, true},
		{`$states.input.missing`, ``, false},
		{`$states.context.Execution.Id`, `"arn:x"`, true},
		{`$count($states.input.order.items)`, `2`, true},
		{`$string(0.1 + 0.2)`, `"0.3"`, true},
		{`$eval`, ``, false}, // not offered by AWS: an unbound variable
		{`$x := 5`, `5`, true},
		{`($v := 2; $v * 3)`, `6`, true},
		{`$states.input.obj.a.y`, `null`, true},
		{`1 ? 'yes' : 'no'`, `"yes"`, true},
		{`$fromMillis(0)`, `"1970-01-01T00:00:00.000Z"`, true},
		{`/* a comment with ?? and ?: */ 1`, `1`, true},
		{`"?:" & '??'`, `"?:??"`, true},
		// A signature's "?:" is no operator (JSONata 2.0 reads <nn?:n> as an optional argument).
		{`function($a, $b)<nn?:n>{ $a + $b }(1, 2)`, `3`, true},
		{`λ($a)<n?:n>{ $a ? 1 : 0 }(5)`, `1`, true},
		{`$match("a??", /a\?\?/).match`, `"a??"`, true},
		// decodeURI keeps the escapes of reserved characters; decodeURIComponent decodes them.
		{`$decodeUrl('a%2Fb%20c%3F%C3%A9')`, `"a%2Fb c%3Fé"`, true},
		{`$decodeUrlComponent('a%2Fb%20c%3F')`, `"a/b c?"`, true},
	}
	for _, tc := range tests {
		got, def, err := eval(t, tc.expr, states(in))
		if err != nil || def != tc.defined || got != tc.want {
			t.Errorf("%s = %s (defined %v, err %v); want %s (defined %v)", tc.expr, got, def, err, tc.want, tc.defined)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct{ expr, cause string }{
		{`$eval('1 + 1')`, `T1006: Attempted to invoke a non-function`},
		{`$randomSeeded(1)`, `T1006: Attempted to invoke a non-function`},
		{`$abs('x')`, `T0410: Argument 1 of function "abs" does not match function signature`},
		{`'a' + 1`, `T2001: The left side of the "+" operator must evaluate to a number`},
		{`1 - 'a'`, `T2002: The right side of the "-" operator must evaluate to a number`},
		{`$number('x')`, `D3030: Unable to cast value to a number: "x"`},
		{`$error('boom')`, `D3137: boom`},
		{`$assert(false, 'nope')`, `D3141: nope`},
		// JSONata's own code and message for a string decodeURI(Component) refuses.
		{`$decodeUrlComponent('%E0%A4%A')`, `D3140: Malformed URL passed to $decodeUrlComponent(): "%E0%A4%A"`},
		{`$decodeUrl('%FF')`, `D3140: Malformed URL passed to $decodeUrl(): "%FF"`},
		{`$single([1, 2])`, `D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.`},
	}
	for _, tc := range tests {
		_, _, err := eval(t, tc.expr, states(`{}`))
		var fe *failure.Error
		if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError || fe.Cause != tc.cause {
			t.Errorf("%s: got %v; want cause %q", tc.expr, err, tc.cause)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ expr, cause string }{
		// JSONata 2.0.6 (AWS) has neither operator; gnata implements both.
		{`$states.input.a ?: 'x'`, `S0211: The symbol ":" cannot be used as a unary operator`},
		{`$states.input.a ?? 'x'`, `S0211: The symbol "?" cannot be used as a unary operator`},
		{`$states.input.a ? : 'x'`, `S0211: The symbol ":" cannot be used as a unary operator`},
		{`a[1,2)`, `S0202: Expected "]", got ","`},
		{`"unterminated`, `S0101: String literal must be terminated by a matching quote`},
		{`1 +`, `S0207: Unexpected end of expression`},
		{`{"a":}`, `S0211: The symbol "}" cannot be used as a unary operator`},
	}
	for _, tc := range tests {
		_, err := Compile(tc.expr)
		var fe *failure.Error
		if !errors.As(err, &fe) || fe.Name != failure.QueryEvaluationError || fe.Cause != tc.cause {
			t.Errorf("%s: got %v; want cause %q", tc.expr, err, tc.cause)
		}
	}
}

func TestAWSFunctions(t *testing.T) {
	tests := []struct {
		expr, want string
		defined    bool
	}{
		{`$partition([1,2,3,4,5,6,7,8,9], 3)`, `[[1,2,3],[4,5,6],[7,8,9]]`, true},
		{`$partition([{"b":1,"a":2}], 5)`, `[[{"b":1,"a":2}]]`, true},
		{`$partition([], 2)`, `[]`, true},
		{`$range(0, 10, 2)`, `[0,2,4,6,8,10]`, true},
		{`$range(10, 0, -5)`, `[10,5,0]`, true},
		{`$range(1, 9, 9)`, `1`, true},
		{`$range(5, 1, 1)`, ``, false},
		{`$hash('abc', 'MD5')`, `"900150983cd24fb0d6963f7d28e17f72"`, true},
		{`$hash('abc', 'SHA-1')`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`, true},
		{`$hash('abc', 'SHA-256')`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`, true},
		{`$parse('{"b":[1,2.50,{"c":null}],"a":"x"}')`, `{"b":[1,2.5,{"c":null}],"a":"x"}`, true},
		{`$parse('-0')`, `0`, true},
		{`$random(42) = $random(42)`, `true`, true},
		{`$random('seed') = $random('seed')`, `true`, true},
		{`$random(1) = $random(2)`, `false`, true},
		{`$random() >= 0 and $random() < 1`, `true`, true},
	}
	for _, tc := range tests {
		got, def, err := eval(t, tc.expr, nil)
		if err != nil || def != tc.defined || got != tc.want {
			t.Errorf("%s = %s (defined %v, err %v); want %s", tc.expr, got, def, err, tc.want)
		}
	}
	u, _, err := eval(t, `$uuid()`, nil)
	if err != nil || !regexp.MustCompile(`^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`).MatchString(u) {
		t.Errorf("$uuid() = %s, %v", u, err)
	}
	if now, _, _ := eval(t, `$now()`, nil); !regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$`).MatchString(now) {
		t.Errorf("$now() = %s; want milliseconds as JavaScript writes them", now)
	}
	for _, expr := range []string{`$hash('abc', 'SHA-3')`, `$parse('{')`, `$partition([1], 0)`, `$range(1, 5, 0)`} {
		if _, _, err := eval(t, expr, nil); err == nil {
			t.Errorf("%s: no error", expr)
		}
	}
}

func TestVariablesAreLookedUpLazily(t *testing.T) {
	b := &vars{m: map[string]string{
		"states": `{"input":{"a":1},"context":{"broken": [}`, // the context is never decoded
		"total":  `10`,
		"unused": `{"x":1}`,
	}}
	got, def, err := eval(t, `$states.input.a + $total + $sum([1])`, b)
	if err != nil || !def || got != `12` {
		t.Fatalf("got %s, %v, %v", got, def, err)
	}
	if slices.Contains(b.asked, "unused") {
		t.Errorf("looked up %v; the expression never names $unused", b.asked)
	}
	e, _ := Compile(`$states.input.a + $total`)
	if got := e.Variables(); !slices.Equal(got, []string{"states", "total"}) {
		t.Errorf("Variables() = %v", got)
	}
	// A workflow variable shadows a function of the same name, as bindings do in jsonata-js.
	got, _, _ = eval(t, `$hash`, &vars{m: map[string]string{"hash": `"mine"`}})
	if got != `"mine"` {
		t.Errorf("$hash bound as a variable = %s", got)
	}
}

func TestSentences(t *testing.T) {
	if got, want := ErrorSentence("$x()", "Output/a", "T1006: Attempted to invoke a non-function"),
		"The JSONata expression '$x()' specified for the field 'Output/a' threw an error during evaluation. T1006: Attempted to invoke a non-function"; got != want {
		t.Errorf("ErrorSentence = %q", got)
	}
	if got, want := UndefinedSentence("$states.input.missing", "Output/v"),
		"The JSONata expression '$states.input.missing' specified for the field 'Output/v' returned nothing (undefined)."; got != want {
		t.Errorf("UndefinedSentence = %q", got)
	}
}

// TestEvalUnsupportedResult checks that a value JSON cannot hold (a function) is told apart from
// undefined: AWS fails the field with "returned an unsupported result type".
func TestEvalUnsupportedResult(t *testing.T) {
	for _, expr := range []string{`function($x) { $x }`, `$sum`} {
		if _, def, err := eval(t, expr, states(`{}`)); err != ErrUnsupportedResult || def {
			t.Errorf("%s: defined %v, err %v; want ErrUnsupportedResult", expr, def, err)
		}
	}
	if _, def, err := eval(t, `$states.input.missing`, states(`{}`)); err != nil || def {
		t.Errorf("undefined: defined %v, err %v; want neither", def, err)
	}
}
