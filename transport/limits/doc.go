// Package limits holds a state machine's execution limits — a maximum of concurrent executions
// and a maximum start rate, set by machine tags — and the NATS pieces that enforce them across
// every executor process sharing one NATS: the waiting stream's names and configuration, and a
// start-rate budget kept in a KV bucket.
//
// How the executor uses them (transport/executor, limited.go): a start of a limited machine
// that reaches the shared executions consumer is moved, unchanged, to the machine's subject of
// the waiting stream (Names.WaitSubject); one durable consumer per limited machine
// (Names.Consumer) delivers them with MaxAckPending = the concurrency limit, so JetStream
// itself never lets more executions of the machine run at once, whatever the number of
// executors; each delivery takes the next start time from the machine's Rate budget.
//
//	lim, err := limits.Parse(machine.Tags) // {Concurrency: 10, Rate: 5}
//	at, err := rate.Reserve(ctx, "orders", lim.Rate) // sleep until at, then start
package limits
