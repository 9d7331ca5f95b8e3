package jsonpath

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
)

func TestSet(t *testing.T) {
	var cases []struct {
		Path  string          `json:"path"`
		Doc   json.RawMessage `json:"doc"`
		Value json.RawMessage `json:"value"`
		Want  json.RawMessage `json:"want"`
		Err   string          `json:"err"`
	}
	loadJSON(t, "set.json", &cases)
	for _, c := range cases {
		t.Run(c.Path, func(t *testing.T) {
			p, err := CompileReference(c.Path)
			if err != nil {
				t.Fatal(err)
			}
			doc := append([]byte(nil), c.Doc...)
			got, err := Set(doc, p, c.Value)
			if string(doc) != string(c.Doc) {
				t.Fatalf("Set modified its input: %s", doc)
			}
			if c.Err != "" {
				var fe *failure.Error
				if !errors.As(err, &fe) || fe.Name != failure.ResultPathMatchFailure || fe.Cause != c.Err {
					t.Fatalf("got %s, %v; want %s: %s", got, err, failure.ResultPathMatchFailure, c.Err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
			if g, w := string(compact(nil, string(got))), string(compact(nil, string(c.Want))); g != w {
				t.Fatalf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// Set keeps the document's own bytes (spacing, number spelling) outside the place it changes.
func TestSetKeepsBytes(t *testing.T) {
	doc := []byte("{ \"n\" : 1.50 , \"o\" : { } }\n")
	got, err := Set(doc, MustCompile("$.o.k"), []byte(`2`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{ \"n\" : 1.50 , \"o\" : { \"k\":2} }\n"; string(got) != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

// Keys gjson would read as syntax are set literally.
func TestSetSpecialKeys(t *testing.T) {
	for _, k := range []string{"a.b", "*", "?", "a|b", "#", "@x", "!t", `back\slash`, "[0]", "{x}", "0", ""} {
		doc := []byte(`{"a":{"b":1},"0":[1]}`)
		p, err := CompileReference("$['" + strings.ReplaceAll(k, `\`, `\\`) + "'].v")
		if err != nil {
			t.Fatalf("%q: %v", k, err)
		}
		out, err := Set(doc, p, []byte(`7`))
		if k == "0" { // $['0'] is an existing array: no member "v" in it
			if err == nil {
				t.Errorf("%q: Set through an array succeeded: %s", k, out)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", k, err)
		}
		got, err := p.Eval(out)
		if err != nil || string(got) != "7" {
			t.Errorf("%q: Set gave %s; reading back: %s, %v", k, out, got, err)
		}
		if b, _ := MustCompile("$.a.b").Eval(out); string(b) != "1" {
			t.Errorf("%q: Set disturbed $.a.b: %s", k, out)
		}
	}
}
