package payload

import (
	"encoding/binary"

	"github.com/stepjet/stepjet/engine/limits"
)

// ValidCompact checks that src is one JSON value (whitespace around it allowed) nested at most
// limits.MaxDepth levels deep, and returns it compact, in one pass: src itself when it has no
// whitespace between tokens (no copy, no allocation), else a compacted copy. Apart from the
// depth limit it accepts exactly what gjson.Valid accepts, so an execution's input is validated
// and made compact by a single scan at the boundary.
func ValidCompact(src []byte) ([]byte, bool) {
	doc, tooDeep := validCompact(src)
	return doc, doc != nil && !tooDeep
}

// CheckCompact is ValidCompact telling why a document is refused: a *failure.Error named
// States.DataLimitExceeded when it nests deeper than limits.MaxDepth (what names the document
// in the cause, e.g. "The execution input"), or ErrInvalidJSON. Every entry path (the API, a
// NATS publish, TestState) goes through here, so every one refuses the same documents.
func CheckCompact(src []byte, what string) ([]byte, error) {
	doc, tooDeep := validCompact(src)
	switch {
	case tooDeep:
		return nil, limits.TooDeep(what)
	case doc == nil:
		return nil, ErrInvalidJSON
	}
	return doc, nil
}

func validCompact(src []byte) (doc []byte, tooDeep bool) {
	c := compactor{src: src}
	end, ok := c.value(c.space(0))
	if !ok {
		return nil, c.depth > limits.MaxDepth
	}
	for i := end; i < len(src); i++ {
		if !isJSONSpace(src[i]) {
			return nil, false
		}
	}
	if c.dst == nil {
		return src[c.from:end:end], false
	}
	n := c.n + copy(c.dst[c.n:], src[c.from:end])
	return c.dst[:n:n], false
}

// compactor validates src and collects its bytes without whitespace: dst[:n] holds what was
// copied so far and from is where the bytes not copied yet start. Bytes are copied only when
// whitespace is met, a run at a time; dst stays nil while none is.
type compactor struct {
	src  []byte
	dst  []byte
	n    int
	from int
	// depth is the nesting of the value being read; past limits.MaxDepth reading stops.
	depth int
}

// space skips the whitespace at i, dropping it from the output, and returns the next index.
// Whitespace bytes are all below '!', so one comparison settles the common case inline.
func (c *compactor) space(i int) int {
	if i < len(c.src) && c.src[i] > ' ' {
		return i
	}
	return c.skip(i)
}

func (c *compactor) skip(i int) int {
	src := c.src
	if i >= len(src) || !jsonSpace[src[i]] {
		return i
	}
	j := i + 1
	// Indentation comes in long runs of spaces: eight at a time.
	for j+8 <= len(src) && binary.LittleEndian.Uint64(src[j:]) == 0x2020202020202020 {
		j += 8
	}
	for j < len(src) && jsonSpace[src[j]] {
		j++
	}
	if i > c.from {
		if c.dst == nil {
			c.dst = make([]byte, len(src))
		}
		c.n += copy(c.dst[c.n:], src[c.from:i])
	}
	c.from = j
	return j
}

// value validates the value starting at i (no whitespace before it) and returns its end.
func (c *compactor) value(i int) (int, bool) {
	src := c.src
	if i >= len(src) {
		return i, false
	}
	switch src[i] {
	case '{', '[':
		if c.depth++; c.depth > limits.MaxDepth {
			return i, false
		}
		var end int
		var ok bool
		if src[i] == '{' {
			end, ok = c.object(i + 1)
		} else {
			end, ok = c.array(i + 1)
		}
		if ok {
			c.depth--
		}
		return end, ok
	case '"':
		return validString(src, i+1)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return validNumber(src, i)
	case 't':
		return literal(src, i, "true")
	case 'f':
		return literal(src, i, "false")
	case 'n':
		return literal(src, i, "null")
	}
	return i, false
}

func (c *compactor) object(i int) (int, bool) {
	src := c.src
	i = c.space(i)
	if i < len(src) && src[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(src) || src[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = validString(src, i+1); !ok {
			return i, false
		}
		if i = c.space(i); i >= len(src) || src[i] != ':' {
			return i, false
		}
		if i, ok = c.value(c.space(i + 1)); !ok {
			return i, false
		}
		if i = c.space(i); i >= len(src) {
			return i, false
		}
		switch src[i] {
		case '}':
			return i + 1, true
		case ',':
			i = c.space(i + 1)
		default:
			return i, false
		}
	}
}

func (c *compactor) array(i int) (int, bool) {
	src := c.src
	i = c.space(i)
	if i < len(src) && src[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = c.value(i); !ok {
			return i, false
		}
		if i = c.space(i); i >= len(src) {
			return i, false
		}
		switch src[i] {
		case ']':
			return i + 1, true
		case ',':
			i = c.space(i + 1)
		default:
			return i, false
		}
	}
}

// validString checks the string whose body starts at i and returns the index after its
// closing quote: no control characters, only JSON's escapes.
func validString(src []byte, i int) (int, bool) {
	for ; i < len(src); i++ {
		ch := src[i]
		if !stringSpecial[ch] {
			continue
		}
		switch {
		case ch == '"':
			return i + 1, true
		case ch < ' ':
			return i, false
		}
		// A backslash.
		i++
		if i >= len(src) {
			return i, false
		}
		switch src[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if i+4 >= len(src) || !isHex(src[i+1]) || !isHex(src[i+2]) || !isHex(src[i+3]) || !isHex(src[i+4]) {
				return i, false
			}
			i += 4
		default:
			return i, false
		}
	}
	return i, false
}

// jsonSpace marks JSON's whitespace bytes.
var jsonSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// stringSpecial marks the bytes that end a run of plain characters in a JSON string: the quote,
// the backslash and the control characters (which JSON does not allow there).
var stringSpecial = func() (t [256]bool) {
	for c := range ' ' {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// validNumber checks the number starting at i (JSON's grammar) and returns its end.
func validNumber(src []byte, i int) (int, bool) {
	if src[i] == '-' {
		i++
	}
	switch {
	case i >= len(src) || !isDigit(src[i]):
		return i, false
	case src[i] == '0':
		i++
	default:
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && src[i] == '.' {
		i++
		if i >= len(src) || !isDigit(src[i]) {
			return i, false
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || !isDigit(src[i]) {
			return i, false
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	return i, true
}

// literal checks that src holds word at i.
func literal(src []byte, i int, word string) (int, bool) {
	if len(src)-i < len(word) || string(src[i:i+len(word)]) != word {
		return i, false
	}
	return i + len(word), true
}
