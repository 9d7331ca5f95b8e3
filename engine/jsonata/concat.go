package jsonata

import "strings"

// concatenation is an expression that joins plain paths and string literals with "&", such as
// `$states.input.firstName & ' ' & $states.input.lastName`. Eval writes the string from the raw
// JSON, as for a plain path.
//
// "&" casts each operand with $string: nothing is "", a string is itself, true, false and null
// are their names. A number ($string writes 15 significant digits, not JSON's form), an object
// or an array, or a path the plain-path fast path hands to gnata, hands the whole expression
// to gnata (TestConcatenationMatchesGnata, FuzzConcatenation).
type concatenation struct {
	ops []operand
}

// maxConcatBytes is the longest string the fast path writes; a longer one is gnata's, which
// charges it to the evaluation's budget.
const maxConcatBytes = 1 << 20

// parseConcatenation recognizes a concatenation of at least two operands; nil otherwise.
func parseConcatenation(src string) *concatenation {
	c := &concatenation{}
	s := src
	for {
		op, rest, ok := parseOperand(s)
		if !ok || op.path == nil && op.lit.kind != scalarString {
			return nil
		}
		c.ops = append(c.ops, op)
		rest = strings.TrimLeft(rest, " \t\n\r")
		if rest == "" {
			break
		}
		if rest[0] != '&' {
			return nil
		}
		s = rest[1:]
	}
	if len(c.ops) < 2 {
		return nil
	}
	return c
}

// appendEval appends the string's JSON to buf; handled is false when gnata must answer.
func (c *concatenation) appendEval(sc *Scope, buf []byte) (out []byte, handled bool) {
	// Every operand is read first: Eval decodes every variable the expression names.
	var parts [8]string
	strs := parts[:0]
	n := 0
	for i := range c.ops {
		v, ok := c.ops[i].value(sc)
		if !ok {
			return buf, false
		}
		var s string
		switch v.kind {
		case scalarUndefined:
		case scalarString:
			s = v.str
		case scalarBool:
			s = "false"
			if v.b {
				s = "true"
			}
		case scalarNull:
			s = "null"
		default:
			return buf, false
		}
		if n += len(s); n > maxConcatBytes {
			return buf, false
		}
		strs = append(strs, s)
	}
	return appendString(buf, strings.Join(strs, "")), true
}
