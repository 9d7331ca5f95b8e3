package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine/validate"
	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
	"go.opentelemetry.io/otel/trace"
)

type startInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     *string `json:"traceHeader"`
}

// maxInput is the Express payload limit, in bytes.
const maxInput = 256 * 1024

// accepted is a start request checked and pinned: the machine it runs, the version an alias
// routed it to, and the revision of the definition it runs.
type accepted struct {
	ref      machineRef
	name     string
	input    string
	version  int
	revision uint64
}

// checkStart validates a start request and resolves (and pins) what it runs. The execution
// name is drawn when absent and the input defaults to "{}".
func (s *Server) checkStart(ctx context.Context, body []byte, in *startInput, sync bool) (accepted, error) {
	if err := decode(body, in); err != nil {
		return accepted{}, err
	}
	var v validation
	v.required(in.StateMachineArn != nil, "stateMachineArn")
	v.length(in.StateMachineArn, "stateMachineArn", 1, 256)
	v.length(in.Name, "name", 1, 80)
	v.length(in.TraceHeader, "traceHeader", 0, 256)
	if in.Input != nil && len(*in.Input) > maxInput {
		v.add("[redacted]", "input", "Member must have length less than or equal to 262144")
	}
	if err := v.err(); err != nil {
		return accepted{}, err
	}
	ref, e := s.parseMachineArn(*in.StateMachineArn)
	if e != nil {
		return accepted{}, e
	}
	a := accepted{ref: ref, name: ids.New(), input: "{}", version: ref.version}
	if in.Name != nil {
		if !wire.ValidName(*in.Name) {
			return accepted{}, errInvalidName(*in.Name)
		}
		a.name = *in.Name
	}
	if in.Input != nil {
		a.input = *in.Input
		if e := checkInput(a.input); e != nil {
			return accepted{}, e
		}
	}
	if ref.foreign {
		return accepted{}, errMachineMissing(ref.arn)
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return accepted{}, err
	}
	// An alias routes the start once, here: the version its weights choose is the one that
	// runs (also on a redelivery), and the one whose type is checked.
	if ref.alias != "" {
		al, _, err := reg.Alias(ctx, ref.name, ref.alias)
		if err != nil {
			return accepted{}, errMachineMissing(ref.arn)
		}
		varn, ok := al.Route(rand.Uint64())
		if !ok {
			return accepted{}, errMachineMissing(ref.arn)
		}
		vref, e := s.parseMachineArn(varn)
		if e != nil || vref.version == 0 || vref.name != ref.name {
			return accepted{}, errMachineMissing(ref.arn)
		}
		a.version = vref.version
	}
	// The machine (or version) must exist when the start is accepted; its revision is pinned.
	typ, rev, err := reg.Pin(ctx, ref.name, a.version)
	if errors.Is(err, registry.ErrNotFound) {
		return accepted{}, errMachineMissing(ref.arn)
	}
	if err != nil {
		return accepted{}, err
	}
	a.revision = rev
	if typ != "EXPRESS" {
		if sync {
			return accepted{}, errBadRequest("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
		}
		return accepted{}, errBadRequest("StateMachineTypeNotSupported",
			"stepjet runs EXPRESS state machines only; '%s' is %s (create it with type EXPRESS)", ref.arn, typ)
	}
	return a, nil
}

// start is the wire form of an accepted start (wire.Layout.StartMsg / SyncMsg encode it).
func (s *Server) start(ctx context.Context, a accepted, in *startInput) wire.Start {
	st := s.cfg.Layout.NewStart(a.ref.name, a.name, []byte(a.input))
	st.Date = s.now().UTC()
	st.MachineArn, st.Version, st.Revision = a.ref.arn, a.version, a.revision
	st.TraceParent = traceParent(ctx, str(in.TraceHeader))
	return st
}

// traceParent is the W3C trace context a start carries to its execution: the traceHeader
// field's (given in W3C or X-Ray form), else the request's span's (or, without tracing, the
// context the request came with). A traceHeader that is neither form is carried as it is: it
// reaches the result's traceHeader, and no span.
func traceParent(ctx context.Context, header string) string {
	if header != "" {
		sc, ok := tracectx.ParseTraceHeader(header)
		if !ok {
			return header
		}
		ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	return tracectx.TraceParent(ctx)
}

// startError is the API's answer for a start the wire encoder refuses (the same rules the
// executor applies).
func startError(err error) error {
	var se *wire.StartError
	if errors.As(err, &se) {
		return errBadRequest(se.Type, "%s", se.Message)
	}
	return internal(err)
}

// checkInput refuses execution input that is not JSON, as AWS does.
func checkInput(input string) *Error {
	if json.Valid([]byte(input)) {
		return nil
	}
	return errBadRequest("InvalidExecutionInput", "Invalid State Machine Execution Input: '%s'", inputProblem(input))
}

// inputProblem is AWS's text for input that is not JSON: its Java parser's message without the
// "at [Source: …]" suffix, or "Invalid execution input." for blank input
// (test_sfn_api.py::TestSnfApi::test_invalid_start_execution_input).
func inputProblem(input string) string {
	if strings.TrimSpace(input) == "" {
		return "Invalid execution input."
	}
	for _, d := range validate.Validate([]byte(input), validate.Options{}).Diagnostics {
		if d.Code == "INVALID_JSON_DESCRIPTION" {
			msg, _, _ := strings.Cut(d.Message, "\n at [Source:")
			return msg
		}
	}
	return "Invalid execution input."
}

func (s *Server) startExecution(ctx context.Context, body []byte) (any, error) {
	var in startInput
	a, err := s.checkStart(ctx, body, &in, false)
	if err != nil {
		return nil, err
	}
	if s.cfg.NC == nil {
		return nil, errUnavailable("no NATS connection: cannot start executions")
	}
	js, err := s.jetStream()
	if err != nil {
		return nil, err
	}
	st := s.start(ctx, a, &in)
	msg, err := s.cfg.Layout.StartMsg(st)
	if err != nil {
		return nil, startError(err)
	}
	ack, err := js.PublishMsg(ctx, msg)
	if err != nil {
		return nil, errUnavailable("could not queue the execution: " + err.Error())
	}
	if ack.Duplicate {
		// The executions stream de-duplicates starts by machine and name: this one was queued
		// already.
		return nil, errBadRequest("ExecutionAlreadyExists", "Execution Already Exists: '%s' (an execution of this state machine by this name started within the de-duplication window)", a.name)
	}
	return struct {
		ExecutionArn string `json:"executionArn"`
		StartDate    epoch  `json:"startDate"`
	}{st.Arn, epoch(st.Date)}, nil
}

func errUnavailable(msg string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Name: "ServiceUnavailable", Message: msg}
}

func (s *Server) startSyncExecution(ctx context.Context, body []byte) (any, error) {
	var in startInput
	a, err := s.checkStart(ctx, body, &in, true)
	if err != nil {
		return nil, err
	}
	if s.cfg.NC == nil {
		return nil, errUnavailable("no NATS connection: cannot run executions")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SyncTimeout)
	defer cancel()
	st := s.start(ctx, a, &in)
	st.Deadline, _ = ctx.Deadline()
	msg, err := s.cfg.Layout.SyncMsg(st)
	if err != nil {
		return nil, startError(err)
	}
	reply, err := s.cfg.NC.RequestMsgWithContext(ctx, msg)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil, errUnavailable("no executor serves state machine '" + a.ref.name + "' (is `stepjet serve` running with its executor?)")
	}
	if err != nil {
		return nil, errUnavailable("sync execution: " + err.Error())
	}
	// An executor that did not run the execution answers with an AWS error: draining
	// (ServiceUnavailable: retry, another executor takes it), busy (ThrottlingException), or a
	// start it refused.
	if e := wire.ParseSyncReply(reply.Data); e != nil {
		switch e.Type {
		case wire.SyncUnavailable:
			return nil, errUnavailable(e.Message)
		case wire.SyncBusy:
			return nil, errBadRequest(wire.SyncBusy, "%s", e.Message)
		}
		return nil, errBadRequest(e.Type, "%s", e.Message)
	}
	// Otherwise the reply is a wire.Result encoded as this response is (the executor writes
	// what json.Marshal writes): pass it on rather than decode ~3 KB of escaped input and
	// output only to encode them again.
	if !gjson.ValidBytes(reply.Data) {
		return nil, internal(errors.New("the executor's reply is not JSON"))
	}
	return rawJSON(reply.Data), nil
}

func (s *Server) jetStream() (jetstream.JetStream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.js != nil {
		return s.js, nil
	}
	js, err := jetstream.New(s.cfg.NC)
	if err != nil {
		return nil, err
	}
	s.js = js
	return js, nil
}
