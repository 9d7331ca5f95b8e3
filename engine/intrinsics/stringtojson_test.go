package intrinsics

import (
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
)

// TestJavaJSONTextMatchesWalk: the one-pass rewrite of States.StringToJson writes what the
// value walk wrote, and refuses text nested deeper than the limit.
func TestJavaJSONTextMatchesWalk(t *testing.T) {
	texts := []string{
		`{"a": [1, 2.50, -0, 1e3, 1E-7, 12345678901234567890], "b": {"c": "\u00e9\n\"\\/"}, "d": null}`,
		` [ true , false , null , "" , {} , [] ] `,
		`"just a string \ud83d\ude00"`,
		`-12.0e+10`,
		`{"k\"ey": {"nested": [[[{"x": "[{]}"}]]]}}`,
		strings.Repeat("[", limits.MaxDepth) + strings.Repeat("]", limits.MaxDepth),
	}
	for _, s := range texts {
		got, ok := appendJavaJSONText(nil, gjson.Parse(s).Raw, limits.MaxDepth)
		want := appendJavaJSON(nil, gjson.Parse(s))
		if !ok || string(got) != string(want) {
			t.Errorf("%.60s: got %.80s (%v), want %.80s", s, got, ok, want)
		}
	}
	deep := strings.Repeat("[", limits.MaxDepth+1) + strings.Repeat("]", limits.MaxDepth+1)
	if _, ok := appendJavaJSONText(nil, deep, limits.MaxDepth); ok {
		t.Error("text nested deeper than the limit was accepted")
	}
}
