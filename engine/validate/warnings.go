package validate

import (
	"strconv"
	"strings"

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
func (c *checker) noDollar(n *node, loc string) {
	switch n.kind {
	case kindObject:
		for _, m := range n.members {
			if strings.HasSuffix(m.key, ".$") {
				continue
			}
			if m.val.kind == kindString && looksDynamic(m.val.text) {
				c.warn(CodeNoDollar, "The value of '"+m.key+"' looks like a JSONPath. Instead of '"+m.key+"', use '"+m.key+".$' to evaluate it as a JSONPath at runtime.", loc)
				continue
			}
			c.noDollar(m.val, loc+"/"+m.key)
		}
	case kindArray:
		for i, it := range n.items {
			c.noDollar(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// passResultIsStatic warns about each "key.$" field of a Pass state's Result: Result is static
// and a path there is never evaluated. AWS names the field and locates the object holding it.
func (c *checker) passResultIsStatic(n *node, loc string) {
	switch n.kind {
	case kindObject:
		for _, m := range n.members {
			if strings.HasSuffix(m.key, ".$") {
				c.warn(CodePassResultIsStatic, "The value of '"+m.key+"' will not evaluate as a JSONPath or Intrinsic Function at runtime. Instead of 'Result', use 'Parameters' to evaluate it as a JSONPath or Intrinsic Function at runtime.", loc)
				continue
			}
			c.passResultIsStatic(m.val, loc+"/"+m.key)
		}
	case kindArray:
		for i, it := range n.items {
			c.passResultIsStatic(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// noPath warns when a field that takes a literal holds text that looks like a path, and the
// field has a "…Path" twin that would read it (StringEquals / StringEqualsPath, Error /
// ErrorPath, …). at is the field's location.
func (c *checker) noPath(field string, v *node, at string) {
	if v.kind != kindString || !looksDynamic(v.text) || intrinsics.IsCall(v.text) {
		return
	}
	c.warn(CodeNoPath, "The value of '"+field+"' looks like a JSONPath. Instead of '"+field+"', use '"+field+"Path' to evaluate it as a JSONPath at runtime.", at)
}
