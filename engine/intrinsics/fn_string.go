package intrinsics

import (
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// States.Format(template, values...) replaces each "{}" in the template with the next value,
// printed as Java prints it (see appendJavaText). The number of "{}" must equal the number of
// values. In a literal template an escaped brace (\{ or \}) is a plain character, never part of
// a placeholder; a template read from a path is taken as it is.

// prepareFormat splits a literal template once, at parse time.
func prepareFormat(c *callNode) error {
	if lit, ok := c.args[0].(*literalNode); ok && lit.isString {
		if lit.escapedBraces {
			c.format = splitEscapedTemplate(lit.src)
		} else {
			c.format = strings.Split(lit.val.Str, "{}")
		}
	}
	return nil
}

// splitEscapedTemplate splits a quoted literal as written on its unescaped "{}" and decodes
// the pieces. The parser has already checked the escapes.
func splitEscapedTemplate(src string) []string {
	body := src[1 : len(src)-1]
	var pieces []string
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body):
			i++
			b.WriteByte(body[i])
		case c == '{' && i+1 < len(body) && body[i+1] == '}':
			pieces = append(pieces, b.String())
			b.Reset()
			i++
		default:
			b.WriteByte(c)
		}
	}
	return append(pieces, b.String())
}

func statesFormat(c *callNode, args []gjson.Result) ([]byte, error) {
	pieces := c.format
	if pieces == nil {
		tmpl, err := c.wantString(args, 0)
		if err != nil {
			return nil, err
		}
		pieces = strings.Split(tmpl, "{}")
	}
	values := args[1:]
	if len(pieces)-1 != len(values) {
		return nil, c.fail("the template has %d placeholder(s) {} but %d value(s) were given", len(pieces)-1, len(values))
	}
	var stack [256]byte
	text := append(stack[:0], pieces[0]...)
	for i, v := range values {
		text = appendJavaText(text, v)
		text = append(text, pieces[i+1]...)
	}
	return appendJSONString(make([]byte, 0, len(text)+8), text), nil
}

// States.StringSplit(string, delimiters) splits the string at every occurrence of any of the
// delimiter characters and drops empty pieces, as Java's StringTokenizer does: AWS's recorded
// "a,,,b" split on "," gives ["a", "b"], and its documentation splits "This.is+a,test=string"
// on ".+,=" into five words.
func statesStringSplit(c *callNode, args []gjson.Result) ([]byte, error) {
	s, err := c.wantString(args, 0)
	if err != nil {
		return nil, err
	}
	delims, err := c.wantString(args, 1)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(s)+16)
	out = append(out, '[')
	first := true
	emit := func(tok string) {
		if tok == "" {
			return
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendJSONString(out, tok)
	}
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if strings.ContainsRune(delims, r) {
			emit(s[start:i])
			start = i + size
		}
		i += size
	}
	emit(s[start:])
	return append(out, ']'), nil
}
