package records

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

// ErrNotFound is an execution with no record (never run here, or past retention).
var ErrNotFound = errors.New("records: no record of this execution")

// Store reads records and history, and stops executions. It is what the API uses.
type Store struct {
	cfg Config
	js  jetstream.JetStream
}

// NewStore returns a Store over js (cfg.NC publishes stops).
func NewStore(js jetstream.JetStream, cfg Config) *Store { return &Store{cfg: cfg, js: js} }

// Config returns the store's configuration (its layout names ARNs).
func (s *Store) Config() Config { return s.cfg }

// Get returns the record of execution arn and its stream sequence.
func (s *Store) Get(ctx context.Context, arn string) (Record, uint64, error) {
	machine, name, id, ok := s.cfg.ExecutionArn(arn)
	if !ok {
		return Record{}, 0, ErrNotFound
	}
	return get(ctx, s.js, s.cfg, key(machine, name, id))
}

func (r *Recorder) get(ctx context.Context, k string) (Record, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return get(ctx, r.js, r.cfg, k)
}

func get(ctx context.Context, js jetstream.JetStream, cfg Config, k string) (Record, uint64, error) {
	st, err := js.Stream(ctx, cfg.RecordsStream())
	if err != nil {
		return Record{}, 0, err
	}
	m, err := st.GetLastMsgForSubject(ctx, cfg.recordSubject(k))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return Record{}, 0, ErrNotFound
	}
	if err != nil {
		return Record{}, 0, err
	}
	var rec Record
	body, _ := splitRecord(m.Data)
	if err := json.Unmarshal(body, &rec); err != nil {
		return Record{}, 0, fmt.Errorf("records: record of %s: %w", k, err)
	}
	rec.readRedriveHeaders(m.Header)
	return rec, m.Sequence, nil
}

// splitRecord splits a record message's body into the record (JSON on one line: encoding/json
// writes no newline) and the execution's last history events (NDJSON) a terminal record may
// carry after it.
func splitRecord(data []byte) (record, tail []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, nil
}

// ListFilter narrows a listing.
type ListFilter struct {
	Status     string // "" for all
	VersionArn string // only executions of this version
	AliasArn   string // only executions started through this alias
	Redrive    string // "REDRIVEN" or "NOT_REDRIVEN": only those redriven at least once, or never
}

// List returns every kept execution of machine, newest first, filtered (Page, all pages).
func (s *Store) List(ctx context.Context, machine string, f ListFilter) ([]Summary, error) {
	var all []Summary
	var before uint64
	for {
		page, next, err := s.Page(ctx, machine, f, 1000, before)
		all = append(all, page...)
		if err != nil || next == 0 {
			return all, err
		}
		before = next
	}
}

// Page returns up to size kept executions of machine older than stream sequence before (0:
// the newest), newest first — by when each record was last written: when the execution began
// if it runs, else when it ended — and the sequence to pass to get the next page (0 at the
// end). It reads the records stream backwards in windows of sequences that double until the
// page is full, headers only, so a page costs about its own size however many are kept.
func (s *Store) Page(ctx context.Context, machine string, f ListFilter, size int, before uint64) ([]Summary, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := s.js.Stream(ctx, s.cfg.RecordsStream())
	if err != nil {
		return nil, 0, err
	}
	state := st.CachedInfo().State
	first, last := state.FirstSeq, state.LastSeq
	if last == 0 {
		// nothing ever written (FirstSeq is 0 too, and a consumer cannot start at sequence 0)
		return nil, 0, nil
	}
	if before == 0 || before > last+1 {
		before = last + 1
	}
	filter := s.cfg.machineRecords(machine)
	var got []Summary // newest first
	window := uint64(4*size + 64)
	to := before
	for to > first && len(got) <= size {
		from := first
		if to-first > window {
			from = to - window
		}
		var chunk []Summary
		err := readRange(ctx, st, filter, from, to, func(seq uint64, h nats.Header) {
			sum := summaryOf(h)
			if (f.Status == "" || sum.Status == f.Status) && (f.VersionArn == "" || sum.StateMachineVersionArn == f.VersionArn) &&
				(f.AliasArn == "" || sum.StateMachineAliasArn == f.AliasArn) && f.redriven(sum) {
				sum.Seq = seq
				chunk = append(chunk, sum)
			}
		})
		if err != nil {
			return nil, 0, err
		}
		for i := len(chunk) - 1; i >= 0; i-- {
			got = append(got, chunk[i])
		}
		to = from
		window *= 2
	}
	if len(got) > size {
		return got[:size], got[size-1].Seq, nil
	}
	return got, 0, nil
}

// readRange calls fn with the sequence and headers of every message of filter with a sequence
// in [from, to), oldest first.
func readRange(ctx context.Context, st jetstream.Stream, filter string, from, to uint64, fn func(uint64, nats.Header)) error {
	// No FilterSubject: with one subject per execution, a filter makes the server count the
	// pending messages of every kept execution of the machine when the consumer is made (O(kept));
	// unfiltered, the window is read and other machines' records are skipped here.
	prefix := strings.TrimSuffix(filter, ">")
	cons, err := st.CreateConsumer(ctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckNonePolicy,
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: from, HeadersOnly: true,
		InactiveThreshold: time.Minute, MemoryStorage: true})
	if err != nil {
		return err
	}
	name := cons.CachedInfo().Name
	defer func() { _ = st.DeleteConsumer(context.WithoutCancel(ctx), name) }()
	pending := cons.CachedInfo().NumPending
	for pending > 0 {
		batch, err := cons.Fetch(int(min(pending, 256)), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return err
		}
		n := 0
		done := false
		for m := range batch.Messages() {
			n++
			meta, err := m.Metadata()
			if err != nil {
				continue
			}
			pending = meta.NumPending
			if meta.Sequence.Stream >= to {
				done = true
				continue
			}
			if strings.HasPrefix(m.Subject(), prefix) {
				fn(meta.Sequence.Stream, m.Headers())
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return err
		}
		if done {
			return nil
		}
		if n == 0 {
			return fmt.Errorf("records: reading %s stalled with %d messages pending", filter, pending)
		}
	}
	return nil
}

// History returns the kept history events of execution arn, in order (raw HistoryEvent JSON).
func (s *Store) History(ctx context.Context, arn string) ([]json.RawMessage, error) {
	machine, name, id, ok := s.cfg.ExecutionArn(arn)
	if !ok {
		return nil, ErrNotFound
	}
	k := key(machine, name, id)
	var out []json.RawMessage
	var last int64 // the highest event id read: a record's tail may repeat what a redrive moved
	lines := func(b []byte) {
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			if id := gjson.GetBytes(l, "id").Int(); id > last {
				last = id
			} else if id > 0 {
				continue
			}
			out = append(out, json.RawMessage(l))
		}
	}
	err := scan(ctx, s.js, s.cfg.HistoryStream(), s.cfg.historySubject(k), false, func(m jetstream.Msg) { lines(m.Data()) })
	if err != nil {
		return out, err
	}
	// The last events, carried by the terminal record (Recorder.End).
	rs, err := s.js.Stream(ctx, s.cfg.RecordsStream())
	if err != nil {
		return out, err
	}
	m, err := rs.GetLastMsgForSubject(ctx, s.cfg.recordSubject(k))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	_, tail := splitRecord(m.Data)
	lines(tail)
	return out, nil
}

// scan reads every message of filter (the last per subject when lastPer), through an
// ephemeral consumer that reads exactly what was pending when it was made.
func scan(ctx context.Context, js jetstream.JetStream, stream, filter string, lastPer bool, fn func(jetstream.Msg)) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return err
	}
	cc := jetstream.ConsumerConfig{FilterSubject: filter, AckPolicy: jetstream.AckNonePolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		InactiveThreshold: time.Minute, MemoryStorage: true}
	if lastPer {
		cc.DeliverPolicy, cc.HeadersOnly = jetstream.DeliverLastPerSubjectPolicy, true
	}
	cons, err := st.CreateConsumer(ctx, cc)
	if err != nil {
		return err
	}
	name := cons.CachedInfo().Name
	defer func() { _ = st.DeleteConsumer(context.WithoutCancel(ctx), name) }()
	pending := cons.CachedInfo().NumPending
	for pending > 0 {
		batch, err := cons.Fetch(int(min(pending, 1000)), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return err
		}
		n := 0
		for m := range batch.Messages() {
			n++
			fn(m)
			if meta, err := m.Metadata(); err == nil {
				pending = meta.NumPending
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return err
		}
		if n == 0 {
			return fmt.Errorf("records: reading %s stalled with %d messages pending", filter, pending)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// ErrNotRunning is a stop of an execution whose record is terminal already.
var ErrNotRunning = errors.New("records: the execution is not running")

// Stop stops an execution that has not ended: it stores its ABORTED record (only if the
// record is still the one it read, so an execution that ended meanwhile keeps its status) and
// stores the stop in STEPJET_STOPS, which every executor reads: the one running it cancels it
// (its ExecutionAborted event and ABORTED result follow), and one that picks its start up later
// runs it aborted from its first event. An execution with no record yet is one whose start is
// still queued in STEPJET_EXECUTIONS (or that began less than 200 ms ago): Stop finds the start
// there, else it is ErrNotFound. It returns the record as it stands: ErrNotRunning with the
// terminal record when it had ended.
func (s *Store) Stop(ctx context.Context, arn, errName, cause string, now time.Time) (Record, error) {
	machine, name, id, ok := s.cfg.ExecutionArn(arn)
	if !ok {
		return Record{}, ErrNotFound
	}
	k := key(machine, name, id)
	for attempt := 0; attempt < 5; attempt++ {
		rec, seq, err := get(ctx, s.js, s.cfg, k)
		if errors.Is(err, ErrNotFound) {
			var st wire.Start
			if st, err = s.queuedStart(ctx, machine, arn); err != nil {
				return Record{}, err
			}
			// Its record as far as the start tells it, without the input (the machine's tags,
			// which say whether data is kept, are the executor's to read): the executor that
			// picks the start up writes the full one.
			rec = recordOf(s.cfg.Layout, st, &wire.Result{ExecutionArn: arn, Name: st.Name, StartDate: epoch(st.Date), TraceHeader: st.TraceParent}, false)
			rec.Status = "RUNNING"
		} else if err != nil {
			return rec, err
		}
		if rec.Status != "RUNNING" {
			return rec, ErrNotRunning
		}
		rec.Status, rec.StopDate, rec.Error, rec.Cause = "ABORTED", epoch(now), errName, cause
		err = s.replace(ctx, k, &rec, seq) // seq 0: no record yet
		if errors.Is(err, ErrRecordChanged) {
			continue // the record changed under us: read it again
		}
		if err != nil {
			return rec, err
		}
		b, _ := json.Marshal(stopRequest{ExecutionArn: arn, Error: errName, Cause: cause, StopDate: rec.StopDate})
		if _, err := s.js.Publish(ctx, s.cfg.StopSubject(machine), b); err != nil {
			return rec, err
		}
		return rec, nil
	}
	return Record{}, errors.New("records: the record kept changing while stopping it")
}

// maxQueuedScan bounds how many queued starts of a machine a stop reads to find its own.
const maxQueuedScan = 1_000_000

// queuedStart finds the start of execution arn among machine's starts still in
// STEPJET_EXECUTIONS (a work queue: those not yet run to their end), oldest first. It reads
// them one by one, so a stop of a queued start costs a read per start queued before it; stops
// are rare and the hot path pays nothing for them.
func (s *Store) queuedStart(ctx context.Context, machine, arn string) (wire.Start, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	l := s.cfg.Layout
	st, err := s.js.Stream(ctx, l.ExecutionsStream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return wire.Start{}, ErrNotFound
	}
	if err != nil {
		return wire.Start{}, err
	}
	subject := l.StartSubject(machine)
	seq := uint64(1)
	for range maxQueuedScan {
		m, err := st.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subject))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return wire.Start{}, ErrNotFound
		}
		if err != nil {
			return wire.Start{}, fmt.Errorf("records: looking for the queued start: %w", err)
		}
		seq = m.Sequence + 1
		if h := m.Header.Get(wire.HeaderExecutionArn); h != "" && h != arn {
			continue // (the decoder accepts the header's ARN or refuses the start)
		}
		start, err := l.DecodeStart(m.Subject, m.Header, m.Data, m.Time, m.Sequence)
		if err == nil && start.Arn == arn {
			return start, nil
		}
	}
	return wire.Start{}, ErrNotFound
}

// Layout is the store's layout.
func (s *Store) Layout() wire.Layout { return s.cfg.Layout }
