package payload

import (
	"bytes"
	"unsafe"

	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
)

// A fetchNode plans the lookups of a template's plain member paths ($.a, $.a.b, $['a']) so that
// they are answered together, in one pass over each object they go through, instead of one walk
// from the start of the document per path: {"id.$": "$.order.id", "total.$": "$.order.total",
// "src.$": "$.source"} reads the top-level object once and "order" once.
//
// The tree mirrors the paths: a node is one member name, its holes are the paths that end there
// and its children the names read below it. The plan only speeds up the lookups that succeed;
// a path it does not find goes through the hole's own evaluation, which reports the miss in
// AWS's words, so results and errors are exactly those of evaluating each path alone.
type fetchNode struct {
	key      string
	holes    []int
	children []*fetchNode
}

// maxFetchChildren bounds a node's children: which of them were found is a bit mask.
const maxFetchChildren = 64

// maxFetchHoles bounds the templates planned: their values fit an array on the stack.
const maxFetchHoles = 32

// planFetch builds the fetch tree of a template's holes, or nil when fewer than two holes are
// plain member paths of the input (one lookup gains nothing from planning).
func planFetch(holes []pathHole) *fetchNode {
	if len(holes) > maxFetchHoles {
		return nil
	}
	root := &fetchNode{}
	planned := 0
	for i := range holes {
		p := holes[i].path
		if p == nil || p.Root() != jsonpath.RootInput || !p.Definite() {
			continue
		}
		names, ok := p.Members()
		if !ok {
			continue
		}
		if root.add(names, i) {
			planned++
		}
	}
	if planned < 2 {
		return nil
	}
	return root
}

// add records that hole i reads the member path names below n.
func (n *fetchNode) add(names []string, i int) bool {
	if len(names) == 0 {
		n.holes = append(n.holes, i)
		return true
	}
	for _, c := range n.children {
		if c.key == names[0] {
			return c.add(names[1:], i)
		}
	}
	if len(n.children) == maxFetchChildren {
		return false
	}
	c := &fetchNode{key: names[0]}
	n.children = append(n.children, c)
	return c.add(names[1:], i)
}

// fetch stores in vals[h] the raw value of every planned hole h found in v. As a lookup of the
// path alone would, it takes the first member of a name when an object repeats it.
func (n *fetchNode) fetch(v gjson.Result, vals [][]byte) {
	for _, h := range n.holes {
		vals[h] = stringBytes(v.Raw)
	}
	if len(n.children) == 0 || !v.IsObject() {
		return
	}
	var seen uint64
	left := len(n.children)
	v.ForEach(func(k, m gjson.Result) bool {
		for i, c := range n.children {
			if seen&(1<<i) == 0 && c.key == k.Str {
				seen |= 1 << i
				left--
				c.fetch(m, vals)
				break
			}
		}
		return left > 0
	})
}

// fetchAll runs the plan over the input, filling vals (one slot per hole; nil where the plan
// found nothing or does not apply). compact says the input is valid compact JSON (Env.Compact).
func (n *fetchNode) fetchAll(input []byte, vals [][]byte, compact bool) {
	if len(input) == 0 {
		return
	}
	if compact {
		if n.fetchCompact(input, vals) {
			return
		}
		clear(vals)
	}
	n.fetch(gjson.Parse(unsafe.String(unsafe.SliceData(input), len(input))), vals)
}

// fetchCompact is fetch over a valid compact document: a byte scan of each object's members that
// jumps over the values it does not want, rather than gjson's parse of every member. It stops
// after the last wanted member. It returns false, leaving the work to fetch, on a key with an
// escape (whose name only an unescaping compare can tell) or anything it does not expect.
func (n *fetchNode) fetchCompact(v []byte, vals [][]byte) bool {
	for _, h := range n.holes {
		vals[h] = v[:len(v):len(v)]
	}
	if len(n.children) == 0 || len(v) < 2 || v[0] != '{' || v[1] == '}' {
		return true
	}
	var seen uint64
	left := len(n.children)
	for i := 1; i < len(v) && v[i] == '"'; {
		ke := skipString(v, i)
		if ke < 0 || ke >= len(v) || v[ke] != ':' {
			return false
		}
		key := v[i+1 : ke-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		vs := ke + 1
		ve := skipValue(v, vs)
		if ve < 0 || ve >= len(v) {
			return false
		}
		for ci, c := range n.children {
			if seen&(1<<ci) == 0 && c.key == string(key) {
				seen |= 1 << ci
				left--
				if !c.fetchCompact(v[vs:ve], vals) {
					return false
				}
				break
			}
		}
		if left == 0 || v[ve] == '}' {
			return true
		}
		if v[ve] != ',' {
			return false
		}
		i = ve + 1
	}
	return false
}

// skipString returns the index just past the string that starts at v[i] == '"', or -1.
func skipString(v []byte, i int) int {
	for i++; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipValue returns the index just past the compact JSON value that starts at v[i], or -1.
func skipValue(v []byte, i int) int {
	if i >= len(v) {
		return -1
	}
	switch v[i] {
	case '"':
		return skipString(v, i)
	case '{', '[':
		depth := 0
		for ; i < len(v); i++ {
			switch v[i] {
			case '"':
				if i = skipString(v, i); i < 0 {
					return -1
				}
				i-- // the loop steps past the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i
	for ; i < len(v); i++ {
		if c := v[i]; c == ',' || c == '}' || c == ']' {
			break
		}
	}
	if i == start {
		return -1
	}
	return i
}

// stringBytes views a substring of the input as bytes, without copying; the capacity is the
// length, so an append by a reader copies rather than writing over the input.
func stringBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
