package choice

import (
	"strconv"

	"github.com/go-json-experiment/json"
)

// value is the raw JSON of one value, as a path selects it from the payload.
type value []byte

type jsonKind uint8

const (
	kindInvalid jsonKind = iota
	kindString
	kindNumber
	kindTrue
	kindFalse
	kindNull
	kindObject
	kindArray
)

// kind classifies the value by its first byte and returns it without surrounding whitespace.
// The payload is valid JSON (it was parsed on the way in), so the first byte decides.
func (v value) kind() (jsonKind, []byte) {
	b := trimSpace(v)
	if len(b) == 0 {
		return kindInvalid, b
	}
	switch c := b[0]; {
	case c == '"':
		return kindString, b
	case c == '-' || (c >= '0' && c <= '9'):
		return kindNumber, b
	case c == 't':
		return kindTrue, b
	case c == 'f':
		return kindFalse, b
	case c == 'n':
		return kindNull, b
	case c == '{':
		return kindObject, b
	case c == '[':
		return kindArray, b
	}
	return kindInvalid, b
}

// str returns the decoded content of a JSON string. Strings without escapes are returned as a
// sub-slice of the payload (no allocation); escaped ones are decoded.
func (v value) str(k jsonKind, raw []byte) ([]byte, bool) {
	if k != kindString || len(raw) < 2 {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return nil, false
			}
			return []byte(s), true
		}
	}
	return body, true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// number is a JSON number kept exactly when it is an integer that fits in 64 bits, and as the
// nearest double otherwise.
type number struct {
	isInt bool
	i     int64
	f     float64
}

// parseNumber parses the raw text of a JSON number.
func parseNumber(raw []byte) (number, bool) {
	integral := true
	for _, c := range raw {
		if c == '.' || c == 'e' || c == 'E' {
			integral = false
			break
		}
	}
	if integral {
		if i, ok := parseInt(raw); ok {
			return number{isInt: true, i: i, f: float64(i)}, true
		}
	}
	// A number too large for a double parses as ±Inf with ErrRange: keep it, as Java's
	// Double.parseDouble does.
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return number{}, false
		}
	}
	return number{f: f}, true
}

// parseInt parses an optionally negative run of decimal digits; ok is false on overflow or any
// other character.
func parseInt(raw []byte) (int64, bool) {
	neg := len(raw) > 0 && raw[0] == '-'
	if neg {
		raw = raw[1:]
	}
	if len(raw) == 0 || len(raw) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}
