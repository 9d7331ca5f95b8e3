package intrinsics

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Value equality for States.ArrayContains and States.ArrayUnique, as Java's JSON nodes define
// it: objects are equal when they hold the same keys with equal values in any order, arrays
// when their items are equal in order. Numbers keep the kind Jackson parsed them as: an integer
// literal (1) never equals a decimal one (1.0), and two decimals are equal when they are the
// same double.

func deepEqual(a, b gjson.Result) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.String:
		return a.Str == b.Str
	case gjson.Number:
		return numberKey(a.Raw) == numberKey(b.Raw)
	case gjson.True, gjson.False, gjson.Null:
		return true
	}
	if a.IsArray() != b.IsArray() || a.IsObject() != b.IsObject() {
		return false
	}
	if a.IsArray() {
		x, y := a.Array(), b.Array()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !deepEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	x, y := a.Map(), b.Map()
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		w, ok := y[k]
		if !ok || !deepEqual(v, w) {
			return false
		}
	}
	return true
}

// numberKey names a JSON number's value and kind: "i<digits>" for an integer literal,
// "f<bits>" for a decimal one.
func numberKey(raw string) string {
	raw = strings.TrimSpace(raw)
	if isIntegerLiteral(raw) {
		if raw == "-0" {
			raw = "0"
		}
		return "i" + raw
	}
	f, _ := strconv.ParseFloat(raw, 64)
	return "f" + strconv.FormatUint(math.Float64bits(f), 16)
}

// appendEqualityKey appends a text that is the same for two values exactly when deepEqual holds
// for them, so ArrayUnique can use a map instead of comparing every pair.
func appendEqualityKey(dst []byte, v gjson.Result) []byte {
	switch v.Type {
	case gjson.String:
		return appendJSONString(dst, v.Str)
	case gjson.Number:
		return append(dst, numberKey(v.Raw)...)
	case gjson.True:
		return append(dst, 'T')
	case gjson.False:
		return append(dst, 'F')
	case gjson.Null:
		return append(dst, 'N')
	}
	if v.IsArray() {
		dst = append(dst, '[')
		v.ForEach(func(_, e gjson.Result) bool {
			dst = appendEqualityKey(dst, e)
			dst = append(dst, ',')
			return true
		})
		return append(dst, ']')
	}
	m := v.Map() // repeated keys collapse to one, as they do in a parsed Java object
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for _, k := range keys {
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendEqualityKey(dst, m[k])
		dst = append(dst, ',')
	}
	return append(dst, '}')
}
