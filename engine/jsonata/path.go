package jsonata

import (
	"slices"
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
	p, rest := parsePathPrefix(src)
	if p == nil || rest != "" {
		return nil
	}
	return p
}

// parsePathPrefix reads a plain path at the start of src and returns the text after it,
// without leading whitespace. It returns nil when src does not start with one, or when what
// follows would make it part of something else (a "." or "[" it cannot read).
func parsePathPrefix(src string) (*plainPath, string) {
	s := strings.TrimLeft(src, " \t\n\r")
	if len(s) < 2 || s[0] != '$' {
		return nil, ""
	}
	n := identEnd(s, 1)
	if n == 1 {
		return nil, ""
	}
	p := &plainPath{variable: s[1:n]}
	s = s[n:]
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return p, ""
		}
		switch s[0] {
		case '.':
			s = strings.TrimLeft(s[1:], " \t\n\r")
			if s == "" {
				return nil, ""
			}
			if s[0] == '`' {
				end := strings.IndexByte(s[1:], '`')
				if end < 0 {
					return nil, ""
				}
				p.steps = append(p.steps, pathStep{field: s[1 : 1+end]})
				s = s[end+2:]
				continue
			}
			n := identEnd(s, 0)
			if n == 0 {
				return nil, ""
			}
			name := s[:n]
			switch name {
			case "and", "or", "in", "true", "false", "null", "function", "λ":
				return nil, ""
			}
			p.steps = append(p.steps, pathStep{field: name})
			s = s[n:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, ""
			}
			num := strings.TrimSpace(s[1:end])
			i, err := strconv.Atoi(num)
			if err != nil || len(num) > 9 || (num[0] == '0' && len(num) > 1) || strings.HasPrefix(num, "+") {
				return nil, ""
			}
			p.steps = append(p.steps, pathStep{index: i, isIndex: true})
			s = s[end+1:]
		default:
			return p, s
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
	return pp.appendEval(sc, nil)
}

// appendEval is eval appending the value's JSON to buf; on false it returns buf unchanged in
// length.
func (pp *plainPath) appendEval(sc *Scope, buf []byte) (out []byte, defined, handled bool) {
	text, found, ok, known := pp.resolve(sc)
	if !ok || !found {
		return buf, false, ok
	}
	if known == KnownCanonical {
		return append(buf, text...), true, true
	}
	return appendStringified(buf, text, &sc.keys)
}

// appendStringified appends what appendJSON writes for the JSON value text once decoded.
// keys is scratch space for stringifyRaw.
func appendStringified(buf []byte, text string, keys *[]string) (out []byte, defined, handled bool) {
	p := rawScanner{s: text}
	mark := len(buf)
	buf = slices.Grow(buf, len(text))
	out, ok := p.stringifyRaw(buf, keys)
	if !ok || !p.atEnd() {
		return out[:mark], false, false
	}
	return out, true, true
}

// resolve walks the path and returns the selected value's text, whose binding is known to be
// valid JSON where the walk took a step (a value with no step is checked as it is written out),
// and what is known of it: KnownCanonical when it is as appendStringified writes it.
func (pp *plainPath) resolve(sc *Scope) (text string, found, handled bool, known Known) {
	var root *scopeVar
	steps := pp.steps
	if pp.variable == "states" {
		if !sc.hasStates() {
			return "", false, false, Unchecked
		}
		if len(steps) == 0 {
			sc.lookupStates()
			if !sc.states.all.hasStr {
				sc.states.all.raw = sc.states.raw
			}
			root = &sc.states.all
		} else {
			// The members of $states are found leniently, as when decoding for gnata.
			f, ok := sc.statesField(steps[0].field)
			switch {
			case steps[0].isIndex:
				return "", false, false, Unchecked
			case !ok:
				return "", false, true, Unchecked // $states.nothing is undefined
			}
			root = f
			steps = steps[1:]
		}
	} else {
		root = sc.lookupVar(pp.variable)
		if !root.found {
			return "", false, false, Unchecked // a function's name, or unbound: gnata knows
		}
	}
	text = root.text()
	if len(steps) == 0 {
		if root.canon || sc.isCanon(text) {
			return text, true, true, KnownCanonical
		}
		return text, true, true, root.known()
	}
	// gnata decodes the whole binding and fails if any of it is not JSON: the walk reads all
	// of every object it crosses, so the first step checks it all (once per Scope), finding
	// on the way whether it is canonical. What the walk reaches inside is then valid.
	if !sc.checked(root) {
		return "", false, false, Unchecked
	}
	canon := root.canon
	for _, st := range steps {
		var ok, found bool
		if text, found, ok, canon = sc.step(text, canon, st); !ok || !found {
			return "", false, ok, Unchecked
		}
	}
	if canon {
		return text, true, true, KnownCanonical
	}
	return text, true, true, KnownStrict
}

// step applies one step to the JSON value text, which the Scope has checked (it is valid,
// the strict reading of a binding having found it so). found is false when the result is
// undefined; ok is false when the fast path cannot answer. canon says text is known to be as
// appendStringified writes it.
func (sc *Scope) step(text string, canon bool, st pathStep) (next string, found, ok, nextCanon bool) {
	p := rawScanner{s: text}
	p.ws()
	if p.i >= len(p.s) {
		return "", false, false, false
	}
	c := p.s[p.i]
	if st.isIndex {
		if c != '[' {
			return "", false, false, false // an index on a non-array selects the value itself
		}
		n := sc.node(text, knownChecked(canon))
		if !n.ok {
			return "", false, false, false
		}
		i := st.index
		if i < 0 {
			i += len(n.elems)
		}
		if i < 0 || i >= len(n.elems) {
			return "", false, false, false
		}
		e := n.elems[i].val.of(n.text)
		if e == "" || e[0] == '[' {
			return "", false, false, false // an array element is flattened into the result
		}
		return e, true, true, n.elems[i].canon
	}
	switch c {
	case '{':
	case '[':
		return "", false, false, false // a field of an array maps over its elements
	default:
		return "", false, true, false // a field of a string, number, boolean or null is undefined
	}
	n := sc.node(text, knownChecked(canon))
	if !n.ok {
		return "", false, false, false
	}
	m, found := n.field(st.field)
	if !found {
		return "", false, true, false
	}
	return m.val.of(n.text), true, true, m.canon
}

// knownChecked is what is known of a text the Scope has checked.
func knownChecked(canon bool) Known {
	if canon {
		return KnownCanonical
	}
	return KnownStrict
}
