package jsonata

import (
	"encoding/json"
	"reflect"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"
)

// gnata.DecodeJSON reads JSON token by token through encoding/json's Decoder: about 75 µs and
// 900 allocations for a 1 KiB document. decodeJSON builds the very same values (objects as
// gnata's key-ordered *OrderedMap, numbers as json.Number with their text, null as gnata's
// null) in one pass over the text, about ten times faster; anything unusual (invalid JSON,
// invalid UTF-8, deep nesting, trailing text) goes to gnata.DecodeJSON itself.

// orderedSetter is the method gnata's *OrderedMap has to add a member (first position, last
// value, as JSON.parse keeps duplicate keys).
type orderedSetter interface {
	Set(key string, val any)
}

var (
	// gnataNull is gnata's value for JSON null.
	gnataNull any
	// gnataMerge is gnata's $merge, the one exported way to make an empty *OrderedMap.
	gnataMerge func(args []any, focus any) (any, error)
	// mergeNothing is $merge's argument list for an empty object: read-only, shared.
	mergeNothing = []any{[]any{}}
)

func init() {
	gnataNull, _ = gnata.DecodeJSON(json.RawMessage("null"))
	env := gnata.NewCustomEnv(nil)
	merge, ok := env.Lookup("merge")
	if !ok {
		return
	}
	want := reflect.TypeFor[func([]any, any) (any, error)]()
	if rv := reflect.ValueOf(merge); rv.Kind() == reflect.Func && rv.Type().ConvertibleTo(want) {
		fn := rv.Convert(want).Interface().(func([]any, any) (any, error))
		if m, err := fn(mergeNothing, nil); err == nil {
			if _, ok := m.(orderedSetter); ok {
				gnataMerge = fn
			}
		}
	}
}

// newObject returns an empty gnata object, or nil if this gnata version offers no way.
func newObject() orderedSetter {
	if gnataMerge == nil {
		return nil
	}
	m, err := gnataMerge(mergeNothing, nil)
	if err != nil {
		return nil
	}
	o, _ := m.(orderedSetter)
	return o
}

// decodeJSON is gnata.DecodeJSON, faster.
func decodeJSON(raw []byte) (any, error) {
	return decodeText(string(raw))
}

// decodeText is decodeJSON of a string. Decoded strings are substrings of s.
func decodeText(s string) (any, error) {
	if gnataMerge != nil {
		p := rawScanner{s: s}
		p.ws()
		if v, ok := p.value(); ok && p.atEnd() {
			return v, nil
		}
	}
	return gnata.DecodeJSON(json.RawMessage(s))
}

// value decodes the value at p.i into gnata's representation.
func (p *rawScanner) value() (any, bool) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; {
	case c == '{':
		obj := newObject()
		if obj == nil {
			return nil, false
		}
		ok := p.members(func(key string) bool {
			v, ok := p.value()
			if ok {
				obj.Set(key, v)
			}
			return ok
		})
		return obj, ok
	case c == '[':
		arr := make([]any, 0, 4)
		ok := p.elements(func() bool {
			v, ok := p.value()
			arr = append(arr, v)
			return ok
		})
		return arr, ok
	case c == '"':
		s, _, ok := p.stringToken()
		return s, ok
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := p.number()
		return json.Number(n), ok
	case c == 't':
		return true, p.literal()
	case c == 'f':
		return false, p.literal()
	case c == 'n':
		return gnataNull, p.literal()
	}
	return nil, false
}
