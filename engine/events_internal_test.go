package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONStringRoundTrips: every string quoted for event details reads back as itself.
func TestJSONStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "plain", `{"a":"b\\c"}`, "tab\tnl\nret\r\x01\x1f", "ünïcödé 😀 \u2028", "bad \xff utf8", strings.Repeat(`{"k":[1,2,"x"]}`, 200)} {
		for _, b := range [][]byte{jsonString(nil, s), jsonString(nil, []byte(s))} {
			var back string
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("%q: %s: %v", s, b, err)
			}
			if want := strings.ToValidUTF8(s, "\ufffd"); back != want {
				t.Fatalf("%q came back %q", s, back)
			}
		}
	}
}

func BenchmarkPayloadMember(b *testing.B) {
	doc := []byte(strings.Repeat(`{"order":{"id":"o-1","items":[{"sku":"a","qty":2}]}}`, 50))
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for range b.N {
		_ = payloadMember([]byte("{"), "input", doc)
	}
}
