package jsonata

import (
	"strings"
	"testing"
)

// TestKnownGaps pins down where this package, through gnata, differs from AWS's JSONata
// (jsonata-js 2.0.6), as doc.go lists. A test here that starts failing means a gap closed or
// moved: update doc.go and docs/jsonata.md with it.
func TestKnownGaps(t *testing.T) {
	tests := []struct {
		name, expr string
		// cause is the start of the error this package gives; AWS answers want instead.
		cause, aws string
	}{
		{"regex lookahead", `$match('abc', /a(?=b)/).match`,
			"D3137: invalid regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`", `"a"`},
		{"regex lookbehind", `$contains('abc', /(?<=a)b/)`,
			"D3137: invalid regex: error parsing regexp: invalid named capture: `(?<=a)b`", `true`},
		{"regex backreference", `$replace('aab', /(a)\1/, 'x')`,
			"D3137: invalid regex: error parsing regexp: invalid escape sequence: `\\1`", `"xb"`},
		// jsonata-js: "The values "a" and 1 either side of operator "<" must be of the same data type".
		{"T2009 text", `'a' < 1`,
			`T2009: the operands of the "<" operator must be both numbers or both strings`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := eval(t, tc.expr, states(`{}`))
			if err == nil || !strings.Contains(err.Error(), tc.cause) {
				t.Fatalf("%s: got %v, want the documented gap %q (AWS: %s)", tc.expr, err, tc.cause, tc.aws)
			}
		})
	}
}

// TestClosedGaps covers what gnata does differently and this package corrects.
func TestClosedGaps(t *testing.T) {
	tests := []struct{ expr, want string }{
		// gnata refuses a $pad width over 10,000; jsonata-js (and AWS) pad.
		{`$length($pad('', 300000, 'x'))`, `300000`},
		{`$pad('ab', -5, 'xy')`, `"xyxab"`},
		{`$pad('ab', 5)`, `"ab   "`},
		{`$pad('abcdef', 3)`, `"abcdef"`},
		// AWS has no $eval: naming it is calling a non-function.
		{`$exists($eval)`, `false`},
	}
	for _, tc := range tests {
		got, ok, err := eval(t, tc.expr, states(`{}`))
		if err != nil || !ok || got != tc.want {
			t.Errorf("%s: got %s %v %v, want %s", tc.expr, got, ok, err, tc.want)
		}
	}
	for _, expr := range []string{`1 ?: 2`, `1 ?? 2`, `$eval('1')`} {
		if _, _, err := eval(t, expr, states(`{}`)); err == nil {
			t.Errorf("%s: no error; AWS refuses it", expr)
		}
	}
}
