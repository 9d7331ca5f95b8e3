package replay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/mock"
)

// AbortName is the error of a replay stopped at a Task invocation the recording has no answer
// for: the replay ends ABORTED there rather than invent an answer.
const AbortName = "stepjet.NoRecordedAnswer"

// Options name the replayed execution. The zero value works: a machine and test case named
// "replay", the engine's default deadline.
type Options struct {
	// Machine and TestCase are the names the mock configuration answers under.
	Machine  string
	TestCase string
	// Type is the rules the definition is checked against: EXPRESS (default) or STANDARD.
	Type string
	// Name, ExecutionArn, StateMachineArn, StateMachineName and RoleArn feed the context
	// object, as the recorded execution's did; StartTime is the recorded start, so
	// $$.Execution.StartTime is the same.
	Name             string
	ExecutionArn     string
	StateMachineArn  string
	StateMachineName string
	RoleArn          string
	StartTime        time.Time
	Timeout          time.Duration
}

// Unanswered is a Task invocation the replay made that the recording has no answer for.
type Unanswered struct {
	State      string `json:"state"`
	Invocation int    `json:"invocation"`
	Resource   string `json:"resource"`
	// Recorded counts the invocations of State the recording holds.
	Recorded int `json:"recorded"`
}

func (u Unanswered) String() string {
	why := fmt.Sprintf("the recorded run invoked it only %d times", u.Recorded)
	switch {
	case u.Recorded == 0:
		why = "the recorded run never invoked it"
	case u.Invocation < u.Recorded:
		why = "the recorded run ended before that invocation answered"
	}
	return fmt.Sprintf("state %q (%s) invocation %d has no recorded answer: %s", u.State, u.Resource, u.Invocation, why)
}

// Replay is what the replay did.
type Replay struct {
	Outcome Outcome
	Path    Thread
	// Unanswered is set when the replay stopped at an invocation with no recorded answer.
	Unanswered *Unanswered
	// MockConfig is the mock configuration that answered the Task states.
	MockConfig []byte
}

// Run runs definition on the recording's input with every Task state answered from the
// recording, through its mock configuration. An invalid definition is the engine's
// *engine.InvalidDefinitionError.
func Run(ctx context.Context, definition []byte, rec *Recording, opts Options) (*Replay, error) {
	if opts.Machine == "" {
		opts.Machine = "replay"
	}
	if opts.TestCase == "" {
		opts.TestCase = "replay"
	}
	if opts.Type == "" {
		opts.Type = "EXPRESS"
	}
	m, err := engine.Compile(definition, engine.CompileOptions{Type: opts.Type})
	if err != nil {
		return nil, err
	}
	cfgJSON := rec.MockConfig(opts.Machine, opts.TestCase)
	cfg, err := mock.Load(cfgJSON)
	if err != nil {
		return nil, fmt.Errorf("the mock configuration made of the history does not load: %w", err)
	}
	answers, err := cfg.Invoker(opts.Machine, opts.TestCase)
	if err != nil {
		return nil, fmt.Errorf("the mock configuration made of the history: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	inv := &invoker{rec: rec, answers: answers, cancel: cancel}
	sink := &eventSink{}
	res := m.Run(ctx, rec.Input, engine.RunOptions{
		Tasks: inv, Events: sink, Clock: newClock(opts.StartTime), Timeout: opts.Timeout,
		Name: opts.Name, ExecutionArn: opts.ExecutionArn, StateMachineArn: opts.StateMachineArn,
		StateMachineName: opts.StateMachineName, RoleArn: opts.RoleArn, StartTime: opts.StartTime,
	})
	out := &Replay{
		Outcome:    Outcome{Status: string(res.Status), Output: res.Output, Error: res.Error, Cause: res.Cause},
		Unanswered: inv.missing(),
		MockConfig: cfgJSON,
	}
	got, err := Read(sink.events(), definition)
	if err != nil {
		return nil, fmt.Errorf("reading the replay's own history: %w", err)
	}
	out.Path = got.Path
	return out, nil
}

// invoker answers from the mock configuration, and stops the execution at the first
// invocation the recording cannot answer. Its answers follow the order of invocations, so it
// is scripted (Map iterations run in item order).
type invoker struct {
	rec     *Recording
	answers engine.TaskInvoker
	cancel  context.CancelCauseFunc
	mu      sync.Mutex
	first   *Unanswered
}

func (i *invoker) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	if !i.rec.answered(req.StateName, req.Attempt) {
		u := &Unanswered{State: req.StateName, Invocation: req.Attempt, Resource: req.Resource, Recorded: i.rec.Invocations(req.StateName)}
		i.mu.Lock()
		if i.first == nil {
			i.first = u
		}
		i.mu.Unlock()
		i.cancel(&engine.Abort{Name: AbortName, Cause: u.String()})
		<-ctx.Done()
		return nil, context.Cause(ctx)
	}
	return i.answers.Invoke(ctx, req)
}

func (*invoker) Scripted() bool { return true }

func (i *invoker) missing() *Unanswered {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.first
}

// eventSink keeps the replay's events.
type eventSink struct {
	mu  sync.Mutex
	evs []Event
}

func (s *eventSink) Event(ev engine.HistoryEvent) {
	s.mu.Lock()
	s.evs = append(s.evs, FromEngine(ev))
	s.mu.Unlock()
}

func (s *eventSink) events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.evs
}

// clock reads the recorded start plus the time the replay has run, and ends every wait at
// once: a replay of an execution that waited minutes takes no time, and a Wait that would pass
// the deadline still ends the execution TIMED_OUT, as it did.
type clock struct {
	start time.Time
	began time.Time
}

func newClock(start time.Time) engine.Clock {
	now := time.Now()
	if start.IsZero() {
		start = now
	}
	return &clock{start: start, began: now}
}

func (c *clock) Now() time.Time { return c.start.Add(time.Since(c.began)) }

func (c *clock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}
