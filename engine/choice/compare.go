package choice

import (
	"unicode/utf8"
)

// compareUTF16 orders two UTF-8 strings as Java's String.compareTo orders them: by UTF-16 code
// unit. That differs from byte (code point) order only where a character above U+FFFF (a
// surrogate pair, 0xD800-0xDFFF) meets one in U+E000-U+FFFF: Java puts the pair first.
func compareUTF16(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return cmpInt(len(a), len(b))
	}
	// Both strings share a[:i]; step back to the start of the rune that differs.
	for i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	ra, _ := utf8.DecodeRune(a[i:])
	rb, _ := utf8.DecodeRune(b[i:])
	if ua, ub := firstUTF16Unit(ra), firstUTF16Unit(rb); ua != ub {
		return cmpInt(int(ua), int(ub))
	}
	return cmpInt(int(ra), int(rb)) // both above U+FFFF with the same high surrogate
}

func firstUTF16Unit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

// compareNumbers compares exactly when both are 64-bit integers and as doubles otherwise, so
// 1 equals 1.0 and large integers keep their precision.
func compareNumbers(a, b number) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	switch {
	case a.f < b.f:
		return -1
	case a.f > b.f:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
