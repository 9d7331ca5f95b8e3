package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AWS parses definitions with Jackson and quotes its error text in INVALID_JSON_DESCRIPTION
// diagnostics. jacksonError re-scans a definition that failed to parse and describes the first
// syntax error the way Jackson's ReaderBasedJsonParser does, with its
// `[Source: (String)"…"; line: L, column: C]` location. It returns ok=false if it finds no error
// (the strict parser refused something Jackson accepts, such as invalid UTF-8).
func jacksonError(def []byte) (message, location string, ok bool) {
	s := &jscan{src: []rune(string(def)), text: string(def)}
	msg, pos, found := s.document()
	if !found {
		return "", "", false
	}
	loc := s.location(pos)
	return msg + "\n at " + loc, loc, true
}

// jscan walks runes; Jackson counts columns in (UTF-16) characters, runes are close enough.
type jscan struct {
	src  []rune
	text string
	i    int
}

// jacksonSourceMax is how much of the input Jackson quotes before "[truncated N chars]".
const jacksonSourceMax = 500

func (s *jscan) source() string {
	if len(s.src) <= jacksonSourceMax {
		return `(String)"` + s.text + `"`
	}
	return fmt.Sprintf(`(String)"%s"[truncated %d chars]`, string(s.src[:jacksonSourceMax]), len(s.src)-jacksonSourceMax)
}

// location renders the position just after rune index pos-1 (Jackson reports the column after
// the character it consumed last).
func (s *jscan) location(pos int) string {
	line, col := 1, 1
	for k := 0; k < pos && k < len(s.src); k++ {
		if s.src[k] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("[Source: %s; line: %d, column: %d]", s.source(), line, col)
}

func (s *jscan) ws() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jscan) eof() bool { return s.i >= len(s.src) }

func charDesc(r rune) string {
	if r < 32 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}

// unexpected reports the character at s.i; Jackson's column is just past it.
func (s *jscan) unexpected(what string) (string, int, bool) {
	return fmt.Sprintf("Unexpected character (%s): %s", charDesc(s.src[s.i]), what), s.i + 1, true
}

const jacksonValueKinds = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"

func (s *jscan) document() (string, int, bool) {
	s.ws()
	if s.eof() {
		return "No content to map due to end-of-input", s.i, true
	}
	if msg, pos, bad := s.value(); bad {
		return msg, pos, true
	}
	s.ws()
	if !s.eof() {
		return s.unexpected("expected end-of-input")
	}
	return "", 0, false
}

func (s *jscan) value() (string, int, bool) {
	switch r := s.src[s.i]; {
	case r == '{':
		return s.object()
	case r == '[':
		return s.array()
	case r == '"':
		return s.str()
	case r == '-' || (r >= '0' && r <= '9'):
		return s.number()
	case r == ']' || r == '}' || r == ',' || r == ':' || r == '\'' || !isTokenRune(r):
		return s.unexpected("expected a valid value " + jacksonValueKinds)
	default:
		start := s.i
		for s.i < len(s.src) && isTokenRune(s.src[s.i]) {
			s.i++
		}
		tok := string(s.src[start:s.i])
		if tok == "true" || tok == "false" || tok == "null" {
			return "", 0, false
		}
		return fmt.Sprintf("Unrecognized token '%s': was expecting %s", tok, jacksonValueKinds), s.i, true
	}
}

func isTokenRune(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (s *jscan) object() (string, int, bool) {
	open := s.i
	s.i++
	first := true
	for {
		s.ws()
		if s.eof() {
			return s.closeMarker("Object", open)
		}
		if first && s.src[s.i] == '}' {
			s.i++
			return "", 0, false
		}
		if s.src[s.i] != '"' {
			return s.unexpected("was expecting double-quote to start field name")
		}
		if msg, pos, bad := s.str(); bad {
			return msg, pos, bad
		}
		s.ws()
		if s.eof() {
			return s.closeMarker("Object", open)
		}
		if s.src[s.i] != ':' {
			return s.unexpected("was expecting a colon to separate field name and value")
		}
		s.i++
		s.ws()
		if s.eof() {
			return "Unexpected end-of-input within/between Object entries", s.i, true
		}
		if msg, pos, bad := s.value(); bad {
			return msg, pos, bad
		}
		s.ws()
		if s.eof() {
			return s.closeMarker("Object", open)
		}
		switch s.src[s.i] {
		case ',':
			s.i++
			first = false
		case '}':
			s.i++
			return "", 0, false
		default:
			return s.unexpected("was expecting comma to separate Object entries")
		}
	}
}

func (s *jscan) array() (string, int, bool) {
	open := s.i
	s.i++
	first := true
	for {
		s.ws()
		if s.eof() {
			return s.closeMarker("Array", open)
		}
		if first && s.src[s.i] == ']' {
			s.i++
			return "", 0, false
		}
		if msg, pos, bad := s.value(); bad {
			return msg, pos, bad
		}
		s.ws()
		if s.eof() {
			return s.closeMarker("Array", open)
		}
		switch s.src[s.i] {
		case ',':
			s.i++
			first = false
		case ']':
			s.i++
			return "", 0, false
		default:
			return s.unexpected("was expecting comma to separate Array entries")
		}
	}
}

func (s *jscan) closeMarker(what string, open int) (string, int, bool) {
	return fmt.Sprintf("Unexpected end-of-input: expected close marker for %s (start marker at %s)", what, s.location(open)), s.i, true
}

func (s *jscan) str() (string, int, bool) {
	s.i++ // opening quote
	for {
		if s.eof() {
			return "Unexpected end-of-input: was expecting closing quote for a string value", s.i, true
		}
		r := s.src[s.i]
		switch {
		case r == '"':
			s.i++
			return "", 0, false
		case r == '\\':
			s.i++
			if s.eof() {
				return "Unexpected end-of-input in character escape sequence", s.i, true
			}
			e := s.src[s.i]
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				s.i++
				for k := 0; k < 4; k++ {
					if s.eof() {
						return "Unexpected end-of-input in character escape sequence", s.i, true
					}
					if !strings.ContainsRune("0123456789abcdefABCDEF", s.src[s.i]) {
						return fmt.Sprintf("Unexpected character (%s): expected a hex-digit for character escape sequence", charDesc(s.src[s.i])), s.i + 1, true
					}
					s.i++
				}
			default:
				return fmt.Sprintf("Unrecognized character escape %s", charDesc(e)), s.i + 1, true
			}
		case r < 32:
			return fmt.Sprintf("Illegal unquoted character (%s): has to be escaped using backslash to be included in string value", charDesc(r)), s.i + 1, true
		case r == utf8.RuneError:
			return "Invalid UTF-8 middle byte", s.i + 1, true
		default:
			s.i++
		}
	}
}

func (s *jscan) number() (string, int, bool) {
	if s.src[s.i] == '-' {
		s.i++
		if s.eof() || s.src[s.i] < '0' || s.src[s.i] > '9' {
			if s.eof() {
				return "Unexpected end-of-input in numeric value", s.i, true
			}
			return fmt.Sprintf("Unexpected character (%s) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", charDesc(s.src[s.i])), s.i + 1, true
		}
	}
	if s.src[s.i] == '0' && s.i+1 < len(s.src) && s.src[s.i+1] >= '0' && s.src[s.i+1] <= '9' {
		return "Invalid numeric value: Leading zeroes not allowed", s.i + 2, true
	}
	digits := func() int {
		n := 0
		for s.i < len(s.src) && s.src[s.i] >= '0' && s.src[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	digits()
	if s.i < len(s.src) && s.src[s.i] == '.' {
		s.i++
		if digits() == 0 {
			if s.eof() {
				return "Unexpected end-of-input in numeric value", s.i, true
			}
			return fmt.Sprintf("Unexpected character (%s) in numeric value: Decimal point not followed by a digit", charDesc(s.src[s.i])), s.i + 1, true
		}
	}
	if s.i < len(s.src) && (s.src[s.i] == 'e' || s.src[s.i] == 'E') {
		s.i++
		if s.i < len(s.src) && (s.src[s.i] == '+' || s.src[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			if s.eof() {
				return "Unexpected end-of-input in numeric value", s.i, true
			}
			return fmt.Sprintf("Unexpected character (%s) in numeric value: Exponent indicator not followed by a digit", charDesc(s.src[s.i])), s.i + 1, true
		}
	}
	if s.i < len(s.src) && isTokenRune(s.src[s.i]) {
		return fmt.Sprintf("Unexpected character (%s): Expected space separating root-level values", charDesc(s.src[s.i])), s.i + 1, true
	}
	return "", 0, false
}
