package tasks

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/worker"
)

// StartTask answers every kind of worker call as Invoke does: results (bare function and
// lambda:invoke), a worker's failure, no worker, the task's timeout and the execution's end.
func TestLambdaStartTaskAnswersAsInvoke(t *testing.T) {
	env := testenv.New(t)
	svc, err := worker.New(env.Connect(), "start-test", worker.Options{Prefix: env.Layout.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop()
	handlers := map[string]worker.Handler{
		"echo": func(_ context.Context, p []byte) ([]byte, error) { return p, nil },
		"fail": func(context.Context, []byte) ([]byte, error) { return nil, worker.Fail("Declined", "over the limit") },
		// Answers after the caller stopped waiting: at its own deadline (the same instant) it
		// could beat the caller's timer with a failure of its own.
		"slow": func(context.Context, []byte) ([]byte, error) { time.Sleep(time.Second); return []byte(`{}`), nil },
	}
	for name, h := range handlers {
		if err := svc.Handle(name, h); err != nil {
			t.Fatal(err)
		}
	}
	l := &Lambda{NC: env.Connect(), Layout: env.Layout}
	fn := "arn:aws:lambda:us-east-1:123456789012:function:"
	for _, c := range []struct {
		name   string
		req    engine.TaskRequest
		cancel bool // the execution's context ends during the call
	}{
		{name: "bare function", req: engine.TaskRequest{Resource: fn + "echo", Input: []byte(`{"a":1}`)}},
		{name: "lambda:invoke", req: engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke", Input: []byte(`{"FunctionName":"echo","Payload":{"b":2}}`)}},
		{name: "worker failure", req: engine.TaskRequest{Resource: fn + "fail", Input: []byte(`{}`)}},
		{name: "no worker", req: engine.TaskRequest{Resource: fn + "missing", Input: []byte(`{}`)}},
		{name: "timeout", req: engine.TaskRequest{Resource: fn + "slow", Input: []byte(`{}`), Timeout: 300 * time.Millisecond}},
		{name: "execution ended", req: engine.TaskRequest{Resource: fn + "slow", Input: []byte(`{}`)}, cancel: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := func(start bool) (string, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				defer cancel()
				if c.cancel {
					time.AfterFunc(300*time.Millisecond, cancel)
				}
				if !start {
					out, err := l.Invoke(ctx, c.req)
					return string(out), err
				}
				type answer struct {
					out []byte
					err error
				}
				got := make(chan answer, 2)
				if !l.StartTask(ctx, c.req, func(out []byte, err error) { got <- answer{out, err} }) {
					t.Fatal("StartTask did not start a valid request")
				}
				a := <-got
				select {
				case <-got:
					t.Fatal("done called twice")
				case <-time.After(100 * time.Millisecond):
				}
				return string(a.out), a.err
			}
			wantOut, wantErr := run(false)
			out, err := run(true)
			if c.name == "lambda:invoke" { // its metadata holds a fresh request id
				wantOut, out = wantOut[:strings.Index(wantOut, `"SdkHttpMetadata"`)], out[:strings.Index(out, `"SdkHttpMetadata"`)]
			}
			if out != wantOut || describe(err) != describe(wantErr) {
				t.Errorf("StartTask gives %s %s, Invoke %s %s", out, describe(err), wantOut, describe(wantErr))
			}
		})
	}
}

// describe is an error without its request id.
func describe(err error) string {
	var fe *failure.Error
	if errors.As(err, &fe) {
		cause, _, _ := strings.Cut(fe.Cause, "Request ID")
		return fe.Name + ": " + cause
	}
	if err != nil {
		return err.Error()
	}
	return "nil"
}

// The router starts Lambda tasks only: an in-process function or any other integration is
// left to Invoke.
func TestRouterStartsLambdaTasksOnly(t *testing.T) {
	r := &Router{Lambda: &Lambda{}, HTTP: &HTTP{}, Funcs: map[string]engine.TaskInvoker{"arn:aws:lambda:us-east-1:1:function:go": nil}}
	for _, res := range []string{"arn:aws:lambda:us-east-1:1:function:go", "arn:aws:states:::http:invoke", "arn:aws:states:::sns:publish", "nonsense"} {
		if r.StartTask(context.Background(), engine.TaskRequest{Resource: res}, func([]byte, error) { t.Error("done called") }) {
			t.Errorf("%s: started", res)
		}
	}
}
