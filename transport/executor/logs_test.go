package executor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/tidwall/gjson"
)

// TestLogEventsWithoutDataLeaveVariablesOut: a machine logging without includeExecutionData
// logs no execution data, assigned variables included (they were left in: the log sink's list
// of data members lacked them, unlike GetExecutionHistory's). With data, they are logged.
func TestLogEventsWithoutDataLeaveVariablesOut(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"card":"4111-secret"},"End":true}}}`
	env.PutMachine("nodata", def, `{"level":"ALL","includeExecutionData":false}`)
	env.PutMachine("data", def, `{"level":"ALL","includeExecutionData":true}`)
	startExecutor(t, env, executor.Config{})
	syncRun(t, env, "nodata", `{}`)
	syncRun(t, env, "data", `{}`)
	ctx := context.Background()
	stream, err := env.JS.Stream(ctx, env.Layout.LogsStream())
	if err != nil {
		t.Fatal(err)
	}
	// Four events each: ExecutionStarted, PassStateEntered, PassStateExited, ExecutionSucceeded.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if info, err := stream.Info(ctx); err == nil && info.State.Msgs >= 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the logs stream did not get both executions' events in 30 s")
		}
	}
	cons, err := env.JS.OrderedConsumer(ctx, env.Layout.LogsStream(), jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(100)
	if err != nil {
		t.Fatal(err)
	}
	exited := map[string]string{}
	for m := range batch.Messages() {
		if gjson.GetBytes(m.Data(), "type").String() == "PassStateExited" {
			exited[m.Subject()] = string(m.Data())
		}
	}
	if got := exited[env.Layout.LogSubject("nodata")]; got == "" || strings.Contains(got, "secret") || strings.Contains(got, "assignedVariables") {
		t.Errorf("without data, PassStateExited logged as %s", got)
	}
	if got := exited[env.Layout.LogSubject("data")]; !strings.Contains(got, `"assignedVariables":{"card":"\"4111-secret\""}`) {
		t.Errorf("with data, PassStateExited logged as %s", got)
	}
}
