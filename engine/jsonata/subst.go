package jsonata

import (
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"
)

// A Choice condition such as `$states.input.inventory.inStock = true and $orderId =
// $states.input.orderId` reads two small values of a large input, yet gnata needs $states
// decoded: the whole input, every time. Where a plain path on $states stands alone as an
// operand, its value is the same wherever it comes from, so the expression is compiled a
// second time with each such path replaced by a fresh variable; Eval binds the variable to
// just the value the path selects, found in the raw JSON (plainPath.resolve) and decoded
// alone. If any path is one the fast path cannot answer, Eval runs the original program.

// substituted is an expression's second program and the paths its variables stand for.
type substituted struct {
	prog  *gnata.Expression
	paths []*plainPath
	names []string // the fresh variables, without "$", parallel to paths
	vars  []string // the variables the second program names
	// statesFields is as Expr.statesFields, for the second program.
	statesFields []string
}

// substPrefix starts the fresh variables' names; an expression that holds it is left alone.
const substPrefix = "__sj"

// operandBefore are the tokens after which a path is a whole operand; operandAfter are the
// texts that can follow one (anything else — ".", "[", "(", "{", "^", "@", "#", "%", "~>", a
// comment — would make it part of something larger).
var (
	operandBefore = map[string]bool{"(": true, "[": true, "{": true, ",": true, ";": true, ":": true,
		"?": true, "=": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "+": true, "-": true,
		"*": true, "/": true, "&": true, "and": true, "or": true, "in": true}
	operandAfter = []string{")", "]", "}", ",", ";", "=", "!=", "<", ">", "+", "-", "*", "&", "?", "and", "or", "in"}
)

// substitute returns the second program of src, or nil when no path can be replaced or the
// expression binds variables of its own (which could shadow $states).
func substitute(src string, toks []token) *substituted {
	if strings.Contains(src, substPrefix) {
		return nil
	}
	for _, t := range toks {
		switch {
		case t.kind == tokOp && (t.text == ":=" || t.text == "@" || t.text == "#" || t.text == "|" || t.text == "~>"):
			return nil
		case t.kind == tokOperand && (t.text == "function" || t.text == "λ"):
			return nil
		}
	}
	var b strings.Builder
	sub := &substituted{}
	last := 0
	for i, t := range toks {
		if t.kind != tokVar || t.text != "states" {
			continue
		}
		if i > 0 && (toks[i-1].kind != tokOp || !operandBefore[toks[i-1].text]) {
			continue
		}
		p, rest := parsePathPrefix(src[t.pos:])
		if p == nil || len(p.steps) == 0 || p.steps[0].isIndex || !endsOperand(rest) {
			continue
		}
		end := len(src) - len(rest)
		for end > t.pos && strings.IndexByte(" \t\n\r", src[end-1]) >= 0 {
			end--
		}
		name := substPrefix + strconv.Itoa(len(sub.paths))
		b.WriteString(src[last:t.pos])
		b.WriteString("$" + name)
		last = end
		sub.paths = append(sub.paths, p)
		sub.names = append(sub.names, name)
	}
	if sub.paths == nil {
		return nil
	}
	b.WriteString(src[last:])
	rewritten := b.String()
	prog, err := gnata.Compile(rewritten)
	if err != nil {
		return nil
	}
	sub.prog = prog
	sc := scan(rewritten)
	if sc.syntaxErr != nil {
		return nil
	}
	sub.vars = sc.vars
	if !sc.statesAll {
		sub.statesFields = []string{}
		for f := range sc.statesField {
			sub.statesFields = append(sub.statesFields, f)
		}
	}
	return sub
}

// endsOperand reports whether rest, the text after a path, starts with something that ends an
// operand.
func endsOperand(rest string) bool {
	if rest == "" {
		return true
	}
	for _, op := range operandAfter {
		if strings.HasPrefix(rest, op) {
			if op[0] >= 'a' && op[0] <= 'z' && identEnd(rest, 0) != len(op) {
				return false // a name such as "order", not the operator "or"
			}
			return true
		}
	}
	return false
}

// bind resolves the substituted paths into vars; false when any cannot be answered from the
// raw JSON, and the original program must run.
func (s *substituted) bind(sc *Scope, vars map[string]any) bool {
	for i, p := range s.paths {
		text, found, handled, _ := p.resolve(sc)
		if !handled {
			return false
		}
		if !found {
			continue // unbound, as the path is undefined
		}
		v, err := decodeText(text)
		if err != nil {
			return false // the original reports the binding as gnata decodes it
		}
		vars[s.names[i]] = v
	}
	return true
}
