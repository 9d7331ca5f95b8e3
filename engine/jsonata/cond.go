package jsonata

import (
	"strconv"
	"strings"
)

// condition is an expression made only of "=" and "!=" comparisons between plain paths and
// literals (strings without escapes, numbers, true, false, null), joined by "and" and "or",
// such as a Choice rule's `$states.input.inventory.inStock = true and $orderId =
// $states.input.orderId`. Eval answers it from the raw JSON: no decoding, no gnata.
//
// It takes only the road where gnata's answer is plain: both operands single scalars. A path
// that selects an object or an array, or one the plain-path fast path hands to gnata, hands
// the whole expression to gnata, as does anything it cannot read (TestConditionMatchesGnata,
// FuzzCondition). Every operand is read before any is compared: Eval decodes every variable
// the expression names before gnata runs, so a binding that is not JSON fails even where
// "and" or "or" would not look at it, and such a binding makes the fast path hand over.
type condition struct {
	kind  condKind
	left  *condition // and, or
	right *condition
	ops   [2]operand // cmp
	at    int        // cmp: where its operands' values are, in the values eval reads
	// leaves, at the root, are the comparisons in order.
	leaves []*condition
}

// maxComparisons bounds the comparisons of one condition, so that their values fit on the
// stack.
const maxComparisons = 8

type condKind uint8

const (
	condEq condKind = iota
	condNe
	condAnd
	condOr
)

// operand is a plain path or a literal scalar.
type operand struct {
	path *plainPath
	lit  scalar
}

// scalar is a JSON string, number, boolean or null as gnata compares them.
type scalar struct {
	kind scalarKind
	str  string
	num  float64
	b    bool
}

type scalarKind uint8

const (
	scalarUndefined scalarKind = iota
	scalarString
	scalarNumber
	scalarBool
	scalarNull
)

// parseCondition recognizes a condition; nil when src is anything else.
func parseCondition(src string) *condition {
	c, rest := parseOr(src)
	if c == nil || strings.TrimLeft(rest, " \t\n\r") != "" {
		return nil
	}
	c.leaves = c.appendLeaves(nil)
	if len(c.leaves) > maxComparisons {
		return nil
	}
	for i, l := range c.leaves {
		l.at = 2 * i
	}
	return c
}

func (c *condition) appendLeaves(leaves []*condition) []*condition {
	if c.kind == condAnd || c.kind == condOr {
		return c.right.appendLeaves(c.left.appendLeaves(leaves))
	}
	return append(leaves, c)
}

func parseOr(s string) (*condition, string) { return parseJoined(s, "or", condOr, parseAnd) }

func parseAnd(s string) (*condition, string) {
	return parseJoined(s, "and", condAnd, parseComparison)
}

// parseJoined reads operands (as next reads them) joined by the operator word kw, which
// groups from the left.
func parseJoined(s, kw string, kind condKind, next func(string) (*condition, string)) (*condition, string) {
	c, rest := next(s)
	for c != nil {
		r, ok := keyword(rest, kw)
		if !ok {
			return c, rest
		}
		var right *condition
		if right, rest = next(r); right == nil {
			return nil, ""
		}
		c = &condition{kind: kind, left: c, right: right}
	}
	return nil, ""
}

func parseComparison(s string) (*condition, string) {
	left, rest, ok := parseOperand(s)
	if !ok {
		return nil, ""
	}
	c := &condition{kind: condEq}
	rest = strings.TrimLeft(rest, " \t\n\r")
	switch {
	case strings.HasPrefix(rest, "!="):
		c.kind, rest = condNe, rest[2:]
	case strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "=="):
		rest = rest[1:]
	default:
		return nil, ""
	}
	right, rest, ok := parseOperand(rest)
	if !ok {
		return nil, ""
	}
	c.ops = [2]operand{left, right}
	return c, strings.TrimLeft(rest, " \t\n\r")
}

// keyword reads the operator word kw ("and", "or") at the start of s.
func keyword(s, kw string) (string, bool) {
	s = strings.TrimLeft(s, " \t\n\r")
	if !strings.HasPrefix(s, kw) || identEnd(s, 0) != len(kw) {
		return "", false
	}
	return s[len(kw):], true
}

func parseOperand(src string) (operand, string, bool) {
	s := strings.TrimLeft(src, " \t\n\r")
	if s == "" {
		return operand{}, "", false
	}
	switch c := s[0]; {
	case c == '$':
		p, rest := parsePathPrefix(s)
		if p == nil {
			return operand{}, "", false
		}
		return operand{path: p}, rest, true
	case c == '"' || c == '\'':
		v, rest, ok := stringLiteral(s)
		return operand{lit: scalar{kind: scalarString, str: v}}, rest, ok
	case c == '-' || '0' <= c && c <= '9':
		p := rawScanner{s: s}
		text, ok := p.number()
		if !ok || identEnd(s, p.i) != p.i || strings.HasPrefix(s[p.i:], ".") {
			return operand{}, "", false
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return operand{}, "", false
		}
		return operand{lit: scalar{kind: scalarNumber, num: f}}, s[p.i:], true
	}
	switch n := identEnd(s, 0); s[:n] {
	case "true":
		return operand{lit: scalar{kind: scalarBool, b: true}}, s[n:], true
	case "false":
		return operand{lit: scalar{kind: scalarBool}}, s[n:], true
	case "null":
		return operand{lit: scalar{kind: scalarNull}}, s[n:], true
	}
	return operand{}, "", false
}

// eval returns the condition's value; handled is false when gnata must answer.
func (c *condition) eval(sc *Scope) (v, handled bool) {
	var vals [2 * maxComparisons]scalar
	for _, l := range c.leaves {
		for j := range l.ops {
			x, ok := l.ops[j].value(sc)
			if !ok {
				return false, false
			}
			vals[l.at+j] = x
		}
	}
	return c.decide(&vals), true
}

// decide computes the condition from its operands' values.
func (c *condition) decide(vals *[2 * maxComparisons]scalar) bool {
	switch c.kind {
	case condAnd:
		return c.left.decide(vals) && c.right.decide(vals)
	case condOr:
		return c.left.decide(vals) || c.right.decide(vals)
	}
	a, b := vals[c.at], vals[c.at+1]
	if a.kind == scalarUndefined || b.kind == scalarUndefined {
		return false // comparing nothing is false, with "=" and "!=" alike
	}
	return a.equal(b) == (c.kind == condEq)
}

// value resolves the operand; ok is false when gnata must answer.
func (o *operand) value(sc *Scope) (scalar, bool) {
	if o.path == nil {
		return o.lit, true
	}
	text, found, handled, _ := o.path.resolve(sc)
	if !handled {
		return scalar{}, false
	}
	if !found {
		return scalar{}, true
	}
	return readScalar(text)
}

// readScalar reads the JSON text of one string, number, boolean or null, strictly; ok is false
// for anything else (an object, an array, text that is not JSON).
func readScalar(text string) (scalar, bool) {
	p := rawScanner{s: text}
	p.ws()
	if p.i >= len(text) {
		return scalar{}, false
	}
	var v scalar
	switch c := text[p.i]; {
	case c == '"':
		s, _, ok := p.stringToken()
		if !ok {
			return scalar{}, false
		}
		v = scalar{kind: scalarString, str: s}
	case c == '-' || '0' <= c && c <= '9':
		n, ok := p.number()
		if !ok {
			return scalar{}, false
		}
		f, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return scalar{}, false // out of range: gnata keeps the text; let it compare
		}
		v = scalar{kind: scalarNumber, num: f}
	case c == 't' || c == 'f' || c == 'n':
		if !p.literal() {
			return scalar{}, false
		}
		switch c {
		case 't':
			v = scalar{kind: scalarBool, b: true}
		case 'f':
			v = scalar{kind: scalarBool}
		default:
			v = scalar{kind: scalarNull}
		}
	default:
		return scalar{}, false
	}
	if !p.atEnd() {
		return scalar{}, false
	}
	return v, true
}

// equal is gnata's DeepEqual on two scalars: same type and same value.
func (a scalar) equal(b scalar) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case scalarString:
		return a.str == b.str
	case scalarNumber:
		return a.num == b.num
	case scalarBool:
		return a.b == b.b
	}
	return true // null = null
}
