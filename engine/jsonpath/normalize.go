package jsonpath

import (
	"strconv"
	"strings"
)

// normalize renders steps in Jayway's bracket form ("$['a']['b'][0]"), which AWS quotes in its
// error texts.
func normalize(segs []segment) string {
	var b strings.Builder
	b.WriteByte('$')
	for i := range segs {
		writeSeg(&b, &segs[i])
	}
	return b.String()
}

// NormalizedPath compiles s and renders it in Jayway's bracket form; "$.a.b[0]" gives
// "$['a']['b'][0]".
func NormalizedPath(s string) (string, error) {
	p, err := Compile(s)
	if err != nil {
		return "", err
	}
	return p.norm, nil
}

func writeSeg(b *strings.Builder, s *segment) {
	switch s.kind {
	case segKey:
		b.WriteString("['")
		b.WriteString(s.key)
		b.WriteString("']")
	case segKeys:
		b.WriteByte('[')
		for i, k := range s.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\'')
			b.WriteString(k)
			b.WriteByte('\'')
		}
		b.WriteByte(']')
	case segIndex:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.index))
		b.WriteByte(']')
	case segIndexes:
		b.WriteByte('[')
		for i, n := range s.indexes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
	case segWildcard:
		b.WriteString("[*]")
	case segSlice:
		b.WriteByte('[')
		if s.hasFrom {
			b.WriteString(strconv.Itoa(s.from))
		}
		b.WriteByte(':')
		if s.hasTo {
			b.WriteString(strconv.Itoa(s.to))
		}
		b.WriteByte(']')
	case segFilter:
		b.WriteString("[?]")
	case segScan:
		b.WriteString("..")
	}
}
