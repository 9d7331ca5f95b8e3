package records

import (
	"encoding/json"
	"testing"

	"github.com/stepjet/stepjet/transport/wire"
)

// TestAppendJSON: the writer's record encoder writes what encoding/json writes, byte for byte:
// every field set and unset, escapes (HTML, control characters, invalid UTF-8, U+2028), and
// dates of every magnitude.
func TestAppendJSON(t *testing.T) {
	in, out := `{"a":"<b>&\u2028 \n\t\"x\"","n":1.5}`+"\x01\xff\u2029é", `{"ok":true}`
	recs := []Record{
		{},
		{ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:m:n:id", StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
			Name: "n", Status: "RUNNING", StartDate: 1765099999.123, Input: &in, InputDetails: &wire.PayloadDetails{Included: true}},
		{ExecutionArn: "a", Name: "ü<>", Status: "SUCCEEDED", StartDate: 1e-7, StopDate: 1e21, Input: &in, InputDetails: &wire.PayloadDetails{},
			Output: &out, OutputDetails: &wire.PayloadDetails{Included: true}, TraceHeader: "Root=1-x", StateMachineVersionArn: "v:1",
			StateMachineAliasArn: "al", RedriveCount: 3, RedriveDate: 0.000123, RedriveStatus: "REDRIVABLE", RedriveStatusReason: "why & how"},
		{Status: "FAILED", StartDate: -2.5, StopDate: 123456789012345678901234.0, Error: "States.TaskFailed", Cause: "bad \x7f \\ / <script>",
			RedriveCount: -1, Revision: 9, NotRedrivable: "x", RedriveTokens: []string{"t|1"}},
		{StartDate: 1.5e-10, StopDate: 2e-300, RedriveDate: 1765099999},
	}
	for i, rec := range recs {
		want, err := json.Marshal(&rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.appendJSON(nil); string(got) != string(want) {
			t.Errorf("record %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkRecordJSON(b *testing.B) {
	in := `{"orderId":"o-123","items":[{"sku":"a","qty":2,"price":9.5},{"sku":"b","qty":1,"price":20}],"customer":{"id":"c-1","tier":"gold"}}`
	rec := Record{ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:order:n:id", StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:order",
		Name: "n", Status: "SUCCEEDED", StartDate: 1765099999.123, StopDate: 1765099999.456, Input: &in, InputDetails: &wire.PayloadDetails{Included: true},
		Output: &in, OutputDetails: &wire.PayloadDetails{Included: true}}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(&rec)
		}
	})
	b.Run("appendJSON", func(b *testing.B) {
		for b.Loop() {
			_ = rec.appendJSON(make([]byte, 0, 1024))
		}
	})
}
