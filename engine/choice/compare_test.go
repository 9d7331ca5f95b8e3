package choice

import (
	"testing"
	"time"
)

func TestCompareUTF16(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"A", "AB", -1},
		{"AB", "A", 1},
		{"A", "A ", -1},
		{"A", "A\t\n\r", -1},
		{"abc", "abd", -1},
		{"B", "a", -1}, // by code unit, not collation
		{"é", "z", 1},
		// U+FFFD (one code unit) sorts after U+1F600 (surrogates 0xD83D 0xDE00) in Java,
		// although its code point is smaller.
		{"\uFFFD", "😀", 1},
		{"x\uE000", "x😀", 1},
		{"😀", "😁", -1},
		{"ü", "ü", 0},
	}
	for _, tt := range tests {
		if got := compareUTF16([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("compareUTF16(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"0", "0.0", 0},
		{"1", "1.0", 0},
		{"1.0", "1", 0},
		{"2.22", "2.22", 0},
		{"1.1", "1", 1},
		{"-0", "0", 0},
		{"1e2", "100", 0},
		{"-2.25", "-2.25", 0},
		{"9007199254740993", "9007199254740992", 1}, // exact for 64-bit integers
		{"9223372036854775807", "9223372036854775806", 1},
		{"-9223372036854775808", "-9223372036854775807", -1},
		{"18446744073709551616", "1", 1}, // beyond int64: compared as doubles
		{"1e400", "1e308", 1},
		{"0.1", "0.10000000000000001", 0}, // the same double
	}
	for _, tt := range tests {
		a, ok1 := parseNumber([]byte(tt.a))
		b, ok2 := parseNumber([]byte(tt.b))
		if !ok1 || !ok2 {
			t.Fatalf("parseNumber(%q / %q) failed", tt.a, tt.b)
		}
		if got := compareNumbers(a, b); got != tt.want {
			t.Errorf("compareNumbers(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string // RFC 3339 in UTC with nanoseconds when ok
	}{
		{"2016-03-14T01:59:00Z", true, "2016-03-14T01:59:00Z"},
		{"2012-10-09T19:00:55+01:00", true, "2012-10-09T18:00:55Z"},
		{"2012-10-09T19:00:55-00:30", true, "2012-10-09T19:30:55Z"},
		{"2019-03-26T20:14:13.192Z", true, "2019-03-26T20:14:13.192Z"},
		{"2019-03-26T20:14:13.123456789Z", true, "2019-03-26T20:14:13.123456789Z"},
		{"2024-02-29T00:00:00Z", true, "2024-02-29T00:00:00Z"},
		{"1969-12-31T23:59:59Z", true, "1969-12-31T23:59:59Z"},
		{"0001-01-01T00:00:00Z", true, "0001-01-01T00:00:00Z"},
		{"2012-10-09T19:00:55", false, ""},  // no zone
		{"2012-10-09t19:00:55Z", false, ""}, // lowercase t
		{"2012-10-09T19:00:55z", false, ""}, // lowercase z
		{"2012-10-09 19:00:55Z", false, ""}, // space
		{"2023-02-24", false, ""},           // date only
		{"2023-02-24 12:15:56.832957", false, ""},
		{"2016-03-14T01:59Z", false, ""},    // no seconds
		{"2023-02-29T00:00:00Z", false, ""}, // not a leap year
		{"2023-04-31T00:00:00Z", false, ""},
		{"2023-01-01T24:00:00Z", false, ""},
		{"2023-01-01T23:60:00Z", false, ""},
		{"2023-01-01T23:59:60Z", false, ""},
		{"2023-13-01T00:00:00Z", false, ""},
		{"2023-01-01T00:00:00.Z", false, ""},
		{"2023-01-01T00:00:00.1234567890Z", false, ""},
		{"2023-01-01T00:00:00+0100", false, ""},
		{"2023-01-01T00:00:00+19:00", false, ""},
		{"2023-01-01T00:00:00Z ", false, ""},
		{"+2023-01-01T00:00:00Z", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		got, ok := parseTimestamp([]byte(tt.in))
		if ok != tt.ok {
			t.Errorf("parseTimestamp(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if s := time.Unix(got.sec, int64(got.nsec)).UTC().Format(time.RFC3339Nano); s != tt.want {
			t.Errorf("parseTimestamp(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestPattern(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"log-*.txt", "log-1.txt", true},
		{"log-*.txt", "log-.txt", true},
		{"log-*.txt", "log-1.txt.bak", false},
		{"foo*.log", "foo23.log", true},
		{"*.log", "zebra.log", true},
		{"foo*.*", "foobar.zebra", true},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "x", true},
		{"", "", true},
		{"", "x", false},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false}, // prefix and suffix may not overlap
		{"a*a", "aa", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "aXb", false},
		{`\\`, `\`, true},
		{`\\*`, `\anything`, true},
		{`\d`, `\d`, true}, // a backslash before anything else is itself
		{"é*ü", "éaaü", true},
		{"*.txt", ".txt", true},
	}
	for _, tt := range tests {
		if got := compilePattern(tt.pat).match([]byte(tt.s)); got != tt.want {
			t.Errorf("StringMatches %q on %q = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}
