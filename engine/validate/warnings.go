package validate

import (
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/intrinsics"
)

// The WARNING codes ValidateStateMachineDefinition documents. AWS still accepts the definition;
// the message texts are ours (AWS documents the codes, not its wording).
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
				c.warn(CodeNoDollar, "The value of field '"+m.key+"' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'", loc)
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

// passResultIsStatic warns when a Pass state's Result uses "key.$" fields: Result is static and
// a path there is never evaluated.
func (c *checker) passResultIsStatic(n *node, loc string) {
	if !hasDollarKey(n) {
		return
	}
	c.warn(CodePassResultIsStatic, "The Result of a Pass state is static: fields ending with '.$' are not evaluated; use Parameters to compute values", loc)
}

func hasDollarKey(n *node) bool {
	switch n.kind {
	case kindObject:
		for _, m := range n.members {
			if strings.HasSuffix(m.key, ".$") || hasDollarKey(m.val) {
				return true
			}
		}
	case kindArray:
		for _, it := range n.items {
			if hasDollarKey(it) {
				return true
			}
		}
	}
	return false
}

// noPath warns when a field that takes a literal holds text that looks like a path, and the
// field has a "…Path" twin that would read it (StringEquals / StringEqualsPath, Error /
// ErrorPath, …). at is the field's location.
func (c *checker) noPath(field string, v *node, at string) {
	if v.kind != kindString || !looksDynamic(v.text) || intrinsics.IsCall(v.text) {
		return
	}
	c.warn(CodeNoPath, "The value of field '"+field+"' looks like a JSONPath, but the field name does not end with 'Path'; use '"+field+"Path' to read it", at)
}
