package fastpub_test

import (
	"context"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/fastpub"
)

// cpuTime is the process's user+system CPU time: the embedded server runs in this process,
// so it counts the broker's work for a message as well as the client's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchMsgs makes n de-duplicated 512-byte messages, as results are.
func benchMsgs(n int, run int) []*nats.Msg {
	body := make([]byte, 512)
	for i := range body {
		body[i] = 'x'
	}
	out := make([]*nats.Msg, n)
	for i := range out {
		m := nats.NewMsg("fp.x")
		m.Data = body
		m.Header.Set(jetstream.MsgIDHeader, "r"+strconv.Itoa(run)+"-"+strconv.Itoa(i))
		out[i] = m
	}
	return out
}

// concurrency is how many goroutines publish at once in the benchmarks, each waiting for its
// message's outcome before the next (executions ending concurrently on an executor).
var concurrency = []int{64, 1024}

// BenchmarkPublisher: messages from many goroutines through one Publisher, each waiting for
// its done; reports CPU µs per message (client and embedded server together). Flow is an
// eighth of the goroutines, as the executor sets it from its in-flight limit.
func BenchmarkPublisher(b *testing.B) {
	for _, n := range concurrency {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			benchPublisher(b, n, fastpub.Options{Flow: uint16(min(256, n/8))})
		})
	}
}

func benchPublisher(b *testing.B, publishers int, opts fastpub.Options) {
	env := testenv.New(b)
	stream(b, env.JS, true)
	p := fastpub.New(env.JS, opts)
	if err := p.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { shutdown(b, p) })
	msgs := benchMsgs(b.N, 0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	var failed sync.Map
	for w := range publishers {
		wg.Go(func() {
			// Each publisher has one message waiting at a time, as an execution does.
			ch := make(chan error, 1)
			for i := w; i < b.N; i += publishers {
				p.Publish(msgs[i], func(err error) { ch <- err })
				if err := <-ch; err != nil {
					failed.Store(i, err)
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
	failed.Range(func(k, v any) bool { b.Fatalf("message %v: %v", k, v); return false })
}

// BenchmarkPublishMsgAsync: the same messages with one asynchronous publish and publish ack
// each (what the executor did before fastpub).
func BenchmarkPublishMsgAsync(b *testing.B) {
	for _, n := range concurrency {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchPublishMsgAsync(b, n) })
	}
}

func benchPublishMsgAsync(b *testing.B, publishers int) {
	env := testenv.New(b)
	stream(b, env.JS, true)
	msgs := benchMsgs(b.N, 0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	for w := range publishers {
		wg.Go(func() {
			for i := w; i < b.N; i += publishers {
				f, err := env.JS.PublishMsgAsync(msgs[i])
				if err != nil {
					b.Error(err)
					return
				}
				select {
				case <-f.Ok():
				case err := <-f.Err():
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
}
