package payload

import (
	"sync/atomic"

	"github.com/tidwall/gjson"
)

// A plan is a template flattened once at compile time into the bytes that never change and the
// holes filled per execution: parts[0], hole 0, parts[1], hole 1, ..., parts[n]. Object keys,
// braces, commas and literal values all live in parts, already serialized, so filling a template
// is a run of appends into one buffer.
type plan struct {
	parts [][]byte
	// hint is the length of the last payload produced, so the next one gets a buffer of the
	// right size in one allocation.
	hint atomic.Int64
}

// planBuilder accumulates a plan's static bytes between holes.
type planBuilder struct {
	parts [][]byte
	cur   []byte
	holes int
}

func (b *planBuilder) lit(p ...byte) { b.cur = append(b.cur, p...) }

func (b *planBuilder) str(s string) { b.cur = appendString(b.cur, s) }

// hole ends the current static part; the caller records what fills the hole.
func (b *planBuilder) hole() {
	b.parts = append(b.parts, b.cur)
	b.cur = nil
	b.holes++
}

// finish stores the finished plan in p.
func (b *planBuilder) finish(p *plan) {
	p.parts = append(b.parts, b.cur)
	size := 0
	for _, part := range p.parts {
		size += len(part)
	}
	p.hint.Store(int64(size + 32*b.holes))
}

// buffer returns an empty buffer sized for this plan's typical output.
func (p *plan) buffer() []byte { return make([]byte, 0, p.hint.Load()) }

// remember records the size of a finished payload for the next buffer.
func (p *plan) remember(n int) {
	if h := p.hint.Load(); int64(n) > h || int64(n) < h/4 {
		p.hint.Store(int64(n))
	}
}

// static returns the whole output when the plan has no holes.
func (p *plan) static() ([]byte, bool) {
	if len(p.parts) != 1 {
		return nil, false
	}
	return p.parts[0], true
}

// member is one key of a template object after its output key is decided.
type member struct {
	key   string       // output key
	field string       // the key as written, for messages
	value gjson.Result // the value as written
}

// members lists an object's members in the order written. A later member whose output key
// repeats an earlier one ("a" and "a.$", or a key written twice) replaces the earlier value in
// the earlier position, as a JSON object builder that keeps insertion order does.
func members(obj gjson.Result, outKey func(string) string) []member {
	var ms []member
	obj.ForEach(func(k, v gjson.Result) bool {
		m := member{key: outKey(k.Str), field: k.Str, value: v}
		for i := range ms {
			if ms[i].key == m.key {
				ms[i] = m
				return true
			}
		}
		ms = append(ms, m)
		return true
	})
	return ms
}
