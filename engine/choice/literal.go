package choice

// literal is an operator's comparand: decoded once at compile time for the literal forms, or
// per evaluation from the payload for the "...Path" forms.
type literal struct {
	s   []byte   // string families
	n   number   // numeric
	b   bool     // BooleanEquals and the Is* tests
	t   instant  // timestamp
	pat *pattern // StringMatches
}

// load decodes raw JSON v as a comparand for family f; false means v has the wrong type for it
// (a ...Path operand of the wrong type matches nothing).
func (l *literal) load(f family, v value) bool {
	k, raw := v.kind()
	switch f {
	case famString:
		s, ok := v.str(k, raw)
		l.s = s
		return ok
	case famNumeric:
		if k != kindNumber {
			return false
		}
		n, ok := parseNumber(raw)
		l.n = n
		return ok
	case famBoolean:
		l.b = k == kindTrue
		return k == kindTrue || k == kindFalse
	case famTimestamp:
		s, ok := v.str(k, raw)
		if !ok {
			return false
		}
		l.t, ok = parseTimestamp(s)
		return ok
	}
	return false
}
