package choice

import (
	"testing"

	"github.com/stepjet/stepjet/engine/asl"
)

// TestOperatorTypes checks each operator against a value of every JSON type, without paths:
// a value of the wrong type never matches.
func TestOperatorTypes(t *testing.T) {
	values := []string{`null`, `0`, `0.0`, `1`, `1.1`, `""`, `" "`, `"1"`, `"abc"`, `"a\"b"`, `"2016-03-14T01:59:00Z"`,
		`"2016-03-14T01:59:00"`, `[]`, `[""]`, `{}`, `{"A":0}`, `true`, `false`}
	tests := []struct {
		op, lit string
		match   []string // the values that satisfy op lit; every other value must not
	}{
		{"IsNull", `true`, []string{`null`}},
		{"IsNumeric", `true`, []string{`0`, `0.0`, `1`, `1.1`}},
		{"IsString", `true`, []string{`""`, `" "`, `"1"`, `"abc"`, `"a\"b"`, `"2016-03-14T01:59:00Z"`, `"2016-03-14T01:59:00"`}},
		{"IsBoolean", `true`, []string{`true`, `false`}},
		{"IsTimestamp", `true`, []string{`"2016-03-14T01:59:00Z"`}},
		{"IsTimestamp", `false`, []string{`null`, `0`, `0.0`, `1`, `1.1`, `""`, `" "`, `"1"`, `"abc"`, `"a\"b"`, `"2016-03-14T01:59:00"`, `[]`, `[""]`, `{}`, `{"A":0}`, `true`, `false`}},
		{"BooleanEquals", `true`, []string{`true`}},
		{"BooleanEquals", `false`, []string{`false`}},
		{"NumericEquals", `0`, []string{`0`, `0.0`}},
		{"NumericEquals", `1.0`, []string{`1`}},
		{"NumericGreaterThan", `0`, []string{`1`, `1.1`}},
		{"NumericLessThanEquals", `1`, []string{`0`, `0.0`, `1`}},
		{"StringEquals", `"1"`, []string{`"1"`}},
		{"StringEquals", `"a\"b"`, []string{`"a\"b"`}},
		{"StringEquals", `""`, []string{`""`}},
		{"StringLessThan", `"1"`, []string{`""`, `" "`}},
		{"StringGreaterThanEquals", `"a"`, []string{`"abc"`, `"a\"b"`}},
		{"StringMatches", `"*"`, []string{`""`, `" "`, `"1"`, `"abc"`, `"a\"b"`, `"2016-03-14T01:59:00Z"`, `"2016-03-14T01:59:00"`}},
		{"StringMatches", `"a*"`, []string{`"abc"`, `"a\"b"`}},
		{"TimestampEquals", `"2016-03-14T02:59:00+01:00"`, []string{`"2016-03-14T01:59:00Z"`}},
		{"TimestampLessThan", `"2017-01-01T00:00:00Z"`, []string{`"2016-03-14T01:59:00Z"`}},
	}
	for _, tt := range tests {
		entry, ok := operators[tt.op]
		if !ok {
			t.Fatalf("no operator %s", tt.op)
		}
		var lit literal
		n, err := asl.Parse([]byte(tt.lit))
		if err != nil {
			t.Fatal(err)
		}
		if err := compileLiteral(&lit, entry.op, n, ""); err != nil {
			t.Fatalf("%s %s: %v", tt.op, tt.lit, err)
		}
		for _, v := range values {
			want := false
			for _, m := range tt.match {
				want = want || m == v
			}
			if got := entry.op.test(value(" "+v+"\n"), &lit); got != want {
				t.Errorf("%s %s on %s = %v, want %v", tt.op, tt.lit, v, got, want)
			}
		}
	}
}

// TestPathOperandTypes checks the comparand of a ...Path form: of the wrong type, it matches
// nothing.
func TestPathOperandTypes(t *testing.T) {
	tests := []struct {
		f       family
		operand string
		ok      bool
	}{
		{famString, `"x"`, true},
		{famString, `1`, false},
		{famString, `null`, false},
		{famNumeric, `1`, true},
		{famNumeric, `"1"`, false},
		{famBoolean, `false`, true},
		{famBoolean, `"true"`, false},
		{famTimestamp, `"2016-03-14T01:59:00Z"`, true},
		{famTimestamp, `"2016-03-14"`, false},
		{famTimestamp, `0`, false},
	}
	for _, tt := range tests {
		var l literal
		if got := l.load(tt.f, value(tt.operand)); got != tt.ok {
			t.Errorf("load(%d, %s) = %v, want %v", tt.f, tt.operand, got, tt.ok)
		}
	}
}
