package executor

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/limits"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/wire"
)

// Per-machine limits (package limits: tags stepjet:max-concurrency and stepjet:max-start-rate),
// enforced across every executor sharing the NATS.
//
// Why this design. All executors share one durable consumer of the executions stream, which
// takes every machine's starts; a limit cannot be put on it without limiting every machine,
// and a work-queue stream refuses a second consumer whose filter overlaps it, so a limited
// machine's starts cannot be carved out of it either (and the start subjects are a contract).
// So a start of a limited machine that reaches the shared consumer is moved — its subject,
// headers, body, stream timestamp and sequence carried along — to the machine's subject of a
// second work-queue stream, the waiting stream, and the original is acked once the copy is
// stored. Each limited machine has one durable consumer on the waiting stream shared by every
// executor, with MaxAckPending = the machine's concurrency limit: JetStream delivers no more
// unacknowledged starts than that, whatever the number of executors, and a start is acked
// only after its result is stored, so no more executions run at once. The backlog waits in
// the stream, not in any executor, and takes no executor slot from other machines. A sync
// start of a limited machine is moved the same way (with its reply subject), so it counts in
// the same limit; it is refused with ThrottlingException instead when the machine's limit is
// reached or others already wait. The start rate is a budget in a KV key (limits.Rate): each
// start takes the next start time by compare-and-set before it runs, so starts are never
// closer than 1/rate whichever executor makes them.
//
// The cost is one more publish and ack per start, only for limited machines; the others take
// the path they always did (one cached tag lookup).

// Headers a moved start carries: where it was first stored.
const (
	hdrWaitSubject = "Stepjet-Wait-Subject" // the start's original subject
	hdrWaitMsgID   = "Stepjet-Wait-Msg-Id"  // its original Nats-Msg-Id
	hdrWaitDate    = "Stepjet-Wait-Accepted"
	hdrWaitSeq     = "Stepjet-Wait-Seq"
	// hdrSyncReply: a sync start, answered on this subject by whichever executor runs it.
	hdrSyncReply = "Stepjet-Sync-Reply"
	// hdrRateTaken: its start time was taken from the rate budget already (sync starts take
	// it when they are accepted, so that one over the rate is refused at once).
	hdrRateTaken = "Stepjet-Rate-Taken"
)

// laneIdle is how many empty pulls in a row end a lane; a lane ends sooner when its machine is
// no longer limited and has nothing waiting.
const laneIdle = 30

// rescanEvery is how often an executor looks for machines with starts waiting (moved there by
// other executors) that it has no lane for.
const rescanEvery = 5 * time.Second

// limiter holds an executor's lanes: one pull loop per limited machine with starts waiting.
type limiter struct {
	e      *Executor
	names  limits.Names
	js     jetstream.JetStream
	stream jetstream.Stream
	rate   *limits.Rate

	mu    sync.Mutex
	lanes map[string]*lane
	wg    sync.WaitGroup // lanes and the rescan loop

	throttled sync.Map // machine -> *atomic.Int64: sync starts refused by a limit
}

// lane pulls one machine's waiting starts.
type lane struct {
	machine string
	cons    jetstream.Consumer
	maxAck  int // the consumer's MaxAckPending as last set
}

func newLimiter(ctx context.Context, e *Executor) (*limiter, error) {
	l := &limiter{e: e, names: limits.Names{Layout: e.cfg.Layout}, js: e.js, lanes: map[string]*lane{}}
	replicas, memory := 1, false
	if p := e.cfg.Provision; p != nil {
		replicas, memory = max(p.Replicas, 1), p.Memory
	}
	if e.cfg.Replicas > 0 {
		replicas = e.cfg.Replicas
	}
	if err := provision.EnsureStreams(ctx, e.js, []jetstream.StreamConfig{l.names.StreamConfig(replicas, memory)}, e.cfg.Logger); err != nil {
		return nil, err
	}
	s, err := e.js.Stream(ctx, l.names.Stream())
	if err != nil {
		return nil, err
	}
	l.stream = s
	kv, err := provision.EnsureBucket(ctx, e.js, l.names.BucketConfig(replicas, memory))
	if err != nil {
		return nil, err
	}
	l.rate = &limits.Rate{KV: kv}
	return l, nil
}

// start begins the rescan loop: lanes for machines whose starts other executors moved.
func (l *limiter) start() {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(rescanEvery)
		defer t.Stop()
		for {
			l.rescan()
			select {
			case <-l.e.bgCtx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (l *limiter) rescan() {
	ctx, cancel := context.WithTimeout(l.e.bgCtx, 5*time.Second)
	defer cancel()
	info, err := l.stream.Info(ctx, jetstream.WithSubjectFilter(l.names.WaitAll()))
	if err != nil {
		if l.e.bgCtx.Err() == nil {
			l.e.cfg.Logger.Warn("limits: reading the waiting stream failed", "err", err)
		}
		return
	}
	for subj, n := range info.State.Subjects {
		if m, ok := l.names.WaitMachine(subj); ok && n > 0 {
			l.ensureLane(m)
		}
	}
}

// wait waits for the lanes and the rescan loop to end (after bgCtx ends).
func (l *limiter) wait() { l.wg.Wait() }

// limitsOf returns machine's limits, from its current record's tags (the machines cache, which a
// watch keeps current: a changed tag applies to the next start without a restart).
func (e *Executor) limitsOf(ctx context.Context, machine string) limits.Limits {
	if e.limiter == nil {
		return limits.Limits{}
	}
	c, err := e.machines.get(ctx, wire.MachineKey(machine), machine)
	if err != nil || c == nil {
		return limits.Limits{}
	}
	if c.limitsErr != nil && c.warned.CompareAndSwap(false, true) {
		e.cfg.Logger.Warn("limits: a machine's limit tag is invalid; it is ignored", "machine", machine, "err", c.limitsErr)
	}
	return c.limits
}

// ensureLane starts machine's lane unless one runs. (A lane ending just now may miss this
// call; the rescan finds the machine's waiting starts within rescanEvery.)
func (l *limiter) ensureLane(machine string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.lanes[machine]; ok || l.e.bgCtx.Err() != nil {
		return
	}
	ln := &lane{machine: machine, maxAck: -2}
	l.lanes[machine] = ln
	l.wg.Add(1)
	go l.run(ln)
}

// consumer creates or updates machine's consumer so that its MaxAckPending is lim's
// concurrency (-1: none).
func (l *limiter) consumer(ctx context.Context, machine string, maxAck int) (jetstream.Consumer, error) {
	return l.js.CreateOrUpdateConsumer(ctx, l.names.Stream(), jetstream.ConsumerConfig{
		Durable:       l.names.Consumer(machine),
		Description:   "stepjet executors: waiting starts of machine " + machine,
		FilterSubject: l.names.WaitSubject(machine),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       l.e.cfg.AckWait,
		MaxDeliver:    l.e.cfg.MaxDeliver,
		MaxAckPending: maxAck,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		// Nobody pulls it for an hour: every executor is gone or the machine is no longer
		// limited. The server deletes it; waiting starts stay in the stream for the next one.
		InactiveThreshold: time.Hour,
	})
}

func maxAckOf(lim limits.Limits) int {
	if lim.Concurrency > 0 {
		return lim.Concurrency
	}
	return -1
}

// run is one lane: it pulls the machine's waiting starts while the executor has free slots,
// takes each one's start time from the rate budget, and hands it to a worker as any start.
func (l *limiter) run(ln *lane) {
	e := l.e
	defer l.wg.Done()
	defer func() {
		l.mu.Lock()
		delete(l.lanes, ln.machine)
		l.mu.Unlock()
	}()
	empty := 0
	for e.bgCtx.Err() == nil {
		lim := e.limitsOf(e.bgCtx, ln.machine)
		if want := maxAckOf(lim); ln.cons == nil || want != ln.maxAck {
			cons, err := l.consumer(e.bgCtx, ln.machine, want)
			if err != nil {
				if e.bgCtx.Err() == nil {
					e.cfg.Logger.Warn("limits: the machine's consumer could not be set", "machine", ln.machine, "err", err)
					sleep(e.bgCtx, time.Second)
				}
				continue
			}
			ln.cons, ln.maxAck = cons, want
		}
		got := l.pull(ln, lim)
		if got > 0 {
			empty = 0
			continue
		}
		empty++
		if empty >= laneIdle || lim.None() && l.drained(ln) {
			return
		}
	}
}

// drained reports that nothing of the lane's machine waits or runs.
func (l *limiter) drained(ln *lane) bool {
	if ln.cons == nil { // its fetch failed: the consumer is set again before the next pull
		return false
	}
	ctx, cancel := context.WithTimeout(l.e.bgCtx, 2*time.Second)
	defer cancel()
	info, err := ln.cons.Info(ctx)
	return err == nil && info.NumPending == 0 && info.NumAckPending == 0
}

// rateBatch is how far ahead, in time, a lane takes start times for the starts it holds: a
// start held for its turn counts in the machine's concurrency, so a lane holds at most this
// much of the rate (and at least one start).
const rateBatch = 100 * time.Millisecond

// pull fetches up to a batch of waiting starts and dispatches them; it returns how many came.
// With a rate limit the batch is the starts due within rateBatch, and their start times are
// taken from the budget together, once they have arrived.
func (l *limiter) pull(ln *lane, lim limits.Limits) int {
	e := l.e
	most := maxBatch
	if lim.Concurrency > 0 {
		most = min(most, lim.Concurrency)
	}
	if lim.Rate > 0 {
		most = min(most, max(1, int(lim.Rate*rateBatch.Seconds())))
	}
	n := e.acquireUpTo(most)
	if n == 0 {
		return 0
	}
	// With a rate limit, the starts are paced once the whole batch is in: the batch is what
	// is waiting now (FetchNoWait), or, when nothing is, the first one to come. A pull that
	// waited for a full batch would hold the starts that came first for its whole expiry.
	paced := lim.Rate > 0
	var batch jetstream.MessageBatch
	var err error
	if paced {
		batch, err = ln.cons.FetchNoWait(n)
	} else {
		batch, err = ln.cons.Fetch(n, jetstream.FetchMaxWait(fetchWait))
	}
	got := 0
	var runs []*asyncRun // starts that take their time from the rate budget
	for waited := false; err == nil; waited = true {
		for msg := range batch.Messages() {
			n--
			got++
			if !e.admit() {
				_ = msg.NakWithDelay(handBackDelay)
				e.release()
				continue
			}
			r := &asyncRun{e: e, msg: msg, waited: true}
			r.startHeartbeat(e.cfg.AckWait / 3)
			if paced && msg.Headers().Get(hdrRateTaken) == "" {
				runs = append(runs, r)
				continue
			}
			e.dispatch(job{start: r})
		}
		if !paced || got > 0 || waited {
			break
		}
		// Nothing was waiting: wait (once) for the next start, which is paced as well.
		batch, err = ln.cons.Fetch(1, jetstream.FetchMaxWait(fetchWait))
	}
	for range n {
		e.release()
	}
	if len(runs) > 0 {
		l.pace(runs, ln.machine, lim)
	}
	if err != nil && e.bgCtx.Err() == nil {
		e.cfg.Logger.Warn("limits: fetch failed", "machine", ln.machine, "err", err)
		ln.cons = nil // the consumer may be gone (deleted while idle): set it again
		sleep(e.bgCtx, time.Second)
	}
	return got
}

// pace takes the start times of runs from the machine's rate budget and dispatches each at its
// time. When it cannot (the budget's bucket failed, or the executor is stopping) it hands the
// starts not yet dispatched back.
func (l *limiter) pace(runs []*asyncRun, machine string, lim limits.Limits) {
	e := l.e
	at, err := l.rate.Reserve(e.bgCtx, machine, lim.Rate, len(runs))
	if err != nil && e.bgCtx.Err() == nil {
		e.cfg.Logger.Warn("limits: the start-rate budget could not be taken; the starts are handed back", "machine", machine, "err", err)
	}
	for i, r := range runs {
		if err != nil || !sleep(e.bgCtx, time.Until(at.Add(time.Duration(i)*lim.Interval()))) {
			_ = r.msg.NakWithDelay(time.Second)
			e.done(r)
			continue
		}
		e.dispatch(job{start: r})
	}
}

// sleep waits d, or until ctx ends (reported false).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// move stores a copy of a start on its machine's waiting subject, with what decoding it needs
// of the original (subject, Nats-Msg-Id, stream timestamp and sequence). The copy's Nats-Msg-Id
// is the original's stream sequence, so a start moved twice (its executor stopped before
// acking the original) waits once.
func (l *limiter) move(ctx context.Context, msg jetstream.Msg, meta *jetstream.MsgMetadata, machine string) error {
	m := nats.NewMsg(l.names.WaitSubject(machine))
	for k, v := range msg.Headers() {
		m.Header[k] = v
	}
	m.Header.Set(hdrWaitSubject, msg.Subject())
	if id := msg.Headers().Get(wire.HeaderMsgID); id != "" {
		m.Header.Set(hdrWaitMsgID, id)
	}
	seq := strconv.FormatUint(meta.Sequence.Stream, 10)
	m.Header.Set(hdrWaitDate, meta.Timestamp.UTC().Format(time.RFC3339Nano))
	m.Header.Set(hdrWaitSeq, seq)
	m.Header.Set(wire.HeaderMsgID, "start-"+seq)
	m.Data = msg.Data()
	if _, err := l.js.PublishMsg(ctx, m); err != nil {
		return err
	}
	l.ensureLane(machine)
	return nil
}

// moveSync stores a sync start on its machine's waiting subject, to be run and answered by
// whichever executor's lane takes it. Its Nats-Msg-Id is its reply subject (an inbox, unique).
func (l *limiter) moveSync(ctx context.Context, c *syncCall, machine string, rateTaken bool) error {
	m := nats.NewMsg(l.names.WaitSubject(machine))
	for k, v := range c.m.Header {
		m.Header[k] = v
	}
	m.Header.Set(hdrWaitSubject, c.m.Subject)
	m.Header.Set(hdrWaitDate, c.at.UTC().Format(time.RFC3339Nano))
	m.Header.Set(hdrSyncReply, c.m.Reply)
	m.Header.Set(wire.HeaderMsgID, "sync-"+c.m.Reply)
	if rateTaken {
		m.Header.Set(hdrRateTaken, "1")
	}
	m.Data = c.m.Data
	if _, err := l.js.PublishMsg(ctx, m); err != nil {
		return err
	}
	l.ensureLane(machine)
	return nil
}

// waitedStart is what decoding a moved start needs: the original's subject, headers,
// timestamp and sequence, and for a sync start its reply subject.
type waitedStart struct {
	subject  string
	header   nats.Header
	accepted time.Time
	seq      uint64
	reply    string
}

// unwrap reads a moved start. The original subject must name the machine the waiting subject
// names: a start cannot be moved to another machine's limits.
func (l *limiter) unwrap(msg jetstream.Msg, meta *jetstream.MsgMetadata) (waitedStart, error) {
	h := msg.Headers()
	w := waitedStart{subject: h.Get(hdrWaitSubject), accepted: meta.Timestamp, reply: h.Get(hdrSyncReply)}
	waitM, ok := l.names.WaitMachine(msg.Subject())
	orig, err := l.e.cfg.Layout.SubjectMachine(w.subject)
	if !ok || err != nil || orig != waitM {
		return w, &wire.StartError{Type: "InvalidArn", Fatal: true, Message: "a waiting start's original subject '" + truncate(w.subject) + "' does not name the machine of " + truncate(msg.Subject())}
	}
	if t, err := time.Parse(time.RFC3339Nano, h.Get(hdrWaitDate)); err == nil && !t.After(meta.Timestamp) {
		w.accepted = t
	}
	w.seq, _ = strconv.ParseUint(h.Get(hdrWaitSeq), 10, 64)
	w.header = nats.Header{}
	for k, v := range h {
		switch k {
		case hdrWaitSubject, hdrWaitMsgID, hdrWaitDate, hdrWaitSeq, hdrSyncReply, hdrRateTaken, wire.HeaderMsgID:
		default:
			w.header[k] = v
		}
	}
	if id := h.Get(hdrWaitMsgID); id != "" {
		w.header.Set(wire.HeaderMsgID, id)
	}
	return w, nil
}

// admitSync decides a sync start of a limited machine: moved to wait for its turn (true), or
// answered at once — ThrottlingException when the machine runs its concurrency limit already
// or starts wait before it, or its start-rate budget is spent; ServiceUnavailable when the
// waiting stream cannot take it.
func (l *limiter) admitSync(ctx context.Context, c *syncCall, machine string, lim limits.Limits) {
	e := l.e
	if lim.Concurrency > 0 {
		// One request reads the consumer's counts; a machine with no consumer yet runs nothing.
		var busy int
		cons, err := l.stream.Consumer(ctx, l.names.Consumer(machine))
		switch {
		case err == nil:
			info := cons.CachedInfo()
			busy = info.NumAckPending + int(info.NumPending)
		case !errors.Is(err, jetstream.ErrConsumerNotFound):
			e.unavailable(c, "stepjet could not read the concurrency of this state machine: "+err.Error())
			return
		}
		if busy >= lim.Concurrency {
			l.throttle(c, machine, "Rate exceeded: state machine '"+machine+"' runs its limit of "+strconv.Itoa(lim.Concurrency)+
				" concurrent executions (tag "+limits.TagConcurrency+"); retry later")
			return
		}
	}
	taken := false
	if lim.Rate > 0 {
		ok, err := l.rate.TryTake(ctx, machine, lim.Rate)
		if err != nil {
			e.unavailable(c, "stepjet could not read the start rate of this state machine: "+err.Error())
			return
		}
		if !ok {
			l.throttle(c, machine, "Rate exceeded: state machine '"+machine+"' is limited to "+strconv.FormatFloat(lim.Rate, 'g', -1, 64)+
				" starts per second (tag "+limits.TagRate+"); retry later")
			return
		}
		taken = true
	}
	if err := l.moveSync(ctx, c, machine, taken); err != nil {
		e.unavailable(c, "stepjet could not queue this execution for its state machine's limits: "+err.Error())
	}
}

func (l *limiter) throttle(c *syncCall, machine, msg string) {
	n, _ := l.throttled.LoadOrStore(machine, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	c.answer(wire.SyncErrorReply(wire.SyncBusy, msg))
}

// stats reports, per machine this executor has a lane for or throttled, its waiting starts,
// its executions running (the consumer's unacknowledged starts, across every executor) and
// the sync starts this executor refused for it.
func (l *limiter) stats(ctx context.Context) []telemetry.LimitStats {
	l.mu.Lock()
	lanes := make(map[string]jetstream.Consumer, len(l.lanes))
	for m, ln := range l.lanes {
		lanes[m] = ln.cons
	}
	l.mu.Unlock()
	var out []telemetry.LimitStats
	seen := map[string]bool{}
	for m, cons := range lanes {
		s := telemetry.LimitStats{Machine: m, Waiting: -1, Running: -1, Throttled: l.throttledOf(m)}
		if cons != nil {
			ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
			if info, err := cons.Info(ictx); err == nil {
				s.Waiting, s.Running = int64(info.NumPending), int64(info.NumAckPending)
			}
			cancel()
		}
		seen[m] = true
		out = append(out, s)
	}
	l.throttled.Range(func(k, _ any) bool {
		if m := k.(string); !seen[m] {
			out = append(out, telemetry.LimitStats{Machine: m, Waiting: -1, Running: -1, Throttled: l.throttledOf(m)})
		}
		return true
	})
	return out
}

func (l *limiter) throttledOf(machine string) int64 {
	if n, ok := l.throttled.Load(machine); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}
