package jsonpath

import (
	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
)

// evalIndefinite evaluates a path that may select many values and returns them as a JSON array,
// each element byte-for-byte as it is in doc. Steps that do not apply (a member of a non-object,
// a missing index) select nothing rather than failing, as in Jayway. The result is counted
// against m: a deep scan ("$..a") of a deeply nested document selects values that hold each
// other, a result quadratic in the depth, and must fail before it is built.
func (p *Path) evalIndefinite(doc string, m *limits.Meter) ([]byte, error) {
	root := gjson.Parse(doc)
	c := collector{buf: make([]byte, 0, 64)}
	if m != nil {
		c.m, c.metered = *m, true
	}
	c.buf = append(c.buf, '[')
	walk(p.segs, root, root, c.add)
	if m != nil {
		*m = c.m // what was drawn from the pool, for the caller to release
	}
	if c.err != nil {
		return nil, c.err
	}
	c.buf = append(c.buf, ']')
	return c.buf, nil
}

type collector struct {
	buf []byte
	n   int
	// m, when metered, bounds what is collected (and stops the walk when the context ends).
	m       limits.Meter
	metered bool
	err     error
}

// add collects v; false stops the walk.
func (c *collector) add(v gjson.Result) bool {
	if c.metered {
		if c.err = c.m.Bytes(len(v.Raw) + 1); c.err == nil {
			c.err = c.m.Tick()
		}
		if c.err != nil {
			return false
		}
	} else if len(c.buf)+len(v.Raw) > limits.EvalBytes {
		c.err = limits.Exceeded(limits.EvalBytes, "bytes")
		return false
	}
	if c.n > 0 {
		c.buf = append(c.buf, ',')
	}
	c.buf = append(c.buf, v.Raw...)
	c.n++
	return true
}

// walk applies segs to v and calls emit for every value selected, in document order. It
// returns false once emit has asked to stop.
func walk(segs []segment, v, root gjson.Result, emit func(gjson.Result) bool) bool {
	if len(segs) == 0 {
		return emit(v)
	}
	sg := &segs[0]
	rest := segs[1:]
	ok := true
	switch sg.kind {
	case segKey:
		if v.IsObject() {
			if r := v.Get(sg.gkey); r.Exists() {
				return walk(rest, r, root, emit)
			}
		}
	case segKeys:
		if !v.IsObject() {
			return true
		}
		if len(rest) == 0 { // Jayway merges a leaf union of names into one object
			return emit(gjson.Parse(mergeKeys(v, sg.keys)))
		}
		for _, k := range sg.keys {
			if r := v.Get(gjsonEscape(k)); r.Exists() {
				if !walk(rest, r, root, emit) {
					return false
				}
			}
		}
	case segIndex:
		if v.IsArray() {
			if r, found := arrayElem(v, sg); found {
				return walk(rest, r, root, emit)
			}
		}
	case segIndexes:
		if v.IsArray() {
			for _, i := range sg.indexes {
				if r, found := nthElem(v, i); found {
					if !walk(rest, r, root, emit) {
						return false
					}
				}
			}
		}
	case segWildcard:
		if v.IsObject() || v.IsArray() {
			v.ForEach(func(_, e gjson.Result) bool {
				ok = walk(rest, e, root, emit)
				return ok
			})
		}
	case segSlice:
		if !v.IsArray() {
			return true
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
				ok = walk(rest, e, root, emit)
			}
			i++
			return ok
		})
	case segFilter:
		switch {
		case v.IsArray():
			v.ForEach(func(_, e gjson.Result) bool {
				if sg.filter.test(e, root) {
					ok = walk(rest, e, root, emit)
				}
				return ok
			})
		case v.IsObject(): // Jayway tests an object against the filter itself
			if sg.filter.test(v, root) {
				return walk(rest, v, root, emit)
			}
		}
	case segScan:
		return scan(rest, v, root, emit)
	}
	return ok
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
func scan(segs []segment, v, root gjson.Result, emit func(gjson.Result) bool) bool {
	if len(segs) == 0 {
		return true
	}
	if !v.IsObject() && !v.IsArray() {
		return true
	}
	sg := &segs[0]
	ok := true
	switch sg.kind {
	case segKey:
		if v.IsObject() {
			ok = walk(segs, v, root, emit)
		}
	case segKeys:
		// Jayway scans a leaf union of names only into objects that have all of them.
		if v.IsObject() && (len(segs) > 1 || hasAll(v, sg.keys)) {
			ok = walk(segs, v, root, emit)
		}
	case segIndex, segIndexes, segSlice:
		if v.IsArray() {
			ok = walk(segs, v, root, emit)
		}
	case segFilter:
		if v.IsObject() {
			ok = walk(segs, v, root, emit)
		}
	default:
		ok = walk(segs, v, root, emit)
	}
	if !ok {
		return false
	}
	v.ForEach(func(_, e gjson.Result) bool {
		ok = scan(segs, e, root, emit)
		return ok
	})
	return ok
}

func hasAll(obj gjson.Result, keys []string) bool {
	for _, k := range keys {
		if !obj.Get(gjsonEscape(k)).Exists() {
			return false
		}
	}
	return true
}
