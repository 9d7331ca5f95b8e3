package intrinsics

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine/jsonpath"
)

// maxDepth bounds how deeply calls may nest. AWS documents "up to 10" nested intrinsics per
// field without saying how it counts them, so the parser only refuses nesting far beyond that,
// which keeps a hostile definition from exhausting the stack.
const maxDepth = 64

// ParseError says why an intrinsic call could not be parsed and where: Pos is the 1-based
// character (not byte) position in Expr at which the problem was found.
type ParseError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call %q: %s at character %d", e.Expr, e.Msg, e.Pos)
}

// parser is a hand-written recursive-descent parser over the call's text. The language is
// small (calls, quoted strings, numbers, literals and JSONPaths), so a separate lexer would only
// add a token type without making anything clearer.
type parser struct {
	src string
	pos int // byte offset of the next unread character
}

func (p *parser) errorf(at int, format string, args ...any) error {
	return &ParseError{Expr: p.src, Pos: utf8.RuneCountInString(p.src[:at]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for !p.eof() && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

// describe names the character at offset i for an error message.
func (p *parser) describe(i int) string {
	if i >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	return fmt.Sprintf("%q", r)
}

// parseCall parses "States.Name(arg, ...)" starting at p.pos.
func (p *parser) parseCall(depth int) (*callNode, error) {
	start := p.pos
	if depth > maxDepth {
		return nil, p.errorf(start, "intrinsic functions nested more than %d deep", maxDepth)
	}
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return nil, p.errorf(start, "expected an intrinsic function name (States.X), found %s", p.describe(start))
	}
	p.pos += len("States.")
	for !p.eof() && isNameChar(p.peek()) {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn := functions[name]
	if fn == nil {
		return nil, p.errorf(start, "unknown intrinsic function %q", name)
	}
	if p.peek() != '(' {
		return nil, p.errorf(p.pos, "expected '(' after %s, found %s", name, p.describe(p.pos))
	}
	p.pos++
	call := &callNode{fn: fn}
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			arg, err := p.parseArg(depth)
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, arg)
			p.skipSpace()
			c := p.peek()
			if c == ',' {
				p.pos++
				continue
			}
			if c == ')' {
				p.pos++
				break
			}
			return nil, p.errorf(p.pos, "expected ',' or ')' after argument %d of %s, found %s", len(call.args), name, p.describe(p.pos))
		}
	}
	if err := fn.checkArity(len(call.args)); err != nil {
		return nil, p.errorf(start, "%s", err)
	}
	if fn.prepare != nil {
		if err := fn.prepare(call); err != nil {
			return nil, p.errorf(start, "%s", err)
		}
	}
	return call, nil
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// parseArg parses one argument: a nested call, a string, a number, true/false/null or a path.
func (p *parser) parseArg(depth int) (node, error) {
	start := p.pos
	c := p.peek()
	switch {
	case c == '\'':
		return p.parseString()
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber()
	case c == '$':
		return p.parsePath()
	case strings.HasPrefix(p.src[p.pos:], "States."):
		return p.parseCall(depth + 1)
	case c >= 'a' && c <= 'z':
		for _, kw := range [...]string{"true", "false", "null"} {
			if strings.HasPrefix(p.src[p.pos:], kw) && p.endsToken(p.pos+len(kw)) {
				p.pos += len(kw)
				return newLiteral(kw, kw), nil
			}
		}
	case c == ')' || c == ',':
		return nil, p.errorf(start, "missing argument")
	case c == 0 && p.eof():
		return nil, p.errorf(start, "unexpected end of input, expected an argument")
	case c == '"':
		return nil, p.errorf(start, "string literals must be in single quotes")
	}
	return nil, p.errorf(start, "unexpected %s, expected an argument (a 'string', a number, true, false, null, a path or a States. call)", p.describe(start))
}

// endsToken reports whether a literal token ending at i is followed by a delimiter.
func (p *parser) endsToken(i int) bool {
	return i >= len(p.src) || isSpace(p.src[i]) || p.src[i] == ',' || p.src[i] == ')'
}

// parseString parses a single-quoted literal. AWS reserves ' { } and \ inside it: \' \{ \} and
// \\ stand for the character itself, and any other backslash is an error (AWS rejects the
// definition). { and } may also appear unescaped; an unescaped "{}" is a States.Format
// placeholder, so the literal remembers which braces were escaped.
func (p *parser) parseString() (node, error) {
	start := p.pos
	p.pos++ // opening quote
	var b strings.Builder
	escapedBraces := false
	for {
		if p.eof() {
			return nil, p.errorf(start, "unterminated string literal")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			lit := newStringLiteral(p.src[start:p.pos], b.String())
			lit.escapedBraces = escapedBraces
			return lit, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return nil, p.errorf(p.pos, "unterminated escape sequence in string literal")
			}
			e := p.src[p.pos+1]
			switch e {
			case '\'', '\\':
				b.WriteByte(e)
			case '{', '}':
				b.WriteByte(e)
				escapedBraces = true
			default:
				return nil, p.errorf(p.pos, "invalid escape sequence '\\%c' in string literal (only \\' \\{ \\} and \\\\ are allowed)", e)
			}
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// parseNumber parses a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) parseNumber() (node, error) {
	start := p.pos
	i := p.pos
	s := p.src
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if s[i] == '-' {
		i++
	}
	intStart := i
	n := digits()
	if n == 0 {
		return nil, p.errorf(intStart, "invalid number: expected a digit, found %s", p.describe(intStart))
	}
	if n > 1 && s[intStart] == '0' {
		return nil, p.errorf(intStart, "invalid number: leading zero")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return nil, p.errorf(i, "invalid number: expected a digit after '.', found %s", p.describe(i))
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, p.errorf(i, "invalid number: expected a digit in the exponent, found %s", p.describe(i))
		}
	}
	if !p.endsToken(i) {
		return nil, p.errorf(i, "invalid number: unexpected %s", p.describe(i))
	}
	p.pos = i
	return newLiteral(s[start:i], s[start:i]), nil
}

// parsePath takes the text of a JSONPath argument up to the ',' or ')' that ends it (ignoring
// those inside brackets, parentheses and quotes, where filters and quoted names put them) and
// compiles it.
func (p *parser) parsePath() (node, error) {
	start := p.pos
	s := p.src
	i := p.pos
	depth := 0
	var quote byte
scan:
	for ; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			switch c {
			case '\\':
				i++
			case quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '[', '(':
			depth++
		case ']', ')':
			if depth == 0 {
				break scan // the call's closing parenthesis
			}
			depth--
		case ',':
			if depth == 0 {
				break scan
			}
		}
	}
	if quote != 0 {
		return nil, p.errorf(start, "unterminated quoted name in path")
	}
	end := i
	for end > start && isSpace(s[end-1]) {
		end--
	}
	text := s[start:end]
	path, err := jsonpath.Compile(text)
	if err != nil {
		return nil, p.errorf(start, "invalid JSONPath %q: %v", text, err)
	}
	p.pos = end
	return &pathNode{path: path, src: text}, nil
}
