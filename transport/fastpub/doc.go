// Package fastpub stores messages in one JetStream stream on behalf of many goroutines,
// through long fast-ingest batches (ADR-50, nats-server 2.14+, stream config
// AllowBatchPublish), and tells each caller when its message is stored.
//
// A plain JetStream publish costs the server and the client one acknowledgement per message.
// A fast-ingest batch is acknowledged every few hundred messages (a "flow ack" with batch
// sequence S says every message of the batch up to S is stored), which is most of what a
// stored message costs. A Publisher runs one batch at a time from one goroutine and releases
// each caller when the flow ack (or the batch's commit) covering its message arrives.
//
// De-duplication by Nats-Msg-Id holds inside fast batches (the server skips a duplicate and
// counts it as stored), so a caller that is told its message's fate is unknown can publish it
// again, synchronously, without storing it twice. What a fast batch cannot tell is which
// message was a duplicate: there is no per-message acknowledgement.
//
// When traffic is light (no batch open and nothing else queued), a message is published by
// itself with an asynchronous publish instead: a batch costs a round trip to start and one to
// commit, which would only add latency to a lone message. A stream that does not allow batches
// (Options.Alone, or found when it refuses one) gets every message that way.
//
// Example:
//
//	p := fastpub.New(js, fastpub.Options{})
//	_ = p.Start(ctx)
//	p.Publish(msg, func(err error) {
//		if err != nil {
//			// not known to be stored: publish it again (Nats-Msg-Id makes that safe)
//		}
//	})
//	_ = p.Shutdown(ctx)
package fastpub
