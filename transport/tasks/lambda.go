package tasks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
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
}

// Invoke implements engine.TaskInvoker for arn:aws:states:::lambda:invoke (result: the invoke
// response with Payload and StatusCode) and arn:aws:lambda:...:function:NAME (result: the
// worker's payload).
func (l *Lambda) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
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

	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if req.Timeout > 0 {
		callCtx, cancel = context.WithTimeout(ctx, req.Timeout)
	} else if _, ok := ctx.Deadline(); !ok {
		callCtx, cancel = context.WithTimeout(ctx, DefaultTaskTimeout)
	}
	defer cancel()
	deadline, _ := callCtx.Deadline()

	msg := nats.NewMsg(l.Layout.FunctionSubject(name))
	msg.Data = payload
	msg.Header.Set(worker.HeaderExecutionArn, req.ExecutionArn)
	msg.Header.Set(worker.HeaderStateName, req.StateName)
	msg.Header.Set(worker.HeaderFunction, name)
	msg.Header.Set(worker.HeaderDeadline, deadline.UTC().Format(time.RFC3339Nano))
	tracectx.Inject(ctx, msg.Header)
	reply, err := l.NC.RequestMsgWithContext(callCtx, msg)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err() // the execution ended; the engine reports why
		case errors.Is(err, nats.ErrNoResponders):
			return nil, &failure.Error{Name: "Lambda.ResourceNotFoundException", Cause: "Function not found: arn:aws:lambda:" +
				l.Layout.RegionOrDefault() + ":" + l.Layout.AccountOrDefault() + ":function:" + name +
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
	if !optimized {
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
