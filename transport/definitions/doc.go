// Package definitions keeps state machines as code: a directory of Amazon States Language files
// (NAME.asl.json, with an optional NAME.settings.json beside each) applied to the registry
// idempotently — a machine is created when missing, updated when its definition or settings
// differ from what is stored, and left alone otherwise. `stepjet serve --definitions DIR` applies
// a directory at start-up, which is how the Helm chart deploys workflow changes: the chart's
// ConfigMap is mounted as DIR and `helm upgrade` rolls the executors.
//
//	ms, err := definitions.Load("/etc/stepjet/definitions") // every file checked first
//	outcomes, err := definitions.Apply(ctx, reg, ms, time.Now())
//
// A settings file holds what CreateStateMachine takes besides the definition, in AWS's shapes:
//
//	{"roleArn": "arn:aws:iam::123456789012:role/orders",
//	 "loggingConfiguration": {"level": "ALL", "includeExecutionData": true},
//	 "tracingConfiguration": {"enabled": true},
//	 "tags": {"team": "payments"}}
//
// Machines are EXPRESS. Machines stored but absent from the directory are not deleted (the API
// and other directories may own them).
package definitions
