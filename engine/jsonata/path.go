package jsonata

import (
	"strconv"
	"strings"
)

// plainPath is an expression that is nothing but a variable followed by field names and array
// indexes, such as "$states.input.order.total" or "$x.items[0].sku". Most JSONata in a
// workflow is this, and Eval answers it from the bindings' raw JSON: no decoding, no gnata.
//
// JSONata paths map over arrays and flatten what they find, and an index on a non-array picks
// the value itself; the fast path takes none of those roads. It walks only objects, indexes
// only into arrays whose chosen element is not an array, and hands anything else to gnata, so
// where it answers, the answer is the one gnata gives (TestPlainPathMatchesGnata, FuzzPlainPath).
type plainPath struct {
	variable string
	steps    []pathStep
}

// pathStep is ".name" (field) or "[n]" (index; negative counts from the end).
type pathStep struct {
	field   string
	index   int
	isIndex bool
}

// parsePlainPath recognizes a plain path; nil when src is anything else.
func parsePlainPath(src string) *plainPath {
	s := strings.TrimSpace(src)
	if len(s) < 2 || s[0] != '$' {
		return nil
	}
	n := identEnd(s, 1)
	if n == 1 {
		return nil
	}
	p := &plainPath{variable: s[1:n]}
	s = s[n:]
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return p
		}
		switch s[0] {
		case '.':
			s = strings.TrimLeft(s[1:], " \t\n\r")
			if s == "" {
				return nil
			}
			if s[0] == '`' {
				end := strings.IndexByte(s[1:], '`')
				if end < 0 {
					return nil
				}
				p.steps = append(p.steps, pathStep{field: s[1 : 1+end]})
				s = s[end+2:]
				continue
			}
			n := identEnd(s, 0)
			if n == 0 {
				return nil
			}
			name := s[:n]
			switch name {
			case "and", "or", "in", "true", "false", "null", "function", "λ":
				return nil
			}
			p.steps = append(p.steps, pathStep{field: name})
			s = s[n:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil
			}
			num := strings.TrimSpace(s[1:end])
			i, err := strconv.Atoi(num)
			if err != nil || len(num) > 9 || (num[0] == '0' && len(num) > 1) || strings.HasPrefix(num, "+") {
				return nil
			}
			p.steps = append(p.steps, pathStep{index: i, isIndex: true})
			s = s[end+1:]
		default:
			return nil
		}
	}
}

// identEnd returns the end of the ASCII identifier ([A-Za-z_][A-Za-z0-9_]*) at s[i:].
func identEnd(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || (j > i && '0' <= c && c <= '9') {
			j++
			continue
		}
		break
	}
	return j
}

// eval answers the path from raw JSON. handled is false when the fast path cannot be sure of
// gnata's answer; Eval then runs gnata.
func (pp *plainPath) eval(sc *Scope) (out []byte, defined, handled bool) {
	var text string
	steps := pp.steps
	if pp.variable == "states" {
		sc.lookupStates()
		if !sc.states.found {
			return nil, false, false
		}
		if len(steps) == 0 {
			if !sc.states.all.hasStr {
				sc.states.all.raw = sc.states.raw
			}
			text = sc.states.all.text()
		} else {
			// The members of $states are found leniently, as when decoding for gnata.
			f, ok := sc.statesField(steps[0].field)
			switch {
			case steps[0].isIndex:
				return nil, false, false
			case !ok:
				return nil, false, true // $states.nothing is undefined
			}
			text = f.text()
			steps = steps[1:]
		}
	} else {
		v := sc.lookupVar(pp.variable)
		if !v.found {
			return nil, false, false // a function's name, or unbound: gnata knows
		}
		text = v.text()
	}
	// gnata decodes the whole binding and fails if any of it is not JSON: the walk reads all
	// of every object it crosses, so the first step checks it all; a value with no step is
	// checked as it is written out.
	if len(steps) > 0 {
		p := rawScanner{s: text}
		if !p.skip() || !p.atEnd() {
			return nil, false, false
		}
	}
	for _, st := range steps {
		var ok, found bool
		if text, found, ok = step(text, st); !ok {
			return nil, false, false
		}
		if !found {
			return nil, false, true
		}
	}
	p := rawScanner{s: text}
	var keys []string
	out, ok := p.stringifyRaw(make([]byte, 0, len(text)), &keys)
	if !ok || !p.atEnd() {
		return nil, false, false
	}
	return out, true, true
}

// step applies one step to the JSON value text. found is false when the result is undefined;
// ok is false when the fast path cannot answer.
func step(text string, st pathStep) (next string, found, ok bool) {
	p := rawScanner{s: text}
	p.ws()
	if p.i >= len(p.s) {
		return "", false, false
	}
	c := p.s[p.i]
	if st.isIndex {
		if c != '[' {
			return "", false, false // an index on a non-array selects the value itself
		}
		var elems []string
		if !p.elements(func() bool {
			v, ok := p.span()
			elems = append(elems, v)
			return ok
		}) {
			return "", false, false
		}
		i := st.index
		if i < 0 {
			i += len(elems)
		}
		if i < 0 || i >= len(elems) {
			return "", false, false
		}
		if e := strings.TrimLeft(elems[i], " \t\n\r"); e == "" || e[0] == '[' {
			return "", false, false // an array element is flattened into the result
		}
		return elems[i], true, true
	}
	switch c {
	case '{':
	case '[':
		return "", false, false // a field of an array maps over its elements
	default:
		return "", false, true // a field of a string, number, boolean or null is undefined
	}
	if !p.members(func(key string) bool {
		v, ok := p.span()
		if ok && key == st.field {
			next, found = v, true // the last of repeated keys wins, as in JSON.parse
		}
		return ok
	}) {
		return "", false, false
	}
	return next, found, true
}
