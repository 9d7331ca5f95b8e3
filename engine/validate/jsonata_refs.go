package validate

import (
	"encoding/json"
	"strings"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/jsonata"
)

// CodeUnsupportedJSONata is AWS's code for an expression that parses but reads data a Step
// Functions expression cannot reach.
const CodeUnsupportedJSONata = "UNSUPPORTED_JSONATA_EXPRESSION"

// exprContext says which optional fields of $states exist where an expression sits.
type exprContext struct {
	result      bool // a Task, Map or Parallel state's own Output and Assign
	errorOutput bool // a Catcher's Output and Assign
}

// producesResult reports whether a state has a result for $states.result to read.
func producesResult(st *asl.Node) bool {
	switch st.Get("Type").Text {
	case "Task", "Map", "Parallel":
		return true
	}
	return false
}

// references reports what an expression that compiled reads but cannot: the input document at
// the top level (a bare name such as `phone`, or `$`), `$$` anywhere, and $states fields that do
// not exist where the expression sits. Each distinct name is reported once, in the order written.
func (c *checker) references(expr, loc string) {
	refs := topLevelRefs(expr)
	seen := map[string]bool{}
	for _, r := range refs {
		if seen[r] {
			continue
		}
		seen[r] = true
		switch r {
		case "$$":
			c.add(CodeUnsupportedJSONata, "Reference to '$$' is not supported.", loc)
		case "$states.result":
			if !c.exprCtx.result {
				c.add(CodeUnsupportedJSONata, "Field '$states.result' does not exist.", loc)
			}
		case "$states.errorOutput":
			if !c.exprCtx.errorOutput {
				c.add(CodeUnsupportedJSONata, "Field '$states.errorOutput' does not exist.", loc)
			}
		default:
			c.add(CodeUnsupportedJSONata, "Reference to '"+r+"' at the top level is not supported.", loc)
		}
	}
}

// refToken is one lexical token of a JSONata expression, as far as the reference walk needs.
type refToken struct {
	kind byte   // 'n' name, 'v' variable, 's' string, 'l' other literal, 'o' operator
	text string // name, variable name without "$" ("" for $, "$" for $$), string's value, or operator
}

// refFrame is an open bracket. top says whether a path starting inside it reads the top-level
// context: true inside blocks, array and object constructors, function arguments and lambda
// bodies written at the top level; false inside predicates, group-by, sort terms, path steps and
// transforms, which read the value before them.
type refFrame struct {
	closer byte
	top    bool
	lambda bool // a lambda's parameter list: its body keeps the defining context
	pipes  int  // transforms: "|" seen so far
}

// topLevelRefs walks the tokens of an expression that compiled and lists what it reads that AWS
// refuses: names and "$" at the head of a path in the top-level context, "$$", and the
// "$states.result" / "$states.errorOutput" fields, in the order they appear.
func topLevelRefs(expr string) []string {
	toks := refTokens(expr)
	var out []string
	stack := []refFrame{{top: true}}
	prevOperand := false // the previous token ended an operand, so "(" "[" "{" are postfix
	afterDot := false    // the previous token is the path operator "."
	stepOperand := false // the last operand was a path step (after ".")
	lambdaTop := false   // a lambda's parameter list just closed: "{" opens its body
	pendingBody := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		cur := &stack[len(stack)-1]
		switch t.kind {
		case 'n':
			if prevOperand && (t.text == "and" || t.text == "or" || t.text == "in") {
				prevOperand, afterDot = false, false
				continue
			}
			// "λ" is JSONata's shorthand for "function".
			if (t.text == "function" || t.text == "λ") && i+1 < len(toks) && toks[i+1].text == "(" {
				stack = append(stack, refFrame{closer: ')', top: cur.top, lambda: true})
				i++
				prevOperand, afterDot = false, false
				continue
			}
			if !afterDot && !prevOperand && cur.top && t.text != "true" && t.text != "false" && t.text != "null" {
				out = append(out, t.text)
			}
			stepOperand = afterDot
			prevOperand, afterDot = true, false
		case 'v':
			switch {
			case t.text == "$":
				out = append(out, "$$")
			case t.text == "" && !afterDot && !prevOperand && cur.top:
				out = append(out, "$")
			case t.text == "states" && i+2 < len(toks) && toks[i+1].text == "." && toks[i+2].kind == 'n':
				if f := toks[i+2].text; f == "result" || f == "errorOutput" {
					out = append(out, "$states."+f)
				}
			}
			stepOperand = afterDot
			prevOperand, afterDot = true, false
		case 's':
			// JSONata's parser turns a string in a path into a name: 'foo'.bar reads the field
			// foo of the context, as foo.bar does.
			if !afterDot && !prevOperand && cur.top && i+1 < len(toks) && toks[i+1].kind == 'o' && toks[i+1].text == "." {
				out = append(out, t.text)
			}
			stepOperand = afterDot
			prevOperand, afterDot = true, false
		case 'l':
			stepOperand = afterDot
			prevOperand, afterDot = true, false
		case 'o':
			switch t.text {
			case ".":
				prevOperand, afterDot = false, true
				continue
			case "(", "[", "{":
				f := refFrame{closer: map[string]byte{"(": ')', "[": ']', "{": '}'}[t.text]}
				switch {
				case t.text == "{" && pendingBody:
					f.top = lambdaTop
				case afterDot:
					f.top = false // a step: evaluated against each value before it
				case prevOperand && t.text == "(":
					f.top = cur.top && !stepOperand // arguments of a call
				case prevOperand:
					f.top = false // a predicate or a group-by
				default:
					f.top = cur.top // a block or a constructor
				}
				if t.text == "(" && i > 0 && toks[i-1].text == "^" {
					f.top = false // a sort term
				}
				stack = append(stack, f)
				pendingBody = false
				prevOperand, afterDot = false, false
				continue
			case ")", "]", "}":
				if len(stack) > 1 {
					closed := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if closed.lambda {
						pendingBody, lambdaTop = true, closed.top
						if i+1 < len(toks) && toks[i+1].text == "<" {
							i = skipSignature(toks, i+1)
						}
						prevOperand, afterDot = false, false
						continue
					}
				}
				stepOperand = false
				prevOperand, afterDot = true, false
				continue
			case "|":
				if cur.closer == '|' {
					cur.pipes++
					if cur.pipes == 2 {
						stack = stack[:len(stack)-1]
						prevOperand, afterDot = true, false
						continue
					}
				} else if !prevOperand {
					stack = append(stack, refFrame{closer: '|', top: false})
				}
			case "*", "**", "%":
				if !prevOperand {
					prevOperand, afterDot = true, false // a wildcard or the parent operator
					continue
				}
			}
			prevOperand, afterDot = false, false
		}
	}
	return out
}

// skipSignature skips a lambda's "<…>" type signature starting at toks[i] and returns the index
// of its closing ">".
func skipSignature(toks []refToken, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].text {
		case "<":
			depth++
		case ">":
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(toks) - 1
}

// refTokens splits an expression into names, variables, literals and operators, skipping
// comments, strings, numbers and regular expressions. A number is one literal, "??" and "?:"
// are one operator, "$" ends a name, and "and", "or" and "in" are names whose meaning
// topLevelRefs tells from context.
func refTokens(src string) []refToken {
	ts := jsonata.Tokenize(src, jsonata.TokenizeOptions{Numbers: true, Coalesce: true, DollarEndsName: true, WordsAsNames: true})
	toks := make([]refToken, len(ts))
	for i, t := range ts {
		switch t.Kind {
		case jsonata.Operator:
			toks[i] = refToken{kind: 'o', text: t.Text}
		case jsonata.Name:
			toks[i] = refToken{kind: 'n', text: t.Text}
		case jsonata.Variable:
			toks[i] = refToken{kind: 'v', text: t.Text}
		case jsonata.Literal:
			if v, ok := stringLiteral(t.Text); ok {
				toks[i] = refToken{kind: 's', text: v}
				continue
			}
			toks[i] = refToken{kind: 'l'}
		default:
			toks[i] = refToken{kind: 'l'}
		}
	}
	return toks
}

// stringLiteral returns the value of a JSONata string literal ('…' or "…", JSON escapes), and
// false for any other literal.
func stringLiteral(src string) (string, bool) {
	if len(src) < 2 || (src[0] != '\'' && src[0] != '"') || src[len(src)-1] != src[0] {
		return "", false
	}
	inner := src[1 : len(src)-1]
	if !strings.Contains(inner, "\\") {
		return inner, true
	}
	var v string
	if json.Unmarshal([]byte(`"`+strings.ReplaceAll(inner, `\'`, "'")+`"`), &v) != nil {
		return inner, true
	}
	return v, true
}
