package jsonata

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/stepjet/stepjet/engine/limits"
)

// fastPathsOff turns off every way Eval answers without running gnata on the whole
// expression (plain paths, composites, conditions, substituted paths), process-wide.
var fastPathsOff atomic.Bool

// SetFastPaths turns the raw-JSON fast paths on (the default) or off for the whole process.
// It exists for differential tests: with them off, every expression runs through the
// evaluator, which is what the fast paths must match byte for byte
// (engine's TestJSONataFastPathsMatchEvaluator). Nothing else should call it.
func SetFastPaths(on bool) { fastPathsOff.Store(!on) }

// CheckCanonicalMarks makes every text marked canonical (Scope.MarkCanonical, and the
// results of $merge) checked when it is marked, panicking when it is not: the next phase
// indexes such a text without reading it strictly. For tests only.
func CheckCanonicalMarks(on bool) {
	if on {
		checkCanonMarks.Store(&checkCanonical)
	} else {
		checkCanonMarks.Store(nil)
	}
}

var checkCanonical = func(text []byte) {
	if !Canonical(text) {
		panic("jsonata: marked canonical, but it is not: " + string(text))
	}
}

// Canonical reports whether text is one JSON value written exactly as JSON.stringify writes
// what JSON.parse reads from it: compact, no repeated keys, strings and numbers in
// JavaScript's form. Such a text, and one that puts such values in place of the nulls of
// another, is what a Scope may be told of with MarkCanonical.
func Canonical(text []byte) bool {
	s := string(text)
	var keys []string
	p := rawScanner{s: s}
	if p.canonSkip(&keys) && p.i == len(s) {
		return true
	}
	// canonSkip refuses escapes; what stringifyRaw writes is the definition.
	q := rawScanner{s: s}
	out, ok := q.stringifyRaw(make([]byte, 0, len(s)), &keys)
	return ok && q.i == len(s) && string(out) == s
}

// CanonicalPlain is Canonical for its common form only, strings without escapes, in one
// read-only pass: true says text is Canonical, so also valid JSON, compact and nested at most
// limits.MaxDepth deep; false says nothing more (it may still be Canonical, or JSON at all).
// It lets a caller that must check a document anyway learn in the same pass that the first
// Scope to read it need not read it again (KnownCanonical).
func CanonicalPlain(text []byte) bool {
	keys := keysPool.Get().(*[]string)
	p := rawScanner{s: bytesString(text)}
	ok := p.canonSkip(keys) && p.i == len(p.s)
	clear(*keys) // hold no strings of text
	*keys = (*keys)[:0]
	keysPool.Put(keys)
	return ok
}

// CompactCanonical returns text without the whitespace between its tokens when what is left
// is Canonical in its common form (CanonicalPlain): text is then valid JSON, nested at most
// limits.MaxDepth deep, and the result what any JSON compactor writes for it. It is text
// itself when it has no such whitespace, else a new slice. ok false says nothing more.
//
// A document written by hand, indented, is most often canonical but for its indentation: one
// pass both compacts and checks it, and the first Scope to read it need not check it again.
func CompactCanonical(text []byte) (doc []byte, ok bool) {
	if ix, ok := CompactCanonicalIndex(text); ok {
		return ix.Doc(), true
	}
	return nil, false
}

// Index is a document CompactCanonicalIndex wrote, with where the members of its top-level
// object are: a Scope told of it (Adopt) reads the document without indexing it again.
type Index struct {
	doc     []byte
	members []rawMember
	object  bool
	room    [16]rawMember // members' first home: one allocation for most documents
}

// Doc returns the document.
func (ix *Index) Doc() []byte { return ix.doc }

// CompactCanonicalIndex is CompactCanonical, also giving where the document's members are
// when it is an object.
func CompactCanonicalIndex(text []byte) (*Index, bool) {
	keys := spansPool.Get().(*[]textSpan)
	defer func() {
		*keys = (*keys)[:0]
		spansPool.Put(keys)
	}()
	ix := &Index{}
	ix.members = ix.room[:0]
	s := bytesString(text)
	c := canonCompactor{p: rawScanner{s: s}, keys: keys}
	c.ws()
	ix.object = c.p.i < len(s) && s[c.p.i] == '{'
	if !c.value(&ix.members) {
		return nil, false
	}
	if c.ws(); c.p.i != len(s) || len(s)-c.removed > math.MaxInt32 {
		return nil, false
	}
	if c.dst == nil {
		ix.doc = text[:len(text):len(text)] // no whitespace: the very bytes given
	} else {
		c.n += copy(c.dst[c.n:], s[c.from:])
		ix.doc = c.dst[:c.n:c.n]
	}
	return ix, true
}

// Adopt tells the Scope where the members of ix's document are, so that a phase reading it
// (by its memory: ix.Doc(), as it is) finds it indexed. It is kept as the phase's own index
// (carried, like the rest, to the next phase).
func (s *Scope) Adopt(ix *Index) {
	if ix == nil || !ix.object {
		return
	}
	text := bytesString(ix.doc)
	for i := range s.nodes {
		if sameMemory(s.nodes[i].text, text) {
			return // indexed already
		}
	}
	if len(s.nodes) >= maxRawNodes {
		return
	}
	n := s.newNode()
	n.text, n.ok, n.array, n.canon, n.sum = text, true, false, true, s.sum(text)
	n.members = append(n.members, ix.members...)
	if check := checkCanonMarks.Load(); check != nil {
		(*check)(ix.doc)
		checkIndex(n)
	}
}

// spansPool is CompactCanonicalIndex's scratch space for the keys of the objects it reads.
var spansPool = sync.Pool{New: func() any { s := make([]textSpan, 0, 16); return &s }}

// keysPool is CanonicalPlain's scratch space for the keys of the objects it reads.
var keysPool = sync.Pool{New: func() any { s := make([]string, 0, 16); return &s }}

// The scanner's nesting limit is the engine's: what CanonicalPlain accepts, the execution's
// own check (payload.CheckCompact) does not find too deep.
var _ [0]struct{} = [maxRawDepth - limits.MaxDepth]struct{}{}

// sizeHint remembers the length of an expression's last result, so that the next result's
// buffer is allocated once at the right size instead of grown by doubling.
// It is read and written atomically (a plain int64, so that an Expr may still be copied).
type sizeHint struct{ n int64 }

func (h *sizeHint) buffer() []byte {
	if n := atomic.LoadInt64(&h.n); n > 0 {
		return make([]byte, 0, n)
	}
	return nil
}

// remember records the capacity a result needed; it shrinks only when far too large.
func (h *sizeHint) remember(n int) {
	if cur := atomic.LoadInt64(&h.n); int64(n) > cur || int64(n) < cur/4 {
		atomic.StoreInt64(&h.n, int64(n))
	}
}
