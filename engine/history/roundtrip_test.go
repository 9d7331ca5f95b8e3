package history_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/history"
)

// emitted are the event types the engine emits (engine/events.go and the states' files).
// FailStateExited is in the engine's table of exits but never emitted: a Fail state ends its
// thread of control, as on AWS.
var emitted = []string{
	"ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted", "ExecutionRedriven",
	"PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskStateExited", "ChoiceStateEntered", "ChoiceStateExited",
	"WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "FailStateEntered",
	"ParallelStateEntered", "ParallelStateExited", "ParallelStateStarted", "ParallelStateSucceeded", "ParallelStateFailed",
	"MapStateEntered", "MapStateExited", "MapStateStarted", "MapStateSucceeded", "MapStateFailed",
	"MapIterationStarted", "MapIterationSucceeded", "MapIterationFailed",
	"TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskFailed", "TaskTimedOut",
	"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "LambdaFunctionFailed", "LambdaFunctionTimedOut",
}

// TestScenariosCoverEveryType: the scenarios the round trip and golden tests run emit every
// event type the engine emits, and no other.
func TestScenariosCoverEveryType(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range scenarios {
		for _, ev := range sc.run(t) {
			seen[ev.Type] = true
		}
	}
	for _, typ := range emitted {
		if !seen[typ] {
			t.Errorf("no scenario emits %s", typ)
		}
		delete(seen, typ)
	}
	for typ := range seen {
		t.Errorf("a scenario emits %s, which the list of emitted types lacks", typ)
	}
}

// sameEvent reports how got differs from want ("" when it does not), to the millisecond.
func sameEvent(got, want engine.HistoryEvent) string {
	switch {
	case !got.Timestamp.Equal(want.Timestamp.Truncate(time.Millisecond)):
		return "timestamp " + got.Timestamp.String() + ", want " + want.Timestamp.String()
	case got.Type != want.Type || got.ID != want.ID || got.PreviousEventID != want.PreviousEventID:
		return "type/id/previous " + got.Type + " " + strconv.FormatInt(got.ID, 10) + " " + strconv.FormatInt(got.PreviousEventID, 10)
	case got.DetailsKey != want.DetailsKey || !bytes.Equal(got.Details, want.Details):
		return "details " + got.DetailsKey + " " + string(got.Details)
	}
	return ""
}

// TestRoundTrip: every event of every scenario (so every event type), encoded and decoded, is
// the same event; without data, it is the event with its details stripped.
func TestRoundTrip(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, ev := range sc.run(t) {
				got, err := history.Parse(history.AppendJSON(nil, ev, history.Options{}))
				if err != nil {
					t.Fatalf("%s %d: %v", ev.Type, ev.ID, err)
				}
				if d := sameEvent(got, ev); d != "" {
					t.Errorf("%s %d: %s", ev.Type, ev.ID, d)
				}
				got, err = history.Parse(history.AppendJSON(nil, ev, history.Options{WithoutData: true}))
				if err != nil {
					t.Fatalf("%s %d without data: %v", ev.Type, ev.ID, err)
				}
				want := ev
				if want.DetailsKey != "" && len(want.Details) > 0 {
					want.Details = history.StripData(ev.Details)
				} else {
					want.DetailsKey = ""
				}
				if d := sameEvent(got, want); d != "" {
					t.Errorf("%s %d without data: %s", ev.Type, ev.ID, d)
				}
				if strings.Contains(string(got.Details), `"input"`) || strings.Contains(string(got.Details), `"assignedVariables"`) {
					t.Errorf("%s %d without data keeps data: %s", ev.Type, ev.ID, got.Details)
				}
			}
		})
	}
}

// TestBuildInPlace: an event whose details the engine hands over as a builder (to an
// engine.DeferringSink) is written byte for byte as the same event with its details built, with
// and without data, after what a buffer already holds, with room to spare or none.
func TestBuildInPlace(t *testing.T) {
	for _, sc := range scenarios {
		built, deferred := sc.run(t), sc.record(t, true)
		if len(built) != len(deferred) {
			t.Fatalf("%s: %d events deferred, %d built", sc.name, len(deferred), len(built))
		}
		for i, ev := range deferred {
			if ev.Build == nil && len(built[i].Details) > 0 {
				t.Fatalf("%s %d: no builder", ev.Type, ev.ID)
			}
			for _, opts := range []history.Options{{}, {WithoutData: true}} {
				for _, room := range []int{0, 64 << 10} {
					prefix := append(make([]byte, 0, 8+room), `{"x":1}`+"\n"...)
					want := history.AppendJSON(slices.Clone(prefix), built[i], opts)
					if got := history.AppendJSON(prefix, ev, opts); !bytes.Equal(got, want) {
						t.Errorf("%s %s %d %+v room %d: built in place\n%s\nwant\n%s", sc.name, ev.Type, ev.ID, opts, room, got, want)
					}
				}
			}
		}
	}
}

// TestDetailsKeyWithoutDetails: an event that names a details member but has none (the engine
// builds none for a run without a sink that wants them) is written without the member.
func TestDetailsKeyWithoutDetails(t *testing.T) {
	ev := engine.HistoryEvent{Timestamp: time.UnixMilli(1796637601000), Type: "TaskStarted", ID: 4, PreviousEventID: 3, DetailsKey: "taskStartedEventDetails"}
	want := `{"timestamp":1796637601,"type":"TaskStarted","id":4,"previousEventId":3}`
	if got := string(history.AppendJSON(nil, ev, history.Options{})); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	ev.Build = func(b []byte) []byte { return b }
	if got := string(history.AppendJSON(nil, ev, history.Options{})); got != want {
		t.Errorf("with an empty builder: got %s, want %s", got, want)
	}
	if got, _ := history.AppendLogJSON(nil, ev, history.LogOptions{}); !strings.Contains(string(got), `"details":{}`) {
		t.Errorf("log line %s has no empty details", got)
	}
}

// TestEpoch: timestamps are written as AWS writes them, epoch seconds with the milliseconds as
// a fraction without trailing zeros: the same text as the float formatting it replaces.
func TestEpoch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ms := []int64{0, 1, 10, 100, 999, 1000, 1001, 1796637600998, 1796637601000, 1796637601010, 1796637601100, -1, -1500, -62135596800000}
	for range 20000 {
		ms = append(ms, r.Int64N(4_000_000_000_000))
	}
	for _, m := range ms {
		ev := engine.HistoryEvent{Timestamp: time.UnixMilli(m), Type: "ExecutionStarted", ID: 1}
		want := `{"timestamp":` + strconv.FormatFloat(float64(m)/1000, 'f', -1, 64) + `,`
		got := history.AppendJSON(nil, ev, history.Options{})
		if !bytes.HasPrefix(got, []byte(want)) {
			t.Fatalf("%d ms: %s, want %s…", m, got, want)
		}
		back, err := history.Parse(got)
		if err != nil || back.Timestamp.UnixMilli() != m {
			t.Fatalf("%d ms read back as %d (%v)", m, back.Timestamp.UnixMilli(), err)
		}
	}
}

// TestParse: what Parse reads besides its own lines (AWS's and the aws CLI's forms), and what
// it refuses, with a message that says why.
func TestParse(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 998_000_000, time.UTC)
	for _, c := range []struct {
		name, raw string
		want      engine.HistoryEvent
		err       string
	}{
		{name: "own line", raw: `{"timestamp":1796637600.998,"type":"PassStateEntered","id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"P"}}` + "\n",
			want: engine.HistoryEvent{Timestamp: at, Type: "PassStateEntered", ID: 2, PreviousEventID: 1, DetailsKey: "stateEnteredEventDetails", Details: []byte(`{"name":"P"}`)}},
		{name: "aws CLI", raw: ` {"timestamp": "2026-12-07T11:00:00.998000+01:00", "type": "PassStateEntered", "id": 2, "previousEventId": 1,
			"stateEnteredEventDetails": {"name": "P"}} `,
			want: engine.HistoryEvent{Timestamp: at, Type: "PassStateEntered", ID: 2, PreviousEventID: 1, DetailsKey: "stateEnteredEventDetails", Details: []byte(`{"name": "P"}`)}},
		{name: "older stepjet run --events", raw: `{"id":2,"previousEventId":1,"stateEnteredEventDetails":{"name":"P"},"timestamp":"2026-12-07T10:00:00.998Z","type":"PassStateEntered"}`,
			want: engine.HistoryEvent{Timestamp: at, Type: "PassStateEntered", ID: 2, PreviousEventID: 1, DetailsKey: "stateEnteredEventDetails", Details: []byte(`{"name":"P"}`)}},
		{name: "members in any order, no timestamp", raw: `{"executionStartedEventDetails":{"input":"{}"},"id":1,"type":"ExecutionStarted"}`,
			want: engine.HistoryEvent{Type: "ExecutionStarted", ID: 1, DetailsKey: "executionStartedEventDetails", Details: []byte(`{"input":"{}"}`)}},
		{name: "first details member", raw: `{"id":3,"type":"T","aEventDetails":{"a":1},"bEventDetails":{"b":2},"other":[1]}`,
			want: engine.HistoryEvent{Type: "T", ID: 3, DetailsKey: "aEventDetails", Details: []byte(`{"a":1}`)}},
		{name: "array", raw: `[1]`, err: "not a JSON object"},
		{name: "empty", raw: ``, err: "not a JSON object"},
		{name: "broken", raw: `{"id":1,"type":"T"`, err: "not a JSON object"},
		{name: "not UTF-8", raw: "{\"id\":1,\"type\":\"T\xb6\"}", err: "not UTF-8"},
		{name: "no id", raw: `{"type":"T"}`, err: "no id or type"},
		{name: "no type", raw: `{"id":1}`, err: "no id or type"},
		{name: "id zero", raw: `{"id":0,"type":"T"}`, err: "no id or type"},
		{name: "id as string", raw: `{"id":"1","type":"T"}`, err: "id is not a whole number"},
		{name: "fractional id", raw: `{"id":1.5,"type":"T"}`, err: "id is not a whole number"},
		{name: "negative previous", raw: `{"id":2,"previousEventId":-1,"type":"T"}`, err: "previousEventId is not a whole number"},
		{name: "type not a string", raw: `{"id":2,"type":7}`, err: "type is not a string"},
		{name: "timestamp text", raw: `{"id":2,"type":"T","timestamp":"yesterday"}`, err: "neither epoch seconds nor an RFC 3339 time"},
		{name: "timestamp far", raw: `{"id":2,"type":"T","timestamp":1e300}`, err: "out of range"},
		{name: "details not an object", raw: `{"id":2,"type":"T","taskStartedEventDetails":"x"}`, err: "taskStartedEventDetails is not an object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := history.Parse([]byte(c.raw))
			if c.err != "" {
				if err == nil || !errors.Is(err, history.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want an ErrInvalid saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := sameEvent(got, c.want); d != "" {
				t.Error(d)
			}
		})
	}
}
