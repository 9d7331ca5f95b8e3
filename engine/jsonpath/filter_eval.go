package jsonpath

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

func (e *orExpr) test(cur, root gjson.Result) bool { return e.l.test(cur, root) || e.r.test(cur, root) }
func (e *andExpr) test(cur, root gjson.Result) bool {
	return e.l.test(cur, root) && e.r.test(cur, root)
}
func (e *notExpr) test(cur, root gjson.Result) bool { return !e.e.test(cur, root) }
func (e *constExpr) test(_, _ gjson.Result) bool    { return e.v }

// An existence test holds when the path selects something, a JSON null included. For an
// indefinite path (a wildcard, "..", a filter) Jayway asks something else: whether the path can
// be followed with every property it names present (its REQUIRE_PROPERTIES option), whatever it
// then selects — so [?(@.a.*)] keeps an item whose a is {} or [] and drops one without a.
func (e *existsExpr) test(cur, root gjson.Result) bool {
	if !e.o.path {
		return e.o.lit.Exists()
	}
	if !e.o.definite {
		start := cur
		if e.o.abs {
			start = root
		}
		return followable(e.o.segs, start, root, true)
	}
	return e.o.value(cur, root).Exists()
}

// followable reports whether segs can be applied to v without Jayway's "missing property"
// failure under REQUIRE_PROPERTIES: a named member absent from an object, or a member of a
// non-object while the path so far is definite. Members looked for by ".." are only looked for
// where they exist, and no other step fails.
func followable(segs []segment, v, root gjson.Result, upstreamDefinite bool) bool {
	if len(segs) == 0 {
		return true
	}
	sg := &segs[0]
	switch sg.kind {
	case segKey, segKeys:
		if !v.IsObject() {
			return !upstreamDefinite
		}
		keys := sg.keys
		if sg.kind == segKey {
			keys = []string{sg.key}
		}
		for _, k := range keys {
			r := v.Get(gjsonEscape(k))
			if !r.Exists() || !followable(segs[1:], r, root, upstreamDefinite && sg.kind == segKey) {
				return false
			}
		}
		return true
	}
	n := 1
	if sg.kind == segScan && len(segs) > 1 {
		n = 2 // ".." and the step it looks for
	}
	ok := true
	walk(segs[:n], v, root, func(r gjson.Result) bool {
		ok = followable(segs[n:], r, root, upstreamDefinite && n == 1 && sg.kind == segIndex)
		return ok
	})
	return ok
}

// value evaluates an operand. A path that selects nothing gives a Result that does not exist
// (Jayway's UNDEFINED); an indefinite path gives an array.
func (o *operand) value(cur, root gjson.Result) gjson.Result {
	if !o.path {
		return o.lit
	}
	start := cur
	if o.abs {
		start = root
	}
	if o.definite {
		v := start
		for i := range o.segs {
			sg := &o.segs[i]
			switch sg.kind {
			case segKey:
				if !v.IsObject() {
					return gjson.Result{}
				}
				v = v.Get(sg.gkey)
			case segIndex:
				if !v.IsArray() {
					return gjson.Result{}
				}
				var ok bool
				if v, ok = arrayElem(v, sg); !ok {
					return gjson.Result{}
				}
			case segKeys:
				if !v.IsObject() {
					return gjson.Result{}
				}
				return gjson.Parse(mergeKeys(v, sg.keys))
			}
			if !v.Exists() {
				return gjson.Result{}
			}
		}
		return v
	}
	c := collector{}
	c.buf = append(c.buf, '[')
	if walk(o.segs, start, root, c.add); c.err != nil {
		return gjson.Result{} // over the limit: the operand selects nothing
	}
	c.buf = append(c.buf, ']')
	return gjson.Parse(string(c.buf))
}

func (e *relExpr) test(cur, root gjson.Result) bool {
	if e.op == "=~" {
		re, in := e.r.re, e.l
		if re == nil {
			re, in = e.l.re, e.r
		}
		if in.re != nil {
			return false
		}
		return re.MatchString(regexInput(in.value(cur, root)))
	}
	l := e.l.value(cur, root)
	r := e.r.value(cur, root)
	switch e.op {
	case "==":
		return equal(l, r)
	case "!=":
		return !equal(l, r)
	case "<":
		c, ok := compare(l, r)
		return ok && c < 0
	case "<=":
		c, ok := compare(l, r)
		return ok && c <= 0
	case ">":
		c, ok := compare(l, r)
		return ok && c > 0
	case ">=":
		c, ok := compare(l, r)
		return ok && c >= 0
	case "in":
		return contains(r, l)
	case "nin":
		return !contains(r, l)
	case "contains":
		if l.Type == gjson.String && r.Type == gjson.String {
			return strings.Contains(l.Str, r.Str)
		}
		return contains(l, r)
	case "subsetof":
		return l.IsArray() && r.IsArray() && allElem(l, func(x gjson.Result) bool { return contains(r, x) })
	case "anyof":
		return l.IsArray() && r.IsArray() && anyElem(l, func(x gjson.Result) bool { return contains(r, x) })
	case "noneof":
		return l.IsArray() && r.IsArray() && !anyElem(l, func(x gjson.Result) bool { return contains(r, x) })
	case "size":
		if r.Type != gjson.Number {
			return false
		}
		switch {
		case l.Type == gjson.String:
			return int64(len([]rune(l.Str))) == r.Int()
		case l.IsArray():
			return l.Get("#").Int() == r.Int()
		}
		return false
	case "empty":
		if r.Type != gjson.True && r.Type != gjson.False {
			return false
		}
		var empty bool
		switch {
		case l.Type == gjson.String:
			empty = l.Str == ""
		case l.IsArray() || l.IsObject():
			empty = isEmptyContainer(l)
		default:
			return false
		}
		return empty == r.Bool()
	}
	return false
}

func regexInput(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return v.Str
	case gjson.Number, gjson.True, gjson.False:
		return v.Raw
	}
	return ""
}

func isEmptyContainer(v gjson.Result) bool {
	empty := true
	v.ForEach(func(_, _ gjson.Result) bool { empty = false; return false })
	return empty
}

func allElem(arr gjson.Result, f func(gjson.Result) bool) bool {
	ok := true
	arr.ForEach(func(_, e gjson.Result) bool { ok = f(e); return ok })
	return ok
}

func anyElem(arr gjson.Result, f func(gjson.Result) bool) bool {
	found := false
	arr.ForEach(func(_, e gjson.Result) bool { found = f(e); return !found })
	return found
}

// contains reports whether the array list holds a value equal to x.
func contains(list, x gjson.Result) bool {
	if !list.IsArray() || !x.Exists() {
		return false
	}
	return anyElem(list, func(e gjson.Result) bool { return equal(e, x) })
}

// equal is Jayway's ==: numbers compare by value (a string that reads as a number equals it),
// strings by content, containers structurally; a missing value equals nothing.
func equal(a, b gjson.Result) bool {
	if !a.Exists() || !b.Exists() {
		return false
	}
	switch {
	case a.Type == gjson.Number && b.Type == gjson.Number:
		return numCmp(a.Raw, b.Raw) == 0
	case a.Type == gjson.Number && b.Type == gjson.String:
		return isNumber(b.Str) && numCmp(a.Raw, b.Str) == 0
	case a.Type == gjson.String && b.Type == gjson.Number:
		return isNumber(a.Str) && numCmp(a.Str, b.Raw) == 0
	case a.Type != b.Type:
		return false
	case a.Type == gjson.String:
		return a.Str == b.Str
	case a.Type == gjson.JSON:
		return deepEqual(a, b)
	}
	return true // null == null, true == true, false == false
}

func deepEqual(a, b gjson.Result) bool {
	if a.IsArray() != b.IsArray() {
		return false
	}
	if a.IsArray() {
		var ea []gjson.Result
		a.ForEach(func(_, e gjson.Result) bool { ea = append(ea, e); return true })
		i := 0
		ok := true
		b.ForEach(func(_, e gjson.Result) bool {
			if i >= len(ea) || !equalStrict(ea[i], e) {
				ok = false
				return false
			}
			i++
			return true
		})
		return ok && i == len(ea)
	}
	na, nb := 0, 0
	ok := true
	a.ForEach(func(k, v gjson.Result) bool {
		na++
		w := b.Get(gjsonEscape(k.Str))
		ok = w.Exists() && equalStrict(v, w)
		return ok
	})
	if !ok {
		return false
	}
	b.ForEach(func(_, _ gjson.Result) bool { nb++; return true })
	return na == nb
}

// equalStrict compares members of containers: no string/number conversion.
func equalStrict(a, b gjson.Result) bool {
	if a.Type != b.Type {
		return false
	}
	return equal(a, b)
}

// compare orders two numbers or two strings; other pairs do not compare (ok is false).
func compare(a, b gjson.Result) (int, bool) {
	switch {
	case a.Type == gjson.Number && b.Type == gjson.Number:
		return numCmp(a.Raw, b.Raw), true
	case a.Type == gjson.String && b.Type == gjson.String:
		return strings.Compare(a.Str, b.Str), true
	}
	return 0, false
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// numCmp compares two JSON numbers exactly: by float64 when that decides, else as rationals.
func numCmp(a, b string) int {
	if a == b {
		return 0
	}
	fa, erra := strconv.ParseFloat(a, 64)
	fb, errb := strconv.ParseFloat(b, 64)
	if erra == nil && errb == nil && fa != fb {
		if fa < fb {
			return -1
		}
		return 1
	}
	ra, oka := new(big.Rat).SetString(a)
	rb, okb := new(big.Rat).SetString(b)
	if !oka || !okb {
		return strings.Compare(a, b)
	}
	return ra.Cmp(rb)
}
