package validate

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
)

// Diagnostic codes for JSONata expressions.
const CodeInvalidJSONata = "INVALID_JSONATA_EXPRESSION"

func list(names []string) string { return "[" + strings.Join(names, ", ") + "]" }

func (c *checker) required(fields []string, loc string) {
	c.schema("These fields are required: "+list(fields), loc)
}

// missing is AWS's general schema message for one required field an object lacks.
func (c *checker) missing(field, loc string) {
	c.schema("The field '"+field+"' is required but was missing", loc)
}

func (c *checker) notSupported(field, loc string) {
	c.schema("Field '"+field+"' is not supported", loc)
}

func (c *checker) wrongType(typ, loc string) {
	c.schema("Expected value of type "+typ, loc)
}

func (c *checker) wantString(n *asl.Node, loc string) bool {
	if n.Kind != asl.String {
		c.wrongType("String", loc)
		return false
	}
	return true
}

func (c *checker) wantBool(n *asl.Node, loc string) bool {
	if n.Kind != asl.Boolean {
		c.wrongType("Boolean", loc)
		return false
	}
	return true
}

func (c *checker) enum(n *asl.Node, loc string, values ...string) bool {
	if !c.wantString(n, loc) {
		return false
	}
	for _, v := range values {
		if n.Text == v {
			return true
		}
	}
	c.oneOf(values, loc)
	return false
}

// oneOf reports a value outside an enumeration the way AWS words it, naming the field (the last
// segment of loc): "The field 'Type' should have one of these values: [Task, Wait, ...]".
func (c *checker) oneOf(values []string, loc string) {
	field := loc[strings.LastIndexByte(loc, '/')+1:]
	c.schema("The field '"+field+"' should have one of these values: "+list(values), loc)
}

func (c *checker) queryLanguage(n *asl.Node, loc string) bool {
	return c.enum(n, loc, qlJSONPath, qlJSONata)
}

// integer checks a whole number in [min, max] (max < 0: unbounded).
func (c *checker) integer(n *asl.Node, loc string, min, max float64) {
	if n.Kind != asl.Number {
		c.wrongType("Integer", loc)
		return
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil || f != math.Trunc(f) {
		c.wrongType("Integer", loc)
		return
	}
	c.bounds(f, loc, min, max)
}

func (c *checker) number(n *asl.Node, loc string, min, max float64) {
	if n.Kind != asl.Number {
		c.wrongType("Number", loc)
		return
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil {
		c.wrongType("Number", loc)
		return
	}
	c.bounds(f, loc, min, max)
}

func (c *checker) bounds(f float64, loc string, min, max float64) {
	switch {
	case f < min:
		c.schema("Minimum value is "+strconv.FormatFloat(min, 'f', -1, 64), loc)
	case max >= 0 && f > max:
		c.schema("Maximum value is "+strconv.FormatFloat(max, 'f', -1, 64), loc)
	}
}

// errVariableReference refuses a ResultPath that names a variable.
var errVariableReference = errors.New("ResultPath cannot name a variable")

// isExpr reports whether s starts like a JSONata expression. expr then refuses one that is not
// an expression by payload.IsJSONata's rule, so whatever validates, the engine reads alike.
func isExpr(s string) bool { return strings.HasPrefix(s, "{%") }

// expr checks one "{% … %}" string.
func (c *checker) expr(s, loc string) {
	if !payload.IsJSONata(s) {
		c.schema("JSONata string must start with {% and end with %}", loc)
		return
	}
	if _, err := jsonata.Compile(s[2 : len(s)-2]); err != nil {
		msg := err.Error()
		var fe *failure.Error
		if errors.As(err, &fe) && fe.Cause != "" {
			msg = fe.Cause
		}
		c.add(CodeInvalidJSONata, jsonataMessage(msg), loc)
		return
	}
	c.references(s[2:len(s)-2], loc)
}

// jsonataCode is the "S0202: " style prefix JSONata puts on its messages; AWS drops it.
var jsonataCode = regexp.MustCompile(`^[A-Z][0-9]{4}: `)

func jsonataMessage(msg string) string { return jsonataCode.ReplaceAllString(msg, "") }

// intOrExpr checks a field holding an integer, or (JSONata states) an expression.
func (c *checker) intOrExpr(n *asl.Node, loc, ql string, min, max float64) {
	if ql == qlJSONata && n.Kind == asl.String && isExpr(n.Text) {
		c.expr(n.Text, loc)
		return
	}
	c.integer(n, loc, min, max)
}

func (c *checker) numberOrExpr(n *asl.Node, loc, ql string, min, max float64) {
	if ql == qlJSONata && n.Kind == asl.String && isExpr(n.Text) {
		c.expr(n.Text, loc)
		return
	}
	c.number(n, loc, min, max)
}

// stringOrExpr checks a string field (Fail's Error and Cause) that JSONata states may compute.
func (c *checker) stringOrExpr(n *asl.Node, field, loc, ql string) {
	if !c.wantString(n, loc+"/"+field) {
		return
	}
	if ql == qlJSONata && isExpr(n.Text) {
		c.expr(n.Text, loc+"/"+field)
	}
}

// jsonataValue checks every expression inside a JSONata field's value (Arguments, Output,
// Assign, Items, …), at the location of the string that holds it.
func (c *checker) jsonataValue(n *asl.Node, loc string) {
	switch n.Kind {
	case asl.String:
		if isExpr(n.Text) {
			c.expr(n.Text, loc)
		}
	case asl.Object:
		for _, m := range n.Members {
			c.jsonataValue(m.Val, loc+"/"+m.Key)
		}
	case asl.Array:
		for i, it := range n.Items {
			c.jsonataValue(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// path checks a JSONPath field of the state at loc; reference paths (ResultPath and the like)
// must be definite. null is allowed where AWS allows it (InputPath, OutputPath, ResultPath).
func (c *checker) path(n *asl.Node, field, loc string, reference, nullable bool) {
	if n.Kind == asl.Null && nullable {
		return
	}
	if n.Kind != asl.String {
		c.wrongType("String", loc+"/"+field)
		return
	}
	var err error
	if reference {
		var p *jsonpath.Path
		p, err = jsonpath.CompileReference(n.Text)
		if err == nil && field == "ResultPath" && p.Variable() != "" {
			// ASL: ResultPath writes into the state's data and must not name a variable; only
			// Assign sets variables. (The other reference paths read, and may read variables.)
			err = errVariableReference
		}
	} else {
		_, err = jsonpath.Compile(n.Text)
	}
	if err != nil {
		c.schema("The value for the field '"+field+"' must be a valid JSONPath", loc)
	}
}

func validPathOrIntrinsic(s string) bool {
	if intrinsics.IsCall(s) {
		_, err := intrinsics.Parse(s)
		return err == nil
	}
	if !strings.HasPrefix(s, "$") {
		return false
	}
	_, err := jsonpath.Compile(s)
	return err == nil
}

// pathOrIntrinsic checks ErrorPath / CausePath, which may also be intrinsic calls.
func (c *checker) pathOrIntrinsic(n *asl.Node, field, loc string) {
	if n.Kind != asl.String || !validPathOrIntrinsic(n.Text) {
		c.schema("The value for the field '"+field+"' must be a valid JSONPath or a valid intrinsic function call", loc)
	}
}

// template checks a JSONPath payload template (Parameters, ResultSelector, ItemSelector,
// Assign): every "key.$" holds a JSONPath or an intrinsic call. AWS locates the diagnostic at the
// object holding the key.
func (c *checker) template(n *asl.Node, loc string) {
	switch n.Kind {
	case asl.Object:
		for _, m := range n.Members {
			if strings.HasSuffix(m.Key, ".$") {
				if m.Val.Kind != asl.String || !validPathOrIntrinsic(m.Val.Text) {
					c.schema("The value for the field '"+m.Key+"' must be a valid JSONPath or a valid intrinsic function call", loc)
				}
				continue
			}
			c.template(m.Val, loc+"/"+m.Key)
		}
	case asl.Array:
		for i, it := range n.Items {
			c.template(it, loc+"["+strconv.Itoa(i)+"]")
		}
	}
}

// rfc3339 is the shape AWS accepts for timestamps: uppercase T and Z (or a numeric offset).
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

func validTimestamp(s string) bool {
	if !rfc3339.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// dataFields checks the input/output processing fields of a state in its query language (fields
// of the other language were already reported and are not looked into).
func (c *checker) dataFields(st *asl.Node, loc, ql string) {
	for _, m := range st.Members {
		v, at := m.Val, loc+"/"+m.Key
		if ql == qlJSONPath {
			switch m.Key {
			case "InputPath", "OutputPath":
				c.path(v, m.Key, loc, false, true)
			case "ResultPath":
				c.path(v, m.Key, loc, true, true)
			case "Result":
				c.passResultIsStatic(v, at)
			case "Parameters", "ResultSelector", "ItemSelector", "Assign":
				if v.Kind != asl.Object {
					c.wrongType("Object", at)
					continue
				}
				c.template(v, at)
				c.noDollar(v, at)
				if m.Key == "Assign" {
					c.assignNames(v, at, ql)
				}
			}
			continue
		}
		switch m.Key {
		case "Arguments", "Output", "ItemSelector", "Assign":
			if (m.Key == "Assign" || m.Key == "ItemSelector") && v.Kind != asl.Object {
				c.wrongType("Object", at)
				continue
			}
			if m.Key == "Assign" {
				c.assignNames(v, at, ql)
			}
			// $states.result exists only for the result of a Task, Map or Parallel, in the
			// state's own Output and Assign.
			c.exprCtx = exprContext{result: (m.Key == "Output" || m.Key == "Assign") && producesResult(st)}
			c.jsonataValue(v, at)
			c.exprCtx = exprContext{}
		}
	}
}
