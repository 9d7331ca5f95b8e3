package jsonata

import (
	"strings"
	"unicode/utf8"
)

// scanResult is what a lexical pass over an expression tells us before gnata evaluates it:
// which $variables it names (so Eval decodes only those bindings), which parts of $states it
// reads, and whether it uses an operator JSONata 2.0.6 (the version AWS runs) does not have.
type scanResult struct {
	vars        []string        // distinct variable names, without "$", in order of appearance
	statesAll   bool            // $states used other than as "$states.<field>"
	statesField map[string]bool // fields read as "$states.<field>"
	syntaxErr   *syntaxError    // first construct JSONata 2.0.6 rejects that gnata accepts
}

type syntaxError struct {
	code  string
	token string
}

// operatorChars end a name or variable token, as in the JSONata tokenizer.
const operatorChars = ".[]{}(),@#;:?+-*/%|=<>^&!~\"'`"

type tokKind int

const (
	tokOp tokKind = iota
	tokOperand
	tokVar
)

type token struct {
	kind tokKind
	text string // operator text, or variable name (without "$")
	pos  int    // a variable's offset in the source
}

// scan tokenizes src just far enough to find variables and operators. It never fails: text it
// cannot make sense of is left for gnata's parser to report.
func scan(src string) scanResult {
	toks := tokenize(src)
	res := scanResult{}
	seen := map[string]bool{}
	for i, t := range toks {
		switch t.kind {
		case tokVar:
			if t.text == "" || t.text == "$" {
				continue
			}
			if !seen[t.text] {
				seen[t.text] = true
				res.vars = append(res.vars, t.text)
			}
			if t.text == "states" {
				if i+2 < len(toks) && toks[i+1].kind == tokOp && toks[i+1].text == "." && toks[i+2].kind == tokOperand && toks[i+2].text != "" {
					if res.statesField == nil {
						res.statesField = map[string]bool{}
					}
					res.statesField[toks[i+2].text] = true
				} else {
					res.statesAll = true
				}
			}
		case tokOp:
			// JSONata 2.0.6 has no "?:" (Elvis) or "??" (coalescing) operator: after "?" its
			// parser reads a new expression, and "?" or ":" cannot start one.
			if t.text == "?" && res.syntaxErr == nil && i+1 < len(toks) && toks[i+1].kind == tokOp {
				if n := toks[i+1].text; n == "?" || n == ":" {
					res.syntaxErr = &syntaxError{code: "S0211", token: n}
				}
			}
		}
	}
	return res
}

// tokenize splits src into operators, operands and variables, skipping strings, comments and
// regular expressions. Operand tokens carry their text only for plain names.
func tokenize(src string) []token {
	var toks []token
	prevOperand := false
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += end + 4
		case c == '/' && !prevOperand:
			// A regular expression literal: up to the next unescaped "/", then flags.
			i++
			for i < len(src) && src[i] != '/' {
				if src[i] == '\\' {
					i++
				}
				i++
			}
			i++
			for i < len(src) && (src[i] == 'i' || src[i] == 'm') {
				i++
			}
			toks = append(toks, token{kind: tokOperand})
			prevOperand = true
		case c == '"' || c == '\'':
			i++
			for i < len(src) && src[i] != c {
				if src[i] == '\\' {
					i++
				}
				i++
			}
			i++
			toks = append(toks, token{kind: tokOperand})
			prevOperand = true
		case c == '`':
			end := strings.IndexByte(src[i+1:], '`')
			if end < 0 {
				return toks
			}
			toks = append(toks, token{kind: tokOperand, text: src[i+1 : i+1+end]})
			i += end + 2
			prevOperand = true
		case c == '$':
			j := i + 1
			if j < len(src) && src[j] == '$' {
				toks = append(toks, token{kind: tokVar, text: "$"})
				i = j + 1
				prevOperand = true
				continue
			}
			j = nameEnd(src, j)
			toks = append(toks, token{kind: tokVar, text: src[i+1 : j], pos: i})
			i = j
			prevOperand = true
		case strings.IndexByte(operatorChars, c) >= 0:
			op := string(c)
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "..", ":=", "!=", ">=", "<=", "**", "~>":
					op = two
				}
			}
			toks = append(toks, token{kind: tokOp, text: op})
			i += len(op)
			// After a closing bracket an operand has ended; after any other operator a new one starts.
			prevOperand = op == ")" || op == "]" || op == "}"
		default:
			j := nameEnd(src, i)
			if j == i { // a lone byte we do not understand: step over its rune
				_, size := utf8.DecodeRuneInString(src[i:])
				j = i + size
			}
			word := src[i:j]
			i = j
			if word == "and" || word == "or" || word == "in" {
				toks = append(toks, token{kind: tokOp, text: word})
				prevOperand = false
				continue
			}
			toks = append(toks, token{kind: tokOperand, text: word})
			prevOperand = true
		}
	}
	return toks
}

// nameEnd returns the index just past the name that starts at i.
func nameEnd(src string, i int) int {
	for i < len(src) {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || strings.IndexByte(operatorChars, c) >= 0 {
			break
		}
		i++
	}
	return i
}
