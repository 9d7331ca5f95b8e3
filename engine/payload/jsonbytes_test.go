package payload

import (
	"encoding/json"
	"testing"

	"github.com/tidwall/gjson"
)

func TestAppendCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : \"x y\" } ", `{"a":[1,2],"b":"x y"}`},
		{`"a \" b \\"`, `"a \" b \\"`},
		{`"a \\" `, `"a \\"`},
		{`[ "\\\" ]" , 1 ]`, `["\\\" ]",1]`},
		{"\"tab\\t \u00e9\"", "\"tab\\t \u00e9\""},
		// strings longer than eight bytes take the eight-at-a-time route
		{`[ "a long string with spaces" , "0123456\\" , "01234567\" x \" 89abcdef" ]`, `["a long string with spaces","0123456\\","01234567\" x \" 89abcdef"]`},
		{`{ "k" : "exactly8" , "l" : "sixteen bytes...." }`, `{"k":"exactly8","l":"sixteen bytes...."}`},
	}
	for _, tt := range tests {
		if got := string(appendCompact([]byte("x"), []byte(tt.in))); got != "x"+tt.want {
			t.Errorf("appendCompact(%q) = %q, want %q", tt.in, got, "x"+tt.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "nl\n cr\r tab\t", "\x00\x01\x1f", "é/ü <&>", "\u2028"} {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("appendString(%q) = %s: round trip %q, %v", s, got, back, err)
		}
		if !gjson.ValidBytes(got) {
			t.Errorf("appendString(%q) = %s: not valid JSON", s, got)
		}
	}
	if got := string(appendString(nil, "é/<")); got != `"é/<"` {
		t.Errorf("non-ASCII and / are escaped: %s", got)
	}
}

func TestIsJSONata(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"{% $states.input %}", true},
		{"{%$x%}", true},
		{"{%%}", true},
		{"{%}", false},
		{" {% $x %}", false},
		{"{% $x %} ", false},
		{"a {% $x %}", false},
		{"$states.input", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsJSONata(tt.s); got != tt.want {
			t.Errorf("IsJSONata(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestMembersLaterKeyReplacesInPlace(t *testing.T) {
	ms := members(gjson.Parse(`{"a":1,"b":2,"a.$":"$.x","c":3}`), dropDollar)
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.key+"="+m.value.Raw)
	}
	want := []string{"a=\"$.x\"", "b=2", "c=3"}
	if len(keys) != len(want) {
		t.Fatalf("members = %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("members = %v, want %v", keys, want)
		}
	}
}

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{"{ \"a\" : [1, 2,\n3] }\n", `{"a":[1,2,3]}`},
		{`{"s": "a b\" c \\"}`, `{"s":"a b\" c \\"}`},
		{`"  spaced string with enough length  "`, `"  spaced string with enough length  "`},
		{"[{}\n,{}\n]", `[{},{}]`},
		{``, ``},
	}
	for _, tt := range tests {
		if got := string(Compact([]byte(tt.in))); got != tt.want {
			t.Errorf("Compact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	in := []byte(`{"already":"compact"}`)
	if out := Compact(in); &out[0] != &in[0] {
		t.Error("Compact copied a value that had no whitespace")
	}
}
