// Package tasks implements engine.TaskInvoker for stepjet's service integrations, chosen by the
// Task state's Resource ARN:
//
//   - arn:aws:states:::lambda:invoke and arn:aws:lambda:<region>:<account>:function:NAME →
//     a NATS request to <prefix>.fn.NAME (Lambda)
//   - arn:aws:states:::http:invoke → an HTTP request (HTTP)
//   - arn:aws:states:::sns:publish, sqs:sendMessage, events:putEvents → NATS publishes (Notify)
//   - any ARN registered in Funcs → an in-process Go function
//
// Compose them with a Router; its zero value fails every task with a clear message.
package tasks

import (
	"context"
	"strings"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
)

// Router dispatches a task to the invoker its resource names.
type Router struct {
	// Funcs maps exact resource ARNs to in-process invokers; they win over the built-in
	// integrations, so a test can replace any of them.
	Funcs  map[string]engine.TaskInvoker
	Lambda *Lambda
	HTTP   *HTTP
	Notify *Notify
}

// Invoke implements engine.TaskInvoker.
func (r *Router) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	if f, ok := r.Funcs[req.Resource]; ok {
		return f.Invoke(ctx, req)
	}
	a, ok := parseArn(req.Resource)
	if ok {
		switch {
		case r.lambda(a):
			return r.Lambda.Invoke(ctx, req)
		case a.service == "states" && a.resource == "http:invoke" && r.HTTP != nil:
			return r.HTTP.Invoke(ctx, req)
		case a.service == "states" && r.Notify != nil &&
			(a.resource == "sns:publish" || a.resource == "sqs:sendMessage" || a.resource == "events:putEvents"):
			return r.Notify.Invoke(ctx, req)
		}
	}
	return nil, &failure.Error{Name: failure.TaskFailed, Cause: "stepjet has no integration for resource '" + req.Resource +
		"': use arn:aws:states:::lambda:invoke (a NATS worker), arn:aws:states:::http:invoke, sns:publish, sqs:sendMessage, events:putEvents, or register a Go function for it"}
}

// arn is a parsed ARN: arn:partition:service:region:account:resource.
type arn struct {
	partition, service, region, account, resource string
}

func parseArn(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return arn{}, false
	}
	return arn{parts[1], parts[2], parts[3], parts[4], parts[5]}, true
}

// StartTask implements engine.TaskStarter for Lambda tasks (NATS workers), which are what
// executions wait on for long; it returns false for every other task, which Invoke runs.
func (r *Router) StartTask(ctx context.Context, req engine.TaskRequest, done func([]byte, error)) bool {
	if _, ok := r.Funcs[req.Resource]; ok {
		return false
	}
	a, ok := parseArn(req.Resource)
	return ok && r.lambda(a) && r.Lambda.StartTask(ctx, req, done)
}

// lambda reports whether a resource goes to the Lambda invoker.
func (r *Router) lambda(a arn) bool {
	return r.Lambda != nil && (a.service == "states" && a.resource == "lambda:invoke" ||
		a.service == "lambda" && strings.HasPrefix(a.resource, "function:"))
}
