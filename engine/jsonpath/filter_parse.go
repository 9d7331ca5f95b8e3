package jsonpath

import (
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// Filter expressions follow Jayway JsonPath, which AWS uses:
//
//	or      := and ('||' and)*
//	and     := unary ('&&' unary)*
//	unary   := '!' unary | '(' or ')' | relation
//	relation:= operand (op operand)?      an operand alone is an existence test
//	operand := @path | $path | number | 'string' | "string" | true | false | null
//	           | /regex/flags | [literal, ...]
//	op      := == != < <= > >= =~ in nin subsetof anyof noneof contains size empty

// expr is a compiled filter expression.
type expr interface {
	test(cur, root gjson.Result) bool
}

type orExpr struct{ l, r expr }
type andExpr struct{ l, r expr }
type notExpr struct{ e expr }
type constExpr struct{ v bool }
type existsExpr struct{ o *operand }
type relExpr struct {
	op   string
	l, r *operand
}

// operand is one side of a relation: a path (relative to @ or to $) or a literal.
type operand struct {
	path     bool
	abs      bool // $... rather than @...
	segs     []segment
	definite bool
	lit      gjson.Result   // literal value (Exists() true)
	re       *regexp.Regexp // /regex/ literal
}

func (ps *parser) parseOr() (expr, error) {
	l, err := ps.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		ps.skipSpace()
		if !strings.HasPrefix(ps.src[ps.pos:], "||") {
			return l, nil
		}
		ps.pos += 2
		r, err := ps.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &orExpr{l, r}
	}
}

func (ps *parser) parseAnd() (expr, error) {
	l, err := ps.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		ps.skipSpace()
		if !strings.HasPrefix(ps.src[ps.pos:], "&&") {
			return l, nil
		}
		ps.pos += 2
		r, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &andExpr{l, r}
	}
}

func (ps *parser) parseUnary() (expr, error) {
	ps.skipSpace()
	switch ps.peek() {
	case '!':
		if strings.HasPrefix(ps.src[ps.pos:], "!=") {
			return nil, ps.errf(ps.pos, "'!=' needs a left operand")
		}
		ps.pos++
		e, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		return &notExpr{e}, nil
	case '(':
		open := ps.pos
		ps.pos++
		e, err := ps.parseOr()
		if err != nil {
			return nil, err
		}
		ps.skipSpace()
		if ps.peek() != ')' {
			return nil, ps.errf(open, "unclosed '('")
		}
		ps.pos++
		return e, nil
	}
	return ps.parseRelation()
}

// relational operators, longest first so that "<=" is not read as "<".
var relOps = []string{"==", "!=", "<=", ">=", "=~", "<", ">", "subsetof", "anyof", "noneof", "contains", "size", "empty", "nin", "in"}

func (ps *parser) parseRelation() (expr, error) {
	start := ps.pos
	l, err := ps.parseOperand()
	if err != nil {
		return nil, err
	}
	ps.skipSpace()
	op := ""
	for _, o := range relOps {
		if strings.HasPrefix(ps.src[ps.pos:], o) {
			if isWordOp(o) && ps.pos+len(o) < len(ps.src) && isWordChar(ps.src[ps.pos+len(o)]) {
				continue
			}
			op = o
			break
		}
	}
	if op == "" {
		if rest := ps.src[ps.pos:]; rest != "" && rest[0] != ')' && !strings.HasPrefix(rest, "&&") && !strings.HasPrefix(rest, "||") {
			return nil, ps.errf(ps.pos, "expected an operator such as '==' after the operand")
		}
		switch {
		case l.path:
			return &existsExpr{l}, nil
		case l.re == nil && l.lit.Type == gjson.True:
			return &constExpr{true}, nil
		case l.re == nil && l.lit.Type == gjson.False:
			return &constExpr{false}, nil
		}
		if ps.eof() {
			return nil, ps.errf(start, "unfinished filter expression")
		}
		return nil, ps.errf(ps.pos, "expected an operator such as '==' after the operand")
	}
	ps.pos += len(op)
	r, err := ps.parseOperand()
	if err != nil {
		return nil, err
	}
	if op == "=~" && r.re == nil && l.re == nil {
		return nil, ps.errf(start, "'=~' needs a /regex/ operand")
	}
	return &relExpr{op: op, l: l, r: r}, nil
}

func isWordOp(o string) bool { return o[0] >= 'a' && o[0] <= 'z' }

func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (ps *parser) parseOperand() (*operand, error) {
	ps.skipSpace()
	if ps.eof() {
		return nil, ps.errf(ps.pos, "expected an operand")
	}
	switch c := ps.peek(); {
	case c == '@' || c == '$':
		ps.pos++
		abs := c == '$'
		if abs && ps.peek() == '$' {
			return nil, ps.errf(ps.pos-1, "'$$' cannot be used inside a filter")
		}
		segs, err := ps.parseSegments(true)
		if err != nil {
			return nil, err
		}
		if !isWordBoundary(ps.peek()) {
			return nil, ps.errf(ps.pos, "unexpected %q in a filter path", string(rune(ps.peek())))
		}
		return &operand{path: true, abs: abs, segs: segs, definite: segsDefinite(segs)}, nil
	case c == '/':
		return ps.parseRegex()
	default:
		start := ps.pos
		raw, err := ps.parseLiteral()
		if err != nil {
			return nil, err
		}
		if !gjson.Valid(raw) {
			return nil, ps.errf(start, "invalid literal %q", ps.src[start:ps.pos])
		}
		return &operand{lit: gjson.Parse(raw)}, nil
	}
}

// isWordBoundary reports whether c may follow a path inside a filter.
func isWordBoundary(c byte) bool {
	return c == 0 || isSpace(c) || strings.IndexByte("=!<>&|~)", c) >= 0
}

// parseLiteral reads a literal and returns it as raw JSON.
func (ps *parser) parseLiteral() (string, error) {
	start := ps.pos
	switch c := ps.peek(); {
	case c == '\'' || c == '"':
		s, err := ps.parseQuoted()
		if err != nil {
			return "", err
		}
		return string(gjson.AppendJSONString(nil, s)), nil
	case c == '[':
		ps.pos++
		var b strings.Builder
		b.WriteByte('[')
		ps.skipSpace()
		if ps.peek() == ']' {
			ps.pos++
			return "[]", nil
		}
		for {
			ps.skipSpace()
			v, err := ps.parseLiteral()
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			ps.skipSpace()
			if ps.peek() == ',' {
				ps.pos++
				b.WriteByte(',')
				continue
			}
			if ps.peek() != ']' {
				return "", ps.errf(start, "unclosed '[' in a literal list")
			}
			ps.pos++
			b.WriteByte(']')
			return b.String(), nil
		}
	case c == '{': // a JSON object literal, written in JSON
		depth := 0
		for ps.pos < len(ps.src) {
			switch ps.src[ps.pos] {
			case '"':
				ps.pos++
				for ps.pos < len(ps.src) && ps.src[ps.pos] != '"' {
					if ps.src[ps.pos] == '\\' {
						ps.pos++
					}
					ps.pos++
				}
			case '{':
				depth++
			case '}':
				depth--
			}
			ps.pos++
			if depth == 0 {
				return ps.src[start:ps.pos], nil
			}
		}
		return "", ps.errf(start, "unclosed '{' in an object literal")
	case c == '-' || c >= '0' && c <= '9':
		ps.pos++
		for ps.pos < len(ps.src) && strings.IndexByte("0123456789.eE+-", ps.src[ps.pos]) >= 0 {
			ps.pos++
		}
		return ps.src[start:ps.pos], nil
	default:
		for _, w := range []string{"true", "false", "null"} {
			if strings.HasPrefix(ps.src[ps.pos:], w) && (ps.pos+len(w) == len(ps.src) || !isWordChar(ps.src[ps.pos+len(w)])) {
				ps.pos += len(w)
				return w, nil
			}
		}
		return "", ps.errf(ps.pos, "unexpected %q in filter (expected @, $ or a literal)", string(rune(c)))
	}
}

// parseRegex reads /pattern/flags. Jayway matches the whole input (Java's Matcher.matches), so
// the pattern is anchored; flags i, m and s map to Go's.
func (ps *parser) parseRegex() (*operand, error) {
	open := ps.pos
	ps.pos++
	var b strings.Builder
	for {
		if ps.eof() {
			return nil, ps.errf(open, "unclosed regular expression")
		}
		c := ps.src[ps.pos]
		if c == '\\' && ps.pos+1 < len(ps.src) && ps.src[ps.pos+1] == '/' {
			b.WriteByte('/')
			ps.pos += 2
			continue
		}
		if c == '/' {
			ps.pos++
			break
		}
		b.WriteByte(c)
		ps.pos++
	}
	flags := ""
	for ps.pos < len(ps.src) && strings.IndexByte("imsx", ps.src[ps.pos]) >= 0 {
		if ps.src[ps.pos] != 'x' && !strings.Contains(flags, ps.src[ps.pos:ps.pos+1]) {
			flags += ps.src[ps.pos : ps.pos+1]
		}
		ps.pos++
	}
	pat := "^(?:" + b.String() + ")$"
	if flags != "" {
		pat = "(?" + flags + ")" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, ps.errf(open, "bad regular expression: %v", err)
	}
	return &operand{re: re}, nil
}
