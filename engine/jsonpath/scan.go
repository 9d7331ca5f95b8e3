package jsonpath

import (
	"bytes"
	"encoding/binary"

	"github.com/tidwall/gjson"
)

// A byte scanner over an object's members, for the one-member ResultPath ($.x) that almost every
// Task and Pass state writes. It finds the member (or the closing brace) in one pass, jumping
// over strings with bytes.IndexByte. It gives up, returning ok false, on anything unusual (a key
// with an escape, malformed JSON), and the caller then takes the general route, so it only
// needs to be right on the documents it accepts.

// memberSpan locates member key in the object doc: the value's bytes [vs, ve) when found, else
// the offset of the closing brace and whether the object is empty.
func memberSpan(doc []byte, key string) (vs, ve, closing int, empty, found, ok bool) {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return
	}
	i = skipSpace(doc, i+1)
	if i < len(doc) && doc[i] == '}' {
		return 0, 0, i, true, false, true
	}
	for i < len(doc) && doc[i] == '"' {
		ks := i + 1
		ke := ks + bytes.IndexByte(doc[ks:], '"')
		if ke < ks || bytes.IndexByte(doc[ks:ke], '\\') >= 0 {
			return // escaped key (or none): let the general route decide
		}
		i = skipSpace(doc, ke+1)
		if i >= len(doc) || doc[i] != ':' {
			return
		}
		i = skipSpace(doc, i+1)
		end := skipValue(doc, i)
		if end < 0 {
			return
		}
		if string(doc[ks:ke]) == key {
			return i, end, 0, false, true, true
		}
		i = skipSpace(doc, end)
		if i >= len(doc) {
			return
		}
		switch doc[i] {
		case ',':
			i = skipSpace(doc, i+1)
		case '}':
			return 0, 0, i, false, false, true
		default:
			return
		}
	}
	return
}

// absentMember is the quick answer for the usual ResultPath, a member the document does not have
// yet: when the document holds no backslash at all, a member named key must appear in it as the
// bytes "key", so if a search (vectorized, unlike a scan) does not find those bytes, the member is
// absent, and it goes before the object's last closing brace. ok is false when that cannot be
// told this way; memberSpan then scans.
func absentMember(doc []byte, key string) (closing int, empty, ok bool) {
	if key == "" {
		return 0, false, false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == '"' || c == '\\' {
			return 0, false, false
		}
	}
	start := skipSpace(doc, 0)
	end := len(doc) - 1
	for end > start && isSpace(doc[end]) {
		end--
	}
	if start >= end || doc[start] != '{' || doc[end] != '}' || bytes.IndexByte(doc, '\\') >= 0 {
		return 0, false, false
	}
	if containsQuoted(doc[start:end], key) {
		return 0, false, false
	}
	return end, skipSpace(doc, start+1) == end, true
}

// containsQuoted reports whether doc holds key between double quotes.
func containsQuoted(doc []byte, key string) bool {
	for i := 0; i < len(doc); {
		j := bytes.Index(doc[i:], []byte(key))
		if j < 0 {
			return false
		}
		i += j
		if i > 0 && doc[i-1] == '"' && i+len(key) < len(doc) && doc[i+len(key)] == '"' {
			return true
		}
		i++
	}
	return false
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && isSpace(doc[i]) {
		i++
	}
	return i
}

// skipValue returns the offset just past the JSON value starting at i, or -1. The loops are
// plain byte loops: the strings of typical documents are too short for bytes.IndexByte to pay.
func skipValue(doc []byte, i int) int {
	if i >= len(doc) {
		return -1
	}
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for ; i < len(doc); i++ {
			switch doc[i] {
			case '"':
				if i = skipString(doc, i); i < 0 {
					return -1
				}
				i-- // the loop steps past the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i
	for ; i < len(doc); i++ {
		if c := doc[i]; c == ',' || c == '}' || c == ']' || isSpace(c) {
			break
		}
	}
	if i == start || i == len(doc) {
		return -1
	}
	return i
}

// skipString returns the offset just past the string starting at doc[i] == '"', or -1.
func skipString(doc []byte, i int) int {
	i++
	// Eight bytes at a time while none of them is a quote or a backslash.
	for ; i+8 <= len(doc); i += 8 {
		x := binary.LittleEndian.Uint64(doc[i:])
		if hasByte(x, '"') || hasByte(x, '\\') {
			break
		}
	}
	for ; i < len(doc); i++ {
		switch doc[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// setMember is Set for a one-member path on an object, when the scanner accepts the document.
func setMember(doc []byte, key string, value []byte) ([]byte, bool) {
	vs, ve, closing, empty, found, ok := 0, 0, 0, false, false, false
	if closing, empty, ok = absentMember(doc, key); !ok {
		vs, ve, closing, empty, found, ok = memberSpan(doc, key)
		if !ok {
			return nil, false
		}
	}
	if found {
		out := make([]byte, 0, len(doc)-(ve-vs)+len(value))
		out = append(out, doc[:vs]...)
		out = append(out, value...)
		return append(out, doc[ve:]...), true
	}
	out := make([]byte, 0, len(doc)+len(key)+len(value)+8)
	out = append(out, doc[:closing]...)
	if !empty {
		out = append(out, ',')
	}
	out = gjson.AppendJSONString(out, key)
	out = append(out, ':')
	out = append(out, value...)
	return append(out, doc[closing:]...), true
}

// hasByte reports whether any of the eight bytes of x is c.
func hasByte(x uint64, c byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	v := x ^ (lo * uint64(c))
	return (v-lo)&^v&hi != 0
}

// evalMembers is Eval for a path of member names only ($.a.b) on a valid document, by the byte
// scanner: one pass over each object on the way, with no gjson parse of the members it passes.
// ok is false when the scanner cannot tell (a missing member, whose error the general route
// words, a key with an escape, another kind of step); the caller then takes the general route.
func (p *Path) evalMembers(doc []byte) ([]byte, bool) {
	if len(p.segs) == 0 {
		return nil, false
	}
	for i := range p.segs {
		if p.segs[i].kind != segKey {
			return nil, false
		}
	}
	cur := doc
	for i := range p.segs {
		vs, ve, _, _, found, ok := memberSpan(cur, p.segs[i].key)
		if !ok || !found {
			return nil, false
		}
		cur = cur[vs:ve:ve]
	}
	return cur, true
}
