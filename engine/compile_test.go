package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A JSONata expression in a retrier's field was accepted by the validator and then read by the
// compiler as "absent" (the state retried once after 1 s instead of never). A retrier's fields
// are literals in both query languages: the definition is refused, by the validator and, for a
// definition that skipped it, by the compiler.
func TestRetryFieldsRefuseJSONata(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":"{% 3 %}","MaxAttempts":"{% 0 %}"}],
		"End":true}}}`
	_, err := Compile([]byte(def), CompileOptions{})
	var ide *InvalidDefinitionError
	if !errors.As(err, &ide) {
		t.Fatalf("Compile: %v, want an InvalidDefinitionError", err)
	}
	var locs []string
	for _, d := range ide.Diagnostics {
		locs = append(locs, d.Location)
	}
	if got := strings.Join(locs, " "); got != "/States/T/Retry[0]/IntervalSeconds /States/T/Retry[0]/MaxAttempts" {
		t.Errorf("Compile refused at %s, want both retrier fields", got)
	}
	// The compiler on its own refuses too rather than run with the defaults.
	_, err = compileDefinition([]byte(def))
	if !errors.As(err, &ide) || !strings.Contains(ide.Error(), "Retry.IntervalSeconds must be a number") {
		t.Fatalf("compileDefinition: %v, want a refusal of Retry.IntervalSeconds", err)
	}
}

// The compiler names the location of a state nested in a Parallel branch or a Map processor,
// not "/States/<name>" as if it were at the top.
func TestCompileErrorLocationNested(t *testing.T) {
	for _, c := range []struct{ def, want string }{
		{`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"r","End":true,
				"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":"x"}]}}}]}}}`,
			"/States/P/Branches/1/States/B"},
		{`{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":
			{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"r","End":true,
				"Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":"x"}]}}}}}}`,
			"/States/M/ItemProcessor/States/B"},
	} {
		_, err := compileDefinition([]byte(c.def))
		var ide *InvalidDefinitionError
		if !errors.As(err, &ide) {
			t.Fatalf("compileDefinition: %v, want an InvalidDefinitionError", err)
		}
		if got := ide.Diagnostics[0].Location; got != c.want {
			t.Errorf("location %q, want %q", got, c.want)
		}
	}
}

// A string with spaces around its delimiters is a literal everywhere (payload.IsJSONata): the
// compiler does not trim it into an expression the validator never checked.
func TestJSONataPredicateNoTrim(t *testing.T) {
	if _, ok := jsonataExpr(" {% 1 %}"); ok {
		t.Error(`jsonataExpr(" {% 1 %}") is an expression, want a literal`)
	}
	if e, ok := jsonataExpr("{% 1 %}"); !ok || strings.TrimSpace(e) != "1" {
		t.Errorf(`jsonataExpr("{%% 1 %%}") = %q, %v`, e, ok)
	}
}

// AWS's JSONPath has no functions: a definition with $.list.length() is accepted and the path
// fails when it runs, reading "length()" as a member name, as AWS does.
func TestJSONPathFunctionCallFailsAtRunTime(t *testing.T) {
	m, err := Compile([]byte(`{"StartAt":"S","States":{"S":{"Type":"Pass","InputPath":"$.list.length()","End":true}}}`), CompileOptions{})
	if err != nil {
		t.Fatalf("Compile: %v, want the definition accepted", err)
	}
	r := m.Run(context.Background(), []byte(`{"list":[1,2]}`), RunOptions{})
	if r.Status != StatusFailed || r.Error != "States.Runtime" || !strings.Contains(r.Cause, "Invalid path '$.list.length()'") ||
		!strings.Contains(r.Cause, "['length()']") {
		t.Errorf("got %s %s %q", r.Status, r.Error, r.Cause)
	}
	// Jayway's other forms are accepted and run: a slice with a step, a quoted dot name.
	m, err = Compile([]byte(`{"StartAt":"S","States":{"S":{"Type":"Pass","Parameters":{"a.$":"$.l[0:2:1]","b.$":"$.'k'"},"End":true}}}`), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Run(context.Background(), []byte(`{"l":[1,2,3],"k":"v"}`), RunOptions{}); string(r.Output) != `{"a":[1,2],"b":"v"}` {
		t.Errorf("got %s %s %q", r.Output, r.Error, r.Cause)
	}
}

// The compiler refuses a field it cannot read instead of running as if it were absent.
func TestCompileRefusesUnreadableFields(t *testing.T) {
	for _, c := range []struct{ state, loc string }{
		{`{"Type":"Pass","Next":5}`, "/States/S/Next"},
		{`{"Type":"Pass","QueryLanguage":"XPath","End":true}`, "/States/S/QueryLanguage"},
		{`{"Type":"Task","Resource":7,"End":true}`, "/States/S"},
		{`{"Type":"Task","End":true}`, "/States/S"},
		{`{"Type":"Fail","Error":["E"]}`, "/States/S"},
		{`{"Type":"Wait","Timestamp":1,"End":true}`, "/States/S"},
		{`{"Type":"Wait","SecondsPath":1,"End":true}`, "/States/S"},
		{`{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"S"}],"Default":true}`, "/States/S"},
		{`{"Type":"Task","Resource":"r","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"SOME"}]}`, "/States/S"},
	} {
		_, err := compileDefinition([]byte(`{"StartAt":"S","States":{"S":` + c.state + `}}`))
		var ide *InvalidDefinitionError
		if !errors.As(err, &ide) || ide.Diagnostics[0].Location != c.loc {
			t.Errorf("%s: got %v, want a refusal at %s", c.state, err, c.loc)
		}
	}
}

// The compiler reads the validator's tree, not the text again with a reader of its own: a key
// written twice is refused by both (it used to compile, the last copy winning, when the
// compiler ran on its own), and a choice rule compiles from its node, whatever fields the
// interpreter reads beside it.
func TestCompileOneReader(t *testing.T) {
	for _, def := range []string{
		`{"StartAt":"S","States":{"S":{"Type":"Pass","Result":1,"Result":2,"End":true}}}`,
		`{"StartAt":"S","States":{"S":{"Type":"Choice","Default":"E","Choices":[
			{"Variable":"$.a","Variable":"$.b","IsPresent":true,"Next":"E"}]},"E":{"Type":"Succeed"}}}`,
	} {
		for name, compile := range map[string]func([]byte) (*Machine, error){
			"Compile":           func(d []byte) (*Machine, error) { return Compile(d, CompileOptions{}) },
			"compileDefinition": compileDefinition,
		} {
			var ide *InvalidDefinitionError
			if _, err := compile([]byte(def)); !errors.As(err, &ide) {
				t.Errorf("%s(%s): %v, want an InvalidDefinitionError", name, def, err)
			}
		}
	}
	m, err := Compile([]byte(`{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"N","Choices":[
		{"Comment":"c","Variable":"$.a","NumericGreaterThan":1,"Assign":{"x.$":"$.a"},"Next":"Y"}]},
		"Y":{"Type":"Pass","Result":"yes","End":true},"N":{"Type":"Pass","Result":"no","End":true}}}`), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{`{"a":2}`: `"yes"`, `{"a":1}`: `"no"`} {
		if r := m.Run(context.Background(), []byte(in), RunOptions{}); string(r.Output) != want {
			t.Errorf("input %s: output %s (%s %s), want %s", in, r.Output, r.Error, r.Cause, want)
		}
	}
}

// FuzzCompileDefinition: the compiler on its own (no validation in front of it) refuses what it
// cannot read and never panics.
func FuzzCompileDefinition(f *testing.F) {
	for _, s := range []string{
		`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsNull":true},"Next":"C"}],"Default":"C"}}}`,
		`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1] %}","ItemBatcher":{"MaxItemsPerBatch":2},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}},"End":true}}}`,
		`{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"States.Format('{}', $.a)","CausePath":"$.c"}}}`,
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"T"}],"End":true}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}],"End":true}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, def string) {
		_, _ = compileDefinition([]byte(def))
	})
}
