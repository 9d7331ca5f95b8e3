package jsonata

import "strconv"

// stringifyRaw appends what appendJSON would write for the value the JSON text p holds at p.i
// once decoded — JSON.stringify's form: compact, numbers as JavaScript writes them, strings
// re-escaped, a repeated key kept at its first place with its last value — without decoding
// it. It gives up (ok false) on anything it is not sure to write identically: a repeated key,
// or text the strict scanner refuses.
func (p *rawScanner) stringifyRaw(buf []byte, keys *[]string) ([]byte, bool) {
	p.ws()
	if p.i >= len(p.s) {
		return buf, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		buf = append(buf, '{')
		mark := len(*keys)
		first := true
		ok := p.members(func(key string) bool {
			for _, k := range (*keys)[mark:] {
				if k == key {
					return false // repeated key: JSON.parse keeps the last value at the first place
				}
			}
			*keys = append(*keys, key)
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendString(buf, key)
			buf = append(buf, ':')
			var ok bool
			buf, ok = p.stringifyRaw(buf, keys)
			return ok
		})
		*keys = (*keys)[:mark]
		return append(buf, '}'), ok
	case c == '[':
		buf = append(buf, '[')
		first := true
		ok := p.elements(func() bool {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			var ok bool
			buf, ok = p.stringifyRaw(buf, keys)
			return ok
		})
		return append(buf, ']'), ok
	case c == '"':
		start := p.i
		s, plain, ok := p.stringToken()
		if plain {
			// No escapes and valid UTF-8: nothing appendString would change.
			return append(buf, p.s[start:p.i]...), ok
		}
		return appendString(buf, s), ok
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := p.number()
		return appendNumberText(buf, n), ok
	default:
		start := p.i
		ok := p.literal()
		return append(buf, p.s[start:p.i]...), ok
	}
}

// appendNumberText writes a JSON number's text as appendJSON writes the json.Number gnata
// decodes it to.
func appendNumberText(buf []byte, n string) []byte {
	if isShortInteger(n) { // exact as a float64, and written back digit for digit
		return append(buf, n...)
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return append(buf, "null"...)
	}
	return appendNumber(buf, f)
}

// isShortInteger reports whether n is an integer of at most 15 digits with no sign on zero
// and no leading zero.
func isShortInteger(n string) bool {
	d := n
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 || (d[0] == '0' && (len(d) > 1 || len(n) > 1)) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}
