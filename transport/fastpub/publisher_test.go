package fastpub_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/fastpub"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// stream makes a test stream FP on fp.> (with or without fast-ingest batches).
func stream(t testing.TB, js jetstream.JetStream, batches bool) jetstream.Stream {
	t.Helper()
	s, err := js.CreateStream(context.Background(), jetstream.StreamConfig{
		Name: "FP", Subjects: []string{"fp.>"}, Storage: jetstream.FileStorage,
		Duplicates: time.Minute, AllowBatchPublish: batches,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func msg(id string) *nats.Msg {
	m := nats.NewMsg("fp.x")
	m.Data = []byte(`{"id":"` + id + `"}`)
	m.Header.Set(jetstream.MsgIDHeader, id)
	return m
}

// outcomes counts the done calls per message id and fails the test on a second one.
type outcomes struct {
	t     testing.TB
	mu    sync.Mutex
	calls map[string]int
	errs  map[string]error
	wg    sync.WaitGroup
}

func newOutcomes(t testing.TB) *outcomes {
	return &outcomes{t: t, calls: map[string]int{}, errs: map[string]error{}}
}

func (o *outcomes) done(id string) func(error) {
	o.wg.Add(1)
	return func(err error) {
		o.mu.Lock()
		o.calls[id]++
		n := o.calls[id]
		if err != nil {
			o.errs[id] = err
		}
		o.mu.Unlock()
		if n > 1 {
			o.t.Errorf("done called %d times for %s", n, id)
			return
		}
		o.wg.Done()
	}
}

// wait waits for every done, or fails the test after a generous timeout.
func (o *outcomes) wait(timeout time.Duration) {
	o.t.Helper()
	ch := make(chan struct{})
	go func() { o.wg.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(timeout):
		o.mu.Lock()
		n := len(o.calls)
		o.mu.Unlock()
		o.t.Fatalf("only %d messages had their done called after %s", n, timeout)
	}
}

func (o *outcomes) failed() map[string]error {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]error, len(o.errs))
	for k, v := range o.errs {
		out[k] = v
	}
	return out
}

// storedIDs reads the whole stream and counts each message id stored.
func storedIDs(t testing.TB, js jetstream.JetStream, s jetstream.Stream) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	if info.State.Msgs == 0 {
		return ids
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for got := uint64(0); got < info.State.Msgs; {
		batch, err := c.Fetch(int(min(info.State.Msgs-got, 1000)), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			ids[m.Headers().Get(jetstream.MsgIDHeader)]++
			got++
		}
		if batch.Error() != nil {
			t.Fatal(batch.Error())
		}
	}
	return ids
}

// fallback publishes again, synchronously, every message whose done got an error: what a
// caller does; Nats-Msg-Id makes it safe.
func fallback(t testing.TB, js jetstream.JetStream, failed map[string]error) {
	t.Helper()
	for id := range failed {
		if !errors.Is(failed[id], fastpub.ErrNotStored) {
			t.Errorf("done error for %s does not wrap ErrNotStored: %v", id, failed[id])
		}
		if _, err := js.PublishMsg(context.Background(), msg(id)); err != nil {
			t.Fatalf("fallback publish of %s: %v", id, err)
		}
	}
}

func start(t testing.TB, js jetstream.JetStream, opts fastpub.Options) *fastpub.Publisher {
	t.Helper()
	return queued(t, js, opts, nil, nil)
}

// TestEveryMessageStoredOnce: many goroutines publish at once; every done is called exactly
// once, with nil for every message (a healthy stream), and every message is stored once.
func TestEveryMessageStoredOnce(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, true)
	p := start(t, env.JS, fastpub.Options{})
	o := newOutcomes(t)
	const workers, each = 16, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				p.Publish(msg(id), o.done(id))
			}
		})
	}
	wg.Wait()
	o.wait(60 * time.Second)
	if f := o.failed(); len(f) > 0 {
		t.Fatalf("%d messages not stored on a healthy stream, e.g. %v", len(f), f)
	}
	ids := storedIDs(t, env.JS, s)
	if len(ids) != workers*each {
		t.Fatalf("stored %d distinct messages, want %d", len(ids), workers*each)
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("%s stored %d times", id, n)
		}
	}
}

// queued publishes ids before Start, so that the owner finds them queued together and puts
// them in one batch (a lone message would be published by itself).
func queued(t testing.TB, js jetstream.JetStream, opts fastpub.Options, o *outcomes, ids []string) *fastpub.Publisher {
	t.Helper()
	p := fastpub.New(js, opts)
	for _, id := range ids {
		p.Publish(msg(id), o.done(id))
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = p.Shutdown(ctx)
	})
	return p
}

// TestDuplicatesStoredOnce: a Nats-Msg-Id repeated inside one batch and across batches is
// stored once, and every copy's done gets nil (de-duplicated counts as stored).
func TestDuplicatesStoredOnce(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, true)
	o := newOutcomes(t)
	var ids []string
	for i := range 300 {
		ids = append(ids, "d"+strconv.Itoa(i%100)) // each id three times in the batch
	}
	p := fastpub.New(env.JS, fastpub.Options{Flow: 16})
	for i, id := range ids {
		p.Publish(msg(id), o.done(id+"#"+strconv.Itoa(i)))
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shutdown(t, p) })
	o.wait(30 * time.Second)
	// Across batches: the same ids again, in a later batch, and one by itself.
	o2 := newOutcomes(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 100 {
				id := "d" + strconv.Itoa((i+w*25)%100)
				p.Publish(msg(id), o2.done(fmt.Sprintf("%s#%d-%d", id, w, i)))
			}
		})
	}
	wg.Wait()
	o2.wait(30 * time.Second)
	p.Publish(msg("d7"), o2.done("d7-lone"))
	o2.wait(30 * time.Second)
	for _, f := range []map[string]error{o.failed(), o2.failed()} {
		if len(f) > 0 {
			t.Fatalf("duplicates not acknowledged as stored: %v", f)
		}
	}
	got := storedIDs(t, env.JS, s)
	if len(got) != 100 {
		t.Fatalf("stored %d distinct ids, want 100", len(got))
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s stored %d times", id, n)
		}
	}
}

// TestStreamWithoutBatches: on a stream that does not allow fast-ingest batches, the messages
// sent in a batch get done(err) wrapping the server's refusal; a caller's fallback then stores
// every message exactly once.
func TestStreamWithoutBatches(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, false)
	o := newOutcomes(t)
	var ids []string
	for i := range 200 {
		ids = append(ids, "n"+strconv.Itoa(i))
	}
	queued(t, env.JS, fastpub.Options{AckTimeout: 2 * time.Second}, o, ids)
	o.wait(60 * time.Second)
	failed := o.failed()
	if len(failed) == 0 {
		t.Fatal("a stream without batch publishing stored a batch")
	}
	refused := 0
	for _, err := range failed {
		if errors.Is(err, jetstreamext.ErrFastBatchNotEnabled) {
			refused++
		}
	}
	if refused == 0 {
		t.Fatalf("no error says the stream refuses batches: %v", failed)
	}
	fallback(t, env.JS, failed)
	got := storedIDs(t, env.JS, s)
	if len(got) != len(ids) {
		t.Fatalf("after the fallback %d distinct ids stored, want %d", len(got), len(ids))
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s stored %d times", id, n)
		}
	}
}

// TestRefusedStreamGoesOneByOne: once the stream refuses a batch, the publisher says so once
// (Options.Refused) and publishes every later message by itself, so later messages are stored
// (done(nil)) instead of each paying for a refused batch; Duplicate counts what the stream
// de-duplicated among them. With Alone it does so from the first message.
func TestRefusedStreamGoesOneByOne(t *testing.T) {
	for _, alone := range []bool{false, true} {
		t.Run(map[bool]string{false: "refused", true: "alone"}[alone], func(t *testing.T) {
			env := testenv.New(t)
			s := stream(t, env.JS, false)
			var refusals, duplicates atomic.Int64
			o := newOutcomes(t)
			var ids []string
			for i := range 200 {
				ids = append(ids, "r"+strconv.Itoa(i))
			}
			p := queued(t, env.JS, fastpub.Options{Alone: alone, AckTimeout: 2 * time.Second,
				Refused:   func(error) { refusals.Add(1) },
				Duplicate: func() { duplicates.Add(1) }}, o, ids)
			o.wait(60 * time.Second)
			failed := o.failed()
			if alone && len(failed) > 0 || len(failed) > 10 {
				t.Fatalf("%d of %d messages not stored (alone %v): %v", len(failed), len(ids), alone, failed)
			}
			if want := map[bool]int64{false: 1, true: 0}[alone]; refusals.Load() != want {
				t.Fatalf("Refused called %d times, want %d", refusals.Load(), want)
			}
			// The same ids again: each is stored already, and de-duplicated one by one.
			o2 := newOutcomes(t)
			for _, id := range ids {
				if _, ok := failed[id]; !ok {
					p.Publish(msg(id), o2.done(id))
				}
			}
			o2.wait(60 * time.Second)
			if f := o2.failed(); len(f) > 0 {
				t.Fatalf("%d repeats not stored: %v", len(f), f)
			}
			if got, want := duplicates.Load(), int64(len(ids)-len(failed)); got != want {
				t.Fatalf("Duplicate called %d times, want %d", got, want)
			}
			fallback(t, env.JS, failed)
			for id, n := range storedIDs(t, env.JS, s) {
				if n != 1 {
					t.Fatalf("%s stored %d times", id, n)
				}
			}
		})
	}
}

// TestStreamDeleted: the stream disappears while messages flow; every done is still called
// once (nothing hangs), each nil one was stored before the stream went, and Shutdown returns.
func TestStreamDeleted(t *testing.T) {
	env := testenv.New(t)
	stream(t, env.JS, true)
	p := fastpub.New(env.JS, fastpub.Options{AckTimeout: time.Second})
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	o := newOutcomes(t)
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("x%d-%d", w, i)
				p.Publish(msg(id), o.done(id))
				sent.Add(1)
			}
		})
	}
	eventually(t, 30*time.Second, func() bool { return sent.Load() > 2000 })
	if err := env.JS.DeleteStream(context.Background(), "FP"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let messages flow into the void for a while
	close(stop)
	wg.Wait()
	o.wait(60 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if len(o.failed()) == 0 {
		t.Fatal("no message failed although the stream was deleted")
	}
}

// TestShutdownWithQueued: Shutdown with messages still queued publishes them, commits the
// open batch and waits; messages Published meanwhile are stored or refused with ErrClosed
// (exactly one done each); every done(nil) message is stored; Publish after Shutdown fails.
func TestShutdownWithQueued(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, true)
	o := newOutcomes(t)
	var ids []string
	for i := range 3000 {
		ids = append(ids, "q"+strconv.Itoa(i))
	}
	p := fastpub.New(env.JS, fastpub.Options{})
	for _, id := range ids[:1500] { // queued before Start: all of them must be stored
		p.Publish(msg(id), o.done(id))
	}
	var wg sync.WaitGroup
	wg.Go(func() { // racing with Shutdown: stored or refused
		for _, id := range ids[1500:] {
			p.Publish(msg(id), o.done(id))
		}
	})
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	o.wait(30 * time.Second)
	failed := o.failed()
	got := storedIDs(t, env.JS, s)
	for i, id := range ids {
		_, bad := failed[id]
		if i < 1500 && bad {
			t.Fatalf("%s was queued before Shutdown but not stored: %v", id, failed[id])
		}
		if !bad && got[id] != 1 {
			t.Fatalf("%s: done(nil) but stored %d times", id, got[id])
		}
	}
	for _, err := range failed {
		if !errors.Is(err, fastpub.ErrClosed) {
			t.Fatalf("a message refused at shutdown got %v, want ErrClosed", err)
		}
	}
	t.Logf("%d of %d stored, %d refused as the publisher shut down", len(got), len(ids), len(failed))
	after := newOutcomes(t)
	p.Publish(msg("late"), after.done("late"))
	after.wait(10 * time.Second)
	if err := after.failed()["late"]; !errors.Is(err, fastpub.ErrClosed) {
		t.Fatalf("Publish after Shutdown: %v, want ErrClosed", err)
	}
}

// TestShutdownDeadline: a Shutdown whose deadline passes while the server does not answer
// (the stream is gone) returns, and every message still gets exactly one done.
func TestShutdownDeadline(t *testing.T) {
	env := testenv.New(t)
	stream(t, env.JS, true)
	o := newOutcomes(t)
	var ids []string
	for i := range 500 {
		ids = append(ids, "s"+strconv.Itoa(i))
	}
	if err := env.JS.DeleteStream(context.Background(), "FP"); err != nil {
		t.Fatal(err)
	}
	p := queued(t, env.JS, fastpub.Options{AckTimeout: 3 * time.Second}, o, ids)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_ = p.Shutdown(ctx)
	o.wait(30 * time.Second)
	if len(o.failed()) != len(ids) {
		t.Fatalf("%d of %d messages failed; with no stream all must", len(o.failed()), len(ids))
	}
}

// TestLoneMessage: a message published alone (low traffic) is stored and released without
// waiting for a batch.
func TestLoneMessage(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, true)
	p := start(t, env.JS, fastpub.Options{})
	for i := range 20 {
		o := newOutcomes(t)
		id := "l" + strconv.Itoa(i)
		p.Publish(msg(id), o.done(id))
		o.wait(10 * time.Second)
		if err := o.failed()[id]; err != nil {
			t.Fatal(err)
		}
	}
	if got := storedIDs(t, env.JS, s); len(got) != 20 {
		t.Fatalf("stored %d, want 20", len(got))
	}
}

func eventually(t testing.TB, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// shutdown shuts p down within a generous bound, failing the test if it does not return.
func shutdown(t testing.TB, p *fastpub.Publisher) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// TestStartWithFullQueue: messages published before Start fill the queue and the next Publish
// blocks (backpressure); Start must still start (it once waited for that Publish), and every
// message is then stored.
func TestStartWithFullQueue(t *testing.T) {
	env := testenv.New(t)
	s := stream(t, env.JS, true)
	p := fastpub.New(env.JS, fastpub.Options{})
	o := newOutcomes(t)
	const n = 3000 // more than the queue holds (2048 with the default options)
	var published atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			id := "f" + strconv.Itoa(i)
			p.Publish(msg(id), o.done(id))
			published.Add(1)
		}
	})
	eventually(t, 30*time.Second, func() bool { return published.Load() >= 2048 })
	time.Sleep(20 * time.Millisecond) // the next Publish is blocked on the full queue
	if published.Load() == n {
		t.Fatal("the queue took every message: nothing was blocked")
	}
	started := make(chan error, 1)
	go func() { started <- p.Start(context.Background()) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Start blocked behind a Publish waiting on the full queue")
	}
	t.Cleanup(func() { shutdown(t, p) })
	wg.Wait()
	o.wait(60 * time.Second)
	if f := o.failed(); len(f) > 0 {
		t.Fatalf("%d messages not stored", len(f))
	}
	if got := storedIDs(t, env.JS, s); len(got) != n {
		t.Fatalf("stored %d, want %d", len(got), n)
	}
}
