package jsonpath

import (
	"bytes"
	"testing"

	"github.com/tidwall/gjson"
)

// The one-member fast route of Set must give what the general route gives, byte for byte.
func checkSetMember(t *testing.T, doc []byte, key string, value []byte) {
	t.Helper()
	fast, ok := setMember(doc, key, value)
	if !ok {
		return
	}
	p := &Path{src: "$.k", segs: []segment{{kind: segKey, key: key, gkey: gjsonEscape(key)}}}
	slow, err := setPath(doc, p, value)
	if err != nil {
		t.Fatalf("doc %s key %q: fast route succeeded (%s) where the general one fails: %v", doc, key, fast, err)
	}
	if !bytes.Equal(fast, slow) {
		t.Fatalf("doc %s key %q:\nfast %s\nslow %s", doc, key, fast, slow)
	}
}

func TestSetMemberMatchesGeneralRoute(t *testing.T) {
	docs := []string{
		`{}`, ` { } `, `{"a":1}`, `{"a":1,"b":{"c":[1,"}"]},"d":"x\"y"}`, `{ "a" : 1 , "b" : [ ] }`,
		`{"a":1,"a":2}`, `{"b":"\\","a":true}`, `{"a":{"a":1}}`, `{"a":null,"k":-1.5e3}`,
		`{"k":"v","x":[{"k":1}]}`, `{"\u006b":1}`, `[1]`, `"s"`, `{"a":[1,2,{"b":"]"}]} `,
	}
	for _, d := range docs {
		for _, k := range []string{"a", "k", "b", "", "a.b", "*", "1"} {
			checkSetMember(t, []byte(d), k, []byte(`{"new":true}`))
		}
	}
	if _, ok := setMember([]byte(`{"a":1}`), "k", []byte(`2`)); !ok {
		t.Fatal("the fast route refused a plain object")
	}
}

func FuzzSetMember(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":{"c":[1,"}"]},"d":"x\"y"}`), "d", []byte(`"v"`))
	f.Add([]byte(` { "k" : [ ] } `), "k", []byte(`1`))
	f.Add([]byte(`{}`), "new", []byte(`{"x":null}`))
	f.Fuzz(func(t *testing.T, doc []byte, key string, value []byte) {
		if !gjson.ValidBytes(doc) || !gjson.ValidBytes(value) {
			setMember(doc, key, value) // must not panic
			return
		}
		checkSetMember(t, doc, key, value)
	})
}
