// Package harness measures stepjet end to end on one machine: the raw JetStream ceiling
// (publish + consume/ack of equal-sized messages), async executions of the order workflow
// published to stepjet.start.<machine>, sync executions at fixed rates and at saturation, and
// thousands of executions held in flight at once. Every phase checks that each execution produced
// exactly one result, counted per execution ARN.
//
//	go run ./bench/cmd/stepjet-bench                       # ~30 s, embedded server
//	go run ./bench/cmd/stepjet-bench --json out.json --svg out.svg
//	go run ./bench/cmd/stepjet-bench --nats-url nats://127.0.0.1:4222
//
// The harness runs the executor (and, with --tasks nats, the task workers) in its own process,
// so CPU time and peak RSS cover the whole system: server, executor, workers and load generator.
package harness
