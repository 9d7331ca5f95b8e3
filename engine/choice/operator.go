package choice

// operator is one comparison operator of a data-test rule: which type of value it tests
// (family) and how it compares (cmp). The "...Path" forms share their base operator's entry.
type operator struct {
	name   string
	family family
	cmp    cmpKind
}

type family uint8

const (
	famString family = iota
	famMatches
	famNumeric
	famBoolean
	famTimestamp
	famNull // IsNull
	famPresent
	famIsNumeric
	famIsString
	famIsBoolean
	famIsTimestamp
)

type cmpKind uint8

const (
	cmpEQ cmpKind = iota
	cmpLT
	cmpGT
	cmpLE
	cmpGE
)

// operators maps every operator field name to its entry; pathForm tells whether the field is a
// "...Path" form whose value is a path to the comparand.
var operators = map[string]opEntry{}

type opEntry struct {
	op       *operator
	pathForm bool
}

func init() {
	add := func(name string, f family, c cmpKind, withPath bool) {
		op := &operator{name: name, family: f, cmp: c}
		operators[name] = opEntry{op, false}
		if withPath {
			operators[name+"Path"] = opEntry{op, true}
		}
	}
	cmps := []struct {
		suffix string
		c      cmpKind
	}{{"Equals", cmpEQ}, {"LessThan", cmpLT}, {"GreaterThan", cmpGT}, {"LessThanEquals", cmpLE}, {"GreaterThanEquals", cmpGE}}
	for _, c := range cmps {
		add("String"+c.suffix, famString, c.c, true)
		add("Numeric"+c.suffix, famNumeric, c.c, true)
		add("Timestamp"+c.suffix, famTimestamp, c.c, true)
	}
	add("BooleanEquals", famBoolean, cmpEQ, true)
	add("StringMatches", famMatches, cmpEQ, false) // AWS has no StringMatchesPath
	add("IsNull", famNull, cmpEQ, false)
	add("IsPresent", famPresent, cmpEQ, false)
	add("IsNumeric", famIsNumeric, cmpEQ, false)
	add("IsString", famIsString, cmpEQ, false)
	add("IsBoolean", famIsBoolean, cmpEQ, false)
	add("IsTimestamp", famIsTimestamp, cmpEQ, false)
}

// test applies the operator to the Variable's value v and the comparand lit. A value of the
// wrong type yields false.
func (op *operator) test(v value, lit *literal) bool {
	k, raw := v.kind()
	switch op.family {
	case famString:
		s, ok := v.str(k, raw)
		return ok && op.holds(compareUTF16(s, lit.s))
	case famMatches:
		s, ok := v.str(k, raw)
		return ok && lit.pat.match(s)
	case famNumeric:
		if k != kindNumber {
			return false
		}
		n, ok := parseNumber(raw)
		return ok && op.holds(compareNumbers(n, lit.n))
	case famBoolean:
		return (k == kindTrue || k == kindFalse) && (k == kindTrue) == lit.b
	case famTimestamp:
		s, ok := v.str(k, raw)
		if !ok {
			return false
		}
		t, ok := parseTimestamp(s)
		return ok && op.holds(t.compare(lit.t))
	case famNull:
		return (k == kindNull) == lit.b
	case famIsNumeric:
		return (k == kindNumber) == lit.b
	case famIsString:
		return (k == kindString) == lit.b
	case famIsBoolean:
		return (k == kindTrue || k == kindFalse) == lit.b
	case famIsTimestamp:
		s, ok := v.str(k, raw)
		if ok {
			_, ok = parseTimestamp(s)
		}
		return ok == lit.b
	}
	return false
}

// holds reports whether a three-way comparison result c satisfies the operator.
func (op *operator) holds(c int) bool {
	switch op.cmp {
	case cmpEQ:
		return c == 0
	case cmpLT:
		return c < 0
	case cmpGT:
		return c > 0
	case cmpLE:
		return c <= 0
	default:
		return c >= 0
	}
}
