package evaluator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata/internal/parser"
)

func appendToSequence(seq *Sequence, v any) {
	if v == nil {
		return
	}
	switch val := v.(type) {
	case *Sequence:
		for _, item := range val.Values {
			appendToSequence(seq, item)
		}
	default:
		seq.Values = append(seq.Values, v)
	}
}

func stringifyValue(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	switch val := v.(type) {
	case string:
		return val, nil
	case json.Number:
		return FormatNumber(val), nil
	case float64:
		return FormatFloat(val), nil
	case bool:
		if val {
			return "true", nil
		}
		return "false", nil
	default:
		// stepjet addition: bound what the evaluation builds.
		if SizeExceeds(v, MaxStringBytes) {
			return "", &BudgetError{What: "bytes", Limit: MaxStringBytes}
		}
		// stepjet addition: numbers inside are written as $string writes them (JSONata's "&"
		// is $string on both sides).
		b, err := marshalNoHTMLEscape(RoundedForString(v))
		if err != nil {
			return "", fmt.Errorf("cannot stringify value: %w", err)
		}
		return string(b), nil
	}
}

// FormatNumber converts a json.Number to its string form as JSONata's $string writes it (see
// FormatFloat). stepjet addition: gnata returned plain numbers verbatim ("10.50", "2.0", "-0"),
// where JSONata, reading the input as JavaScript numbers, writes "10.5", "2" and "0".
func FormatNumber(n json.Number) string {
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil {
		return n.String()
	}
	return FormatFloat(f)
}

// FormatFloat converts a float64 to its string form as JSONata's $string (and so "&") writes it:
// rounded to 15 significant digits (Number(n.toPrecision(15))), then as JavaScript's
// Number.toString() prints it — decimal notation from 1e-6 up to 1e21, exponent notation
// outside, and -0 as "0". stepjet addition: gnata did not round beyond 15 digits the same way
// (123456789012345678 gave "123456789012345680") and wrote 5e-7 as "0.0000005".
func FormatFloat(n float64) string {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return "null"
	}
	r := RoundTo15(n)
	if r == 0 {
		return "0" // also -0
	}
	if abs := math.Abs(r); abs < 1e-6 || abs >= 1e21 {
		return cleanExponent(strconv.FormatFloat(r, 'e', -1, 64))
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// RoundTo15 is JavaScript's Number(n.toPrecision(15)): n rounded to 15 significant digits.
// stepjet addition.
func RoundTo15(n float64) float64 {
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], n, 'e', -1, 64)
	// The shortest form has at most 15 significant digits: rounding changes nothing.
	if e := bytes.IndexByte(b, 'e'); e >= 0 {
		digits := e
		if b[0] == '-' {
			digits--
		}
		if bytes.IndexByte(b[:e], '.') >= 0 {
			digits--
		}
		if digits <= 15 {
			return n
		}
	}
	b = strconv.AppendFloat(buf[:0], n, 'e', 14, 64)
	r, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return n
	}
	return r
}

// StringNumber returns v as JSONata's $string writes a number inside an array or object (the
// JSON.stringify replacer that rounds to 15 significant digits), and whether v is a number.
// stepjet addition.
func StringNumber(v any) (json.Number, bool) {
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return "", false
		}
		return json.Number(FormatFloat(n)), true
	case json.Number:
		return json.Number(FormatNumber(n)), true
	}
	return "", false
}

// RoundedForString returns a copy of an array or object whose numbers are written as $string
// writes them (StringNumber); other values are returned as they are. stepjet addition.
func RoundedForString(v any) any {
	if n, ok := StringNumber(v); ok {
		return n
	}
	switch val := v.(type) {
	case *Sequence:
		return RoundedForString(CollapseSequence(val))
	case *OrderedMap:
		out := NewOrderedMapWithCapacity(val.Len())
		val.Range(func(k string, x any) bool {
			out.Set(k, RoundedForString(x))
			return true
		})
		return out
	case map[string]any:
		out := NewOrderedMapWithCapacity(len(val))
		for _, k := range MapKeys(val) {
			out.Set(k, RoundedForString(val[k]))
		}
		return out
	case []any:
		out := make([]any, len(val))
		for i, x := range val {
			out[i] = RoundedForString(x)
		}
		return out
	}
	return v
}

func cleanExponent(s string) string {
	mantissa, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	sign := ""
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		sign = string(exp[0])
		exp = exp[1:]
	}
	if exp = strings.TrimLeft(exp, "0"); exp == "" {
		exp = "0"
	}
	return mantissa + "e" + sign + exp
}

func compareValues(left, right any, op string) (any, error) {
	_, leftIsNum := ToFloat64(left)
	_, leftIsStr := left.(string)
	if left != nil && !leftIsNum && !leftIsStr {
		return nil, &JSONataError{Code: "T2010", Message: fmt.Sprintf("the operands of the %q operator must be numbers or strings", op)}
	}
	if left == nil || right == nil {
		return nil, nil
	}
	if ln, lok := ToFloat64(left); lok {
		if rn, rok := ToFloat64(right); rok {
			switch op {
			case "<":
				return ln < rn, nil
			case "<=":
				return ln <= rn, nil
			case ">":
				return ln > rn, nil
			case ">=":
				return ln >= rn, nil
			}
		}
		if _, isStr := right.(string); isStr {
			return nil, &JSONataError{
				Code:    "T2009",
				Message: fmt.Sprintf("the operands of the %q operator must be both numbers or both strings", op),
			}
		}
		return nil, &JSONataError{Code: "T2010", Message: fmt.Sprintf("the operands of the %q operator must be numbers or strings", op)}
	}
	if ls, lok := left.(string); lok {
		if rs, rok := right.(string); rok {
			switch op {
			case "<":
				return ls < rs, nil
			case "<=":
				return ls <= rs, nil
			case ">":
				return ls > rs, nil
			case ">=":
				return ls >= rs, nil
			}
		}
		if _, isNum := ToFloat64(right); isNum {
			return nil, &JSONataError{
				Code:    "T2009",
				Message: fmt.Sprintf("the operands of the %q operator must be both numbers or both strings", op),
			}
		}
		return nil, &JSONataError{Code: "T2010", Message: fmt.Sprintf("the operands of the %q operator must be numbers or strings", op)}
	}
	return nil, &JSONataError{Code: "T2010", Message: fmt.Sprintf("the operands of the %q operator must be numbers or strings", op)}
}

func compareOrder(a, b any) (int, error) {
	if a == nil && b == nil {
		return 0, nil
	}
	if a == nil {
		return 1, nil
	}
	if b == nil {
		return -1, nil
	}
	an, aNum := ToFloat64(a)
	bn, bNum := ToFloat64(b)
	if aNum && bNum {
		if an < bn {
			return -1, nil
		} else if an > bn {
			return 1, nil
		}
		return 0, nil
	}
	as, aStr := a.(string)
	bs, bStr := b.(string)
	if aStr && bStr {
		if as < bs {
			return -1, nil
		} else if as > bs {
			return 1, nil
		}
		return 0, nil
	}
	if (aNum && bStr) || (aStr && bNum) {
		return 0, &JSONataError{Code: "T2007", Message: "cannot compare string and number values"}
	}
	return 0, &JSONataError{Code: "T2008", Message: fmt.Sprintf("cannot compare values of type %T and %T", a, b)}
}

func containsValue(arr, elem any) bool {
	if arr == nil {
		return false
	}
	switch v := arr.(type) {
	case []any:
		for _, item := range v {
			if DeepEqual(item, elem) {
				return true
			}
		}
	case *Sequence:
		for _, item := range v.Values {
			if DeepEqual(item, elem) {
				return true
			}
		}
	default:
		return DeepEqual(arr, elem)
	}
	return false
}

func evalValue(node *parser.Node) (any, error) {
	switch node.Value {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case parser.NullJSON:
		return Null, nil
	default:
		return nil, nil
	}
}

func evalVariable(node *parser.Node, input any, env *Environment) (any, error) {
	if node.Value == "" {
		return input, nil
	}
	val, found := env.Lookup(node.Value)
	if !found {
		return nil, nil
	}
	return val, nil
}

func evalName(node *parser.Node, input any, _ *Environment) (any, error) {
	switch v := input.(type) {
	case *OrderedMap:
		val, ok := v.Get(node.Value)
		if !ok {
			return nil, nil
		}
		if val == nil {
			return Null, nil
		}
		return val, nil
	case map[string]any:
		val, ok := v[node.Value]
		if !ok {
			return nil, nil
		}
		if val == nil {
			return Null, nil
		}
		return val, nil
	case []any:
		// JSONata maps field lookups across arrays.
		// Per the JSONata spec, array results from each field lookup are
		// flattened into the result sequence (not nested).
		seq := CreateSequence()
		fieldFound := false
		for _, item := range v {
			val, err := evalName(node, item, nil)
			if err != nil {
				return nil, err
			}
			if val == nil {
				continue
			}
			fieldFound = true
			// Flatten plain []any results from navigating through arrays.
			// This matches JSONata's automatic flattening semantics.
			switch inner := val.(type) {
			case []any:
				for _, sv := range inner {
					if sv == nil {
						sv = Null
					}
					seq.Values = append(seq.Values, sv)
				}
			default:
				appendToSequence(seq, val)
			}
		}
		if len(seq.Values) == 0 {
			if fieldFound {
				// At least one element had this field defined (e.g. as an
				// empty array []). Return empty array rather than nil so
				// downstream $exists sees the field as present.
				return []any{}, nil
			}
			return nil, nil
		}
		if len(seq.Values) == 1 {
			return seq.Values[0], nil
		}
		return CollapseSequence(seq), nil
	case *Sequence:
		return evalName(node, CollapseSequence(v), nil)
	default:
		return nil, nil
	}
}

func evalWildcard(_ *parser.Node, input any, _ *Environment) (any, error) {
	if IsMap(input) {
		if MapLen(input) == 0 {
			return nil, nil
		}
		seq := CreateSequence()
		MapRange(input, func(_ string, val any) bool {
			if arr, ok := val.([]any); ok {
				seq.Values = append(seq.Values, arr...)
			} else {
				seq.Values = append(seq.Values, val)
			}
			return true
		})
		if len(seq.Values) == 0 {
			return nil, nil
		}
		if len(seq.Values) == 1 {
			return seq.Values[0], nil
		}
		return CollapseSequence(seq), nil
	}
	switch v := input.(type) {
	case []any:
		seq := CreateSequence()
		for _, item := range v {
			if IsMap(item) {
				val, err := evalWildcard(nil, item, nil)
				if err != nil {
					return nil, err
				}
				if val != nil {
					appendToSequence(seq, val)
				}
			} else if item != nil {
				seq.Values = append(seq.Values, item)
			}
		}
		return CollapseSequence(seq), nil
	default:
		return nil, nil
	}
}
