// Package telemetry turns what stepjet does into OpenTelemetry spans and metrics, using only the
// OTel API: executions, states, Map iterations, Parallel branches, task invocations and API
// requests become spans; counters and histograms are recorded on a metric.Meter. The SDK, the
// exporters and /metrics are set up by package telemetry/export; without them every instrument
// here is a no-op and costs next to nothing.
//
// How trace context crosses NATS (lowercase W3C keys on the wire) and how AWS's X-Ray trace
// headers map to W3C is package tracectx's job.
//
//	tel := telemetry.New(telemetry.Options{TracerProvider: tp, MeterProvider: mp})
//	ctx, span := tel.StartExecution(ctx, telemetry.Execution{Arn: arn, Async: true})
//	res := machine.Run(ctx, input, engine.RunOptions{Observer: tel.Observer(), Tasks: tel.Tasks(router)})
//	span.End(ctx, res)
package telemetry
