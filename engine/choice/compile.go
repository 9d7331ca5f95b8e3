package choice

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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

// Compile compiles one rule object given as raw JSON. A top-level rule may also hold "Next",
// "Assign" and "Comment", which Compile ignores (the interpreter reads them); nested rules may
// hold "Comment" only.
func Compile(rule []byte) (*Rule, error) {
	return compileRule(rule, "", true)
}

func compileRule(raw []byte, loc string, top bool) (*Rule, error) {
	var fields map[string]jsontext.Value
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		msg := "a choice rule must be a JSON object"
		if errors.Is(err, jsontext.ErrDuplicateName) {
			msg += " with distinct field names"
		}
		return nil, &CompileError{loc, msg}
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
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
		if _, ok := fields["Variable"]; ok {
			return nil, &CompileError{loc + "/Variable", "a choice rule with " + combinators[0] + " may not hold Variable"}
		}
		return compileCombinator(combinators[0], fields[combinators[0]], loc)
	}

	switch len(ops) {
	case 0:
		return nil, &CompileError{loc, "a choice rule needs a comparison operator (such as StringEquals or IsPresent) or And, Or, Not"}
	case 1:
	default:
		return nil, &CompileError{loc, "a choice rule takes exactly one comparison operator, found " + strings.Join(ops, ", ")}
	}
	name := ops[0]
	rawVar, ok := fields["Variable"]
	if !ok {
		return nil, &CompileError{loc, "a choice rule with " + name + " needs a Variable"}
	}
	variable, err := compilePath(rawVar, loc+"/Variable")
	if err != nil {
		return nil, err
	}
	entry := operators[name]
	r := &Rule{kind: kindTest, variable: variable, op: entry.op}
	if entry.pathForm {
		r.operand, err = compilePath(fields[name], loc+"/"+name)
	} else {
		err = compileLiteral(&r.lit, entry.op, fields[name], loc+"/"+name)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func compileCombinator(name string, raw jsontext.Value, loc string) (*Rule, error) {
	loc += "/" + name
	if name == "Not" {
		if raw.Kind() != '{' {
			return nil, &CompileError{loc, "Not takes one choice rule (a JSON object)"}
		}
		sub, err := compileRule(raw, loc, false)
		if err != nil {
			return nil, err
		}
		return &Rule{kind: kindNot, subs: []*Rule{sub}}, nil
	}
	var items []jsontext.Value
	if raw.Kind() != '[' || json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return nil, &CompileError{loc, name + " takes a non-empty array of choice rules"}
	}
	r := &Rule{kind: kindOr, subs: make([]*Rule, len(items))}
	if name == "And" {
		r.kind = kindAnd
	}
	for i, item := range items {
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
func compilePath(raw jsontext.Value, loc string) (*jsonpath.Path, error) {
	var s string
	if raw.Kind() != '"' || json.Unmarshal(raw, &s) != nil {
		return nil, &CompileError{loc, "expected a path (a string starting with '$'), got " + string(raw)}
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
func compileLiteral(l *literal, op *operator, raw jsontext.Value, loc string) error {
	want := ""
	switch op.family {
	case famString, famMatches:
		var s string
		if raw.Kind() != '"' || json.Unmarshal(raw, &s) != nil {
			want = "a string"
			break
		}
		l.s = []byte(s)
		if op.family == famMatches {
			l.pat = compilePattern(s)
		}
	case famNumeric:
		var ok bool
		if raw.Kind() == '0' {
			l.n, ok = parseNumber(trimSpace(raw))
		}
		if !ok {
			want = "a number"
		}
	case famTimestamp:
		var s string
		var ok bool
		if raw.Kind() == '"' && json.Unmarshal(raw, &s) == nil {
			l.t, ok = parseTimestamp([]byte(s))
		}
		if !ok {
			want = "a timestamp string such as \"2016-03-14T01:59:00Z\" (RFC 3339, uppercase T and Z)"
		}
	default: // BooleanEquals and the Is* tests
		if k := raw.Kind(); k != 't' && k != 'f' {
			want = "true or false"
			break
		}
		l.b = raw.Kind() == 't'
	}
	if want != "" {
		return &CompileError{loc, op.name + " takes " + want + ", got " + string(trimSpace(raw))}
	}
	return nil
}
