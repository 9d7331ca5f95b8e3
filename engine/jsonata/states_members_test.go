package jsonata

import (
	"strings"
	"testing"
)

// members is a StatesMembers over named parts; Lookup("states") writes them as one object.
type members struct {
	names  []string
	parts  []string
	known  []Known
	values int // StatesValue calls
	whole  int // Lookup("states") calls
	vars   map[string]string
}

func (m *members) Lookup(name string) ([]byte, bool) {
	if name != "states" {
		s, ok := m.vars[name]
		return []byte(s), ok
	}
	m.whole++
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range m.names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + n + `":` + m.parts[i])
	}
	b.WriteByte('}')
	return []byte(b.String()), true
}

func (m *members) StatesMember(i int) (string, Known, bool) {
	if i >= len(m.names) {
		return "", Unchecked, false
	}
	return m.names[i], m.known[i], true
}

func (m *members) StatesValue(i int) []byte {
	m.values++
	return []byte(m.parts[i])
}

// wholeOnly hides the StatesMembers methods: the reference reading.
type wholeOnly struct{ m *members }

func (w wholeOnly) Lookup(name string) ([]byte, bool) { return w.m.Lookup(name) }

var memberExprs = append([]string{
	`$states.input`,
	`$states.input.order.items[1]`,
	`$merge([$states.input, {"r": $states.result}])`,
	`$merge([$states.input.order, $states.result[1]])`,
	`$states.result[1].a + $factor`,
	`$states.context.Execution.Id`,
	`$states.errorOutput.Error`,
	`$count($states.input.order.items)`,
	`$exists($states.result)`,
}, scopeExprs...)

// TestStatesMembersMatchWhole evaluates expressions over $states read member by member and read
// whole: the answers must be the same, whatever the members hold — whitespace around them,
// repeated keys, text that is not JSON in a member before or after the one read.
func TestStatesMembersMatchWhole(t *testing.T) {
	in := `{"order":{"total":21.5,"items":[{"sku":"a","qty":2,"price":1.25},{"sku":"b","qty":0,"price":4}]}}`
	ctx := `{"Execution":{"Id":"arn:x","Input":` + in + `}}`
	cases := []struct {
		name  string
		parts []string
		known []Known
	}{
		{"plain", []string{in, ctx, `[1,{"a":2}]`}, []Known{Unchecked, KnownValid, Unchecked}},
		{"spaces", []string{" \n" + in + "\t ", ctx, ` [1, {"a": 2.50}] `}, []Known{Unchecked, KnownValid, Unchecked}},
		{"repeated keys", []string{`{"order":{"total":1},"order":{"total":2,"items":[]}}`, ctx, `[1,{"a":2,"a":3}]`}, []Known{Unchecked, KnownValid, Unchecked}},
		{"bad result", []string{in, ctx, `{"a":`}, []Known{Unchecked, KnownValid, Unchecked}},
		{"bad input", []string{`{"order":`, ctx, `[1,{"a":2}]`}, []Known{Unchecked, Unchecked, Unchecked}},
		{"bad context", []string{in, `{"Execution":[}`, `[1,{"a":2}]`}, []Known{Unchecked, Unchecked, Unchecked}},
		{"escapes", []string{`{"order":{"total":"a\"b\u00e9","items":[{"sku":"\/x"}]}}`, ctx, `[1e2,{"a":-0.0000001}]`}, []Known{Unchecked, KnownValid, Unchecked}},
		{"canonical", []string{in, ctx, `[1,{"a":2}]`}, []Known{KnownCanonical, KnownCanonical, KnownCanonical}},
		// Valid as the strict reading finds them: indexed without it (buildValid).
		{"strict", []string{in, ctx, `[1,{"a":2}]`}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"strict spaces", []string{" \n" + in + "\t ", ctx, ` [1, {"a": 2.50} , true ,null] `}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"strict spaced members", []string{`{ "order" : { "total" : 1.50 , "items" : [ { "sku" : "a" } , 2 ] } , "x" : -0 }`, ctx, `{"a" :1 , "b":[ ]}`}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"strict repeated keys", []string{`{"order":{"total":1},"order":{"total":2,"items":[]}}`, ctx, `[1,{"a":2,"a":3}]`}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"strict escapes", []string{`{"order":{"total":"a\"b\u00e9","items":[{"sku":"\/x"}]}}`, ctx, `[1e2,{"a":-0.0000001}]`}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"strict escaped keys", []string{`{"or\u0064er":{"total":1},"order":{"t\u006ftal":2}}`, ctx, `{"\u0061":1,"a":2}`}, []Known{KnownStrict, KnownStrict, KnownStrict}},
		{"error output", []string{in, ctx, `{"Error":"E","Cause":"c"}`}, []Known{Unchecked, KnownValid, KnownValid}},
	}
	for _, c := range cases {
		names := []string{"input", "context", "result"}
		if c.name == "error output" {
			names[2] = "errorOutput"
		}
		vars := map[string]string{"factor": "3"}
		m := &members{names: names, parts: c.parts, known: c.known, vars: vars}
		sc := NewScope(m)
		for _, src := range memberExprs {
			e, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			ref := &members{names: names, parts: c.parts, known: c.known, vars: vars}
			want, wdef, werr := e.Eval(wholeOnly{ref})
			got, gdef, gerr := e.Eval(sc)
			if string(got) != string(want) || gdef != wdef || errText(gerr) != errText(werr) {
				t.Errorf("%s: %s by member = %s (%v, %v); whole %s (%v, %v)", c.name, src, got, gdef, gerr, want, wdef, werr)
			}
		}
	}
}

// TestStatesMembersSkipContext checks what the members are for: an expression that reads
// $states.input neither builds $states whole nor fetches the context member.
func TestStatesMembersSkipContext(t *testing.T) {
	m := &members{names: []string{"input", "context", "result"}, parts: []string{`{"a":1}`, `{"b":2}`, `3`}, known: []Known{Unchecked, KnownValid, Unchecked}}
	sc := NewScope(m)
	for _, src := range []string{`$states.input.a`, `$merge([$states.input, {"r": $states.result}])`, `$states.input.a + 1`} {
		e, _ := Compile(src)
		if _, _, err := e.Eval(sc); err != nil {
			t.Fatal(err)
		}
	}
	if m.whole != 0 || m.values != 2 {
		t.Errorf("$states built whole %d times, members fetched %d times; want 0 and 2 (input, result)", m.whole, m.values)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzStatesMembers reads $states member by member with what the Bindings may vouch for
// (KnownStrict for a strictly valid member, KnownCanonical for a canonical one) and whole:
// the answers must be the same.
func FuzzStatesMembers(f *testing.F) {
	f.Add(`{"order":{"total":21.5,"items":[{"sku":"a","qty":2}]}}`, `[1,{"a":2}]`)
	f.Add(` { "order" : { "items" : [ 1 , {"sku":"b"} ] } } `, `{"a" : 1, "a": 2}`)
	f.Add(`{"order":{"total":"\u00e9\/"},"order":1}`, `"x"`)
	f.Fuzz(func(t *testing.T, input, result string) {
		if len(input) > 300 || len(result) > 100 {
			return
		}
		know := func(text string) Known {
			switch p := (rawScanner{s: text}); {
			case Canonical([]byte(text)):
				return KnownCanonical
			case p.skip() && p.atEnd():
				return KnownStrict
			}
			return Unchecked
		}
		names := []string{"input", "context", "result"}
		parts := []string{input, `{"Execution":{"Id":"x"}}`, result}
		known := []Known{know(input), KnownCanonical, know(result)}
		if strings.TrimSpace(input) == "" || strings.TrimSpace(result) == "" {
			return
		}
		vars := map[string]string{"factor": "3"}
		sc := NewScope(&members{names: names, parts: parts, known: known, vars: vars})
		for _, src := range memberExprs {
			e, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			want, wdef, werr := e.Eval(wholeOnly{&members{names: names, parts: parts, known: known, vars: vars}})
			got, gdef, gerr := e.Eval(sc)
			if string(got) != string(want) || gdef != wdef || errText(gerr) != errText(werr) {
				t.Fatalf("%s on %q, %q (%v): by member = %s (%v, %v); whole %s (%v, %v)", src, input, result, known, got, gdef, gerr, want, wdef, werr)
			}
		}
	})
}
