package jsonata

import (
	"hash/maphash"
	"math"
	"strings"
	"sync/atomic"
	"unsafe"
)

// A plain path reads the same binding many times in one Scope: a state's Output template
// typically holds a dozen "$states.input.<field>" expressions. Rescanning the ~1 KiB input
// (and checking it strictly) for each was most of their cost, so a Scope remembers, per JSON
// object or array text it has walked, where its members are: each object is scanned once,
// however many paths cross it.

// rawNode is the member index of one JSON object or array text of a binding. Members and
// elements are places in the text, not strings: the index holds no pointers, so building it
// costs the garbage collector nothing (no write barriers, nothing to scan).
type rawMember struct {
	key, val textSpan
	// esc, when not -1, is the key unescaped, in rawNode.escKeys: key is then its raw text.
	esc int32
	// canon says val is already written as appendStringified would write it (compact,
	// numbers and strings as JSON.stringify writes them, no repeated keys): it can be copied.
	canon bool
}

type rawElem struct {
	val   textSpan
	canon bool
}

// textSpan is text[off:end] of a node's text.
type textSpan struct{ off, end int32 }

func (t textSpan) of(text string) string { return text[t.off:t.end] }

// spanIn returns where sub, a substring of text, sits in it; ok is false when it is not one.
func spanIn(text, sub string) (textSpan, bool) {
	d := int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(text))))
	if d < 0 || d+len(sub) > len(text) || len(text) > math.MaxInt32 {
		return textSpan{}, false
	}
	return textSpan{int32(d), int32(d + len(sub))}, true
}

type rawNode struct {
	text    string      // the value's text: the cache key
	members []rawMember // object: every member, repeated keys included, in order
	elems   []rawElem   // array: the elements' texts
	escKeys []string    // the keys that held escapes, unescaped
	array   bool
	ok      bool // the strict scanner read all of text
	// canon says text is Canonical as a whole: it can be copied as it is, and $merge can
	// write it with members replaced or added without writing each one (composite.splice).
	canon bool
	// lazy says text was known valid (KnownStrict) and indexed without a strict read
	// (buildValid): canon is not known until asked for (settle).
	lazy bool
	// carried says the node was built before the Scope's last Reset (carry); it then
	// answers only for the very same memory still holding the same bytes (sum).
	carried bool
	sum     uint64
}

// maxRawNodes bounds the index of one Scope; past it, nodes are built and dropped.
const maxRawNodes = 64

// field returns member key: the last of repeated keys, as JSON.parse keeps.
func (n *rawNode) field(key string) (*rawMember, bool) {
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.key(&n.members[i]) == key {
			return &n.members[i], true
		}
	}
	return nil, false
}

// key returns member m's key, unescaped.
func (n *rawNode) key(m *rawMember) string {
	if m.esc >= 0 {
		return n.escKeys[m.esc]
	}
	return m.key.of(n.text)
}

// addMember appends a member whose key and value are as the scanner of n.text gave them.
func (n *rawNode) addMember(key, val string, canon bool) bool {
	m := rawMember{esc: -1, canon: canon}
	var ok bool
	if m.val, ok = spanIn(n.text, val); !ok {
		return false
	}
	if m.key, ok = spanIn(n.text, key); !ok {
		m.esc = int32(len(n.escKeys))
		n.escKeys = append(n.escKeys, key)
	}
	if n.members == nil {
		n.members = make([]rawMember, 0, 16)
	}
	n.members = append(n.members, m)
	return true
}

// addElem appends an element whose value the scanner of n.text gave.
func (n *rawNode) addElem(val string, canon bool) bool {
	sp, ok := spanIn(n.text, val)
	n.elems = append(n.elems, rawElem{sp, canon})
	return ok
}

// build indexes the object or array at the start of p.s[p.i:], reading it strictly; it
// returns with p.i just past the value. scratch and keys are the Scope's scratch space.
func (n *rawNode) build(p *rawScanner, scratch *[]byte, keys *[]string) {
	n.members, n.elems, n.escKeys = n.members[:0], n.elems[:0], n.escKeys[:0]
	if p.s[p.i] == '[' {
		n.array = true
		n.ok = p.elements(func() bool {
			v, canon, ok := p.spanCanon(scratch, keys)
			return ok && n.addElem(v, canon)
		})
		return
	}
	n.array = false
	n.ok = p.members(func(key string) bool {
		v, canon, ok := p.spanCanon(scratch, keys)
		return ok && n.addMember(key, v, canon)
	})
}

// spanCanon is span, also reporting whether the value's text is what appendStringified
// writes for it. Writing it out is the check: one pass both validates and compares.
func (p *rawScanner) spanCanon(scratch *[]byte, keys *[]string) (text string, canon, ok bool) {
	p.ws()
	start, depth, mark := p.i, p.depth, len(*keys)
	if p.canonSkip(keys) {
		return p.s[start:p.i], true, true
	}
	p.i, p.depth, *keys = start, depth, (*keys)[:mark]
	if cap(*scratch) < len(p.s)-start {
		*scratch = make([]byte, 0, len(p.s)-start) // enough for the rest, in one allocation
	}
	out, ok := p.stringifyRaw((*scratch)[:0], keys)
	*scratch = out[:0]
	if ok {
		text = p.s[start:p.i]
		return text, string(out) == text, true
	}
	// A repeated key, or not JSON: span says which.
	p.i, p.depth = start, depth
	text, ok = p.span()
	return text, false, ok
}

// node returns the index of text, which must start with '{' or '[' (after whitespace),
// building it on first use, as strictly as what is known of text requires.
// The pointer is valid until the next call.
func (s *Scope) node(text string, known Known) *rawNode {
	for i := range s.nodes {
		n := &s.nodes[i]
		if len(n.text) != len(text) {
			continue
		}
		if n.carried {
			if sameMemory(n.text, text) && s.sameSum(text, n.sum) {
				n.carried = false // used again: carried on at the next Reset
				return n
			}
			continue
		}
		// Texts are substrings of the bindings: a hit compares equal pointers, which is quick.
		if n.text == text {
			return n
		}
	}
	n := s.newNode()
	sum, marked := s.canonSum(text)
	if !marked {
		sum = s.sum(text)
	}
	n.text, n.sum = text, sum // the bytes indexed, for a later phase to compare
	if (known == KnownCanonical || marked) && n.buildCanon(text) {
		return n
	}
	if s.keys == nil {
		s.keys = make([]string, 0, 16)
	}
	if known == KnownStrict && n.buildValid(text, &s.keys) {
		return n
	}
	p := rawScanner{s: text}
	p.ws()
	n.build(&p, &s.scratch, &s.keys)
	n.ok = n.ok && p.atEnd()
	n.canon = n.ok && n.wholeCanon()
	return n
}

// maxCanonMembers bounds the repeated-key check of wholeCanon, which is quadratic: a larger
// object is not known canonical as a whole (its members still are, each on its own).
const maxCanonMembers = 64

// wholeCanon reports whether the text n indexes, read strictly, is Canonical, from the index
// alone: every member or element canonical, keys without escapes and distinct, and nothing
// between them but the separators stringifyRaw writes.
func (n *rawNode) wholeCanon() bool {
	t := n.text
	last := int32(len(t) - 1)
	if len(t) < 2 {
		return false
	}
	if n.array {
		if t[0] != '[' {
			return false
		}
		at := int32(1)
		for _, e := range n.elems {
			if !e.canon || e.val.off != at {
				return false
			}
			at = e.val.end + 1 // past the comma, or the bracket after the last
		}
		return at == last+1 && (len(n.elems) > 0 || last == 1)
	}
	if t[0] != '{' || len(n.members) > maxCanonMembers {
		return false
	}
	at := int32(2) // past '{"'
	for i := range n.members {
		m := &n.members[i]
		if !m.canon || m.esc >= 0 || m.key.off != at || m.val.off != m.key.end+2 {
			return false
		}
		for j := range i {
			if n.members[j].key.of(t) == m.key.of(t) {
				return false
			}
		}
		at = m.val.end + 2 // past ',"'
	}
	if len(n.members) == 0 {
		return last == 1
	}
	return at == last+2
}

// newNode returns an empty node in the index, reusing the slices of one from before a Reset.
func (s *Scope) newNode() *rawNode {
	var n *rawNode
	if len(s.nodes) < maxRawNodes {
		switch {
		case len(s.nodes) < cap(s.nodes):
			s.nodes = s.nodes[:len(s.nodes)+1]
		case s.nodes == nil:
			s.nodes = make([]rawNode, 1, 8)
		default:
			s.nodes = append(s.nodes, rawNode{})
		}
		n = &s.nodes[len(s.nodes)-1]
	} else {
		n = &rawNode{}
	}
	n.text, n.carried, n.canon, n.lazy = "", false, false, false
	n.members, n.elems, n.escKeys = n.members[:0], n.elems[:0], n.escKeys[:0]
	return n
}

// indexWritten records the index of an object just written (by $merge), whose members are
// members (esc, when not -1, meaning the key is keys[i]); the object is canonical. The next
// phase, should its bindings hold these very bytes, finds the index without reading them.
func (s *Scope) indexWritten(text []byte, members []rawMember, keys []string) {
	if len(s.nodes) >= maxRawNodes {
		return
	}
	n := s.newNode()
	n.text, n.ok, n.array, n.canon = bytesString(text), true, false, true
	n.sum = s.sum(n.text)
	for i, m := range members {
		if m.esc >= 0 {
			m.esc = int32(len(n.escKeys))
			n.escKeys = append(n.escKeys, keys[i])
		}
		n.members = append(n.members, m)
	}
	if check := checkCanonMarks.Load(); check != nil {
		(*check)(text)
		checkIndex(n)
	}
}

// checkIndex panics unless n is the index that reading its text strictly gives.
func checkIndex(n *rawNode) {
	var want rawNode
	p := rawScanner{s: n.text}
	want.text = n.text
	var scratch []byte
	var keys []string
	want.build(&p, &scratch, &keys)
	if !want.ok || len(want.members) != len(n.members) {
		panic("jsonata: a written object's index is wrong: " + n.text)
	}
	for i := range n.members {
		g, w := &n.members[i], &want.members[i]
		if n.key(g) != want.key(w) || g.val.of(n.text) != w.val.of(n.text) || !w.canon {
			panic("jsonata: a written object's index is wrong at " + want.key(w) + ": " + n.text)
		}
	}
}

// canonMark is a text markCanon recorded, with its sum.
type canonMark struct {
	text string
	sum  uint64
}

// sumSeed seeds textSum, for this process.
var sumSeed = maphash.MakeSeed()

// textSum is a hash of text. The engine never changes a document, but a Scope carries what
// it knows from one phase to the next, where a task's result arrives: should the memory of a
// text have been written over since (a TaskInvoker reusing its buffer), the sum tells, for
// the cost of hashing it (memory speed), rather than an index of other bytes being used.
func textSum(text string) uint64 { return maphash.String(sumSeed, text) }

// sum is textSum(text), or nothing when the Scope trusts what it carries (TrustCarried).
func (s *Scope) sum(text string) uint64 {
	if s.trusted {
		return 0
	}
	return textSum(text)
}

// sameSum reports whether text, in the memory a carried node or mark refers to, still holds
// the bytes summed: by taking its sum again, unless the Scope trusts what it carries.
func (s *Scope) sameSum(text string, sum uint64) bool {
	return s.trusted || textSum(text) == sum
}

// TrustCarried tells the Scope whether its owner guarantees that every document a phase
// reads keeps its bytes for as long as the Scope refers to it, across Resets: that nothing
// writes a document once made — what it reads from a task's result included — until the
// owner calls Forget (for the next execution, say). Trusted, a Scope finds what the phase
// before indexed by its memory alone; untrusted (the default), it takes a sum of each
// document it indexes and checks it when it finds the document again, which costs as much
// as a hash of every document read (about a tenth of a simple JSONata workflow's time).
// Changing it forgets what the Scope carries.
func (s *Scope) TrustCarried(on bool) {
	if s.trusted != on {
		s.trusted = on
		s.Forget()
	}
}

// Forget drops what the Scope carries from the phases before: the next phase indexes every
// document afresh.
func (s *Scope) Forget() {
	s.nodes = s.nodes[:0]
	s.canonNow, s.canonPrev = s.canonNow[:0], s.canonPrev[:0]
}

// sameMemory reports whether a and b are the same bytes in memory, not merely equal.
func sameMemory(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// A state's input is most often the output of the state before, and a Task's Arguments and
// Output read the same input: the phases of one execution index the same documents over
// and over. A Scope reused for the next phase (the engine pools them) keeps what the last
// phase indexed, and what its $merge results wrote, which are canonical (markCanon); both
// are found again only by their memory, which holds the same bytes while the Scope refers to
// it, as the engine never changes a document. A different document, even an equal one, is
// indexed afresh.

// carry keeps the nodes this phase used for the next, dropping those the phase before left.
func (s *Scope) carry() {
	j := 0
	for i := range s.nodes {
		if !s.nodes[i].carried {
			if i != j {
				s.nodes[i], s.nodes[j] = s.nodes[j], s.nodes[i] // swap: keep every node's slices
			}
			s.nodes[j].carried = true
			j++
		}
	}
	// The dropped nodes keep their text until their place is reused: clearing it would cost
	// more than holding one phase's documents a little longer.
	s.nodes = s.nodes[:j]
	s.canonPrev, s.canonNow = s.canonNow, s.canonPrev[:0]
}

// MemberSpan is where one member of an object is in its text: Key is [start, end) of its key
// between the quotes (a key written without escapes), Val of its value.
type MemberSpan struct{ Key, Val [2]int }

// IndexObject is MarkCanonical for text, a Canonical object just written, whose members are
// where spans say, in order: the next phase, should it read these very bytes, finds them
// indexed rather than reading them. (With CheckCanonicalMarks, the index is checked against
// a strict read.)
func (s *Scope) IndexObject(text []byte, spans []MemberSpan) {
	if len(text) > math.MaxInt32 {
		return
	}
	members := s.mergeIndex[:0]
	for _, sp := range spans {
		members = append(members, rawMember{
			key: textSpan{int32(sp.Key[0]), int32(sp.Key[1])}, val: textSpan{int32(sp.Val[0]), int32(sp.Val[1])},
			esc: -1, canon: true,
		})
	}
	s.mergeIndex = members
	s.indexWritten(text, members, nil)
}

// MarkCanonical tells the Scope that text, a result just written from its evaluations, is
// Canonical and will not change: should the next phase's bindings hold these very bytes (the
// Scope is Reset for it), it indexes them without reading them strictly. A payload template
// whose literal parts are canonical marks what it fills so.
func (s *Scope) MarkCanonical(text []byte) { s.markCanon(text) }

// markCanon records that text, a result just written, is as appendStringified writes it.
func (s *Scope) markCanon(text []byte) {
	if len(text) < minCanonMark || len(s.canonNow) >= maxRawNodes {
		return
	}
	if check := checkCanonMarks.Load(); check != nil {
		(*check)(text)
	}
	t := bytesString(text)
	s.canonNow = append(s.canonNow, canonMark{t, s.sum(t)})
}

// minCanonMark is the size under which a result is not worth remembering.
const minCanonMark = 64

// checkCanonMarks, when set (CheckCanonicalMarks), checks every text markCanon records.
var checkCanonMarks atomic.Pointer[func(text []byte)]

// isCanon reports whether text is a result markCanon recorded, in this phase or the last.
func (s *Scope) isCanon(text string) bool {
	_, ok := s.canonSum(text)
	return ok
}

// canonSum is isCanon, also returning the text's sum when it is one (which it had to take).
func (s *Scope) canonSum(text string) (uint64, bool) {
	for _, marks := range [2][]canonMark{s.canonNow, s.canonPrev} {
		for _, c := range marks {
			if sameMemory(c.text, text) && s.sameSum(text, c.sum) {
				return c.sum, true
			}
		}
	}
	return 0, false
}

// buildCanon indexes text known to be as appendStringified writes it (compact, valid, no
// repeated keys), without checking it again: it only finds where values end. It returns
// false, for build to do, when a key holds an escape.
func (n *rawNode) buildCanon(text string) bool {
	n.members, n.elems, n.escKeys = n.members[:0], n.elems[:0], n.escKeys[:0]
	if len(text) < 2 || len(text) > math.MaxInt32 {
		return false
	}
	n.ok, n.canon, n.lazy = true, true, false
	i := 1
	if text[0] == '[' {
		n.array = true
		if text[i] == ']' {
			return true
		}
		for {
			end := skipCanon(text, i)
			n.elems = append(n.elems, rawElem{textSpan{int32(i), int32(end)}, true})
			if end >= len(text) || text[end] != ',' {
				return true
			}
			i = end + 1
		}
	}
	n.array = false
	if text[i] == '}' {
		return true
	}
	if n.members == nil {
		n.members = make([]rawMember, 0, 16)
	}
	for {
		k := strings.IndexByte(text[i+1:], '"')
		if k < 0 {
			return false
		}
		key := textSpan{int32(i + 1), int32(i + 1 + k)}
		if strings.IndexByte(key.of(text), '\\') >= 0 {
			return false
		}
		i += k + 3 // the quotes and the colon
		end := skipCanon(text, i)
		n.members = append(n.members, rawMember{key: key, val: textSpan{int32(i), int32(end)}, esc: -1, canon: true})
		if end >= len(text) || text[end] != ',' {
			return true
		}
		i = end + 1
	}
}

// buildValid indexes text known to be valid JSON as the strict reading finds it (KnownStrict),
// without reading it strictly: it only finds where members and elements are, whitespace
// and all, and whether each is in the common canonical form (canonSkip; false for the rest,
// which is then written out as appendStringified writes it). It returns false, for build to
// do, when a key holds an escape. keys is scratch space for canonSkip.
func (n *rawNode) buildValid(text string, keys *[]string) bool {
	n.members, n.elems, n.escKeys = n.members[:0], n.elems[:0], n.escKeys[:0]
	if len(text) < 2 || len(text) > math.MaxInt32 {
		return false
	}
	n.ok, n.canon, n.lazy = true, false, true
	i := skipSpace(text, 0)
	n.array = text[i] == '['
	close := byte('}')
	if n.array {
		close = ']'
	}
	if i = skipSpace(text, i+1); text[i] == close {
		return true
	}
	if !n.array && n.members == nil {
		n.members = make([]rawMember, 0, 16)
	}
	for {
		if n.array {
			end, canon := skipValue(text, i, keys)
			n.elems = append(n.elems, rawElem{textSpan{int32(i), int32(end)}, canon})
			i = end
		} else {
			end := stringEnd(text, i)
			key := textSpan{int32(i + 1), int32(end - 1)}
			if strings.IndexByte(key.of(text), '\\') >= 0 {
				return false
			}
			i = skipSpace(text, skipSpace(text, end)+1) // past the colon
			end, canon := skipValue(text, i, keys)
			n.members = append(n.members, rawMember{key: key, val: textSpan{int32(i), int32(end)}, esc: -1, canon: canon})
			i = end
		}
		if i = skipSpace(text, i); i >= len(text) || text[i] != ',' {
			return true
		}
		i = skipSpace(text, i+1)
	}
}

// skipValue returns the end of the valid JSON value at text[i:], and whether it is in the
// common canonical form: one pass for such a value, two for another.
func skipValue(text string, i int, keys *[]string) (end int, canon bool) {
	p := rawScanner{s: text, i: i}
	mark := len(*keys)
	if p.canonSkip(keys) {
		return p.i, true
	}
	*keys = (*keys)[:mark]
	return skipCanon(text, i), false
}

// skipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// settle finds whether a lazy node's text is canonical as a whole, as build does.
func (n *rawNode) settle() {
	if n.lazy {
		n.lazy = false
		n.canon = n.wholeCanon()
	}
}

// skipCanon returns the end of the canonical JSON value at s[i:], or of any valid one
// (buildValid): a number or literal ends where whitespace does.
func skipCanon(s string, i int) int {
	switch s[i] {
	case '"':
		return stringEnd(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				i = stringEnd(s, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(s)
	}
	for i < len(s) && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
		i++
	}
	return i
}

// stringEnd returns the end of the string token at s[i]: past its closing quote, which is
// the first one not escaped. Strings in documents are mostly short: eight bytes at a time,
// rather than a call to find each quote.
func stringEnd(s string, i int) int {
	i++
	for {
		for i+8 <= len(s) {
			if x := load64(s, i); hasByte8(x, '"') || hasByte8(x, '\\') {
				break
			}
			i += 8
		}
		for i < len(s) && s[i] != '"' && s[i] != '\\' {
			i++
		}
		switch {
		case i >= len(s):
			return len(s)
		case s[i] == '"':
			return i + 1
		}
		i += 2 // a backslash and the byte it escapes
	}
}

// checked reports whether the binding's text is one valid JSON value, as gnata's decoder
// would find it; an object or array is indexed on the way, so the check costs no extra pass.
func (s *Scope) checked(v *scopeVar) bool {
	if v.check == 0 {
		v.check = -1
		text := v.text()
		p := rawScanner{s: text}
		p.ws()
		if p.i < len(text) && (text[p.i] == '{' || text[p.i] == '[') {
			if n := s.node(text, v.known()); n.ok {
				v.check = 1
				v.canon = n.canon
			}
		} else if p.skip() && p.atEnd() {
			v.check = 1
		}
	}
	return v.check > 0
}
