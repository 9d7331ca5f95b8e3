package jsonpath

import (
	"unsafe"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/tidwall/gjson"
)

// Set returns doc with value placed at the reference path p (ResultPath semantics: "$" replaces
// the whole document, missing objects on the way are created, an existing array element may be
// replaced). A path that cannot be applied (through a scalar, null or an array where an object is
// needed, an index into a non-array, or an index out of range) is a *failure.Error named
// States.ResultPathMatchFailure with AWS's cause text ("Unable to apply ReferencePath $.x to
// input ..."). The result is a new slice; doc and value are not modified.
//
// Set changes one place in the document, so it is one splice: the path is walked to its deepest
// existing node, and the bytes there are replaced (or a new member is inserted) in one copy.
func Set(doc []byte, p *Path, value []byte) ([]byte, error) {
	if len(p.segs) == 0 {
		return value, nil
	}
	if len(p.segs) == 1 && p.segs[0].kind == segKey {
		if out, ok := setMember(doc, p.segs[0].key, value); ok {
			return out, nil
		}
	}
	return setPath(doc, p, value)
}

// setPath is Set by the general route: gjson walks to the deepest existing node.
func setPath(doc []byte, p *Path, value []byte) ([]byte, error) {
	s := bytesToString(doc)
	cur := gjson.Parse(s)
	for i := range p.segs {
		sg := &p.segs[i]
		switch sg.kind {
		case segKey:
			if !cur.IsObject() {
				return nil, matchFailure(p, doc)
			}
			next := cur.Get(sg.gkey)
			if !next.Exists() {
				return insertMember(doc, s, cur, p, i, value)
			}
			cur = next
		case segIndex:
			if !cur.IsArray() {
				return nil, matchFailure(p, doc)
			}
			next, ok := arrayElem(cur, sg)
			if !ok {
				return nil, matchFailure(p, doc)
			}
			cur = next
		default:
			return nil, matchFailure(p, doc)
		}
	}
	at := offsetIn(s, cur.Raw)
	if at < 0 {
		return nil, matchFailure(p, doc)
	}
	out := make([]byte, 0, len(doc)-len(cur.Raw)+len(value))
	out = append(out, doc[:at]...)
	out = append(out, value...)
	out = append(out, doc[at+len(cur.Raw):]...)
	return out, nil
}

// insertMember adds member p.segs[i] to the object obj, holding value wrapped in one new object per
// remaining step (which must all be member steps: a missing array cannot be created).
func insertMember(doc []byte, s string, obj gjson.Result, p *Path, i int, value []byte) ([]byte, error) {
	rest := p.segs[i+1:]
	for j := range rest {
		if rest[j].kind != segKey {
			return nil, matchFailure(p, doc)
		}
	}
	start := offsetIn(s, obj.Raw)
	if start < 0 {
		return nil, matchFailure(p, doc)
	}
	closing := start + len(obj.Raw) - 1
	for closing > start && doc[closing] != '}' {
		closing--
	}
	empty := isEmptyContainer(obj)
	size := len(doc) + len(value) + 8
	for j := i; j < len(p.segs); j++ {
		size += len(p.segs[j].key) + 6
	}
	out := make([]byte, 0, size)
	out = append(out, doc[:closing]...)
	if !empty {
		out = append(out, ',')
	}
	for j := i; j < len(p.segs); j++ {
		if j > i {
			out = append(out, '{')
		}
		out = gjson.AppendJSONString(out, p.segs[j].key)
		out = append(out, ':')
	}
	out = append(out, value...)
	for j := i + 1; j < len(p.segs); j++ {
		out = append(out, '}')
	}
	out = append(out, doc[closing:]...)
	return out, nil
}

// offsetIn returns where sub (a substring gjson returned) starts in s, or -1.
func offsetIn(s, sub string) int {
	if len(sub) == 0 || len(s) == 0 {
		return -1
	}
	d := int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
	if d < 0 || d+len(sub) > len(s) {
		return -1
	}
	return d
}

// matchFailure is AWS's States.ResultPathMatchFailure, quoting the path and the input it could not
// be applied to (as compact JSON).
func matchFailure(p *Path, doc []byte) error {
	return &failure.Error{Name: failure.ResultPathMatchFailure, Cause: "Unable to apply ReferencePath " + p.src + " to input " + string(compact(nil, bytesToString(doc)))}
}
