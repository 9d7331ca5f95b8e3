package validate

import (
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/intrinsics"
)

// The WARNING codes ValidateStateMachineDefinition documents. AWS still accepts the definition.
// The message texts and locations are AWS's, from the example answer in its API reference
// (ValidateStateMachineDefinition, "Validate a state machine definition with static analysis").
const (
	CodeNoDollar           = "NO_DOLLAR"
	CodeNoPath             = "NO_PATH"
	CodePassResultIsStatic = "PASS_RESULT_IS_STATIC"
)

// looksDynamic reports whether a plain string reads like a JSONPath or an intrinsic call, the
// text a "key.$" field would hold.
func looksDynamic(s string) bool {
	switch {
	case s == "$" || s == "$$":
		return true
	case strings.HasPrefix(s, "$.") || strings.HasPrefix(s, "$[") || strings.HasPrefix(s, "$$."):
		return true
	case intrinsics.IsCall(s):
		return true
	}
	return false
}

// noDollar warns about the fields of a JSONPath payload template whose value looks like a path
// or an intrinsic call but whose name lacks ".$", so the text is passed on as it is. loc is the
// object holding the field, where AWS locates template diagnostics.
func (c *checker) noDollar(n *asl.Node, loc string) {
	switch n.Kind {
	case asl.Object:
		for _, m := range n.Members {
			if strings.HasSuffix(m.Key, ".$") {
				continue
			}
			if m.Val.Kind == asl.String && looksDynamic(m.Val.Text) {
				c.warn(CodeNoDollar, "The value of '"+m.Key+"' looks like a JSONPath. Instead of '"+m.Key+"', use '"+m.Key+".$' to evaluate it as a JSONPath at runtime.", loc)
				continue
			}
			c.noDollar(m.Val, loc+"/"+m.Key)
		}
	case asl.Array:
		for i, it := range n.Items {
			c.noDollar(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// passResultIsStatic warns about each "key.$" field of a Pass state's Result: Result is static
// and a path there is never evaluated. AWS names the field and locates the object holding it.
func (c *checker) passResultIsStatic(n *asl.Node, loc string) {
	switch n.Kind {
	case asl.Object:
		for _, m := range n.Members {
			if strings.HasSuffix(m.Key, ".$") {
				c.warn(CodePassResultIsStatic, "The value of '"+m.Key+"' will not evaluate as a JSONPath or Intrinsic Function at runtime. Instead of 'Result', use 'Parameters' to evaluate it as a JSONPath or Intrinsic Function at runtime.", loc)
				continue
			}
			c.passResultIsStatic(m.Val, loc+"/"+m.Key)
		}
	case asl.Array:
		for i, it := range n.Items {
			c.passResultIsStatic(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// noPath warns when a field that takes a literal holds text that looks like a path, and the
// field has a "…Path" twin that would read it (StringEquals / StringEqualsPath, Error /
// ErrorPath, …). at is the field's location.
func (c *checker) noPath(field string, v *asl.Node, at string) {
	if v.Kind != asl.String || !looksDynamic(v.Text) || intrinsics.IsCall(v.Text) {
		return
	}
	c.warn(CodeNoPath, "The value of '"+field+"' looks like a JSONPath. Instead of '"+field+"', use '"+field+"Path' to evaluate it as a JSONPath at runtime.", at)
}
