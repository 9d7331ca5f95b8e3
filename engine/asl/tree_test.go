package asl

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

func TestParsePlacesAndRaw(t *testing.T) {
	def := []byte(` {"StartAt" : "P", "States": {"P": {"Type":"Parallel","Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Pass","Result": { "n" : 1.50 },"End":true}}}]}}} `)
	root, err := Parse(def)
	if err != nil {
		t.Fatal(err)
	}
	res := root.Get("States").Get("P").Get("Branches").Items[0].Get("States").Get("A").Get("Result")
	for _, c := range []struct{ got, want string }{
		{res.Location(), "/States/P/Branches[0]/States/A/Result"},
		{res.Pointer(), "/States/P/Branches/0/States/A/Result"},
		{string(res.Raw), `{ "n" : 1.50 }`},
		{res.Get("n").Text, "1.50"},
		{string(res.Get("n").Raw), "1.50"},
		{string(root.Get("StartAt").Raw), `"P"`},
		{root.Location(), ""},
		{string(root.Raw[:1]), "{"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if keys := root.Members; len(keys) != 2 || keys[0].Key != "StartAt" || keys[1].Key != "States" {
		t.Errorf("members %v, want document order", keys)
	}
	// Raw aliases Parse's copy: the caller may reuse its buffer.
	def[len(def)-2] = 'x'
	if string(root.Raw[len(root.Raw)-1:]) != "}" {
		t.Error("Raw aliases the caller's buffer")
	}
}

func TestParseDuplicates(t *testing.T) {
	for _, c := range []struct {
		def, key, loc string
		states        bool
	}{
		{`{"StartAt":"A","StartAt":"B"}`, "StartAt", "", false},
		{`{"States":{"A":{},"A":{}}}`, "A", "/States", true},
		{`{"States":{"A":{"Choices":[{"Next":"x","Next":"y"}]}}}`, "Next", "/States/A/Choices[0]", false},
		{`{"Parameters":{"States":{"k":1,"k":2}}}`, "k", "/Parameters/States", true}, // any object under "States"
	} {
		_, err := Parse([]byte(c.def))
		var dup *DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("%s: %v, want a *DuplicateError", c.def, err)
		}
		if dup.Key != c.key || dup.Object.Location() != c.loc || dup.StateNames() != c.states {
			t.Errorf("%s: %q at %q (states %v)", c.def, dup.Key, dup.Object.Location(), dup.StateNames())
		}
	}
}

func TestParseStrict(t *testing.T) {
	for _, def := range []string{``, `{`, `{} {}`, `{"a":"\x"}`, "{\"a\":\"\xff\"}", `[1,]`} {
		if _, err := Parse([]byte(def)); err == nil {
			t.Errorf("Parse(%q) accepted", def)
		}
	}
}

// FuzzParse checks that Parse accepts exactly what a strict JSON reader accepts (duplicates
// aside) and that every node's Raw is that node's value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":null}],"c":"d"}`, `[true, false, -1e3]`, `"x"`, `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		root, err := Parse([]byte(s))
		if err != nil {
			return
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("Parse accepted invalid JSON %q", s)
		}
		var walk func(n *Node)
		walk = func(n *Node) {
			if !json.Valid(n.Raw) {
				t.Fatalf("Raw %q of %s is not one JSON value", n.Raw, n.Location())
			}
			for _, m := range n.Members {
				walk(m.Val)
			}
			for _, it := range n.Items {
				walk(it)
			}
		}
		walk(root)
	})
}

func BenchmarkParse(b *testing.B) {
	def, err := os.ReadFile("../../bench/testdata/chain100.asl.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(def)))
	for b.Loop() {
		if _, err := Parse(def); err != nil {
			b.Fatal(err)
		}
	}
}
