package intrinsics

import (
	"strings"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
)

// States.StringToJson(string) parses a string holding JSON. As Jackson's readTree does, blank
// text gives null (AWS: "" and " " -> null) and text after the first value is ignored.
func statesStringToJSON(c *callNode, args []gjson.Result) ([]byte, error) {
	s, err := c.wantString(args, 0)
	if err != nil {
		return nil, err
	}
	s = strings.Trim(s, " \t\r\n")
	if s == "" {
		return []byte("null"), nil
	}
	v := gjson.Parse(s)
	if v.Raw == "" || !gjson.Valid(v.Raw) {
		return nil, c.fail("the argument is not a valid JSON text: %s", abbreviate(s))
	}
	out, ok := appendJavaJSONText(make([]byte, 0, len(v.Raw)), v.Raw, limits.MaxDepth)
	if !ok {
		return nil, limits.TooDeep("The argument of States.StringToJson")
	}
	return out, nil
}

// appendJavaJSONText is appendJavaJSON for valid JSON text, in one pass over it: each string
// and number is rewritten as Jackson writes it, the rest copied without whitespace. Walking
// gjson values instead re-scans every nested value at every level, a cost quadratic in the
// depth. ok is false when the text nests more than maxDepth levels deep.
func appendJavaJSONText(dst []byte, s string, maxDepth int) (out []byte, ok bool) {
	depth := 0
	for i := 0; i < len(s); {
		switch ch := s[i]; ch {
		case ' ', '\t', '\n', '\r':
			i++
		case '{', '[':
			if depth++; depth > maxDepth {
				return dst, false
			}
			dst = append(dst, ch)
			i++
		case '}', ']':
			depth--
			dst = append(dst, ch)
			i++
		case ',', ':':
			dst = append(dst, ch)
			i++
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j++ // the closing quote
			dst = appendJSONString(dst, gjson.Parse(s[i:j]).Str)
			i = j
		case 't', 'n':
			dst = append(dst, s[i:i+4]...)
			i += 4
		case 'f':
			dst = append(dst, "false"...)
			i += 5
		default: // a number
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789+-.eE", s[j]) >= 0 {
				j++
			}
			dst = appendJavaNumber(dst, s[i:j])
			i = j
		}
	}
	return dst, true
}

// States.JsonToString(value) returns the value's compact JSON text, as Jackson writes it.
func statesJSONToString(_ *callNode, args []gjson.Result) ([]byte, error) {
	var stack [256]byte
	text := appendJavaJSON(stack[:0], args[0])
	return appendJSONString(make([]byte, 0, len(text)+16), text), nil
}

// States.JsonMerge(a, b, false) merges two objects shallowly: b's top-level keys replace a's.
// AWS supports only the shallow mode, so the third argument must be false.
func statesJSONMerge(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantObject(args, 0); err != nil {
		return nil, err
	}
	if err := c.wantObject(args, 1); err != nil {
		return nil, err
	}
	switch args[2].Type {
	case gjson.False:
	case gjson.True:
		return nil, c.fail("deep merging is not supported; the third argument must be false")
	default:
		return nil, c.fail("the third argument must be the boolean false, got %s", typeName(args[2]))
	}
	second := map[string]gjson.Result{}
	var order []string
	args[1].ForEach(func(k, v gjson.Result) bool {
		if _, dup := second[k.Str]; !dup {
			order = append(order, k.Str)
		}
		second[k.Str] = v // a repeated key: the last one wins, as in Jackson
		return true
	})
	out := make([]byte, 0, len(args[0].Raw)+len(args[1].Raw))
	out = append(out, '{')
	seen := map[string]bool{}
	put := func(k string, v gjson.Result) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = appendJSONString(out, k)
		out = append(out, ':')
		out = append(out, v.Raw...)
	}
	args[0].ForEach(func(k, v gjson.Result) bool {
		if seen[k.Str] {
			return true
		}
		seen[k.Str] = true
		if w, ok := second[k.Str]; ok {
			v = w
		}
		put(k.Str, v)
		return true
	})
	for _, k := range order {
		if !seen[k] {
			put(k, second[k])
		}
	}
	return append(out, '}'), nil
}

// abbreviate shortens a value quoted in a cause text.
func abbreviate(s string) string {
	const limit = 100
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
