package jsonpath

import (
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// step is one gjson lookup of a definite path: a run of member names joined into one gjson path
// (gpath), or one single step (seg) that needs a type check first.
type step struct {
	gpath string
	seg   *segment
}

// planSteps joins runs of member steps into single gjson paths. That is exact only when each
// name can only match an object member: gjson reads an all-digit component as an array index
// and gives an empty one meaning, so those names stay single steps, checked to apply to an
// object. A joined run that finds a value went through objects only.
func planSteps(segs []segment) []step {
	var plan []step
	var run []string
	flush := func() {
		if len(run) > 0 {
			plan = append(plan, step{gpath: strings.Join(run, ".")})
			run = nil
		}
	}
	for i := range segs {
		sg := &segs[i]
		if sg.kind == segKey && sg.key != "" && !allDigits(sg.key) {
			run = append(run, sg.gkey)
			continue
		}
		flush()
		plan = append(plan, step{seg: sg})
	}
	flush()
	return plan
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// evalDefinite looks the value up with the compiled gjson plan; when that finds nothing it walks
// the path again step by step, to say why the way Jayway does.
func (p *Path) evalDefinite(doc string) (string, error) {
	cur := gjson.Parse(doc)
	for i := range p.plan {
		st := &p.plan[i]
		if st.seg == nil {
			if !cur.IsObject() {
				return p.explainMiss(doc)
			}
			cur = cur.Get(st.gpath)
			if !cur.Exists() {
				return p.explainMiss(doc)
			}
			continue
		}
		switch st.seg.kind {
		case segKey:
			if !cur.IsObject() {
				return p.explainMiss(doc)
			}
			cur = cur.Get(st.seg.gkey)
			if !cur.Exists() {
				return p.explainMiss(doc)
			}
		case segIndex:
			if !cur.IsArray() {
				return p.explainMiss(doc)
			}
			var ok bool
			if cur, ok = arrayElem(cur, st.seg); !ok {
				return p.explainMiss(doc)
			}
		case segKeys:
			if !cur.IsObject() {
				return p.explainMiss(doc)
			}
			return mergeKeys(cur, st.seg.keys), nil
		}
	}
	return cur.Raw, nil
}

// explainMiss walks a definite path step by step, so that a miss is reported the way Jayway
// reports it: which step failed, and why.
func (p *Path) explainMiss(doc string) (string, error) {
	cur := gjson.Parse(doc)
	for i := range p.segs {
		sg := &p.segs[i]
		leaf := i == len(p.segs)-1
		switch sg.kind {
		case segKey:
			if !cur.IsObject() {
				return "", p.notAnObject(i, cur)
			}
			next := cur.Get(sg.gkey)
			if !next.Exists() {
				if leaf {
					return "", p.notFound("No results for path: " + p.norm)
				}
				return "", p.notFound("Missing property in path " + normalize(p.segs[:i+1]))
			}
			cur = next
		case segIndex:
			if cur.Type == gjson.Null {
				return "", p.notFound("The path " + normalize(p.segs[:i]) + " is null")
			}
			if !cur.IsArray() {
				return "", p.notFound("Filter: " + normalize(p.segs[i : i+1])[1:] + " can only be applied to arrays. Current context is: " + javaString(cur))
			}
			next, ok := arrayElem(cur, sg)
			if !ok {
				return "", p.notFound("No results for path: " + p.norm)
			}
			cur = next
		case segKeys: // leaf only (segsDefinite): Jayway merges the members that exist
			if !cur.IsObject() {
				return "", p.notAnObject(i, cur)
			}
			return mergeKeys(cur, sg.keys), nil
		}
	}
	return cur.Raw, nil
}

// arrayElem returns element sg.index of the array arr (negative counts from the end).
func arrayElem(arr gjson.Result, sg *segment) (gjson.Result, bool) {
	if sg.index >= 0 {
		r := arr.Get(sg.gindex)
		return r, r.Exists()
	}
	return nthElem(arr, sg.index)
}

// nthElem returns element i of arr; a negative i counts from the end.
func nthElem(arr gjson.Result, i int) (gjson.Result, bool) {
	if i == -1 { // the common case, in one pass
		var last gjson.Result
		arr.ForEach(func(_, v gjson.Result) bool { last = v; return true })
		return last, last.Exists()
	}
	if i < 0 {
		n := 0
		arr.ForEach(func(_, _ gjson.Result) bool { n++; return true })
		i += n
		if i < 0 {
			return gjson.Result{}, false
		}
	}
	var out gjson.Result
	found := false
	k := 0
	arr.ForEach(func(_, v gjson.Result) bool {
		if k == i {
			out, found = v, true
			return false
		}
		k++
		return true
	})
	return out, found
}

// mergeKeys builds the object Jayway returns for a leaf ['a','b']: the members that exist.
func mergeKeys(obj gjson.Result, keys []string) string {
	var b []byte
	b = append(b, '{')
	n := 0
	for _, k := range keys {
		v := obj.Get(gjsonEscape(k))
		if !v.Exists() {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = gjson.AppendJSONString(b, k)
		b = append(b, ':')
		b = append(b, v.Raw...)
		n++
	}
	b = append(b, '}')
	return string(b)
}

func (p *Path) notFound(detail string) error {
	return &NotFoundError{Path: p.src, Detail: detail}
}

// notAnObject is Jayway's text for a member step applied to something that is not an object.
// Jayway names the Java class of the value; the classes are those of its default provider
// (json-smart), which is an assumption about AWS's configuration.
func (p *Path) notAnObject(i int, cur gjson.Result) error {
	frag := normalize(p.segs[i : i+1])[1:]
	return p.notFound("Expected to find an object with property " + frag + " in path " + normalize(p.segs[:i]) +
		" but found '" + javaClass(cur) + "'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.")
}

func javaClass(v gjson.Result) string {
	switch v.Type {
	case gjson.Null:
		return "null"
	case gjson.String:
		return "java.lang.String"
	case gjson.True, gjson.False:
		return "java.lang.Boolean"
	case gjson.Number:
		if strings.ContainsAny(v.Raw, ".eE") {
			return "java.lang.Double"
		}
		if _, err := strconv.ParseInt(v.Raw, 10, 32); err == nil {
			return "java.lang.Integer"
		}
		if _, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			return "java.lang.Long"
		}
		return "java.math.BigInteger"
	}
	if v.IsArray() {
		return "net.minidev.json.JSONArray"
	}
	return "net.minidev.json.JSONObject"
}

// javaString renders a value as Java's toString would in Jayway's messages: strings bare,
// containers as compact JSON.
func javaString(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return v.Str
	case gjson.JSON:
		return string(compact(nil, v.Raw))
	}
	return v.Raw
}

// compact appends raw JSON without insignificant whitespace.
func compact(dst []byte, raw string) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '"' {
			j := i + 1
			for j < len(raw) && raw[j] != '"' {
				if raw[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(raw) {
				return append(dst, raw[i:]...)
			}
			dst = append(dst, raw[i:j+1]...)
			i = j
			continue
		}
		if isSpace(c) {
			continue
		}
		dst = append(dst, c)
	}
	return dst
}
