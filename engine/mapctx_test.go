package engine_test

import (
	"context"
	"testing"

	"github.com/stepjet/stepjet/engine"
)

// TestMapItemContext: inside a Map's ItemSelector the context object's Map.Item has every field
// AWS's Context object page lists for items from the state input — Index, Value and Source
// ("STATE_DATA") — in JSONPath and JSONata, inline and distributed.
func TestMapItemContext(t *testing.T) {
	proc := func(mode string) string {
		cfg := `"Mode":"INLINE"`
		if mode == "DISTRIBUTED" {
			cfg = `"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"`
		}
		return `"ItemProcessor":{"ProcessorConfig":{` + cfg + `},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	}
	want := `[{"i":0,"v":{"who":"bob"},"s":"STATE_DATA"},{"i":1,"v":{"who":"meg"},"s":"STATE_DATA"}]`
	for _, mode := range []string{"INLINE", "DISTRIBUTED"} {
		for _, def := range []string{
			`{"StartAt":"M","States":{"M":{"Type":"Map",` + proc(mode) + `,"End":true,
				"ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","s.$":"$$.Map.Item.Source"}}}}`,
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",` + proc(mode) + `,"End":true,
				"ItemSelector":{"i":"{% $states.context.Map.Item.Index %}","v":"{% $states.context.Map.Item.Value %}","s":"{% $states.context.Map.Item.Source %}"}}}}`,
		} {
			typ := "EXPRESS"
			if mode == "DISTRIBUTED" {
				typ = "STANDARD" // AWS runs a Distributed Map only in a Standard machine
			}
			m, err := engine.Compile([]byte(def), engine.CompileOptions{Type: typ})
			if err != nil {
				t.Fatal(err)
			}
			r := m.Run(context.Background(), []byte(`[{"who":"bob"},{"who":"meg"}]`), engine.RunOptions{})
			if string(r.Output) != want {
				t.Errorf("%s: got %s %s %q, want %s", mode, r.Output, r.Error, r.Cause, want)
			}
		}
	}
}
