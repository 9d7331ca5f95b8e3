package worker

// The wire format between the executor and a task worker. Any NATS client can implement it:
//
// Request (core NATS request to <prefix>.fn.<FunctionName>, queue group "q" for micro workers):
//   - body: the task's payload as JSON (lambda:invoke's Payload, or the effective input of a
//     bare arn:aws:lambda:...:function:NAME resource)
//   - headers: Stepjet-Execution-Arn, Stepjet-State-Name, Stepjet-Function (the function name as
//     written in the definition, before encoding into the subject), Stepjet-Deadline (RFC 3339,
//     when the executor stops waiting)
//
// Success reply: the result as JSON in the body (anything else is passed on as a JSON string).
//
// Failure reply: header Nats-Service-Error-Code set (nats.go micro's Request.Error sets it):
//   - the error name (Lambda's errorType) is header Stepjet-Error-Type, or else the
//     Nats-Service-Error-Code value itself
//   - the error message (Lambda's errorMessage) is header Nats-Service-Error
//   - the body may hold a JSON object {"errorMessage": ..., "errorType": ..., ...} that becomes
//     the cause verbatim; otherwise the cause is built as {"errorMessage":M,"errorType":T}.
const (
	HeaderExecutionArn = "Stepjet-Execution-Arn"
	HeaderStateName    = "Stepjet-State-Name"
	HeaderFunction     = "Stepjet-Function"
	HeaderDeadline     = "Stepjet-Deadline"
	HeaderErrorType    = "Stepjet-Error-Type"
	// HeaderServiceError and HeaderServiceErrorCode are nats.go micro's error headers.
	HeaderServiceError     = "Nats-Service-Error"
	HeaderServiceErrorCode = "Nats-Service-Error-Code"
)
