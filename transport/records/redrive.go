package records

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/wire"
)

// What a redrive (RedriveExecution) needs of the records: the record says which definition
// revision ran, whether its history can be redriven (its machine's history settings when it
// ran) and the client tokens of its latest redrives; the history is the plan's source.
// Store.Redrive marks a record RUNNING again for its next redrive, and the executor reads the
// history back through Recorder.Redriven (executor.Redriver).

var _ executor.Redriver = (*Recorder)(nil)

// maxTokens is how many client tokens of an execution's latest redrives are kept (AWS answers
// the last 10 idempotently).
const maxTokens = 10

// notRedrivableReason says why the history kept at level and data cannot be redriven.
func notRedrivableReason(level int, data bool) string {
	switch {
	case level == levelOff:
		return "Its state machine keeps no execution history (tag " + TagHistory + " is OFF), which a redrive resumes from; tag the machine " + TagHistory + "=ALL or ERROR to redrive its later executions."
	case !data:
		return "Its state machine keeps its execution history without execution data (tag " + TagData + " is false, or the server keeps none by default), which a redrive resumes from; tag the machine " + TagData + "=true to redrive its later executions."
	}
	return ""
}

func (r *Record) redriveHeaders(h nats.Header) {
	if r.RedriveDate > 0 {
		h.Set(hdrRedriveDate, strconv.FormatFloat(r.RedriveDate, 'f', -1, 64))
	}
	if r.Revision > 0 {
		h.Set(hdrRevision, strconv.FormatUint(r.Revision, 10))
	}
	if r.NotRedrivable != "" {
		h.Set(hdrNotRedrivable, r.NotRedrivable)
	}
	if len(r.RedriveTokens) > 0 {
		// Client tokens are printable ASCII without spaces (AWS's pattern [!-~]+).
		h.Set(hdrTokens, strings.Join(r.RedriveTokens, " "))
	}
}

func (r *Record) readRedriveHeaders(h nats.Header) {
	r.RedriveDate, _ = strconv.ParseFloat(h.Get(hdrRedriveDate), 64)
	r.Revision, _ = strconv.ParseUint(h.Get(hdrRevision), 10, 64)
	r.NotRedrivable = h.Get(hdrNotRedrivable)
	if t := h.Get(hdrTokens); t != "" {
		r.RedriveTokens = strings.Fields(t)
	}
}

// RedriveOf returns the redrive date of the redrive made with client token, if it is one of the
// latest kept.
func (r *Record) RedriveOf(token string) (float64, bool) {
	for _, e := range r.RedriveTokens {
		i := strings.LastIndexByte(e, '|') // a token may hold '|'; the date does not
		if i >= 0 && e[:i] == token {
			d, err := strconv.ParseFloat(e[i+1:], 64)
			return d, err == nil
		}
	}
	return 0, false
}

// redriven is ListFilter.Redrive's test.
func (f ListFilter) redriven(s Summary) bool {
	switch f.Redrive {
	case "REDRIVEN":
		return s.RedriveCount > 0
	case "NOT_REDRIVEN":
		return s.RedriveCount == 0
	}
	return true
}

// Events returns the kept history of execution arn as the engine's events, in order.
func (s *Store) Events(ctx context.Context, arn string) ([]engine.HistoryEvent, error) {
	lines, err := s.History(ctx, arn)
	if err != nil {
		return nil, err
	}
	out := make([]engine.HistoryEvent, len(lines))
	for i, l := range lines {
		if out[i], err = history.Parse(l); err != nil {
			return nil, fmt.Errorf("event %d of %s's kept history: %w", i+1, arn, err)
		}
	}
	return out, nil
}

// runs returns how many of events belong to the execution's first n runs: up to and including
// the n-th end (ExecutionFailed, ...), or all of them when fewer runs ended.
func runs(events []engine.HistoryEvent, n int) int {
	for i, ev := range events {
		switch ev.Type {
		case "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
			if n--; n == 0 {
				return i + 1
			}
		}
	}
	return len(events)
}

// ErrRecordChanged is a redrive that lost a race: the record changed since it was read.
var ErrRecordChanged = errors.New("records: the record changed while redriving it")

// Redrive marks the terminal record rec (read at stream sequence seq) RUNNING for its next
// redrive, redriven at now by client token (may be empty), only if it is still the stored
// record: two redrives of one execution cannot both succeed. It returns the new record.
func (s *Store) Redrive(ctx context.Context, rec Record, seq uint64, token string, now time.Time) (Record, error) {
	machine, name, id, ok := s.cfg.ExecutionArn(rec.ExecutionArn)
	if !ok {
		return rec, ErrNotFound
	}
	next := rec
	next.Status, next.StopDate, next.Error, next.Cause, next.Output, next.OutputDetails = "RUNNING", 0, "", "", nil, nil
	next.RedriveCount++
	next.RedriveDate = epoch(now)
	if token != "" {
		next.RedriveTokens = append(slices.Clone(rec.RedriveTokens), token+"|"+strconv.FormatFloat(next.RedriveDate, 'f', -1, 64))
		if len(next.RedriveTokens) > maxTokens {
			next.RedriveTokens = next.RedriveTokens[len(next.RedriveTokens)-maxTokens:]
		}
	}
	k := key(machine, name, id)
	if err := s.keepTail(ctx, k, rec.ExecutionArn, seq, next.RedriveCount); err != nil {
		return rec, err
	}
	if err := s.replace(ctx, k, &next, seq); err != nil {
		return rec, err
	}
	return next, nil
}

// keepTail moves the last history events that the terminal record at seq carries (Recorder.End
// writes a short execution's events there) into the history stream, before a redrive replaces
// that record: otherwise they would be lost with it. The message id makes concurrent redrives
// of the same run store them once; History skips tail events the stream already holds, so a
// redrive refused after this still reads each event once.
func (s *Store) keepTail(ctx context.Context, k, arn string, seq uint64, redrive int) error {
	st, err := s.js.Stream(ctx, s.cfg.RecordsStream())
	if err != nil {
		return err
	}
	m, err := st.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return ErrRecordChanged // replaced since it was read
	}
	if err != nil {
		return err
	}
	_, tail := splitRecord(m.Data)
	if len(bytes.TrimSpace(tail)) == 0 {
		return nil
	}
	hm := nats.NewMsg(s.cfg.historySubject(k))
	hm.Data = tail
	_, err = s.js.PublishMsg(ctx, hm, jetstream.WithMsgID(arn+":tail:"+strconv.Itoa(redrive)))
	return err
}

// Restore puts back rec, replacing the record a failed redrive stored (newRec), unless it
// changed since.
func (s *Store) Restore(ctx context.Context, rec, newRec Record) error {
	machine, name, id, ok := s.cfg.ExecutionArn(rec.ExecutionArn)
	if !ok {
		return ErrNotFound
	}
	k := key(machine, name, id)
	cur, seq, err := get(ctx, s.js, s.cfg, k)
	if err != nil {
		return err
	}
	if cur.Status != "RUNNING" || cur.RedriveCount != newRec.RedriveCount {
		return ErrRecordChanged
	}
	return s.replace(ctx, k, &rec, seq)
}

// replace stores rec as execution k's record if the stored one is still at sequence seq.
func (s *Store) replace(ctx context.Context, k string, rec *Record, seq uint64) error {
	_, err := s.js.PublishMsg(ctx, rec.message(s.cfg.recordSubject(k), ""), jetstream.WithExpectLastSequencePerSubject(seq))
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence {
		return ErrRecordChanged
	}
	return err
}

// Redriven implements executor.Redriver: the kept history of the runs before st's redrive.
func (r *Recorder) Redriven(ctx context.Context, st wire.Start) (executor.Redriven, error) {
	machine, name, id, ok := r.cfg.ExecutionArn(st.Arn)
	if !ok {
		return executor.Redriven{}, ErrNotFound
	}
	rec, _, err := r.get(ctx, key(machine, name, id))
	if err != nil {
		return executor.Redriven{}, fmt.Errorf("reading its record: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	events, err := NewStore(r.js, r.cfg).Events(ctx, st.Arn)
	if err != nil {
		return executor.Redriven{}, fmt.Errorf("reading its history: %w", err)
	}
	return executor.Redriven{StartDate: time.UnixMilli(int64(rec.StartDate*1000 + 0.5)), Events: events[:runs(events, st.RedriveCount)]}, nil
}

// cutHistory drops what a redrive's earlier delivery added to execution k's history (the
// events after its first n runs), so that the history goes on from the runs before: the
// subject is purged and the kept events written again, ahead of the new run's.
func (r *Recorder) cutHistory(ctx context.Context, k, arn string, n int) {
	lines, err := NewStore(r.js, r.cfg).History(ctx, arn)
	if err != nil {
		r.dropped.Add(1)
		return
	}
	events := make([]engine.HistoryEvent, len(lines))
	for i, l := range lines {
		if events[i], err = history.Parse(l); err != nil { // (not ours: where its runs end is unknown)
			r.dropped.Add(1)
			return
		}
	}
	keep := runs(events, n)
	if keep == len(lines) {
		return
	}
	s, err := r.js.Stream(ctx, r.cfg.HistoryStream())
	if err != nil {
		r.dropped.Add(1)
		return
	}
	subject := r.cfg.historySubject(k)
	if err := s.Purge(ctx, jetstream.WithPurgeSubject(subject)); err != nil {
		r.dropped.Add(1)
		return
	}
	var buf []byte
	for _, l := range lines[:keep] {
		buf = append(append(buf, l...), '\n')
		if len(buf) >= flushBytes {
			r.enqueue(write{subject: subject, line: buf})
			buf = nil
		}
	}
	if len(buf) > 0 {
		r.enqueue(write{subject: subject, line: buf})
	}
}
