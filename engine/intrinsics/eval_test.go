package intrinsics

import (
	"errors"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

type testVars map[string]string

func (v testVars) Get(name string) ([]byte, bool) {
	s, ok := v[name]
	return []byte(s), ok
}

func evalString(t *testing.T, expr, input string) ([]byte, error) {
	t.Helper()
	call, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	env := &jsonpath.Env{
		Input:   []byte(input),
		Context: []byte(`{"Execution":{"Name":"run-1"}}`),
		Vars:    testVars{"greeting": `"hi"`, "list": `[1,2,3]`},
	}
	return call.Eval(env)
}

func TestEval(t *testing.T) {
	tests := []struct {
		expr, input, want string
	}{
		// States.Format: Java's toString for each value, escaped braces stay literal.
		{`States.Format('a{}b', 1)`, `{}`, `"a1b"`},
		{`States.Format('{} {} {} {}', 1.0, 1e3, 10000000.0, 0.0001)`, `{}`, `"1.0 1000.0 1.0E7 1.0E-4"`},
		{`States.Format('{}', 12345678901234567890)`, `{}`, `"12345678901234567890"`},
		{`States.Format('{}', -0)`, `{}`, `"0"`},
		{`States.Format('{}|{}|{}', true, null, 'x')`, `{}`, `"true|null|x"`},
		{`States.Format('{}', $.a)`, `{"a":[1,"two",{"k":[]},null]}`, `"[1, two, {k=[]}, null]"`},
		{`States.Format('{}', $.o)`, `{"o":{"b":1.5,"a":{"c":"d"}}}`, `"{b=1.5, a={c=d}}"`},
		{`States.Format('\{\}{}', 'x')`, `{}`, `"{}x"`},
		{`States.Format('\{}')`, `{}`, `"{}"`},
		{`States.Format('it\'s {}', 'me')`, `{}`, `"it's me"`},
		{`States.Format('back\\slash')`, `{}`, `"back\\slash"`},
		{`States.Format($.t, $.v)`, `{"t":"v={}","v":"\"q\""}`, `"v=\"q\""`},
		{`States.Format('{}', $greeting)`, `{}`, `"hi"`},
		{`States.Format('{}', $$.Execution.Name)`, `{}`, `"run-1"`},
		{`States.Format('{"a": {}}', 1)`, `{}`, `"{\"a\": 1}"`},
		// States.JsonToString / StringToJson: Jackson's compact text.
		{`States.JsonToString($.v)`, `{"v":{"a":1.0,"b":[1e2, "x/<y>"],"c":"\u00e9\n"}}`, `"{\"a\":1.0,\"b\":[100.0,\"x/<y>\"],\"c\":\"é\\n\"}"`},
		{`States.JsonToString($.v)`, `{"v":"\u0001"}`, `"\"\\u0001\""`},
		{`States.StringToJson($.s)`, `{"s":"{\"a\": [1, 2.50]}"}`, `{"a":[1,2.5]}`},
		{`States.StringToJson($.s)`, `{"s":" 1 2"}`, `1`},
		{`States.StringToJson('')`, `{}`, `null`},
		// Arrays.
		{`States.Array()`, `{}`, `[]`},
		{`States.Array(1, 'a', true, null, $.x, States.Array(2))`, `{"x":{"k":1}}`, `[1,"a",true,null,{"k":1},[2]]`},
		{`States.Array($list)`, `{}`, `[[1,2,3]]`},
		{`States.ArrayPartition($.a, 4)`, `{"a":[1,2,3,4,5,6,7,8,9]}`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{`States.ArrayPartition($.a, 2)`, `{"a":[]}`, `[]`},
		{`States.ArrayPartition($.a, 5)`, `{"a":[1,2]}`, `[[1,2]]`},
		{`States.ArrayContains($.a, $.v)`, `{"a":[1,{"x":[1,2],"y":null}],"v":{"y":null,"x":[1,2]}}`, `true`},
		{`States.ArrayContains($.a, 1)`, `{"a":[1.0, "1"]}`, `false`},
		{`States.ArrayContains($.a, 'b')`, `{"a":["a","b"]}`, `true`},
		{`States.ArrayRange(1, 9, 2)`, `{}`, `[1,3,5,7,9]`},
		{`States.ArrayRange(1, 10, 2)`, `{}`, `[1,3,5,7,9]`},
		{`States.ArrayRange(10, 1, -3)`, `{}`, `[10,7,4,1]`},
		{`States.ArrayRange(5, 1, 1)`, `{}`, `[]`},
		{`States.ArrayRange(0.5, 2.4, 1)`, `{}`, `[0,1,2]`},
		// AWS truncates these integer arguments (observed): 1.6 and 1.4 are both 1.
		{`States.ArrayRange(1.6, 1.4, 1)`, `{}`, `[1]`},
		{`States.ArrayRange(5.4, -0.6, -2.4)`, `{}`, `[5,3,1]`},
		{`States.ArrayPartition($.a, 2.6)`, `{"a":[1,2,3,4,5]}`, `[[1,2],[3,4],[5]]`},
		{`States.ArrayGetItem($.a, 1.2)`, `{"a":[10,20,30]}`, `20`},
		{`States.ArrayGetItem($.a, 999)`, `{"a":[]}`, `null`},
		{`States.ArrayRange(1, 1000, 1)`, `{}`, ``}, // checked by length below
		{`States.ArrayGetItem($.a, 0)`, `{"a":[{"x":1},2]}`, `{"x":1}`},
		{`States.ArrayGetItem($.a, 1.0)`, `{"a":[1,2]}`, `2`},
		{`States.ArrayLength($.a)`, `{"a":[1,[2,3],{}]}`, `3`},
		{`States.ArrayLength($.a)`, `{"a":[]}`, `0`},
		{`States.ArrayUnique($.a)`, `{"a":[1,2,2,"2",1.0,1.00,{"a":1,"b":2},{"b":2,"a":1},[1],[1]]}`, `[1,2,"2",1.0,{"a":1,"b":2},[1]]`},
		// Encoding and hashing.
		{`States.Base64Encode('Data to encode')`, `{}`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Encode('é')`, `{}`, `"w6k="`},
		{`States.Base64Decode('RGF0YSB0byBlbmNvZGU=')`, `{}`, `"Data to encode"`},
		{`States.Base64Decode('RGF0YQ')`, `{}`, `"Data"`},
		{`States.Hash('input data', 'SHA-256')`, `{}`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{`States.Hash('', 'MD5')`, `{}`, `"d41d8cd98f00b204e9800998ecf8427e"`},
		// JSON merge: the second object's keys win, shallowly.
		{`States.JsonMerge($.a, $.b, false)`, `{"a":{"x":1,"n":{"p":1}},"b":{"n":{"q":2},"y":3}}`, `{"x":1,"n":{"q":2},"y":3}`},
		// Math.
		{`States.MathAdd(-9, 3)`, `{}`, `-6`},
		{`States.MathAdd(2147483647, 0)`, `{}`, `2147483647`},
		{`States.MathAdd(0.49999999999999994, 0)`, `{}`, `0`},
		{`States.MathAdd($.a, -1)`, `{"a":1.5}`, `1`},
		{`States.MathRandom(5, 6)`, `{}`, `5`},
		{`States.MathRandom(5, 6, 42)`, `{}`, `5`},
		// Strings.
		{`States.StringSplit('This.is+a,test=string', '.+,=')`, `{}`, `["This","is","a","test","string"]`},
		{`States.StringSplit(',,a,,b,,', ',')`, `{}`, `["a","b"]`},
		{`States.StringSplit('abc', '')`, `{}`, `["abc"]`},
		{`States.StringSplit('', ',')`, `{}`, `[]`},
		{`States.StringSplit('a→b', '→')`, `{}`, `["a","b"]`},
		// Nesting.
		{`States.ArrayGetItem(States.StringSplit($.s, '/'), States.MathAdd(States.ArrayLength(States.StringSplit($.s, '/')), -1))`, `{"s":"a/b/c"}`, `"c"`},
		{`  States.Array( 1 ,2 )  `[2:], `{}`, `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := evalString(t, tt.expr, tt.input)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if tt.want == "" {
				if n := strings.Count(string(got), ",") + 1; n != 1000 {
					t.Fatalf("got %d items, want 1000", n)
				}
				return
			}
			if string(got) != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEvalFailures(t *testing.T) {
	// name failure.IntrinsicFailure marks a bad-arguments failure (see the check below).
	tests := []struct {
		expr, input, name, cause string
	}{
		{`States.Format('{} {}', 1)`, `{}`, failure.IntrinsicFailure, "2 placeholder(s) {} but 1 value(s)"},
		{`States.Format('{}', 1, 2)`, `{}`, failure.IntrinsicFailure, "1 placeholder(s) {} but 2 value(s)"},
		{`States.Format($.t)`, `{"t":1}`, failure.IntrinsicFailure, "first argument must be a string, got a number"},
		{`States.Format('{}', $.missing)`, `{"a":1}`, failure.Runtime, "$.missing"},
		{`States.StringToJson($.s)`, `{"s":"{bad"}`, failure.IntrinsicFailure, "not a valid JSON text"},
		{`States.StringToJson($.s)`, `{"s":1}`, failure.IntrinsicFailure, "must be a string"},
		{`States.ArrayPartition($.a, 0)`, `{"a":[1]}`, failure.IntrinsicFailure, "positive integer"},
		{`States.ArrayPartition($.a, 0.6)`, `{"a":[1]}`, failure.IntrinsicFailure, "positive integer, got 0"},
		{`States.ArrayPartition($.a, -0.4)`, `{"a":[1]}`, failure.IntrinsicFailure, "positive integer, got 0"},
		{`States.MathRandom(1.4, 1.6)`, `{}`, failure.IntrinsicFailure, "end (1) must be greater than the start (1)"},
		{`States.ArrayPartition($.a, 1)`, `{"a":{}}`, failure.IntrinsicFailure, "must be an array, got an object"},
		{`States.ArrayContains('a', 1)`, `{}`, failure.IntrinsicFailure, "must be an array"},
		{`States.ArrayRange(1, 2, 0)`, `{}`, failure.IntrinsicFailure, "must not be zero"},
		{`States.ArrayRange(1, 1001, 1)`, `{}`, failure.IntrinsicFailure, "1001 items, more than the 1000 allowed"},
		{`States.ArrayRange('1', 2, 1)`, `{}`, failure.IntrinsicFailure, "must be a number, got a string"},
		{`States.ArrayGetItem($.a, 2)`, `{"a":[1,2]}`, failure.IntrinsicFailure, "index 2 is out of bounds for an array of length 2"},
		{`States.ArrayGetItem($.a, -1)`, `{"a":[1,2]}`, failure.IntrinsicFailure, "index -1 is out of bounds"},
		{`States.ArrayLength($.a)`, `{"a":"x"}`, failure.IntrinsicFailure, "must be an array, got a string"},
		{`States.ArrayUnique($.a)`, `{"a":null}`, failure.IntrinsicFailure, "must be an array, got null"},
		{`States.Base64Encode($.s)`, `{"s":"` + strings.Repeat("a", 10001) + `"}`, failure.IntrinsicFailure, "10001 characters, more than the 10000 allowed"},
		{`States.Base64Decode('%%%')`, `{}`, failure.IntrinsicFailure, "not valid Base64"},
		{`States.Base64Decode($.s)`, `{"s":"QQ==\n"}`, failure.IntrinsicFailure, "not valid Base64"},
		{`States.Hash('x', 'SHA-999')`, `{}`, failure.IntrinsicFailure, `unsupported hash algorithm "SHA-999"`},
		{`States.Hash(1, 'MD5')`, `{}`, failure.IntrinsicFailure, "must be a string"},
		{`States.JsonMerge($.a, $.b, true)`, `{"a":{},"b":{}}`, failure.IntrinsicFailure, "deep merging is not supported"},
		{`States.JsonMerge($.a, $.b, 'false')`, `{"a":{},"b":{}}`, failure.IntrinsicFailure, "must be the boolean false"},
		{`States.JsonMerge($.a, $.b, false)`, `{"a":[],"b":{}}`, failure.IntrinsicFailure, "must be a JSON object, got an array"},
		{`States.MathAdd(2147483648, 0)`, `{}`, failure.IntrinsicFailure, "between -2147483648 and 2147483647"},
		{`States.MathAdd('1', 0)`, `{}`, failure.IntrinsicFailure, "must be a number, got a string"},
		{`States.MathRandom(5, 5)`, `{}`, failure.IntrinsicFailure, "end (5) must be greater than the start (5)"},
		{`States.StringSplit(1, ',')`, `{}`, failure.IntrinsicFailure, "first argument must be a string"},
		{`States.Array($nope)`, `{}`, failure.Runtime, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := evalString(t, tt.expr, tt.input)
			if err == nil {
				t.Fatalf("got %s, want a %s failure", got, tt.name)
			}
			var fe *failure.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *failure.Error", err, err)
			}
			if tt.name == failure.IntrinsicFailure {
				// Bad arguments: AWS says States.Runtime with only the function's name; the
				// reason stays in the Go error.
				fn := tt.expr[:strings.IndexByte(tt.expr, '(')]
				if fe.Name != failure.Runtime || fe.Cause != "Invalid arguments in "+fn || !strings.Contains(err.Error(), tt.cause) {
					t.Errorf("got %s: %q (%v)\nwant States.Runtime: \"Invalid arguments in %s\" for %q", fe.Name, fe.Cause, err, fn, tt.cause)
				}
				return
			}
			if fe.Name != tt.name || !strings.Contains(fe.Cause, tt.cause) {
				t.Errorf("got %s: %q\nwant %s containing %q", fe.Name, fe.Cause, tt.name, tt.cause)
			}
		})
	}
}

func TestMathRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		got, err := evalString(t, `States.MathRandom(-3, 3)`, `{}`)
		if err != nil {
			t.Fatal(err)
		}
		seen[string(got)] = true
	}
	for s := range seen {
		switch s {
		case "-3", "-2", "-1", "0", "1", "2":
		default:
			t.Errorf("MathRandom(-3, 3) gave %s, outside [-3, 3)", s)
		}
	}
	if len(seen) < 4 {
		t.Errorf("200 draws gave only %v", seen)
	}
	a, _ := evalString(t, `States.MathRandom(0, 999, 3)`, `{}`)
	b, _ := evalString(t, `States.MathRandom(0, 999, 3)`, `{}`)
	if string(a) != string(b) {
		t.Errorf("seeded draws differ: %s, %s", a, b)
	}
}

// TestJavaRandom checks the generator against java.util.Random's well-known first values:
// new Random(42).nextInt() is -1170105035 and new Random(0).nextInt() is -1155484576.
func TestJavaRandom(t *testing.T) {
	for seed, want := range map[int64]int32{42: -1170105035, 0: -1155484576} {
		if got := newJavaRandom(seed).next(32); got != want {
			t.Errorf("Random(%d).nextInt(): got %d, want %d", seed, got, want)
		}
	}
	r := newJavaRandom(7)
	for range 1000 {
		if n := r.nextInt(999); n < 0 || n >= 999 {
			t.Fatalf("nextInt(999) gave %d", n)
		}
		if n := r.nextInt(64); n < 0 || n >= 64 {
			t.Fatalf("nextInt(64) gave %d", n)
		}
	}
}

func TestUUID(t *testing.T) {
	got, err := evalString(t, `States.UUID()`, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if len(s) != 38 || s[15] != '4' || !strings.ContainsRune("89ab", rune(s[20])) || s[9] != '-' {
		t.Errorf("not a version 4 UUID: %s", s)
	}
	again, _ := evalString(t, `States.UUID()`, `{}`)
	if string(again) == s {
		t.Errorf("two UUIDs are equal: %s", s)
	}
}

func TestJavaDouble(t *testing.T) {
	tests := map[string]string{
		"1.0": "1.0", "1.5": "1.5", "1e3": "1000.0", "1E+3": "1000.0", "123456.789": "123456.789",
		"9999999.0": "9999999.0", "1e7": "1.0E7", "12345678.9": "1.23456789E7", "0.001": "0.001",
		"0.0001": "1.0E-4", "-0.0": "-0.0", "0.0": "0.0", "1.1": "1.1", "-2.50": "-2.5",
		"1e400": "Infinity", "0.1": "0.1", "100": "100", "-0": "0", "1.7976931348623157e308": "1.7976931348623157E308",
	}
	for in, want := range tests {
		if got := string(appendJavaNumber(nil, in)); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
