package engine

import (
	"context"
	"testing"
)

func TestFuncsRoutesByResource(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:Double"
	def := `{"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"` + arn + `","Next":"U"},
	  "U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:Missing","End":true}}}`
	m, err := Compile([]byte(def), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	funcs := Funcs{arn: TaskFunc(func(_ context.Context, req TaskRequest) ([]byte, error) {
		return []byte(`{"doubled":true}`), nil
	})}
	res := m.Run(context.Background(), []byte(`{}`), RunOptions{Tasks: funcs})
	if res.Status != StatusFailed || res.Error != "States.TaskFailed" {
		t.Fatalf("status %s error %s cause %s; want FAILED States.TaskFailed from the unregistered resource", res.Status, res.Error, res.Cause)
	}
	if want := "No function is registered for the resource 'arn:aws:lambda:us-east-1:123456789012:function:Missing'"; res.Cause != want {
		t.Errorf("cause %q, want %q", res.Cause, want)
	}
	def2 := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + arn + `","End":true}}}`
	m2, _ := Compile([]byte(def2), CompileOptions{})
	if res := m2.Run(context.Background(), []byte(`{}`), RunOptions{Tasks: funcs}); string(res.Output) != `{"doubled":true}` {
		t.Errorf("output %s (%s %s), want the registered function's result", res.Output, res.Error, res.Cause)
	}
}
