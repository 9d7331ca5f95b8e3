package jsonata

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCanonSkip checks canonSkip against what it stands for: true only for text that
// stringifyRaw writes back unchanged.
func TestCanonSkip(t *testing.T) {
	cases := []struct {
		text  string
		canon bool
	}{
		{`{"a":1,"b":[true,false,null],"c":{"d":"é"}}`, true},
		{`[1.5,-0.25,0.000001,129.99,123456789012345]`, true},
		{`{}`, true},
		{`[]`, true},
		{`""`, true},
		{`{"a":1,"a":2}`, false},            // repeated key
		{`{"a": 1}`, false},                 // whitespace
		{`"a\"b"`, false},                   // an escape (written back the same, but not recognized)
		{`1.50`, false},                     // JavaScript writes 1.5
		{`1e2`, false},                      // 100
		{`0.0000001`, false},                // 1e-7
		{`-0`, false},                       // 0
		{`1234567890123456789`, false},      // 1234567890123456800
		{`0.1234567890123456`, true},        // 16 digits: by the slow check
		{"\"\xff\"", false},                 // invalid UTF-8
		{`{"a":1`, false},                   // not JSON
		{`[1,]`, false},                     // not JSON
		{`nul`, false},                      // not JSON
		{`{"a":{"b":1},"c":{"b":2}}`, true}, // the same key in sibling objects
	}
	for _, c := range cases {
		p := rawScanner{s: c.text}
		var keys []string
		got := p.canonSkip(&keys) && p.i == len(c.text)
		if got != c.canon {
			t.Errorf("canonSkip(%s) = %v, want %v", c.text, got, c.canon)
		}
		if got {
			q := rawScanner{s: c.text}
			out, ok := q.stringifyRaw(nil, &keys)
			if !ok || string(out) != c.text {
				t.Errorf("%s is canonical, but stringifyRaw writes %s (%v)", c.text, out, ok)
			}
		}
	}
}

// TestShortDecimal checks that every number isShortDecimal accepts is written back digit for
// digit, on random decimals of every length.
func TestShortDecimal(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	accepted := 0
	for range 100000 {
		f := r.Float64() * float64(r.Intn(1e9)) / float64(1+r.Intn(1e6))
		prec := r.Intn(20)
		for _, n := range []string{strconv.FormatFloat(f, 'f', prec, 64), strconv.FormatFloat(-f/1e7, 'f', prec, 64)} {
			if isShortDecimal(n) {
				accepted++
				if w := string(appendNumberText(nil, n)); w != n {
					t.Fatalf("isShortDecimal(%s), but it is written %s", n, w)
				}
			}
		}
	}
	if accepted < 10000 {
		t.Errorf("only %d decimals accepted: the check is too strict to help", accepted)
	}
}

// TestCanonStringWords checks canonString's eight-bytes-at-a-time scan against the rule, with
// each kind of byte that stops it at every place in a word and across words.
func TestCanonStringWords(t *testing.T) {
	for _, special := range []string{`"`, `\"`, "\x01", "\x1f", "\x7f", "é", "\xff", " ", "~"} {
		for at := 0; at < 20; at++ {
			body := strings.Repeat("a", at) + special + strings.Repeat("b", 11)
			text := `"` + body + `"`
			p := rawScanner{s: text}
			got, ok := p.canonString()
			// The rule: the string up to the first quote, with no backslash or control
			// character, valid UTF-8.
			end := strings.IndexByte(body, '"')
			if end < 0 {
				end = len(body)
			}
			want := body[:end]
			wantOK := !strings.ContainsAny(want, "\\") && utf8.ValidString(want) &&
				!strings.ContainsFunc(want, func(r rune) bool { return r < 0x20 })
			if ok != wantOK || ok && (got != want || p.i != end+2) {
				t.Errorf("canonString(%q) = %q, %v at %d; want %q, %v", text, got, ok, p.i, want, wantOK)
			}
		}
	}
}

// FuzzCompactCanonical: what CompactCanonical accepts is valid JSON, and it answers what
// encoding/json's Compact writes for it, which is Canonical.
func FuzzCompactCanonical(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, 2.5, {"b": "c d"}], "e" : null}`, "\n{\n  \"a\": true\n}\n", `tr ue`, `1 2`,
		`"a" "b"`, `{"a":1,"a":2}`, `[1.0]`, `{"a":"\u00e9"}`, ` "x" `, `- 1`, `[ ]`, `{ }`, `"a b"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		doc, ok := CompactCanonical([]byte(text))
		if !ok {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(text)); err != nil {
			t.Fatalf("%q: accepted, but it is not JSON: %v", text, err)
		}
		if string(doc) != want.String() || !Canonical(doc) {
			t.Fatalf("%q: gave %s, Compact gives %s (canonical %v)", text, doc, want.String(), Canonical(doc))
		}
		// The index it gives is what a strict read finds (checkIndex panics otherwise), and
		// a Scope that adopts it reads the document as one that indexes it.
		ix, _ := CompactCanonicalIndex([]byte(text))
		if ix.object {
			checkIndex(&rawNode{text: string(ix.doc), members: ix.members, ok: true})
			e, err := Compile(`$merge([$x, {'zz': $x}])`)
			if err != nil {
				t.Fatal(err)
			}
			sc := NewScope(sameBytes{"x": ix.doc})
			sc.TrustCarried(true)
			sc.Adopt(ix)
			got, _, gerr := e.Eval(sc)
			want, _, werr := e.Eval(sameBytes{"x": []byte(string(ix.doc))})
			if string(got) != string(want) || errText(gerr) != errText(werr) {
				t.Fatalf("%q adopted: %s (%v); indexed afresh: %s (%v)", text, got, gerr, want, werr)
			}
		}
	})
}
