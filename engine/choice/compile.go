package choice

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/jsonpath"
)

// CompileError says why a rule is malformed. Location is a JSON pointer into the rule object
// given to Compile (such as "/And/1/NumericEquals"; empty for the rule itself), so a validator
// can prefix it with the rule's own place in the definition.
type CompileError struct {
	Location string
	Message  string
}

func (e *CompileError) Error() string {
	if e.Location == "" {
		return "choice rule: " + e.Message
	}
	return "choice rule at " + e.Location + ": " + e.Message
}

// Compile compiles one rule object of a definition's tree (asl.Parse): the rule the validator
// checked is the rule that runs, read once. A top-level rule may also hold "Next", "Assign" and
// "Comment", which Compile ignores (the interpreter reads them); nested rules may hold "Comment"
// only.
func Compile(rule *asl.Node) (*Rule, error) {
	return compileRule(rule, "", true)
}

// CompileJSON compiles one rule object given as JSON text, for callers that hold a rule alone
// (tests, tools); a definition's rules go through Compile.
func CompileJSON(rule []byte) (*Rule, error) {
	n, err := asl.Parse(rule)
	if err != nil {
		msg := "a choice rule must be a JSON object"
		var dup *asl.DuplicateError
		if errors.As(err, &dup) {
			return nil, &CompileError{dup.Object.Pointer(), msg + " with distinct field names"}
		}
		return nil, &CompileError{"", msg}
	}
	return Compile(n)
}

func compileRule(n *asl.Node, loc string, top bool) (*Rule, error) {
	if n == nil || n.Kind != asl.Object {
		return nil, &CompileError{loc, "a choice rule must be a JSON object"}
	}
	names := make([]string, 0, len(n.Members))
	for _, m := range n.Members {
		names = append(names, m.Key)
	}
	slices.Sort(names) // for stable messages

	var combinators, ops []string
	for _, name := range names {
		switch name {
		case "And", "Or", "Not":
			combinators = append(combinators, name)
		case "Variable", "Comment":
		case "Next", "Assign":
			if !top {
				return nil, &CompileError{loc + "/" + name, "a nested choice rule (inside And, Or or Not) may not hold " + name}
			}
		default:
			if _, ok := operators[name]; !ok {
				return nil, &CompileError{loc + "/" + name, "unknown field " + strconv.Quote(name) + " in a choice rule"}
			}
			ops = append(ops, name)
		}
	}

	if len(combinators) > 0 {
		if len(combinators) > 1 || len(ops) > 0 {
			return nil, &CompileError{loc, "a choice rule takes exactly one of And, Or, Not or a comparison operator, found " + strings.Join(append(combinators, ops...), ", ")}
		}
		if n.Has("Variable") {
			return nil, &CompileError{loc + "/Variable", "a choice rule with " + combinators[0] + " may not hold Variable"}
		}
		return compileCombinator(combinators[0], n.Get(combinators[0]), loc)
	}

	switch len(ops) {
	case 0:
		return nil, &CompileError{loc, "a choice rule needs a comparison operator (such as StringEquals or IsPresent) or And, Or, Not"}
	case 1:
	default:
		return nil, &CompileError{loc, "a choice rule takes exactly one comparison operator, found " + strings.Join(ops, ", ")}
	}
	name := ops[0]
	v := n.Get("Variable")
	if v == nil {
		return nil, &CompileError{loc, "a choice rule with " + name + " needs a Variable"}
	}
	variable, err := compilePath(v, loc+"/Variable")
	if err != nil {
		return nil, err
	}
	entry := operators[name]
	r := &Rule{kind: kindTest, variable: variable, op: entry.op}
	if entry.pathForm {
		r.operand, err = compilePath(n.Get(name), loc+"/"+name)
	} else {
		err = compileLiteral(&r.lit, entry.op, n.Get(name), loc+"/"+name)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func compileCombinator(name string, n *asl.Node, loc string) (*Rule, error) {
	loc += "/" + name
	if name == "Not" {
		if n.Kind != asl.Object {
			return nil, &CompileError{loc, "Not takes one choice rule (a JSON object)"}
		}
		sub, err := compileRule(n, loc, false)
		if err != nil {
			return nil, err
		}
		return &Rule{kind: kindNot, subs: []*Rule{sub}}, nil
	}
	if n.Kind != asl.Array || len(n.Items) == 0 {
		return nil, &CompileError{loc, name + " takes a non-empty array of choice rules"}
	}
	r := &Rule{kind: kindOr, subs: make([]*Rule, len(n.Items))}
	if name == "And" {
		r.kind = kindAnd
	}
	for i, item := range n.Items {
		sub, err := compileRule(item, loc+"/"+strconv.Itoa(i), false)
		if err != nil {
			return nil, err
		}
		r.subs[i] = sub
	}
	return r, nil
}

// compilePath compiles a Variable or a ...Path operand. Both must be Reference Paths: definite
// paths into the input ($...), the context object ($$...) or a variable ($name...).
func compilePath(n *asl.Node, loc string) (*jsonpath.Path, error) {
	s, ok := n.Str()
	if !ok {
		return nil, &CompileError{loc, "expected a path (a string starting with '$'), got " + string(n.Raw)}
	}
	if !strings.HasPrefix(s, "$") {
		return nil, &CompileError{loc, "value is not a Reference Path: " + strconv.Quote(s) + " does not start with '$'"}
	}
	p, err := jsonpath.Compile(s)
	if err != nil {
		return nil, &CompileError{loc, "invalid path " + strconv.Quote(s) + ": " + err.Error()}
	}
	if !p.Definite() {
		return nil, &CompileError{loc, "value is not a Reference Path: " + strconv.Quote(s) + " selects more than one value (wildcards, filters, slices, unions and '..' are not allowed)"}
	}
	return p, nil
}

// compileLiteral checks and decodes the literal comparand of op.
func compileLiteral(l *literal, op *operator, n *asl.Node, loc string) error {
	want := ""
	switch op.family {
	case famString, famMatches:
		s, ok := n.Str()
		if !ok {
			want = "a string"
			break
		}
		l.s = []byte(s)
		if op.family == famMatches {
			l.pat = compilePattern(s)
		}
	case famNumeric:
		var ok bool
		if n.Kind == asl.Number {
			l.n, ok = parseNumber(n.Raw)
		}
		if !ok {
			want = "a number"
		}
	case famTimestamp:
		s, ok := n.Str()
		if ok {
			l.t, ok = parseTimestamp([]byte(s))
		}
		if !ok {
			want = "a timestamp string such as \"2016-03-14T01:59:00Z\" (RFC 3339, uppercase T and Z)"
		}
	default: // BooleanEquals and the Is* tests
		if n.Kind != asl.Boolean {
			want = "true or false"
			break
		}
		l.b = n.Bool
	}
	if want != "" {
		return &CompileError{loc, op.name + " takes " + want + ", got " + string(n.Raw)}
	}
	return nil
}
