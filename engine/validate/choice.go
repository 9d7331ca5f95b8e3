package validate

import (
	"strconv"

	"github.com/stepjet/stepjet/engine/asl"
)

// comparators of JSONPath Choice rules, by the JSON type their operand has.
var (
	stringOps    = []string{"StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches"}
	numericOps   = []string{"NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals"}
	timestampOps = []string{"TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals"}
	boolOps      = []string{"BooleanEquals", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
	pathOps      = func() []string {
		var out []string
		for _, group := range [][]string{stringOps, numericOps, timestampOps, {"BooleanEquals"}} {
			for _, op := range group {
				if op != "StringMatches" {
					out = append(out, op+"Path")
				}
			}
		}
		return out
	}()
	comparators = func() []string {
		var out []string
		for _, g := range [][]string{stringOps, pathOps, numericOps, timestampOps, boolOps} {
			out = append(out, g...)
		}
		return out
	}()
	comparatorSet = set(comparators...)
	ruleSelectors = []string{"And", "Or", "Not", "Variable", "Condition"}
)

func (c *checker) choice(st *asl.Node, loc, ql string) {
	if d := st.Get("Default"); d != nil {
		c.wantString(d, loc+"/Default")
	}
	ch := st.Get("Choices")
	if ch == nil {
		c.required([]string{"Choices"}, loc)
		return
	}
	if ch.Kind != asl.Array {
		c.wrongType("Array", loc+"/Choices")
		return
	}
	if len(ch.Items) == 0 {
		c.schema("Value cannot be empty", loc+"/Choices")
	}
	for i, r := range ch.Items {
		c.rule(r, loc+"/Choices["+strconv.Itoa(i)+"]", ql, true)
	}
}

// rule checks one Choice rule; top-level rules carry Next (and may Assign / Output), nested ones
// (inside And, Or, Not) only the comparison.
func (c *checker) rule(r *asl.Node, loc, ql string, top bool) {
	if r.Kind != asl.Object {
		c.wrongType("Object", loc)
		return
	}
	allowed := set("Comment", "Variable", "Condition")
	if ql == qlJSONPath {
		allowed["And"], allowed["Or"], allowed["Not"] = true, true, true
		for _, op := range comparators {
			allowed[op] = true
		}
	}
	if top {
		allowed["Next"], allowed["Assign"], allowed["Output"] = true, true, true
	}
	c.fieldsAllowed(r, allowed, ql, loc)
	if top {
		if n := r.Get("Next"); n == nil {
			c.required([]string{"Next"}, loc)
		} else {
			c.wantString(n, loc+"/Next")
		}
	}
	if v := r.Get("Comment"); v != nil {
		c.wantString(v, loc+"/Comment")
	}
	if ql == qlJSONata {
		c.jsonataRule(r, loc, top)
		return
	}
	n := 0
	for _, k := range ruleSelectors {
		if r.Has(k) {
			n++
		}
	}
	if n != 1 {
		c.schema("The object must have only one of the following fields, "+list(ruleSelectors), loc)
	}
	if v := r.Get("Assign"); v != nil && top {
		if v.Kind != asl.Object {
			c.wrongType("Object", loc+"/Assign")
		} else {
			c.template(v, loc+"/Assign")
			c.assignNames(v, loc+"/Assign", ql)
		}
	}
	for _, op := range []string{"And", "Or"} {
		v := r.Get(op)
		if v == nil {
			continue
		}
		if v.Kind != asl.Array {
			c.wrongType("Array", loc+"/"+op)
			continue
		}
		if len(v.Items) == 0 {
			c.schema("Value cannot be empty", loc+"/"+op)
		}
		for i, sub := range v.Items {
			c.rule(sub, loc+"/"+op+"["+strconv.Itoa(i)+"]", ql, false)
		}
	}
	if v := r.Get("Not"); v != nil {
		c.rule(v, loc+"/Not", ql, false)
	}
	ops := 0
	for _, m := range r.Members {
		if comparatorSet[m.Key] {
			ops++
			c.operand(m.Key, m.Val, loc)
		}
	}
	if v := r.Get("Variable"); v != nil {
		c.path(v, "Variable", loc, false, false)
		switch {
		case ops == 0:
			c.schema("This object should have only one of the following fields: "+list(comparators), loc)
		case ops > 1:
			c.schema("There should only be one of the following fields: "+list(comparators), loc)
		}
	} else if ops > 0 && n == 1 {
		c.required([]string{"Variable"}, loc)
	}
}

// operand checks a comparator's value against the type the comparator compares.
func (c *checker) operand(op string, v *asl.Node, loc string) {
	at := loc + "/" + op
	switch {
	case len(op) > 4 && op[len(op)-4:] == "Path":
		c.path(v, op, loc, false, false)
	case contains(stringOps, op):
		if c.wantString(v, at) && op != "StringMatches" {
			c.noPath(op, v, at)
		}
	case contains(numericOps, op):
		c.number(v, at, -1e308, -1)
	case contains(timestampOps, op):
		if c.wantString(v, at) && !validTimestamp(v.Text) {
			c.schema("String does not match RFC3339 timestamp", at)
		}
	default:
		c.wantBool(v, at)
	}
}

func (c *checker) jsonataRule(r *asl.Node, loc string, top bool) {
	cond := r.Get("Condition")
	switch {
	case cond == nil:
		c.required([]string{"Condition"}, loc)
	case cond.Kind == asl.Boolean:
	case cond.Kind == asl.String && isExpr(cond.Text):
		c.expr(cond.Text, loc+"/Condition")
	default:
		c.schema("JSONata string must start with {% and end with %}", loc+"/Condition")
	}
	if !top {
		return
	}
	c.assignNames(r.Get("Assign"), loc+"/Assign", qlJSONata)
	for _, f := range []string{"Assign", "Output"} {
		if v := r.Get(f); v != nil {
			c.jsonataValue(v, loc+"/"+f)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
