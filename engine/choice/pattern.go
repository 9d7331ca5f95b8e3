package choice

import "bytes"

// pattern is a compiled StringMatches pattern: literal pieces separated by "*" wildcards, each
// matching zero or more characters. In the pattern, "\*" stands for a literal "*" and "\\" for
// a literal "\"; no other character is special (a backslash before anything else is itself).
type pattern struct {
	pieces   [][]byte // the literal text between wildcards, unescaped
	anchored bool     // no wildcard at all: the whole string must equal pieces[0]
}

func compilePattern(p string) *pattern {
	var pieces [][]byte
	var cur []byte
	stars := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\'):
			i++
			cur = append(cur, p[i])
		case c == '*':
			pieces = append(pieces, cur)
			cur = nil
			stars++
		default:
			cur = append(cur, c)
		}
	}
	pieces = append(pieces, cur)
	return &pattern{pieces: pieces, anchored: stars == 0}
}

// match reports whether s matches the whole pattern. The first piece must be a prefix, the
// last a suffix, and the ones between are found leftmost-first, which is enough for "*" globs.
func (p *pattern) match(s []byte) bool {
	if p.anchored {
		return bytes.Equal(s, p.pieces[0])
	}
	first, last := p.pieces[0], p.pieces[len(p.pieces)-1]
	if len(s) < len(first)+len(last) || !bytes.HasPrefix(s, first) || !bytes.HasSuffix(s, last) {
		return false
	}
	mid := s[len(first) : len(s)-len(last)]
	for _, piece := range p.pieces[1 : len(p.pieces)-1] {
		i := bytes.Index(mid, piece)
		if i < 0 {
			return false
		}
		mid = mid[i+len(piece):]
	}
	return true
}
