package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		output    string // the execution's output, when it ran
		stderrHas string
	}{
		{"hello", []string{"../../examples/hello/hello.asl.json", "--input", "../../examples/hello/input.json"}, exitOK,
			`{"verdict":"party","count":3,"greetings":["Hello, Ada!","Hello, Grace!","Hello, Linus!"]}`, ""},
		{"distributed map runs inline by default", []string{"testdata/run/distributed.asl.json", "--input", "testdata/run/items.json"}, exitOK,
			`[{"n":2},{"n":4},{"n":6}]`, ""},
		{"express rules refuse a distributed map", []string{"testdata/run/distributed.asl.json", "--type", "EXPRESS"}, exitUsage,
			"", "not supported inside 'EXPRESS' state machines"},
		{"bad type", []string{"testdata/run/distributed.asl.json", "--type", "FAST"}, exitUsage, "", "--type is STANDARD or EXPRESS"},
		{"no definition", nil, exitUsage, "", "exactly one DEFINITION"},
		{"input not JSON", []string{"testdata/run/distributed.asl.json", "--input", "run_test.go"}, exitUsage, "", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := dispatch(append([]string{"run"}, tt.args...), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			if tt.stderrHas != "" && !strings.Contains(errb.String(), tt.stderrHas) {
				t.Errorf("stderr %q does not say %q", errb.String(), tt.stderrHas)
			}
			if tt.output == "" {
				return
			}
			var res struct{ Status, Output string }
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("stdout is not one JSON object: %v: %s", err, out.String())
			}
			if res.Status != "SUCCEEDED" || res.Output != tt.output {
				t.Errorf("status %s output %s, want SUCCEEDED %s", res.Status, res.Output, tt.output)
			}
		})
	}
}

func TestRunRefusesS3ItemReaderWhenItRuns(t *testing.T) {
	var out, errb bytes.Buffer
	if code := dispatch([]string{"run", "testdata/run/reader.asl.json"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res struct{ Status, Error, Cause string }
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != "FAILED" || res.Error != "States.Runtime" || !strings.Contains(res.Cause, "does not support the field 'ItemReader'") {
		t.Errorf("got %s %s %q; want FAILED States.Runtime saying ItemReader is not supported", res.Status, res.Error, res.Cause)
	}
}
