package jsonata

import "unicode/utf8"

// Most documents a state reads were written by an earlier state's expressions, so they are
// already in the form appendStringified writes: compact, strings with nothing to escape,
// numbers as JavaScript writes them, no repeated keys. canonSkip recognizes that form in one
// read-only pass, which is several times faster than writing the value out to compare
// (spanCanon); anything else it leaves to spanCanon.

// canonSkip steps over the value at p.i when it is valid JSON written exactly as stringifyRaw
// would write it. On false, p.i, p.depth and keys are left anywhere: the caller restores them.
// keys is scratch space for the keys of the objects being read.
func (p *rawScanner) canonSkip(keys *[]string) bool {
	if p.i >= len(p.s) {
		return false
	}
	switch c := p.s[p.i]; {
	case c == '"':
		_, ok := p.canonString()
		return ok
	case c == '{':
		if p.depth++; p.depth > maxRawDepth {
			return false
		}
		p.i++
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			p.depth--
			return true
		}
		mark := len(*keys)
		for {
			key, ok := p.canonString()
			if !ok {
				return false
			}
			for _, k := range (*keys)[mark:] {
				if k == key {
					return false // repeated key: JSON.parse keeps the last value at the first place
				}
			}
			*keys = append(*keys, key)
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return false
			}
			p.i++
			if !p.canonSkip(keys) || p.i >= len(p.s) {
				return false
			}
			switch p.s[p.i] {
			case ',':
				p.i++
			case '}':
				p.i++
				p.depth--
				*keys = (*keys)[:mark]
				return true
			default:
				return false
			}
		}
	case c == '[':
		if p.depth++; p.depth > maxRawDepth {
			return false
		}
		p.i++
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			p.depth--
			return true
		}
		for {
			if !p.canonSkip(keys) || p.i >= len(p.s) {
				return false
			}
			switch p.s[p.i] {
			case ',':
				p.i++
			case ']':
				p.i++
				p.depth--
				return true
			default:
				return false
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return p.canonNumber()
	default:
		return p.literal()
	}
}

// canonNumber reads a number at p.i that JavaScript writes back digit for digit.
func (p *rawScanner) canonNumber() bool {
	n, ok := p.number()
	if !ok {
		return false
	}
	if isShortInteger(n) || isShortDecimal(n) {
		return true
	}
	var buf [40]byte
	return string(appendNumberText(buf[:0], n)) == n
}

// canonCompactor is canonSkip for a value that may have whitespace between its tokens: it
// checks the value canonical but for that whitespace while writing it without it, in runs
// between the whitespace (dst stays nil while there was none).
type canonCompactor struct {
	p rawScanner
	// keys are the keys of the objects being read, as places in p.s: no pointers, so
	// keeping them costs no write barriers while the collector runs.
	keys *[]textSpan
	// dst[:n] is the output so far, dst made once at its largest: filled by copy, its
	// header is not written again.
	dst []byte
	n   int
	// from is where the text not yet copied to dst starts; removed counts the whitespace
	// left out before p.i.
	from, removed int
}

// ws steps over whitespace at p.i, leaving it out of the output. (Small enough to inline:
// between most tokens there is none.)
func (c *canonCompactor) ws() {
	if c.p.i < len(c.p.s) && c.p.s[c.p.i] <= ' ' {
		c.skipSpace()
	}
}

func (c *canonCompactor) skipSpace() {
	p := &c.p
	if p.s[p.i] != ' ' && p.s[p.i] != '\t' && p.s[p.i] != '\n' && p.s[p.i] != '\r' {
		return
	}
	if c.dst == nil {
		c.dst = make([]byte, len(p.s))
	}
	c.n += copy(c.dst[c.n:], p.s[c.from:p.i])
	j := skipSpace(p.s, p.i)
	c.removed += j - p.i
	p.i, c.from = j, j
}

// out is where p.i lands in the output.
func (c *canonCompactor) out() int32 { return int32(c.p.i - c.removed) }

// value reads the value at p.i (after whitespace) and reports whether it is canonical but
// for whitespace between its tokens. (Whitespace inside a token ends it: the token left, or
// what follows, is then refused.) On false, p.i, p.depth and keys are left anywhere. With
// index, the members of the object it reads (not of those inside it) are appended to
// *index, their places counted from where the object starts in the output.
func (c *canonCompactor) value(index *[]rawMember) bool {
	p := &c.p
	c.ws()
	if p.i >= len(p.s) {
		return false
	}
	switch open := p.s[p.i]; {
	case open == '"':
		_, ok := p.canonString()
		return ok
	case open == '{' || open == '[':
		if p.depth++; p.depth > maxRawDepth {
			return false
		}
		close := byte('}')
		if open == '[' {
			close = ']'
		}
		base := c.out()
		p.i++
		if c.ws(); p.i < len(p.s) && p.s[p.i] == close {
			p.i++
			p.depth--
			return true
		}
		mark := len(*c.keys)
		for {
			if open == '{' {
				c.ws()
				at, in := c.out(), p.i
				key, ok := p.canonString()
				if !ok {
					return false
				}
				for _, k := range (*c.keys)[mark:] {
					if k.of(p.s) == key {
						return false // a repeated key: JSON.parse keeps the last value at the first place
					}
				}
				*c.keys = append(*c.keys, textSpan{int32(in + 1), int32(in + 1 + len(key))})
				if index != nil {
					*index = append(*index, rawMember{key: textSpan{at + 1 - base, at + 1 + int32(len(key)) - base}, esc: -1, canon: true})
				}
				if c.ws(); p.i >= len(p.s) || p.s[p.i] != ':' {
					return false
				}
				p.i++
			}
			c.ws()
			from := c.out()
			if !c.value(nil) {
				return false
			}
			if index != nil && open == '{' {
				(*index)[len(*index)-1].val = textSpan{from - base, c.out() - base}
			}
			if c.ws(); p.i >= len(p.s) {
				return false
			}
			switch p.s[p.i] {
			case ',':
				p.i++
			case close:
				p.i++
				p.depth--
				*c.keys = (*c.keys)[:mark]
				return true
			default:
				return false
			}
		}
	case open == '-' || (open >= '0' && open <= '9'):
		return p.canonNumber()
	default:
		return p.literal()
	}
}

// canonString reads a string at p.i that appendString writes back unchanged: no escapes, no
// control characters, valid UTF-8. It returns the string's value.
func (p *rawScanner) canonString() (string, bool) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", false
	}
	start := p.i + 1
	ascii := true
	i := start
	// Eight bytes at a time while none is a quote, a backslash, a control character or
	// non-ASCII: the common case, most of most strings.
	for ; i+8 <= len(p.s); i += 8 {
		if x := load64(p.s, i); x&hi8 != 0 || hasLess8(x, 0x20) || hasByte8(x, '"') || hasByte8(x, '\\') {
			break
		}
	}
	for ; i < len(p.s); i++ {
		c := p.s[i]
		switch {
		case c == '"':
			body := p.s[start:i]
			if !ascii && !utf8.ValidString(body) {
				return "", false
			}
			p.i = i + 1
			return body, true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// isShortDecimal reports whether n is a decimal fraction JavaScript writes back digit for
// digit: no exponent, at most 15 significant digits (so the float64 nearest it has no shorter
// form), no trailing zero, no leading zero but the one before the point, and at least 1e-6
// (JavaScript writes smaller numbers with an exponent).
func isShortDecimal(n string) bool {
	d := n
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	dot := -1
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			dot = i
			break
		}
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	if dot < 1 || dot == len(d)-1 || (d[0] == '0' && dot > 1) {
		return false
	}
	frac := d[dot+1:]
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return false
		}
	}
	if frac[len(frac)-1] == '0' {
		return false
	}
	digits := dot + len(frac)
	if d[0] == '0' {
		zeros := 0
		for zeros < len(frac) && frac[zeros] == '0' {
			zeros++
		}
		if zeros > 5 { // below 1e-6
			return false
		}
		digits = len(frac) - zeros
	}
	return digits <= 15
}

const lo8, hi8 = 0x0101010101010101, 0x8080808080808080

// load64 reads s[i:i+8] as a little-endian word.
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// hasLess8 reports whether a byte of x, whose bytes are all below 0x80, is below n (n <= 0x80).
func hasLess8(x uint64, n byte) bool { return (x-lo8*uint64(n))&^x&hi8 != 0 }

// hasByte8 reports whether a byte of x is c.
func hasByte8(x uint64, c byte) bool {
	v := x ^ (lo8 * uint64(c))
	return (v-lo8)&^v&hi8 != 0
}
