package executor

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stepjet/stepjet/transport/wire"
)

// escapeCases are strings whose JSON escaping differs between encoders: every ASCII control
// character, the HTML-sensitive bytes, JSONP's line separators, invalid and truncated UTF-8.
var escapeCases = []string{
	"", "plain", `{"a":1,"b":[true,null,"x\"y"]}`, "a\"b\\c/d", "\b\f\n\r\t\v\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "\u2028\u2029", "é日本🎉", "\xff", "\xe6\x97", "a\xc0\xafb", "\xed\xa0\x80",
	"\U0010ffff", "\uFFFD", "x\u2027\u202ay",
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	cases := append([]string(nil), escapeCases...)
	for c := 0; c < 256; c++ { // every single byte, alone and between text
		cases = append(cases, string([]byte{byte(c)}), "ab"+string([]byte{byte(c)})+"cd")
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestAppendJSONFloatMatchesEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 1732486000.123, 1732486000.1, 1e-7, 1e-6, 1.5e-9, 1e20, 1e21, 1.23e25,
		-1e-7, math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1, 123456789.987} {
		want, _ := json.Marshal(f)
		if got := appendJSONFloat(nil, f); !bytes.Equal(got, want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

func TestAppendResultMatchesEncodingJSON(t *testing.T) {
	input, err := os.ReadFile("../../bench/testdata/order-input.json")
	if err != nil {
		t.Fatal(err)
	}
	full := wire.Result{
		ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:m:n:id", StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
		Name: "n<&>", StartDate: 1732486000.123, StopDate: 1732486000.456, Status: "FAILED",
		Input: string(input), InputDetails: &wire.PayloadDetails{Included: true},
		Output: `{"a":"\u2028"}`, OutputDetails: &wire.PayloadDetails{},
		Error: "States.Runtime", Cause: "An error occurred while executing the state 'S' (entered at the event id #2). \"x\"",
		BillingDetails: &wire.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMs: 100},
		TraceHeader:    "00-abc-def-01",
	}
	for name, res := range map[string]wire.Result{"empty": {}, "full": full, "succeeded": {
		ExecutionArn: "a", Status: "SUCCEEDED", Input: "{}", InputDetails: &wire.PayloadDetails{Included: true}, Output: "[1]",
		OutputDetails: &wire.PayloadDetails{Included: true}, BillingDetails: &wire.BillingDetails{}}} {
		want, _ := json.Marshal(res)
		if got := appendResult(nil, &res); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func FuzzAppendResult(f *testing.F) {
	for _, s := range escapeCases {
		f.Add(s, s, 1732486000.123, int64(100))
	}
	f.Fuzz(func(t *testing.T, text, other string, date float64, ms int64) {
		if math.IsNaN(date) || math.IsInf(date, 0) {
			return // json.Marshal refuses them; a result's dates are always finite
		}
		res := wire.Result{ExecutionArn: other, Name: text, StartDate: date, StopDate: -date, Status: other,
			Input: text, InputDetails: &wire.PayloadDetails{Included: true}, Output: other, Error: text, Cause: other,
			BillingDetails: &wire.BillingDetails{BilledMemoryUsedInMB: ms, BilledDurationInMs: -ms}, TraceHeader: text}
		want, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendResult(nil, &res); !bytes.Equal(got, want) {
			t.Fatalf("got %s\nwant %s", got, want)
		}
	})
}

func benchResult(b *testing.B) wire.Result {
	input, err := os.ReadFile("../../bench/testdata/order-input.json")
	if err != nil {
		b.Fatal(err)
	}
	output, err := os.ReadFile("../../bench/testdata/order-expected-output.json")
	if err != nil {
		b.Fatal(err)
	}
	return wire.Result{ExecutionArn: "arn:aws:states:us-east-1:123456789012:express:order:exec-1:0f0e",
		StateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:order", Name: "exec-1",
		StartDate: 1732486000.123, StopDate: 1732486000.124, Status: "SUCCEEDED",
		Input: string(input), InputDetails: &wire.PayloadDetails{Included: true}, Output: string(output),
		OutputDetails: &wire.PayloadDetails{Included: true}, BillingDetails: &wire.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMs: 100}}
}

// BenchmarkAppendResult encodes the order workflow's result (json.Marshal: BenchmarkMarshalResult).
func BenchmarkAppendResult(b *testing.B) {
	res := benchResult(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = appendResult(make([]byte, 0, resultSize(&res)), &res)
	}
}

func BenchmarkMarshalResult(b *testing.B) {
	res := benchResult(b)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = json.Marshal(res)
	}
}
