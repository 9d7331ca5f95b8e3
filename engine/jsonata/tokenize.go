package jsonata

import (
	"strings"
	"unicode/utf8"
)

// TokenKind says what a Token is.
type TokenKind int

const (
	// Operator is punctuation such as "." "(" ":=" "~>", and the words "and", "or", "in"
	// (unless TokenizeOptions.WordsAsNames).
	Operator TokenKind = iota
	// Name is a field name, plain or `quoted` (Text without the backquotes), or a number when
	// TokenizeOptions.Numbers is off.
	Name
	// Variable is a $variable; Text is its name without "$": "" for "$" and "$" for "$$".
	Variable
	// Literal is a string, a regular expression, or a number when TokenizeOptions.Numbers is
	// on; Text is its source text, delimiters included.
	Literal
)

// Token is one lexical token of a JSONata expression.
type Token struct {
	Kind TokenKind
	Text string
	Pos  int // byte offset of the token's first character in the source ("$" for a Variable)
}

// TokenizeOptions select the few places where callers want the text split differently. The
// zero value splits as the JSONata tokenizer does, except that a number is lexed as names and
// operators.
type TokenizeOptions struct {
	// Numbers lexes a number (digits, fraction, exponent) as one Literal.
	Numbers bool
	// Coalesce lexes "??" and "?:" as one Operator. JSONata 2.0.6 has neither, so a caller
	// that must reject them wants the "?" alone.
	Coalesce bool
	// DollarEndsName ends a name or variable at "$", so "a$b" is the name "a" and the variable
	// "b".
	DollarEndsName bool
	// WordsAsNames lexes "and", "or" and "in" as Names, leaving it to the caller to tell the
	// operator from a field of that name; a "/" after one is then division, not a regular
	// expression.
	WordsAsNames bool
}

// operatorChars end a name or variable token, as in the JSONata tokenizer.
const operatorChars = ".[]{}(),@#;:?+-*/%|=<>^&!~\"'`"

// Tokenize splits src into tokens as JSONata's tokenizer would (see TokenizeOptions), skipping
// whitespace and comments. It never fails: an unterminated comment or `name` ends the tokens,
// an unterminated string or regular expression runs to the end, and anything else becomes a
// Name for a parser to reject.
func Tokenize(src string, opts TokenizeOptions) []Token {
	var toks []Token
	// prevOperand: the previous token ended an operand, so "/" divides rather than starts a
	// regular expression.
	prevOperand := false
	nameEnd := func(i int) int {
		for i < len(src) {
			c := src[i]
			if isSpace(c) || strings.IndexByte(operatorChars, c) >= 0 || (c == '$' && opts.DollarEndsName) {
				break
			}
			i++
		}
		return i
	}
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case isSpace(c):
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
			toks = append(toks, Token{Kind: Literal, Text: src[start:min(i, len(src))], Pos: start})
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
			toks = append(toks, Token{Kind: Literal, Text: src[start:min(i, len(src))], Pos: start})
			prevOperand = true
		case c == '`':
			end := strings.IndexByte(src[i+1:], '`')
			if end < 0 {
				return toks
			}
			toks = append(toks, Token{Kind: Name, Text: src[i+1 : i+1+end], Pos: start})
			i += end + 2
			prevOperand = true
		case opts.Numbers && c >= '0' && c <= '9':
			i = numberEnd(src, i)
			toks = append(toks, Token{Kind: Literal, Text: src[start:i], Pos: start})
			prevOperand = true
		case c == '$':
			j := i + 1
			if j < len(src) && src[j] == '$' {
				toks = append(toks, Token{Kind: Variable, Text: "$", Pos: start})
				i = j + 1
				prevOperand = true
				continue
			}
			j = nameEnd(j)
			toks = append(toks, Token{Kind: Variable, Text: src[i+1 : j], Pos: start})
			i = j
			prevOperand = true
		case strings.IndexByte(operatorChars, c) >= 0:
			op := string(c)
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "..", ":=", "!=", ">=", "<=", "**", "~>":
					op = two
				case "??", "?:":
					if opts.Coalesce {
						op = two
					}
				}
			}
			toks = append(toks, Token{Kind: Operator, Text: op, Pos: start})
			i += len(op)
			// After a closing bracket an operand has ended; after any other operator a new one starts.
			prevOperand = op == ")" || op == "]" || op == "}"
		default:
			j := nameEnd(i)
			if j == i { // a lone byte we do not understand: step over its rune
				_, size := utf8.DecodeRuneInString(src[i:])
				j = i + size
			}
			word := src[i:j]
			i = j
			if !opts.WordsAsNames && (word == "and" || word == "or" || word == "in") {
				toks = append(toks, Token{Kind: Operator, Text: word, Pos: start})
				prevOperand = false
				continue
			}
			toks = append(toks, Token{Kind: Name, Text: word, Pos: start})
			prevOperand = true
		}
	}
	return toks
}

// numberEnd returns the index just past the number that starts with the digit at src[i]:
// digits, then "." and digits, then "e" or "E", an optional sign and digits.
func numberEnd(src string, i int) int {
	i++
	for i < len(src) && src[i] >= '0' && src[i] <= '9' {
		i++
	}
	if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
		i++
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	return i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
