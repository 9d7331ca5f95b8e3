// Package worker lets a Go program serve stepjet Task states over NATS, the way a Lambda function
// serves them on AWS. A worker is a nats.go micro service, so `nats micro ls` and
// `nats micro stats` show it.
//
//	nc, _ := nats.Connect(nats.DefaultURL)
//	svc, _ := worker.New(nc, "payments", worker.Options{})
//	svc.Handle("charge-card", worker.JSON(func(ctx context.Context, in Order) (Receipt, error) {
//		if in.Amount > 1000 {
//			return Receipt{}, worker.Fail("PaymentDeclined", "amount over limit")
//		}
//		return Receipt{ID: "r-1"}, nil
//	}))
//	<-ctx.Done(); svc.Stop()
//
// A state machine reaches it with "Resource": "arn:aws:states:::lambda:invoke" and
// "Parameters": {"FunctionName": "charge-card", "Payload.$": "$"}. See protocol.go for the wire
// format workers in other languages implement.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
	"github.com/stepjet/stepjet/transport/telemetry/tracectx"
	"github.com/stepjet/stepjet/transport/wire"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Handler serves one function: it gets the request payload (raw JSON) and returns the result
// (raw JSON) or an error. Return Fail(...) (or any error wrapping *Error) to choose the error
// name a state machine's Retry and Catch match; any other error is reported as "Error".
type Handler func(ctx context.Context, payload []byte) ([]byte, error)

// Error is a task failure with Lambda's errorType and errorMessage.
type Error struct {
	Type    string
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Fail returns a task failure named errorType (what ErrorEquals matches) with message.
func Fail(errorType, message string) error { return &Error{Type: errorType, Message: message} }

// JSON adapts a typed function to a Handler: the payload is decoded into In and the Out value is
// encoded as the result. A payload that does not decode fails with errorType "InvalidPayload".
func JSON[In, Out any](fn func(ctx context.Context, in In) (Out, error)) Handler {
	return func(ctx context.Context, payload []byte) ([]byte, error) {
		var in In
		if len(payload) > 0 {
			if err := json.Unmarshal(payload, &in); err != nil {
				return nil, Fail("InvalidPayload", err.Error())
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// Options configure a Service. The zero value works.
type Options struct {
	// Prefix is stepjet's subject prefix (default "stepjet").
	Prefix string
	// Version is the micro service version (semver; default "1.0.0").
	Version string
	// Description shows in `nats micro info`.
	Description string
	// MaxConcurrent bounds how many requests run at once per Service (default 256).
	MaxConcurrent int
	// Timeout bounds a request whose executor sent no deadline (default 5 minutes).
	Timeout time.Duration
	// TracerProvider makes a SERVER span for each request, a child of the task's span in the
	// executor's trace (default: OTel's global provider, a no-op unless the program set one).
	// Either way the handler's context carries the trace, so spans it makes join it.
	TracerProvider trace.TracerProvider
}

// Service is a running worker service; add functions with Handle.
type Service struct {
	nc     *nats.Conn
	svc    micro.Service
	layout wire.Layout
	opts   Options
	sem    chan struct{}
	tracer trace.Tracer
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// New registers a micro service named name (letters, digits, '-' and '_') on nc.
func New(nc *nats.Conn, name string, o Options) (*Service, error) {
	if o.Version == "" {
		o.Version = "1.0.0"
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 256
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.Description == "" {
		o.Description = "stepjet task worker"
	}
	svc, err := micro.AddService(nc, micro.Config{Name: name, Version: o.Version, Description: o.Description})
	if err != nil {
		return nil, fmt.Errorf("worker %s: %w", name, err)
	}
	tp := o.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{nc: nc, svc: svc, layout: wire.Layout{Prefix: o.Prefix}, opts: o, sem: make(chan struct{}, o.MaxConcurrent),
		tracer: tp.Tracer("github.com/stepjet/stepjet/transport/worker"), ctx: ctx, cancel: cancel}, nil
}

// Handle serves function (the FunctionName a definition uses) with h, on subject
// <prefix>.fn.<function>; it returns once the server knows the subscription. Requests run
// concurrently (up to MaxConcurrent), so micro's stats count requests but not errors or
// processing time.
func (s *Service) Handle(function string, h Handler) error {
	err := s.svc.AddEndpoint(wire.SubjectToken(function), micro.HandlerFunc(func(r micro.Request) {
		s.sem <- struct{}{} // bound concurrency; blocks the subscription when full (back-pressure)
		s.wg.Add(1)
		go func() {
			defer func() { <-s.sem; s.wg.Done() }()
			s.serve(r, function, h)
		}()
	}), micro.WithEndpointSubject(s.layout.FunctionSubject(function)),
		micro.WithEndpointMetadata(map[string]string{"function": function}))
	if err != nil {
		return err
	}
	return s.nc.Flush()
}

func (s *Service) serve(r micro.Request, function string, h Handler) {
	ctx := s.ctx
	deadline := time.Now().Add(s.opts.Timeout)
	if d, err := time.Parse(time.RFC3339Nano, r.Headers().Get(HeaderDeadline)); err == nil {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	// Continue the executor's trace: the handler's context is inside the task's span.
	ctx = tracectx.Extract(ctx, nats.Header(r.Headers()))
	ctx, span := s.tracer.Start(ctx, "function "+function, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("stepjet.function", function),
			attribute.String("stepjet.execution.arn", r.Headers().Get(HeaderExecutionArn)),
			attribute.String("stepjet.state.name", r.Headers().Get(HeaderStateName))))
	defer span.End()
	out, err := h(ctx, r.Data())
	if err != nil {
		var we *Error
		if errors.As(err, &we) {
			span.SetAttributes(attribute.String("error.type", we.Type))
		} else {
			span.SetAttributes(attribute.String("error.type", "Error"))
		}
		span.SetStatus(codes.Error, err.Error())
		desc, body, typ := failure(err)
		s.reply(r, &nats.Msg{Data: body, Header: nats.Header{
			micro.ErrorHeader: []string{desc}, micro.ErrorCodeHeader: []string{"500"}, HeaderErrorType: []string{typ}}})
		return
	}
	if len(out) == 0 {
		out = []byte("null")
	}
	s.reply(r, &nats.Msg{Data: out})
}

// reply publishes m to r's reply subject. It does not go through r.Respond or r.Error: those
// record the outcome in the request, which micro reads once Handle has returned — while this
// goroutine may still be running (a data race).
func (s *Service) reply(r micro.Request, m *nats.Msg) {
	if r.Reply() == "" {
		return
	}
	m.Subject = r.Reply()
	_ = s.nc.PublishMsg(m)
}

// RespondError sends err as a task failure on a micro request (for users writing their own
// micro handlers).
func RespondError(r micro.Request, err error) error {
	desc, body, typ := failure(err)
	return r.Error("500", desc, body, micro.WithHeaders(micro.Headers{HeaderErrorType: []string{typ}}))
}

// failure is a task failure's reply: micro's error description, the Lambda-shaped body
// (errorMessage, errorType) and the error type header.
func failure(err error) (desc string, body []byte, typ string) {
	var we *Error
	if !errors.As(err, &we) {
		we = &Error{Type: "Error", Message: err.Error()}
	}
	if we.Type == "" {
		we.Type = "Error"
	}
	msg := we.Message
	if msg == "" {
		msg = we.Type
	}
	body, _ = json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{we.Message, we.Type})
	return msg, body, we.Type
}

// Micro exposes the underlying micro service (Info, Stats).
func (s *Service) Micro() micro.Service { return s.svc }

// Stop stops taking requests, cancels the running handlers' contexts once they exceed their
// deadline, and waits for them.
func (s *Service) Stop() error {
	err := s.svc.Stop()
	s.wg.Wait()
	s.cancel()
	return err
}
