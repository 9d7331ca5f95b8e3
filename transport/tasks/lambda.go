package tasks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/stepjet/stepjet/transport/worker"
	"github.com/tidwall/gjson"
)

// DefaultTaskTimeout bounds a worker request when the state sets no TimeoutSeconds and the
// execution's context has no deadline.
const DefaultTaskTimeout = 5 * time.Minute

// Lambda runs Lambda tasks as NATS requests to <prefix>.fn.<function name> (see package worker
// for the wire format).
type Lambda struct {
	NC     *nats.Conn
	Layout wire.Layout

	muxOnce sync.Once
	mux     *replyMux
	muxErr  error
}

// Invoke implements engine.TaskInvoker for arn:aws:states:::lambda:invoke (result: the invoke
// response with Payload and StatusCode) and arn:aws:lambda:...:function:NAME (result: the
// worker's payload).
func (l *Lambda) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	call, err := l.request(ctx, req)
	if err != nil {
		return nil, err
	}
	defer call.cancel()
	reply, err := l.NC.RequestMsgWithContext(call.ctx, call.msg)
	return call.answer(ctx, reply, err)
}

// StartTask implements engine.TaskStarter: the request goes out at once and done is called
// with Invoke's answer when the worker's reply arrives (on the connection's reply
// subscription, see replies.go), or when the call's context ends. It returns false, leaving
// Invoke to say why, for a request refused before any NATS call.
func (l *Lambda) StartTask(ctx context.Context, req engine.TaskRequest, done func([]byte, error)) bool {
	call, err := l.request(ctx, req)
	if err != nil {
		return false
	}
	mux, err := l.replies()
	if err != nil {
		call.cancel()
		return false
	}
	mux.start(call.ctx, call.msg, func(reply *nats.Msg, err error) {
		res, err := call.answer(ctx, reply, err)
		call.cancel()
		done(res, err)
	})
	return true
}

// lambdaCall is one worker request: the message, the context bounding the wait for its
// reply, and how to read the reply.
type lambdaCall struct {
	l         *Lambda
	msg       *nats.Msg
	ctx       context.Context
	cancel    context.CancelFunc
	name      string
	optimized bool
}

// request builds the worker request for req; an error is the task's failure, before any NATS
// call.
func (l *Lambda) request(ctx context.Context, req engine.TaskRequest) (*lambdaCall, error) {
	optimized := strings.HasSuffix(req.Resource, ":lambda:invoke")
	var fn string
	var payload []byte
	if optimized {
		fn = gjson.GetBytes(req.Input, "FunctionName").String()
		if fn == "" {
			return nil, &failure.Error{Name: failure.TaskFailed, Cause: "The field 'FunctionName' is required but was missing."}
		}
		p := gjson.GetBytes(req.Input, "Payload")
		switch {
		case !p.Exists():
			payload = []byte("{}")
		default:
			payload = []byte(p.Raw)
		}
	} else {
		a, _ := parseArn(req.Resource)
		fn = strings.TrimPrefix(a.resource, "function:")
		payload = req.Input
	}
	name := FunctionName(fn)
	if err := checkFunctionName(fn, name); err != nil {
		// Refused before any NATS call: a subject holding an unbounded name from a definition
		// or an input could exceed the server's control-line limit and close the connection
		// every execution of this process shares.
		return nil, err
	}

	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if req.Timeout > 0 {
		callCtx, cancel = context.WithTimeout(ctx, req.Timeout)
	} else if _, ok := ctx.Deadline(); !ok {
		callCtx, cancel = context.WithTimeout(ctx, DefaultTaskTimeout)
	}
	deadline, _ := callCtx.Deadline()

	msg := nats.NewMsg(l.Layout.FunctionSubject(name))
	msg.Data = payload
	msg.Header.Set(worker.HeaderExecutionArn, req.ExecutionArn)
	msg.Header.Set(worker.HeaderStateName, req.StateName)
	msg.Header.Set(worker.HeaderFunction, name)
	msg.Header.Set(worker.HeaderDeadline, deadline.UTC().Format(time.RFC3339Nano))
	tracectx.Inject(ctx, msg.Header)
	return &lambdaCall{l: l, msg: msg, ctx: callCtx, cancel: cancel, name: name, optimized: optimized}, nil
}

// answer turns the worker's reply, or the request's error, into the task's result; ctx is the
// task's context (the execution's end is not the worker's failure).
func (c *lambdaCall) answer(ctx context.Context, reply *nats.Msg, err error) ([]byte, error) {
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err() // the execution ended; the engine reports why
		case errors.Is(err, nats.ErrNoResponders):
			return nil, &failure.Error{Name: "Lambda.ResourceNotFoundException", Cause: "Function not found: arn:aws:lambda:" +
				c.l.Layout.RegionOrDefault() + ":" + c.l.Layout.AccountOrDefault() + ":function:" + c.name +
				":$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: " + ids.New() + "; Proxy: null)"}
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout):
			return nil, &failure.Error{Name: failure.Timeout}
		default:
			return nil, &failure.Error{Name: "Lambda.ServiceException", Cause: err.Error()}
		}
	}
	if fe := WorkerError(reply); fe != nil {
		return nil, fe
	}
	out := reply.Data
	if len(bytes.TrimSpace(out)) == 0 {
		out = []byte("null")
	} else if !json.Valid(out) {
		out, _ = json.Marshal(string(out))
	}
	if !c.optimized {
		return out, nil
	}
	return invokeResponse(out), nil
}

// invokeResponse wraps a function's payload the way lambda:invoke returns it.
func invokeResponse(payload []byte) []byte {
	rid := ids.New()
	meta, resp := sdkMeta(rid, "application/json", len(payload), map[string]string{
		"X-Amz-Executed-Version":         "$LATEST",
		"x-amzn-Remapped-Content-Length": "0",
		"X-Amzn-Trace-Id":                "Root=1-" + rid[:8] + "-" + strings.ReplaceAll(rid[9:], "-", ""),
	}, false)
	b, _ := json.Marshal(struct {
		ExecutedVersion     string
		Payload             json.RawMessage
		SdkHttpMetadata     json.RawMessage
		SdkResponseMetadata json.RawMessage
		StatusCode          int
	}{"$LATEST", payload, meta, resp, 200})
	return b
}

// WorkerError decodes a worker's failure reply, nil when the reply is a success.
func WorkerError(m *nats.Msg) *failure.Error {
	if m.Header == nil {
		return nil
	}
	code := m.Header.Get(worker.HeaderServiceErrorCode)
	desc := m.Header.Get(worker.HeaderServiceError)
	if code == "" && desc == "" {
		return nil
	}
	name := m.Header.Get(worker.HeaderErrorType)
	if name == "" {
		name = code
	}
	if name == "" {
		name = "Error"
	}
	body := bytes.TrimSpace(m.Data)
	if len(body) > 0 && gjson.ValidBytes(body) && gjson.GetBytes(body, "errorType").Exists() {
		var buf bytes.Buffer
		if json.Compact(&buf, body) == nil {
			return &failure.Error{Name: name, Cause: buf.String()}
		}
	}
	cause, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{desc, name})
	return &failure.Error{Name: name, Cause: string(cause)}
}

// maxFunctionName is Lambda Invoke's limit on FunctionName (a name, partial or full ARN).
const maxFunctionName = 170

// checkFunctionName applies Lambda Invoke's constraints on FunctionName (at most 170
// characters; the name itself of [a-zA-Z0-9-_.]) and answers as Step Functions reports a
// Lambda validation failure.
func checkFunctionName(given, name string) error {
	var constraint string
	switch {
	case len(given) > maxFunctionName:
		constraint = "Member must have length less than or equal to 170"
	case name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "":
		constraint = "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
	default:
		return nil
	}
	shown := given
	if len(shown) > 256 {
		shown = shown[:256] + "..."
	}
	return &failure.Error{Name: "Lambda.AWSLambdaException", Cause: "1 validation error detected: Value '" + shown +
		"' at 'functionName' failed to satisfy constraint: " + constraint +
		" (Service: AWSLambda; Status Code: 400; Error Code: ValidationException; Request ID: " + ids.New() + "; Proxy: null)"}
}

// FunctionName extracts the function's name from the forms Lambda accepts: NAME, NAME:QUALIFIER,
// ACCOUNT:function:NAME[:QUALIFIER] and arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
func FunctionName(s string) string {
	if i := strings.Index(s, "function:"); i >= 0 {
		s = s[i+len("function:"):]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}
