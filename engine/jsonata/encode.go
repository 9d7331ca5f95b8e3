package jsonata

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"

	"github.com/stepjet/stepjet/internal/jsonstr"
)

// orderedMap is the method set of gnata's internal object type, which keeps key order.
type orderedMap interface {
	Keys() []string
	Get(key string) (any, bool)
}

// appendJSON appends v as JSON the way JavaScript's JSON.stringify writes it (JSONata in AWS
// runs on JavaScript semantics): integers without a fraction, shortest round-trip decimals,
// exponents from 1e21 up and below 1e-6. It reports false when v is undefined (JSONata's
// "nothing", a function, or an empty sequence), which JSON.stringify omits from objects and
// turns into null inside arrays.
func appendJSON(buf []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return buf, false
	case bool:
		return strconv.AppendBool(buf, x), true
	case string:
		return appendString(buf, x), true
	case float64:
		return appendNumber(buf, x), true
	case json.Number:
		return appendNumberText(buf, string(x)), true
	case int:
		return appendNumber(buf, float64(x)), true
	case int64:
		return appendNumber(buf, float64(x)), true
	case []any:
		return appendArray(buf, x), true
	case orderedMap:
		buf = append(buf, '{')
		first := true
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			buf, first = appendMember(buf, k, val, first)
		}
		return append(buf, '}'), true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf = append(buf, '{')
		first := true
		for _, k := range keys {
			buf, first = appendMember(buf, k, x[k], first)
		}
		return append(buf, '}'), true
	}
	if gnata.IsNull(v) {
		return append(buf, "null"...), true
	}
	if vals, keep, ok := sequenceValues(v); ok {
		switch {
		case len(vals) == 0:
			return buf, false
		case len(vals) == 1 && !keep:
			return appendJSON(buf, vals[0])
		}
		return appendArray(buf, vals), true
	}
	// Functions, regular expressions and anything else JSON cannot hold.
	return buf, false
}

func appendMember(buf []byte, k string, v any, first bool) ([]byte, bool) {
	mark := len(buf)
	if !first {
		buf = append(buf, ',')
	}
	buf = appendString(buf, k)
	buf = append(buf, ':')
	buf, ok := appendJSON(buf, v)
	if !ok { // JSON.stringify drops undefined members
		return buf[:mark], first
	}
	return buf, false
}

func appendArray(buf []byte, xs []any) []byte {
	buf = append(buf, '[')
	for i, e := range xs {
		if i > 0 {
			buf = append(buf, ',')
		}
		var ok bool
		if buf, ok = appendJSON(buf, e); !ok {
			buf = append(buf, "null"...)
		}
	}
	return append(buf, ']')
}

// sequenceValues reads gnata's internal *Sequence (a JSONata result sequence) through
// reflection, since the type is not exported.
func sequenceValues(v any) (vals []any, keepSingleton, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false, false
	}
	s := rv.Elem()
	if s.Type().Name() != "Sequence" {
		return nil, false, false
	}
	f := s.FieldByName("Values")
	if !f.IsValid() || f.Type() != reflect.TypeFor[[]any]() {
		return nil, false, false
	}
	vals = f.Interface().([]any)
	if k := s.FieldByName("KeepSingleton"); k.IsValid() && k.Kind() == reflect.Bool {
		keepSingleton = k.Bool()
	}
	return vals, keepSingleton, true
}

// appendNumber formats f as JavaScript's Number.prototype.toString does.
func appendNumber(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	if f == 0 { // also -0, which JSON.stringify writes as 0
		return append(buf, '0')
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1.5e-07, 1e+21
		mant, exp, _ := cutByte(s, 'e')
		sign := exp[0]
		digits := exp[1:]
		for len(digits) > 1 && digits[0] == '0' {
			digits = digits[1:]
		}
		buf = append(buf, mant...)
		buf = append(buf, 'e', sign)
		return append(buf, digits...)
	}
	return strconv.AppendFloat(buf, f, 'f', -1, 64)
}

func cutByte(s string, c byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// appendString quotes s as JSON.stringify does: only quotes, backslashes and control
// characters are escaped; everything else is written as UTF-8.
func appendString(buf []byte, s string) []byte {
	return jsonstr.Append(buf, s, jsonstr.Options{ValidUTF8: true})
}
