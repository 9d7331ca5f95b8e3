package engine_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stepjet/stepjet/engine"
)

// An execution keeps every document compact: the input is compacted at the boundary and task
// results as they arrive, so outputs are compact, as AWS prints them, however the input and the
// task results are spaced; Result.Input is still the input as given.
func TestOutputsAreCompact(t *testing.T) {
	pretty := engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
		return []byte("{\n  \"ok\": true,\n  \"list\": [ 1, \"a b\" ]\n}\n"), nil
	})
	input := []byte("  {\n\t\"a\" : { \"b\" : [ 1 , 2 ] },\r\n \"s\": \"x  y\" }  \n")
	for _, tc := range []struct{ name, def, want string }{
		{"pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			`{"a":{"b":[1,2]},"s":"x  y"}`},
		{"parameters", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.a","s.$":"$.s","all.$":"$","in.$":"$$.Execution.Input.a.b"},"End":true}}}`,
			`{"x":{"b":[1,2]},"s":"x  y","all":{"a":{"b":[1,2]},"s":"x  y"},"in":[1,2]}`},
		{"task result path", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","ResultPath":"$.r","End":true}}}`,
			`{"a":{"b":[1,2]},"s":"x  y","r":{"ok":true,"list":[1,"a b"]}}`},
		{"task result", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}`,
			`{"ok":true,"list":[1,"a b"]}`},
		{"result selector", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","ResultSelector":{"l.$":"$.list","o.$":"$.ok"},"End":true}}}`,
			`{"l":[1,"a b"],"o":true}`},
		{"jsonata", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Output":"{% {'r': $states.result, 'in': $states.input.a} %}","End":true}}}`,
			`{"r":{"ok":true,"list":[1,"a b"]},"in":{"b":[1,2]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := compileT(t, tc.def)
			res := m.Run(context.Background(), input, engine.RunOptions{Tasks: pretty})
			if res.Status != engine.StatusSucceeded {
				t.Fatalf("%s: %s", res.Error, res.Cause)
			}
			if string(res.Output) != tc.want {
				t.Fatalf("output\n got %s\nwant %s", res.Output, tc.want)
			}
			if !bytes.Equal(res.Input, input) {
				t.Fatalf("Result.Input = %q, want the input as given", res.Input)
			}
		})
	}
}
