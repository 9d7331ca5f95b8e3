package executor

import (
	"testing"
)

func FuzzParseSyncRequest(f *testing.F) {
	f.Add([]byte(`{"input":"{\"a\":1}","name":"n"}`))
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"input":"x","extra":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, ok := parseSyncRequest(b)
		if !ok && req.Input != "" && len(b) == 0 {
			t.Fatal("input from nothing")
		}
	})
}

func TestParseSyncRequest(t *testing.T) {
	for body, want := range map[string]bool{
		`{"input":"{}"}`: true,
		`{"input":"{}","name":"x","traceHeader":"t"}`: true,
		`{"stateMachineArn":"arn"}`:                   false, // no input: the body is the input itself
		`{"input":"{}","other":1}`:                    false,
		`{"a":1}`:                                     false,
		`[1]`:                                         false,
		`{"input":"{}"} {}`:                           false,
	} {
		if _, got := parseSyncRequest([]byte(body)); got != want {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}
