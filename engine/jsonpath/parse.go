package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// segKind is the kind of one step of a compiled path.
type segKind uint8

const (
	segKey      segKind = iota // .a or ['a']: one object member
	segKeys                    // ['a','b']: several object members
	segIndex                   // [0] or [-1]: one array element
	segIndexes                 // [0,2]: several array elements
	segWildcard                // .* or [*]: every member or element
	segSlice                   // [1:3], [:2], [-2:]
	segFilter                  // [?(...)]
	segScan                    // ..: the next step applies to every node of the subtree
)

// segment is one step of a compiled path. Only the fields its kind needs are set.
type segment struct {
	kind    segKind
	key     string   // segKey
	gkey    string   // segKey: key escaped for a gjson path component
	keys    []string // segKeys
	index   int      // segIndex
	gindex  string   // segIndex >= 0: the index as a gjson path component
	indexes []int    // segIndexes
	from    int      // segSlice
	to      int      // segSlice
	hasFrom bool     // segSlice
	hasTo   bool     // segSlice
	filter  expr     // segFilter
	fsrc    string   // segFilter: source text, for String renderings
}

// SyntaxError says what is wrong with a JSONPath and at which character (0-based offset).
type SyntaxError struct {
	Path   string
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSONPath %q: %s at character %d", e.Path, e.Msg, e.Offset)
}

// parser reads one path (or one filter expression) from src.
type parser struct {
	src string
	pos int
}

func (ps *parser) errf(off int, format string, args ...any) error {
	return &SyntaxError{Path: ps.src, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (ps *parser) eof() bool { return ps.pos >= len(ps.src) }

func (ps *parser) peek() byte {
	if ps.pos < len(ps.src) {
		return ps.src[ps.pos]
	}
	return 0
}

func (ps *parser) skipSpace() {
	for ps.pos < len(ps.src) && isSpace(ps.src[ps.pos]) {
		ps.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseRoot reads "$$", "$name" or "$" and reports which root it is.
func (ps *parser) parseRoot() (Root, string, error) {
	if ps.peek() != '$' {
		return 0, "", ps.errf(ps.pos, "a path must start with '$'")
	}
	ps.pos++
	if ps.peek() == '$' {
		ps.pos++
		return RootContext, "", nil
	}
	start := ps.pos
	for ps.pos < len(ps.src) {
		r, n := utf8.DecodeRuneInString(ps.src[ps.pos:])
		if r == '_' || unicode.IsLetter(r) || (ps.pos > start && unicode.IsDigit(r)) {
			ps.pos += n
			continue
		}
		break
	}
	if ps.pos == start {
		return RootInput, "", nil
	}
	return RootVariable, ps.src[start:ps.pos], nil
}

// parseSegments reads steps until the end of the source or, inside a filter (inFilter), until a
// character that cannot continue a path.
func (ps *parser) parseSegments(inFilter bool) ([]segment, error) {
	var segs []segment
	for !ps.eof() {
		c := ps.peek()
		switch {
		case c == '.' && strings.HasPrefix(ps.src[ps.pos:], ".."):
			at := ps.pos
			ps.pos += 2
			segs = append(segs, segment{kind: segScan})
			switch ps.peek() {
			case '[':
				s, err := ps.parseBracket()
				if err != nil {
					return nil, err
				}
				segs = append(segs, s)
			case '*':
				ps.pos++
				segs = append(segs, segment{kind: segWildcard})
			default:
				name, err := ps.parseName(inFilter)
				if err != nil {
					return nil, err
				}
				if name == "" {
					return nil, ps.errf(at, "'..' must be followed by a name, '*' or '['")
				}
				segs = append(segs, keySeg(name))
			}
		case c == '.':
			at := ps.pos
			ps.pos++
			switch ps.peek() {
			case '[': // "$.[0]" and "$.['a']" are accepted as "$[0]" and "$['a']"
				s, err := ps.parseBracket()
				if err != nil {
					return nil, err
				}
				segs = append(segs, s)
			case '*':
				ps.pos++
				segs = append(segs, segment{kind: segWildcard})
			case '\'', '"': // $.'key' reads as $['key'], as in Jayway
				name, err := ps.parseQuoted()
				if err != nil {
					return nil, err
				}
				segs = append(segs, keySeg(name))
			default:
				name, err := ps.parseName(inFilter)
				if err != nil {
					return nil, err
				}
				if name == "" {
					if ps.eof() {
						return nil, ps.errf(at, "a path must not end with '.'")
					}
					return nil, ps.errf(ps.pos, "unexpected %q after '.'", ps.src[ps.pos:ps.pos+1])
				}
				segs = append(segs, keySeg(name))
			}
		case c == '[':
			s, err := ps.parseBracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, s)
		default:
			if inFilter {
				return segs, nil
			}
			return nil, ps.errf(ps.pos, "unexpected %q (expected '.' or '[')", string(rune(c)))
		}
	}
	return segs, nil
}

func keySeg(name string) segment {
	return segment{kind: segKey, key: name, gkey: gjsonEscape(name)}
}

func indexSeg(i int) segment {
	s := segment{kind: segIndex, index: i}
	if i >= 0 {
		s.gindex = strconv.Itoa(i)
	}
	return s
}

// parseName reads a member name in dot notation. It ends at '.', '[', whitespace, or (inside a
// filter) at a character that starts an operator.
func (ps *parser) parseName(inFilter bool) (string, error) {
	start := ps.pos
	for ps.pos < len(ps.src) {
		c := ps.src[ps.pos]
		if c == '.' || c == '[' || isSpace(c) {
			break
		}
		if c == '(' && !inFilter && ps.pos > start {
			// A function call such as .length(): AWS's JSONPath has no functions and reads the
			// call as a member name, so the definition is accepted and the path fails when it
			// runs ("Property ['length()'] not found"), as AWS does.
			if end := strings.IndexByte(ps.src[ps.pos:], ')'); end >= 0 {
				ps.pos += end + 1
				continue
			}
		}
		if c == ']' || c == '(' || c == ')' || c == '\'' || c == '"' || c == '*' || c == ',' {
			if inFilter && c != '*' && c != '\'' && c != '"' {
				break
			}
			return "", ps.errf(ps.pos, "unexpected %q in a name", string(rune(c)))
		}
		if inFilter && strings.IndexByte("=!<>&|~", c) >= 0 {
			break
		}
		ps.pos++
	}
	return ps.src[start:ps.pos], nil
}

// parseBracket reads "[...]": a wildcard, quoted names, indexes, a slice or a filter.
func (ps *parser) parseBracket() (segment, error) {
	open := ps.pos
	ps.pos++ // '['
	ps.skipSpace()
	if ps.eof() {
		return segment{}, ps.errf(open, "unclosed '['")
	}
	var seg segment
	switch c := ps.peek(); {
	case c == '*':
		ps.pos++
		seg = segment{kind: segWildcard}
	case c == '\'' || c == '"':
		var keys []string
		for {
			ps.skipSpace()
			if q := ps.peek(); q != '\'' && q != '"' {
				return segment{}, ps.errf(ps.pos, "expected a quoted name")
			}
			k, err := ps.parseQuoted()
			if err != nil {
				return segment{}, err
			}
			keys = append(keys, k)
			ps.skipSpace()
			if ps.peek() != ',' {
				break
			}
			ps.pos++
		}
		if len(keys) == 1 {
			seg = keySeg(keys[0])
		} else {
			seg = segment{kind: segKeys, keys: keys}
		}
	case c == '?':
		ps.pos++
		ps.skipSpace()
		if ps.peek() != '(' {
			return segment{}, ps.errf(ps.pos, "expected '(' after '?'")
		}
		fstart := ps.pos
		ps.pos++
		e, err := ps.parseOr()
		if err != nil {
			return segment{}, err
		}
		ps.skipSpace()
		if ps.peek() != ')' {
			if ps.eof() {
				return segment{}, ps.errf(fstart, "unclosed '(' in filter")
			}
			return segment{}, ps.errf(ps.pos, "unexpected %q in filter", string(rune(ps.peek())))
		}
		ps.pos++
		seg = segment{kind: segFilter, filter: e, fsrc: ps.src[fstart:ps.pos]}
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		s, err := ps.parseIndexes()
		if err != nil {
			return segment{}, err
		}
		seg = s
	default:
		return segment{}, ps.errf(ps.pos, "unexpected %q after '['", string(rune(c)))
	}
	ps.skipSpace()
	if ps.peek() != ']' {
		if ps.eof() {
			return segment{}, ps.errf(open, "unclosed '['")
		}
		return segment{}, ps.errf(ps.pos, "expected ']' but found %q", string(rune(ps.peek())))
	}
	ps.pos++
	return seg, nil
}

// parseIndexes reads "0", "-1", "0,2", "1:3", ":2" or "-2:".
func (ps *parser) parseIndexes() (segment, error) {
	from, hasFrom, err := ps.parseOptInt()
	if err != nil {
		return segment{}, err
	}
	ps.skipSpace()
	if ps.peek() == ':' {
		ps.pos++
		ps.skipSpace()
		to, hasTo, err := ps.parseOptInt()
		if err != nil {
			return segment{}, err
		}
		ps.skipSpace()
		if ps.peek() == ':' {
			// A step ("[0:3:1]", "[1:3:]"): Jayway reads it and ignores it, and so does this
			// package; a slice must then still name a start or an end.
			at := ps.pos
			ps.pos++
			ps.skipSpace()
			if _, _, err := ps.parseOptInt(); err != nil {
				return segment{}, err
			}
			if !hasFrom && !hasTo {
				return segment{}, ps.errf(at, "a slice needs a start or an end")
			}
		}
		return segment{kind: segSlice, from: from, to: to, hasFrom: hasFrom, hasTo: hasTo}, nil
	}
	if !hasFrom {
		return segment{}, ps.errf(ps.pos, "expected an array index")
	}
	idx := []int{from}
	for ps.peek() == ',' {
		ps.pos++
		ps.skipSpace()
		n, ok, err := ps.parseOptInt()
		if err != nil {
			return segment{}, err
		}
		if !ok {
			return segment{}, ps.errf(ps.pos, "expected an array index after ','")
		}
		idx = append(idx, n)
		ps.skipSpace()
	}
	if len(idx) == 1 {
		return indexSeg(from), nil
	}
	return segment{kind: segIndexes, indexes: idx}, nil
}

// parseOptInt reads an optional signed integer.
func (ps *parser) parseOptInt() (int, bool, error) {
	start := ps.pos
	if ps.peek() == '-' {
		ps.pos++
	}
	digits := ps.pos
	for ps.pos < len(ps.src) && ps.src[ps.pos] >= '0' && ps.src[ps.pos] <= '9' {
		ps.pos++
	}
	if ps.pos == digits {
		if ps.pos > start {
			return 0, false, ps.errf(start, "expected digits after '-'")
		}
		return 0, false, nil
	}
	n, err := strconv.Atoi(ps.src[start:ps.pos])
	if err != nil {
		return 0, false, ps.errf(start, "array index %s is out of range", ps.src[start:ps.pos])
	}
	return n, true, nil
}

// parseQuoted reads a string in single or double quotes. A backslash escapes the next character;
// the JSON escapes \n \t \r \b \f \/ and \uXXXX are decoded.
func (ps *parser) parseQuoted() (string, error) {
	open := ps.pos
	q := ps.src[ps.pos]
	ps.pos++
	var b strings.Builder
	start := ps.pos
	escaped := false
	for ps.pos < len(ps.src) {
		c := ps.src[ps.pos]
		if c == q {
			ps.pos++
			if !escaped {
				return ps.src[start : ps.pos-1], nil
			}
			return b.String(), nil
		}
		if c == '\\' {
			if !escaped {
				escaped = true
				b.WriteString(ps.src[start:ps.pos])
			}
			ps.pos++
			if ps.eof() {
				break
			}
			e := ps.src[ps.pos]
			ps.pos++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if ps.pos+4 > len(ps.src) {
					return "", ps.errf(ps.pos-2, "bad \\u escape")
				}
				n, err := strconv.ParseUint(ps.src[ps.pos:ps.pos+4], 16, 32)
				if err != nil {
					return "", ps.errf(ps.pos-2, "bad \\u escape")
				}
				b.WriteRune(rune(n))
				ps.pos += 4
			default:
				b.WriteByte(e)
			}
			continue
		}
		if escaped {
			b.WriteByte(c)
		}
		ps.pos++
	}
	return "", ps.errf(open, "unclosed quote %c", q)
}

// gjsonEscape escapes a member name so that gjson reads it as one literal path component: gjson
// gives meaning to . * ? | # @ ! \ and brackets, and a backslash makes any character literal.
func gjsonEscape(k string) string {
	need := false
	for i := 0; i < len(k); i++ {
		if isGjsonSpecial(k[i]) {
			need = true
			break
		}
	}
	if !need {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if isGjsonSpecial(k[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(k[i])
	}
	return b.String()
}

func isGjsonSpecial(c byte) bool {
	return c < 0x80 && c > ' ' && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-')
}
