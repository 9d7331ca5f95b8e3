package awsapi

import (
	"testing"
)

// TestHistoryWithoutDataKeepsMemberOrder: GetExecutionHistory with includeExecutionData false
// answers each kept event in the members' order it has with data (AWS's: timestamp, type, id,
// previousEventId, details), only without the data; it was re-marshalled from a map, in
// alphabetical order, and with '<', '>' and '&' escaped.
func TestHistoryWithoutDataKeepsMemberOrder(t *testing.T) {
	for _, c := range []struct{ kept, want string }{
		{`{"timestamp":1796637600.999,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"<P>","input":"{\"a\":\"&\"}","inputDetails":{"truncated":false}}}`,
			`{"timestamp":1796637600.999,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"<P>"}}`},
		{`{"timestamp":1796637601,"type":"PassStateExited","id":3,"previousEventId":2,"stateExitedEventDetails":{"name":"P","output":"{}","outputDetails":{"truncated":false},"assignedVariables":{"x":"1"},"assignedVariablesDetails":{"truncated":false}}}`,
			`{"timestamp":1796637601,"type":"PassStateExited","id":3,"previousEventId":2,"stateExitedEventDetails":{"name":"P"}}`},
		{`{"timestamp":1796637601.5,"type":"ParallelStateStarted","id":4,"previousEventId":3}`,
			`{"timestamp":1796637601.5,"type":"ParallelStateStarted","id":4,"previousEventId":3}`},
	} {
		if got := string(withoutData([]byte(c.kept))); got != c.want {
			t.Errorf("without data:\n%s\nwant\n%s", got, c.want)
		}
	}
}
