package jsonata

import (
	"math"
	"strings"
	"unicode/utf8"
)

// maxPad bounds the padding $pad builds, so that one expression cannot take the process's
// memory; AWS refuses values past a few MB itself.
const maxPad = 1 << 24

// fnPad is $pad(str, width [, char]) as jsonata-js computes it. gnata refuses a width over
// 10,000 (with an error whose code, D3010, JSONata gives to another failure), where AWS pads:
// a 256 KiB variable built with $pad is ordinary there.
func fnPad(args []any, focus any) (any, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, signatureError("pad", min(len(args)+1, 4))
	}
	if args[0] == nil {
		return nil, nil
	}
	str, ok := args[0].(string)
	if !ok {
		return nil, signatureError("pad", 1)
	}
	width, ok := toNumber(args[1])
	if !ok {
		return nil, signatureError("pad", 2)
	}
	char := " "
	if len(args) == 3 && args[2] != nil {
		c, ok := args[2].(string)
		if !ok {
			return nil, signatureError("pad", 3)
		}
		if c != "" {
			char = c
		}
	}
	n := math.Trunc(math.Abs(width)) - float64(utf8.RuneCountInString(str))
	if n <= 0 {
		return str, nil
	}
	if n > maxPad {
		return nil, queryError("", "Expression evaluation memory limit exceeded")
	}
	count := int(n)
	cl := utf8.RuneCountInString(char)
	padding := strings.Repeat(char, (count+cl-1)/cl)
	if cl > 1 {
		// Cut to count characters (code points), as JSONata's substring does.
		i, k := 0, 0
		for k < count {
			_, size := utf8.DecodeRuneInString(padding[i:])
			i += size
			k++
		}
		padding = padding[:i]
	}
	if width > 0 {
		return str + padding, nil
	}
	return padding + str, nil
}
