package jsonata

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// composite is an expression built only of plain paths, object constructors with literal
// keys, and $merge over an array constructor of those, such as a Task's Output
// `$merge([$states.input, {'inventory': $states.result}])`. Eval writes its JSON straight from
// the bindings' raw text, as for a plain path: gnata would decode the whole input, merge it
// into a new object and have it encoded again.
//
// Where it answers, the answer is the one gnata gives (TestCompositeMatchesGnata,
// FuzzComposite): every part that the raw walk is not sure of — a path the plain-path fast
// path hands to gnata, a $merge item that is not an object, a $merge that a binding named
// "merge" hides — hands the whole expression to gnata.
type composite struct {
	kind  compositeKind
	path  *plainPath
	keys  []string     // object: literal keys, distinct
	parts []*composite // object: the values, parallel to keys; merge: the array's items
}

type compositeKind uint8

const (
	compPath compositeKind = iota
	compObject
	compMerge
)

// parseComposite recognizes a composite that is more than a plain path; nil otherwise.
func parseComposite(src string) *composite {
	c, rest := parseCompositePrefix(src, 0)
	if c == nil || c.kind == compPath || strings.TrimLeft(rest, " \t\n\r") != "" {
		return nil
	}
	return c
}

// maxCompositeDepth bounds the nesting the parser follows.
const maxCompositeDepth = 16

func parseCompositePrefix(src string, depth int) (*composite, string) {
	s := strings.TrimLeft(src, " \t\n\r")
	if depth > maxCompositeDepth || s == "" {
		return nil, ""
	}
	switch {
	case strings.HasPrefix(s, "$merge") && identEnd(s, 1) == len("$merge"):
		s = strings.TrimLeft(s[len("$merge"):], " \t\n\r")
		if !strings.HasPrefix(s, "(") {
			return nil, ""
		}
		s = strings.TrimLeft(s[1:], " \t\n\r")
		if !strings.HasPrefix(s, "[") {
			return nil, ""
		}
		c := &composite{kind: compMerge}
		s = strings.TrimLeft(s[1:], " \t\n\r")
		if strings.HasPrefix(s, "]") {
			s = s[1:]
		} else {
			for {
				item, rest := parseCompositePrefix(s, depth+1)
				if item == nil {
					return nil, ""
				}
				c.parts = append(c.parts, item)
				switch {
				case strings.HasPrefix(rest, ","):
					s = rest[1:]
					continue
				case strings.HasPrefix(rest, "]"):
					s = rest[1:]
				default:
					return nil, ""
				}
				break
			}
		}
		s = strings.TrimLeft(s, " \t\n\r")
		if !strings.HasPrefix(s, ")") {
			return nil, ""
		}
		return c, strings.TrimLeft(s[1:], " \t\n\r")
	case s[0] == '$':
		p, rest := parsePathPrefix(s)
		if p == nil {
			return nil, ""
		}
		return &composite{kind: compPath, path: p}, rest
	case s[0] == '{':
		c := &composite{kind: compObject}
		s = strings.TrimLeft(s[1:], " \t\n\r")
		if strings.HasPrefix(s, "}") {
			return c, strings.TrimLeft(s[1:], " \t\n\r")
		}
		for {
			key, rest, ok := stringLiteral(s)
			if !ok {
				return nil, ""
			}
			for _, k := range c.keys {
				if k == key {
					return nil, "" // a repeated key is an error, or not, by what the values give
				}
			}
			rest = strings.TrimLeft(rest, " \t\n\r")
			if !strings.HasPrefix(rest, ":") {
				return nil, ""
			}
			val, rest := parseCompositePrefix(rest[1:], depth+1)
			if val == nil {
				return nil, ""
			}
			c.keys = append(c.keys, key)
			c.parts = append(c.parts, val)
			switch {
			case strings.HasPrefix(rest, ","):
				s = strings.TrimLeft(rest[1:], " \t\n\r")
			case strings.HasPrefix(rest, "}"):
				return c, strings.TrimLeft(rest[1:], " \t\n\r")
			default:
				return nil, ""
			}
		}
	}
	return nil, ""
}

// stringLiteral reads a JSONata string literal with no escapes at the start of s.
func stringLiteral(s string) (val, rest string, ok bool) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", "", false
	}
	val = s[1 : 1+end]
	if strings.IndexByte(val, '\\') >= 0 || !utf8.ValidString(val) {
		return "", "", false
	}
	return val, s[end+2:], true
}

// appendEval appends the composite's JSON to buf; see plainPath.appendEval.
func (c *composite) appendEval(sc *Scope, buf []byte) (out []byte, defined, handled bool) {
	switch c.kind {
	case compPath:
		return c.path.appendEval(sc, buf)
	case compObject:
		mark := len(buf)
		buf = append(buf, '{')
		first := true
		for i, key := range c.keys {
			at := len(buf)
			if !first {
				buf = append(buf, ',')
			}
			buf = appendString(buf, key)
			buf = append(buf, ':')
			var defined, handled bool
			buf, defined, handled = c.parts[i].appendEval(sc, buf)
			if !handled {
				return buf[:mark], false, false
			}
			if !defined { // an undefined value leaves its key out
				buf = buf[:at]
				continue
			}
			first = false
		}
		return append(buf, '}'), true, true
	case compMerge:
		return c.appendMerge(sc, buf, false)
	}
	return buf, false, false
}

// appendMerge is $merge: each object's members in turn, a key already there keeping its place
// and taking the new value, as gnata's ordered objects do.
//
// With index, the object written is also indexed in sc, as a document the next phase may read
// (Scope.indexWritten): where its members are is known as they are written.
func (c *composite) appendMerge(sc *Scope, buf []byte, index bool) ([]byte, bool, bool) {
	if v := sc.lookupVar("merge"); v.found {
		return buf, false, false // a binding named merge: gnata says what calling it does
	}
	// The Scope's scratch space, taken so that a $merge nested in this one makes its own.
	m := sc.merge
	sc.merge = merged{}
	defer func() { sc.merge = m }()
	m.keys, m.vals, m.buf = m.keys[:0], m.vals[:0], m.buf[:0]
	if out, ok, handled := c.splice(sc, &m, buf, index); handled {
		return out, ok, true
	}
	m.keys, m.vals, m.buf = m.keys[:0], m.vals[:0], m.buf[:0]
	// The members' values are written to m.buf, then the object to buf, so buf holds no
	// more than the result: a caller's buffer sized for it does not grow.
	for _, part := range c.parts {
		var ok bool
		switch part.kind {
		case compPath:
			ok = m.addPath(sc, part.path)
		case compObject:
			ok = m.addObject(sc, part)
		default:
			ok = m.addComposite(sc, part)
		}
		if !ok {
			return buf, false, false
		}
	}
	mark := len(buf)
	buf = append(buf, '{')
	members := sc.mergeIndex[:0]
	for i := range m.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		var mem rawMember
		buf, mem = m.appendMember(buf, mark, i)
		if index {
			members = append(members, mem)
		}
	}
	buf = append(buf, '}')
	sc.mergeIndex = members
	if index && len(buf)-mark <= math.MaxInt32 {
		sc.indexWritten(buf[mark:], members, m.keys)
	}
	return buf, true, true
}

// appendMember appends member i, "key":value, of the object written at buf[mark:], and
// returns where it is in that object; a key that needed escapes has esc 0 (indexWritten
// then takes it from the keys it is given).
func (m *merged) appendMember(buf []byte, mark, i int) ([]byte, rawMember) {
	k := m.keys[i]
	at := len(buf)
	buf = appendString(buf, k)
	mem := rawMember{key: textSpan{int32(at + 1 - mark), int32(len(buf) - 1 - mark)}, esc: -1, canon: true}
	if int(mem.key.end-mem.key.off) != len(k) {
		mem.esc = 0
	}
	buf = append(buf, ':')
	mem.val.off = int32(len(buf) - mark)
	buf = append(buf, m.buf[m.vals[i].start:m.vals[i].end]...)
	mem.val.end = int32(len(buf) - mark)
	return buf, mem
}

// merged collects $merge's members: each value's JSON is a span of buf.
type merged struct {
	keys []string
	vals []span
	buf  []byte
}

type span struct{ start, end int }

func (m *merged) set(key string, v span) {
	for i, k := range m.keys {
		if k == key {
			m.vals[i] = v
			return
		}
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// addPath adds the members of the object a plain path selects, from the Scope's index of it:
// the object is neither written out whole nor scanned again.
func (m *merged) addPath(sc *Scope, pp *plainPath) bool {
	text, found, ok, known := pp.resolve(sc)
	if !ok {
		return false
	}
	if !found {
		return true // an undefined item is left out of the array
	}
	p := rawScanner{s: text}
	p.ws()
	if p.i >= len(text) || text[p.i] != '{' {
		return false // not an object: gnata spreads arrays, or fails
	}
	n := sc.node(text, known) // the whole of the object is JSON, as gnata would decode it
	if !n.ok {
		return false
	}
	if m.keys == nil {
		m.keys = make([]string, 0, len(n.members)+2)
		m.vals = make([]span, 0, len(n.members)+2)
	}
	if m.buf == nil {
		m.buf = make([]byte, 0, len(text))
	}
	for i := range n.members {
		mem := &n.members[i]
		start := len(m.buf)
		if mem.canon {
			m.buf = append(m.buf, mem.val.of(n.text)...)
			m.set(n.key(mem), span{start, len(m.buf)})
			continue
		}
		var defined bool
		if m.buf, defined, ok = appendStringified(m.buf, mem.val.of(n.text), &sc.keys); !ok || !defined {
			return false
		}
		m.set(n.key(mem), span{start, len(m.buf)})
	}
	return true
}

// addObject adds the members of the object constructor c, writing each value once: its keys
// are literal and distinct, and a member whose value is undefined is left out, as from the
// object c writes.
func (m *merged) addObject(sc *Scope, c *composite) bool {
	for i, key := range c.keys {
		start := len(m.buf)
		var defined, handled bool
		m.buf, defined, handled = c.parts[i].appendEval(sc, m.buf)
		if !handled {
			return false
		}
		if !defined {
			m.buf = m.buf[:start]
			continue
		}
		m.set(key, span{start, len(m.buf)})
	}
	return true
}

// addComposite adds the members of the object c writes.
func (m *merged) addComposite(sc *Scope, c *composite) bool {
	start := len(m.buf)
	var defined, handled bool
	m.buf, defined, handled = c.appendEval(sc, m.buf)
	if !handled || !defined {
		return handled
	}
	if m.buf[start] != '{' {
		return false
	}
	// The object is compact, with distinct keys; read it in place. Its keys are kept until
	// the merge is written: a copy, as m.buf is reused by the next $merge.
	text := string(m.buf[start:])
	p := rawScanner{s: text}
	return p.members(func(key string) bool {
		from := p.i
		if !p.skip() {
			return false
		}
		m.set(key, span{start + from, start + p.i})
		return true
	})
}

// splice is $merge over a path to an object known canonical as a whole followed by object
// constructors, such as a Task's Output `$merge([$states.input, {'inventory': $states.result}])`:
// the object is written as it is, in runs between the values the constructors replace, with
// their new members after it. That is what appendMerge writes member by member, for less: the
// object's members are neither copied twice nor each looked up among the keys so far. handled
// is false, with nothing written, when the shape or the object is other than that; appendMerge
// then merges member by member.
func (c *composite) splice(sc *Scope, m *merged, buf []byte, index bool) (out []byte, defined, handled bool) {
	if len(c.parts) < 2 || c.parts[0].kind != compPath {
		return buf, false, false
	}
	for _, part := range c.parts[1:] {
		if part.kind != compObject {
			return buf, false, false
		}
	}
	text, found, ok, known := c.parts[0].path.resolve(sc)
	if !ok || !found || text == "" || text[0] != '{' {
		return buf, false, false
	}
	n := sc.node(text, known)
	if n.settle(); !n.ok || !n.canon {
		return buf, false, false
	}
	// The constructors' members, in m as appendMerge collects them: later keys win.
	for _, part := range c.parts[1:] {
		if !m.addObject(sc, part) {
			return buf, false, false
		}
	}
	text = n.text
	mark := len(buf)
	members := sc.mergeIndex[:0]
	keys := sc.mergeKeys[:0]
	// replaced[i] is the object member m.keys[i] replaces, or -1 for a new member.
	replaced := sc.mergeAt[:0]
	for _, k := range m.keys {
		at := -1
		for j := range n.members {
			if n.members[j].key.of(text) == k { // canonical: no escapes, no repeated keys
				at = j
				break
			}
		}
		replaced = append(replaced, at)
	}
	buf = slices.Grow(buf, len(text)+len(m.buf)+8*len(m.keys))
	// text[run:] is not written yet; a byte of text before it is written delta bytes further
	// on in the object written than in text (the replaced values before it differ in length).
	run, delta := int32(0), int32(0)
	for j := range n.members {
		mem := n.members[j]
		mem.key = textSpan{mem.key.off + delta, mem.key.end + delta}
		if i := slices.Index(replaced, j); i >= 0 {
			buf = append(buf, text[run:n.members[j].val.off]...)
			v := m.buf[m.vals[i].start:m.vals[i].end]
			buf = append(buf, v...)
			run = n.members[j].val.end
			mem.val = textSpan{mem.val.off + delta, mem.val.off + delta + int32(len(v))}
			delta += int32(len(v)) - (n.members[j].val.end - n.members[j].val.off)
		} else {
			mem.val = textSpan{mem.val.off + delta, mem.val.end + delta}
		}
		if index {
			members = append(members, mem)
			keys = append(keys, "")
		}
	}
	buf = append(buf, text[run:len(text)-1]...) // all but the closing brace
	for i, k := range m.keys {
		if replaced[i] >= 0 {
			continue
		}
		if len(buf) > mark+1 {
			buf = append(buf, ',')
		}
		var mem rawMember
		buf, mem = m.appendMember(buf, mark, i)
		if index {
			members = append(members, mem)
			keys = append(keys, k)
		}
	}
	buf = append(buf, '}')
	sc.mergeIndex, sc.mergeKeys, sc.mergeAt = members, keys, replaced
	if index && len(buf)-mark <= math.MaxInt32 {
		sc.indexWritten(buf[mark:], members, keys)
	}
	return buf, true, true
}
