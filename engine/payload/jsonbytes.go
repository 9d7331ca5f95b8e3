package payload

// The helpers below write JSON the way AWS prints it: compact (no whitespace between tokens),
// object keys in the order written, non-ASCII characters and "/" left as they are.

// appendCompact appends the JSON value src to dst without the whitespace between its tokens.
// Values taken from the input are usually compact already; the fast path then is one copy.
func appendCompact(dst, src []byte) []byte {
	if !hasSpace(src) {
		return append(dst, src...)
	}
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			dst = append(dst, c)
			switch c {
			case '\\':
				if i+1 < len(src) {
					i++
					dst = append(dst, src[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
		case '"':
			inString = true
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendValue appends a value a hole produced; an empty one (a path evaluated on a missing
// document) is written as null so the payload stays valid JSON.
func appendValue(dst, v []byte) []byte {
	if len(v) == 0 {
		return append(dst, "null"...)
	}
	return appendCompact(dst, v)
}

// hasSpace reports whether src holds any JSON whitespace byte, inside strings or not: a cheap
// test that lets compact values be copied as they are.
func hasSpace(src []byte) bool {
	for _, c := range src {
		if c <= ' ' && (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			return true
		}
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping only what JSON requires.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
