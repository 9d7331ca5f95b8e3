package jsonpath

import (
	"github.com/tidwall/gjson"
)

// evalIndefinite evaluates a path that may select many values and returns them as a JSON array,
// each element byte-for-byte as it is in doc. Steps that do not apply (a member of a non-object,
// a missing index) select nothing rather than failing, as in Jayway.
func (p *Path) evalIndefinite(doc string) []byte {
	root := gjson.Parse(doc)
	c := collector{buf: make([]byte, 0, 64)}
	c.buf = append(c.buf, '[')
	walk(p.segs, root, root, c.add)
	c.buf = append(c.buf, ']')
	return c.buf
}

type collector struct {
	buf []byte
	n   int
}

func (c *collector) add(v gjson.Result) {
	if c.n > 0 {
		c.buf = append(c.buf, ',')
	}
	c.buf = append(c.buf, v.Raw...)
	c.n++
}

// walk applies segs to v and calls emit for every value selected, in document order.
func walk(segs []segment, v, root gjson.Result, emit func(gjson.Result)) {
	if len(segs) == 0 {
		emit(v)
		return
	}
	sg := &segs[0]
	rest := segs[1:]
	switch sg.kind {
	case segKey:
		if v.IsObject() {
			if r := v.Get(sg.gkey); r.Exists() {
				walk(rest, r, root, emit)
			}
		}
	case segKeys:
		if !v.IsObject() {
			return
		}
		if len(rest) == 0 { // Jayway merges a leaf union of names into one object
			emit(gjson.Parse(mergeKeys(v, sg.keys)))
			return
		}
		for _, k := range sg.keys {
			if r := v.Get(gjsonEscape(k)); r.Exists() {
				walk(rest, r, root, emit)
			}
		}
	case segIndex:
		if v.IsArray() {
			if r, ok := arrayElem(v, sg); ok {
				walk(rest, r, root, emit)
			}
		}
	case segIndexes:
		if v.IsArray() {
			for _, i := range sg.indexes {
				if r, ok := nthElem(v, i); ok {
					walk(rest, r, root, emit)
				}
			}
		}
	case segWildcard:
		if v.IsObject() || v.IsArray() {
			v.ForEach(func(_, e gjson.Result) bool {
				walk(rest, e, root, emit)
				return true
			})
		}
	case segSlice:
		if !v.IsArray() {
			return
		}
		n := 0
		v.ForEach(func(_, _ gjson.Result) bool { n++; return true })
		from, to := sliceBounds(sg, n)
		i := 0
		v.ForEach(func(_, e gjson.Result) bool {
			if i >= to {
				return false
			}
			if i >= from {
				walk(rest, e, root, emit)
			}
			i++
			return true
		})
	case segFilter:
		switch {
		case v.IsArray():
			v.ForEach(func(_, e gjson.Result) bool {
				if sg.filter.test(e, root) {
					walk(rest, e, root, emit)
				}
				return true
			})
		case v.IsObject(): // Jayway tests an object against the filter itself
			if sg.filter.test(v, root) {
				walk(rest, v, root, emit)
			}
		}
	case segScan:
		scan(rest, v, root, emit)
	}
}

// sliceBounds turns a slice step into [from, to) over an array of n elements, as Jayway does:
// negative bounds count from the end and are clamped.
func sliceBounds(sg *segment, n int) (int, int) {
	from, to := 0, n
	if sg.hasFrom {
		from = sg.from
		if from < 0 {
			from += n
		}
	}
	if sg.hasTo {
		to = sg.to
		if to < 0 {
			to += n
		}
	}
	from = max(0, min(from, n))
	to = max(0, min(to, n))
	return from, to
}

// scan is Jayway's deep scan: segs[0] is applied to v and to every object and array below it,
// pre-order. A member step only applies to objects that have the member; an index or slice step
// only to arrays; a filter to objects (tested themselves) and arrays (their elements).
func scan(segs []segment, v, root gjson.Result, emit func(gjson.Result)) {
	if len(segs) == 0 {
		return
	}
	if !v.IsObject() && !v.IsArray() {
		return
	}
	sg := &segs[0]
	switch sg.kind {
	case segKey:
		if v.IsObject() {
			walk(segs, v, root, emit)
		}
	case segKeys:
		// Jayway scans a leaf union of names only into objects that have all of them.
		if v.IsObject() && (len(segs) > 1 || hasAll(v, sg.keys)) {
			walk(segs, v, root, emit)
		}
	case segIndex, segIndexes, segSlice:
		if v.IsArray() {
			walk(segs, v, root, emit)
		}
	case segFilter:
		if v.IsObject() {
			walk(segs, v, root, emit)
		}
	default:
		walk(segs, v, root, emit)
	}
	v.ForEach(func(_, e gjson.Result) bool {
		scan(segs, e, root, emit)
		return true
	})
}

func hasAll(obj gjson.Result, keys []string) bool {
	for _, k := range keys {
		if !obj.Get(gjsonEscape(k)).Exists() {
			return false
		}
	}
	return true
}
