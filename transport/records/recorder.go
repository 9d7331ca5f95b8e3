package records

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// Config configures the records store. Only NC is required.
type Config struct {
	NC     *nats.Conn
	Layout wire.Layout
	// MaxAge and MaxBytes bound STEPJET_RECORDS; HistoryMaxAge and HistoryMaxBytes bound
	// STEPJET_HISTORY (defaults DefaultMaxAge and DefaultMaxBytes; a negative size: unbounded).
	// The oldest are dropped first.
	MaxAge          time.Duration
	MaxBytes        int64
	HistoryMaxAge   time.Duration
	HistoryMaxBytes int64
	Replicas        int
	Memory          bool // streams in memory (tests)
	// History is the history level of machines without a stepjet:history tag: ALL (default),
	// ERROR or OFF. NoData keeps no inputs and outputs for machines without a
	// stepjet:history-data tag.
	History string
	NoData  bool
	// Queue bounds the writes waiting to be published (default DefaultQueue). Past 7/8 of it
	// history events are dropped, past all of it records too: counted, never waited for.
	Queue int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Machine tags that choose what is kept of a machine's executions (TagResource sets them).
const (
	// TagHistory is ALL (default: every event), ERROR (the whole history of executions that
	// did not succeed, nothing of those that did) or OFF (records only).
	TagHistory = "stepjet:history"
	// TagData "false" leaves inputs, outputs and parameters out of records and history (as
	// includeExecutionData false does for logs).
	TagData = "stepjet:history-data"
	// TagRecordsMaxAge and TagHistoryMaxAge keep a machine's records and history for less
	// than their streams do: a Go duration ("1h", "90m"), at least one second, given to each
	// message as its JetStream TTL (Nats-TTL). It cannot keep them longer: the stream's MaxAge
	// (--records-max-age, --history-max-age) and MaxBytes still apply. Another value is
	// ignored.
	TagRecordsMaxAge = "stepjet:records-max-age"
	TagHistoryMaxAge = "stepjet:history-max-age"
)

const (
	levelOff = iota
	levelError
	levelAll
)

// maxLine bounds one stored event; a larger one is stored without its data fields.
const maxLine = 256 << 10

// Stats are the recorder's counters.
type Stats struct {
	Written int64 // messages published (records and event batches)
	Dropped int64 // records and events not stored: queue full, store refused or too slow
}

// Recorder writes records and history for the executor (it implements executor.Recorder) and
// stops running executions on request. Create it with NewRecorder, then Start; Close flushes.
type Recorder struct {
	cfg Config
	js  jetstream.JetStream
	q   chan write

	running sync.Map // execution ARN -> *run

	// stopped holds the stops of executions this process did not run when they came (ARN ->
	// the stop), for StopsMaxAge: a start of one picked up later runs only to be aborted.
	stopMu     sync.Mutex
	stopped    map[string]stopRequest
	stopPruned time.Time

	closeMu  sync.RWMutex
	closed   bool
	stopCons jetstream.ConsumeContext
	done     chan struct{}

	written, dropped atomic.Int64
}

// write is one queued write: a record message, or a history message (lines of events).
type write struct {
	msg     *nats.Msg
	subject string // history subject of line
	line    []byte
	ttl     string // the history message's Nats-TTL, if any
}

// run is an execution this process runs.
type run struct {
	cancel context.CancelCauseFunc
	sink   *sink
	rec    Record

	stopDate float64 // a stop's date, when stopped before it ran

	// The RUNNING record is written only for an execution still running flushAfter after it
	// began (most end sooner, and their terminal record is the one that counts): one write a
	// short execution, not two. mu orders it before the terminal record.
	mu    sync.Mutex
	ended bool
	timer *time.Timer
	r     *Recorder
	k     string // the execution's subject suffix
	ttl   string // its records' Nats-TTL (TagRecordsMaxAge), if any
}

// stillRunning writes the RUNNING record of an execution that has not ended, and hands its
// first history events to the writer (so that a follower sees a waiting execution's events).
func (ru *run) stillRunning() {
	ru.mu.Lock()
	if !ru.ended {
		ru.r.enqueue(write{msg: ru.r.recordMsg(ru.k, &ru.rec, ru.ttl)})
	}
	ru.mu.Unlock()
	if ru.sink != nil {
		ru.sink.flush()
	}
}

var _ executor.Recorder = (*Recorder)(nil)

// NewRecorder prepares a recorder; it does no I/O.
func NewRecorder(cfg Config) (*Recorder, error) {
	if cfg.NC == nil {
		return nil, errors.New("records: Config.NC is required")
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Recorder{cfg: cfg, q: make(chan write, cfg.Queue), done: make(chan struct{}), stopped: map[string]stopRequest{}}
	js, err := jetstream.New(cfg.NC)
	if err != nil {
		return nil, err
	}
	r.js = js
	return r, nil
}

// Start creates the streams when missing, reads the stops kept (and those to come) and starts
// the writer. It returns once the stops kept have been read, so a start stopped while queued is
// known before this process runs anything.
func (r *Recorder) Start(ctx context.Context) error {
	if err := Ensure(ctx, r.js, r.cfg); err != nil {
		return err
	}
	cons, err := r.js.OrderedConsumer(ctx, r.cfg.StopsStream(), jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return fmt.Errorf("records: reading stops: %w", err)
	}
	kept := cons.CachedInfo().NumPending
	var seen atomic.Uint64
	var once sync.Once
	caught := make(chan struct{})
	cc, err := cons.Consume(func(m jetstream.Msg) {
		r.onStop(m.Data())
		// Caught up at the last stop kept (or at none left: one may age out meanwhile).
		meta, err := m.Metadata()
		if seen.Add(1) >= kept || err == nil && meta.NumPending == 0 {
			once.Do(func() { close(caught) })
		}
	}, jetstream.PullHeartbeat(500*time.Millisecond), jetstream.PullExpiry(2*time.Second)) // a stall costs ~1 s, not 30 (transport/embedded)
	if err != nil {
		return fmt.Errorf("records: reading stops: %w", err)
	}
	r.stopCons = cc
	if kept > 0 {
		select {
		case <-caught:
		case <-ctx.Done():
			cc.Stop()
			r.stopCons = nil
			return fmt.Errorf("records: reading the %d stops kept: %w", kept, ctx.Err())
		}
	}
	go r.writer()
	return nil
}

// Ensure creates the records and history streams, by provisioning's rule for every stepjet
// stream: what is missing is created, an existing stream's limits are only ever raised (lower
// them with nats stream edit), and each setting kept is logged.
func Ensure(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	if err := provision.EnsureStreams(ctx, js, cfg.Streams(), cfg.Logger); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	return nil
}

// Close stops taking writes, publishes what is queued and waits (until ctx ends) for the
// store to acknowledge it.
func (r *Recorder) Close(ctx context.Context) error {
	r.closeMu.Lock()
	if r.closed {
		r.closeMu.Unlock()
		return nil
	}
	r.closed = true
	close(r.q)
	r.closeMu.Unlock()
	if r.stopCons == nil { // never started: no writer
		return nil
	}
	r.stopCons.Stop()
	// The writer publishes what is queued and ends its batches: the server has stored them.
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the counters.
func (r *Recorder) Stats() Stats { return Stats{Written: r.written.Load(), Dropped: r.dropped.Load()} }

// enqueue hands a write to the writer without ever waiting: history events give way first
// (past 7/8 of the queue), records only when it is full.
func (r *Recorder) enqueue(w write) {
	r.closeMu.RLock()
	defer r.closeMu.RUnlock()
	if r.closed || (w.msg == nil && len(r.q) >= cap(r.q)*7/8) {
		r.dropped.Add(1)
		return
	}
	select {
	case r.q <- w:
	default:
		r.dropped.Add(1)
	}
}

// writer publishes queued writes in batches: it takes what is queued (up to 1024) and adds it
// to the fast-ingest batches of the records and history streams. One goroutine on one
// connection keeps every execution's writes in order.
func (r *Recorder) writer() {
	defer close(r.done)
	var recs, hist batchPublisher
	recs.r, hist.r = r, r
	// The server abandons a fast batch left idle for its batch timeout (10 s by default): an
	// idle writer ends its batches first, so that the next write starts new ones.
	idle := time.NewTimer(batchIdle)
	defer idle.Stop()
	batch := make([]write, 0, 1024)
	for {
		var w write
		var ok bool
		select {
		case w, ok = <-r.q:
		case <-idle.C:
			recs.end()
			hist.end()
			continue
		}
		if !ok {
			recs.end()
			hist.end()
			return
		}
		batch = append(batch[:0], w)
	more:
		for len(batch) < cap(batch) {
			select {
			case w, ok := <-r.q:
				if !ok {
					break more
				}
				batch = append(batch, w)
			default:
				break more
			}
		}
		r.publish(batch, &recs, &hist)
		idle.Reset(batchIdle)
	}
}

// batchIdle is how long the writer keeps a fast batch open without writes.
const batchIdle = time.Second

func (r *Recorder) publish(batch []write, recs, hist *batchPublisher) {
	// The records stream keeps only the last record per execution, so of the records of one
	// execution in a batch (RUNNING, then its end) only the last is published.
	lastRecord := make(map[string]int, len(batch))
	for i, w := range batch {
		if w.msg != nil {
			lastRecord[w.msg.Subject] = i
		}
	}
	for i, w := range batch {
		switch {
		case w.msg == nil:
			m := &nats.Msg{Subject: w.subject, Data: w.line}
			if w.ttl != "" {
				m.Header = nats.Header{jetstream.MsgTTLHeader: []string{w.ttl}}
			}
			hist.add(m)
		case lastRecord[w.msg.Subject] == i:
			recs.add(w.msg)
		}
	}
}

// batchPublisher writes one stream's messages as one long fast-ingest batch (ADR-50): the
// server acknowledges every few hundred messages instead of each, which is most of what a
// stored message cost the writer and the server. Records need no per-message acknowledgement:
// nothing waits for them, and a message the store refuses is counted as dropped (the server
// reports it on the batch's control inbox). A batch that fails (a gap, an ack timeout, a
// refused start) is given up and the next message starts a new one.
type batchPublisher struct {
	r *Recorder
	p jetstreamext.FastPublisher
}

func (b *batchPublisher) add(m *nats.Msg) {
	for try := 0; ; try++ {
		if b.p == nil {
			p, err := jetstreamext.NewFastPublisher(b.r.js,
				jetstreamext.FastPublishFlowControl{Flow: batchFlow, MaxOutstandingAcks: 4},
				jetstreamext.WithFastPublisherContinueOnGap(true),
				jetstreamext.WithFastPublisherErrorHandler(func(error) { b.r.dropped.Add(1) }))
			if err != nil {
				b.r.dropped.Add(1)
				return
			}
			b.p = p
		}
		_, err := b.p.AddMsg(m)
		if err == nil {
			b.r.written.Add(1)
			return
		}
		b.p = nil
		// A batch the server ended meanwhile (it refused a message: counted by the error
		// handler) did not take this message: it starts the next batch. Another failure
		// (no first ack, an ack timeout) drops it.
		if !errors.Is(err, jetstreamext.ErrBatchClosed) || try > 0 {
			b.r.dropped.Add(1)
			b.r.cfg.Logger.Debug("records: batch publish failed; the next write starts a new batch", "subject", m.Subject, "err", err)
			return
		}
	}
}

// end commits the batch (the server acknowledges once all of it is stored), if one is open.
func (b *batchPublisher) end() {
	if b.p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchEndTimeout)
	defer cancel()
	if _, err := b.p.Close(ctx); err != nil && !errors.Is(err, jetstreamext.ErrBatchClosed) {
		b.r.cfg.Logger.Debug("records: ending a batch", "err", err)
	}
	b.p = nil
}

const (
	// batchFlow is how many messages the server stores between two acknowledgements (it may
	// ask for fewer while other batches share the stream).
	batchFlow = 256
	// batchEndTimeout bounds the wait for a batch's last acknowledgement.
	batchEndTimeout = 5 * time.Second
)

// Begin implements executor.Recorder: it writes the RUNNING record and returns the execution's
// context (cancelled by a stop) and its history sink.
func (r *Recorder) Begin(ctx context.Context, b executor.Begin) (context.Context, engine.EventSink, *wire.Result) {
	machine, name, id, ok := r.cfg.ExecutionArn(b.Result.ExecutionArn)
	if !ok {
		return ctx, nil, nil
	}
	k := key(machine, name, id)
	redrive := b.Start.RedriveCount
	var tokens []string
	if b.Rerun || redrive > 0 {
		// An earlier delivery ran (part of) it, or RedriveExecution stored its record: a stop
		// recorded since (of this run: a redrive's count) ends it here.
		stored, _, err := r.get(ctx, k)
		if err == nil && stored.Status == "ABORTED" && stored.RedriveCount == redrive {
			res := *b.Result
			res.Status, res.Error, res.Cause, res.StopDate = "ABORTED", stored.Error, stored.Cause, stored.StopDate
			if res.StopDate == 0 {
				res.StopDate = epoch(time.Now())
			}
			// End writes the stored record again (with its redrive count, revision, ...),
			// not one made of the result alone.
			r.running.Store(stored.ExecutionArn, &run{cancel: func(error) {}, rec: stored})
			return ctx, nil, &res
		}
		tokens = stored.RedriveTokens
	}
	switch {
	case b.Rerun && redrive > 0:
		// The history goes on from the runs before this redrive, without what the earlier
		// delivery added.
		r.cutHistory(ctx, k, b.Result.ExecutionArn, redrive)
	case b.Rerun:
		// The history starts over so that the kept history is one run's.
		if s, err := r.js.Stream(ctx, r.cfg.HistoryStream()); err == nil {
			_ = s.Purge(ctx, jetstream.WithPurgeSubject(r.cfg.historySubject(k)))
		}
	}
	level, data := r.cfg.settings(b.Machine.Tags)
	if redrive > 0 && level == levelError {
		// The runs before did not succeed and their history is kept: the redrive's goes on
		// from it whatever its end, so that the kept history is the execution's whole.
		level = levelAll
	}
	recTTL, histTTL := ttlTag(b.Machine.Tags, TagRecordsMaxAge), ttlTag(b.Machine.Tags, TagHistoryMaxAge)
	rec := recordOf(r.cfg.Layout, b.Start, b.Result, data)
	rec.Status = "RUNNING"
	rec.Revision, rec.NotRedrivable = b.Revision, notRedrivableReason(level, data)
	if redrive > 0 {
		rec.RedriveCount, rec.RedriveDate, rec.RedriveTokens = redrive, epoch(b.Start.Date), tokens
	}
	ctx, cancel := context.WithCancelCause(ctx)
	ru := &run{cancel: cancel, rec: rec, r: r, k: k, ttl: recTTL}
	if level > levelOff {
		ru.sink = &sink{r: r, subject: r.cfg.historySubject(k), level: level, data: data, ttl: histTTL}
	}
	// Registered as running and checked for a stop at once (onStop does both under the same
	// lock), so a stop is never missed: one that came before is applied now, one after
	// cancels the run.
	r.stopMu.Lock()
	stop, stopped := r.stopped[rec.ExecutionArn]
	r.running.Store(rec.ExecutionArn, ru)
	r.stopMu.Unlock()
	if stopped {
		// Stopped while its start was queued: it runs aborted from its first event, so its
		// history is AWS's (ExecutionStarted, ExecutionAborted) and its result and record
		// are ABORTED with the stop's error, cause and date.
		ru.stopDate = stop.StopDate
		cancel(&engine.Abort{Name: stop.Error, Cause: stop.Cause})
	}
	ru.mu.Lock() // End may come before AfterFunc returns
	ru.timer = time.AfterFunc(flushAfter, ru.stillRunning)
	ru.mu.Unlock()
	if ru.sink == nil {
		return ctx, nil, nil
	}
	return ctx, ru.sink, nil
}

// End implements executor.Recorder: it writes the terminal record (and, at level ERROR, the
// history of an execution that did not succeed).
func (r *Recorder) End(res *wire.Result) {
	machine, name, id, ok := r.cfg.ExecutionArn(res.ExecutionArn)
	if !ok {
		return
	}
	k := key(machine, name, id)
	var rec Record
	var tail []byte
	ttl := ""
	if v, found := r.running.LoadAndDelete(res.ExecutionArn); found {
		ru := v.(*run)
		ttl = ru.ttl
		ru.mu.Lock()
		ru.ended = true
		if ru.timer != nil { // nil for a run stopped before it began (Begin)
			ru.timer.Stop()
		}
		ru.mu.Unlock()
		ru.cancel(nil)
		rec = ru.rec
		if ru.sink != nil {
			// The last events ride in the terminal record when they would be kept as long.
			attach := ru.sink.ttl == ru.ttl && dur(r.cfg.HistoryMaxAge, DefaultMaxAge) == dur(r.cfg.MaxAge, DefaultMaxAge)
			tail = ru.sink.end(res.Status == "SUCCEEDED", attach)
		}
		data := rec.InputDetails != nil && rec.InputDetails.Included
		rec.Status, rec.StopDate, rec.Error, rec.Cause = res.Status, res.StopDate, res.Error, res.Cause
		if ru.stopDate > 0 && res.Status == "ABORTED" {
			rec.StopDate = ru.stopDate // when StopExecution said it stopped
		}
		rec.StateMachineArn = r.cfg.Layout.StateMachineArn(machine)
		if res.Status == "SUCCEEDED" {
			rec.OutputDetails = &wire.PayloadDetails{Included: data}
			if data {
				out := res.Output
				rec.Output = &out
			}
		}
	} else { // refused or not run: the result is all there is
		rec = Record{ExecutionArn: res.ExecutionArn, StateMachineArn: r.cfg.Layout.StateMachineArn(machine), Name: res.Name,
			Status: res.Status, StartDate: res.StartDate, StopDate: res.StopDate, Error: res.Error, Cause: res.Cause, TraceHeader: res.TraceHeader}
		if res.StateMachineArn != rec.StateMachineArn && strings.HasPrefix(res.StateMachineArn, rec.StateMachineArn+":") {
			rec.StateMachineVersionArn = res.StateMachineArn
		}
		in := res.Input
		rec.Input, rec.InputDetails = &in, &wire.PayloadDetails{Included: true}
	}
	m := r.recordMsg(k, &rec, ttl)
	if len(tail) > 0 {
		m.Data = append(append(m.Data, '\n'), tail...)
	}
	r.enqueue(write{msg: m})
}

// onStop cancels the execution a stop names if this process runs it, else remembers the stop
// (for StopsMaxAge) in case its start is picked up here later.
func (r *Recorder) onStop(data []byte) {
	var req stopRequest
	if json.Unmarshal(data, &req) != nil || req.ExecutionArn == "" {
		return
	}
	r.stopMu.Lock()
	v, running := r.running.Load(req.ExecutionArn)
	if !running {
		now := time.Now()
		if now.Sub(r.stopPruned) > time.Minute || len(r.stopped) >= StopsMaxMsgs {
			r.stopPruned = now
			for arn, s := range r.stopped {
				if now.Sub(s.received) > StopsMaxAge || len(r.stopped) >= StopsMaxMsgs {
					delete(r.stopped, arn)
				}
			}
		}
		req.received = now
		r.stopped[req.ExecutionArn] = req
	}
	r.stopMu.Unlock()
	if running {
		v.(*run).cancel(&engine.Abort{Name: req.Error, Cause: req.Cause})
	}
}

// stopRequest is the body of a stop message.
type stopRequest struct {
	ExecutionArn string  `json:"executionArn"`
	Error        string  `json:"error,omitempty"`
	Cause        string  `json:"cause,omitempty"`
	StopDate     float64 `json:"stopDate,omitempty"`

	received time.Time
}

func (r *Recorder) recordMsg(k string, rec *Record, ttl string) *nats.Msg {
	return rec.message(r.cfg.recordSubject(k), ttl)
}

// ttlTag reads a max-age tag as a Nats-TTL header value (whole seconds, at least 1); "" when
// the tag is missing or not a duration of a second or more.
func ttlTag(tags map[string]string, tag string) string {
	v, ok := tags[tag]
	if !ok {
		return ""
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Second {
		return ""
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// settings reads a machine's history level and data setting from its tags, else the defaults.
func (c Config) settings(tags map[string]string) (level int, data bool) {
	level = parseLevel(c.History)
	if t, ok := tags[TagHistory]; ok {
		level = parseLevel(t)
	}
	data = !c.NoData
	if t, ok := tags[TagData]; ok {
		data = !strings.EqualFold(t, "false")
	}
	return level, data
}

// parseLevel reads ALL, ERROR or OFF (case-insensitive); anything else is ALL.
func parseLevel(s string) int {
	switch strings.ToUpper(s) {
	case "OFF":
		return levelOff
	case "ERROR":
		return levelError
	}
	return levelAll
}

// ValidLevel reports whether s is a history level (for flags).
func ValidLevel(s string) bool {
	switch strings.ToUpper(s) {
	case "ALL", "ERROR", "OFF":
		return true
	}
	return false
}

// recordOf is the RUNNING record of an execution.
func recordOf(l wire.Layout, st wire.Start, res *wire.Result, data bool) Record {
	rec := Record{ExecutionArn: res.ExecutionArn, StateMachineArn: l.StateMachineArn(st.Machine), Name: res.Name,
		StartDate: res.StartDate, TraceHeader: res.TraceHeader}
	if st.Version > 0 {
		rec.StateMachineVersionArn = l.StateMachineArn(st.Machine) + ":" + strconv.Itoa(st.Version)
	}
	if q := st.Qualifier(); q != "" {
		if _, err := strconv.Atoi(q); err != nil {
			rec.StateMachineAliasArn = st.MachineArn
		}
	}
	if data {
		in := string(st.Input)
		rec.Input, rec.InputDetails = &in, &wire.PayloadDetails{Included: true}
	} else {
		rec.InputDetails = &wire.PayloadDetails{Included: false}
	}
	return rec
}
