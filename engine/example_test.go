package engine_test

import (
	"context"
	"fmt"

	"github.com/stepjet/stepjet/engine"
)

func ExampleMachine_Run() {
	def := `{
	  "StartAt": "Greet",
	  "States": {
	    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Greet",
	              "ResultPath": "$.greeting", "End": true}
	  }
	}`
	m, err := engine.Compile([]byte(def), engine.CompileOptions{})
	if err != nil {
		panic(err)
	}
	greet := engine.TaskFunc(func(_ context.Context, req engine.TaskRequest) ([]byte, error) {
		return []byte(`"hello"`), nil
	})
	res := m.Run(context.Background(), []byte(`{"name":"Ada"}`), engine.RunOptions{Tasks: greet})
	fmt.Println(res.Status, string(res.Output))
	// Output: SUCCEEDED {"name":"Ada","greeting":"hello"}
}
