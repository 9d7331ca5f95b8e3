package awsapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"testing"

	"github.com/tidwall/gjson"
)

// varRefCase is one definition with the variableReferences AWS describes for it ("aws": recorded
// by AWS, from localstack's snapshots of real DescribeStateMachine answers; "inferred": the same
// rules applied to fields the recordings do not cover).
type varRefCase struct {
	Name               string              `json:"name"`
	Source             string              `json:"source"`
	Definition         string              `json:"definition"`
	VariableReferences map[string][]string `json:"variableReferences"`
}

func loadVarRefCases(t *testing.T) []varRefCase {
	t.Helper()
	b, err := os.ReadFile("testdata/variable_references.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []varRefCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestVariableReferences(t *testing.T) {
	for _, tc := range loadVarRefCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			got := variableReferences(tc.Definition)
			if !reflect.DeepEqual(got, tc.VariableReferences) {
				t.Errorf("%s case: got %v, want %v", tc.Source, got, tc.VariableReferences)
			}
		})
	}
}

// TestDescribeEncryptionAndVariableReferences: DescribeStateMachine, for the machine and for a
// version, and DescribeStateMachineForExecution carry encryptionConfiguration and
// variableReferences as AWS's do; a machine reading no variable has no variableReferences member.
func TestDescribeEncryptionAndVariableReferences(t *testing.T) {
	e := startEnv(t, Config{})
	call := func(op string, in any) string {
		t.Helper()
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", op, resp.StatusCode, out.String())
		}
		return out.String()
	}
	const arn = "arn:aws:states:us-east-1:123456789012:stateMachine:"
	for _, tc := range []struct{ name, def, refs string }{
		{"reads", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},"B":{"Type":"Pass","InputPath":"$x","End":true}}}`, `{"B":["x"]}`},
		{"none", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, ``},
	} {
		call("CreateStateMachine", map[string]any{"name": tc.name, "definition": tc.def, "type": "EXPRESS",
			"roleArn": "arn:aws:iam::123456789012:role/r", "publish": true})
		for _, out := range []string{
			call("DescribeStateMachine", map[string]any{"stateMachineArn": arn + tc.name}),
			call("DescribeStateMachine", map[string]any{"stateMachineArn": arn + tc.name + ":1"}),
			call("DescribeStateMachineForExecution", map[string]any{"executionArn": "arn:aws:states:us-east-1:123456789012:express:" + tc.name + ":e:1"}),
		} {
			if got := gjson.Get(out, "encryptionConfiguration").Raw; got != `{"type":"AWS_OWNED_KEY"}` {
				t.Errorf("%s: encryptionConfiguration %s", tc.name, got)
			}
			if got := gjson.Get(out, "variableReferences").Raw; got != tc.refs {
				t.Errorf("%s: variableReferences %q, want %q", tc.name, got, tc.refs)
			}
		}
	}
}

func FuzzVariableReferences(f *testing.F) {
	for _, s := range []string{`{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$x"}}}`,
		`{"QueryLanguage":"JSONata","States":{"A":{"Output":"{% function($a){$a} %}"}}}`, `{"States":{"A":{"Parameters":{"a.$":"States.Format('\\'{}', $é)"}}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, def string) {
		for state, names := range variableReferences(def) {
			if state == "" && len(names) == 0 {
				t.Fatal("empty entry")
			}
			for _, n := range names {
				if n == "" {
					t.Fatalf("empty variable name in %q", def)
				}
			}
		}
	})
}

// A string the engine reads as a literal (spaces around its delimiters) names no variable: the
// API and the engine share payload.IsJSONata.
func TestVariableReferencesFollowEnginePredicate(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
		"Output":{"a":" {% $x %}","b":"{% $y %}"},"End":true}}}`
	got := variableReferences(def)
	want := map[string][]string{"P": {"y"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
