// Package awsapi serves the AWS Step Functions API (AWS JSON 1.0 protocol) over stepjet: the
// AWS SDKs and the aws CLI work against it with only the endpoint changed.
//
//	api := awsapi.New(awsapi.Config{NC: nc, Layout: wire.Layout{}})
//	http.Handle("/", api)
//
// Requests are POST / with X-Amz-Target: AWSStepFunctions.<Operation>; errors are AWS's
// {"__type": "<namespace>#<Name>", "message": ...} with AWS's HTTP status codes. The Host header
// is not checked, because the SDKs send StartSyncExecution and TestState to "sync-<host>".
// State machines, versions and aliases live in the machines KV bucket (package registry);
// StartExecution publishes to the executions stream and StartSyncExecution asks an executor over
// a core NATS request (package wire names both).
//
// With Config.Credentials set, every request must carry a valid SigV4 signature; without, any
// request is accepted, so a server without credentials should listen on loopback only.
package awsapi
