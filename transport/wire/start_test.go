package wire

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
)

// decodeMsg decodes m as the executor does, accepted now at stream sequence seq.
func decodeMsg(l Layout, m *nats.Msg, accepted time.Time, seq uint64) (Start, error) {
	return l.DecodeStart(m.Subject, m.Header, m.Data, accepted, seq)
}

func TestStartRoundTrip(t *testing.T) {
	l := Layout{Region: "eu-west-1", Account: "111122223333"}
	for _, machine := range []string{"orders", "order.v2", "x-files", "naïve-machine-名前", strings.Repeat("m", MaxNameLen)} {
		s := l.NewStart(machine, "", []byte(`{"a":"\"quoted\" \\ back"}`))
		s.MachineArn = l.StateMachineArn(machine) + ":prod"
		s.Version, s.Revision = 3, 42
		s.TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
		s.Deadline = s.Date.Add(time.Minute)
		for _, enc := range []func(Start) (*nats.Msg, error){l.StartMsg, l.SyncMsg} {
			m, err := enc(s)
			if err != nil {
				t.Fatalf("%s: %v", machine, err)
			}
			accepted := s.Date.Add(time.Millisecond)
			got, err := decodeMsg(l, m, accepted, 7)
			if err != nil {
				t.Fatalf("%s: %v", machine, err)
			}
			if got.Machine != machine || got.Name != s.Name || got.Arn != s.Arn || got.MachineArn != s.MachineArn ||
				got.Version != 3 || got.Revision != 42 || !got.Date.Equal(s.Date) || got.TraceParent != s.TraceParent ||
				!bytes.Equal(got.Input, s.Input) || got.Qualifier() != "prod" {
				t.Fatalf("%s: decoded %+v from %+v", machine, got, s)
			}
		}
	}
}

// TestSubjectNamesTheWholeMachine: a raw publish to stepjet.start.order.v2 starts machine
// "order.v2", never "v2"; the encoder's x-<hex> form decodes to the same machine.
func TestSubjectNamesTheWholeMachine(t *testing.T) {
	var l Layout
	for subject, want := range map[string]string{
		"stepjet.start.order.v2":                   "order.v2",
		"stepjet.sync.order.v2":                    "order.v2",
		l.StartSubject("order.v2"):                 "order.v2",
		l.StartSubject("x-ray"):                    "x-ray",
		l.StartSubject("é.ü"):                      "é.ü",
		"stepjet.start.plain":                      "plain",
		"stepjet.start." + SubjectToken("a.b.c.d"): "a.b.c.d",
	} {
		got, err := l.SubjectMachine(subject)
		if err != nil || got != want {
			t.Errorf("%s: machine %q, %v; want %q", subject, got, err, want)
		}
	}
	for _, subject := range []string{"stepjet.start.", "other.start.x", "stepjet.start.x-zz", "stepjet.start." + strings.Repeat("a", 4040), "stepjet.start.a:b"} {
		_, err := l.SubjectMachine(subject)
		var se *StartError
		if !errors.As(err, &se) || !se.Fatal {
			t.Errorf("%.60s: %v, want a fatal StartError", subject, err)
		}
	}
}

// TestDecodeRefusesForgedHeaders: headers may only narrow what the subject names.
func TestDecodeRefusesForgedHeaders(t *testing.T) {
	var l Layout
	now := time.Now()
	base := func() *nats.Msg {
		m := nats.NewMsg(l.StartSubject("passm"))
		m.Data = []byte(`{}`)
		m.Header.Set(HeaderExecutionName, "mine")
		return m
	}
	cases := []struct {
		name, header, value, wantType string
	}{
		{"other machine", HeaderStateMachineArn, l.StateMachineArn("probe"), "InvalidArn"},
		{"other machine by prefix", HeaderStateMachineArn, l.StateMachineArn("passm2"), "InvalidArn"},
		{"bare name", HeaderStateMachineArn, "probe", "InvalidArn"},
		{"other account", HeaderStateMachineArn, Layout{Account: "999999999999"}.StateMachineArn("passm"), "InvalidArn"},
		{"victim's execution", HeaderExecutionArn, l.ExecutionArn("passm", "victim", "11111111-2222-4333-8444-555555555555"), "InvalidArn"},
		{"other machine's execution", HeaderExecutionArn, l.ExecutionArn("other", "mine", "id"), "InvalidArn"},
		{"long arn", HeaderStateMachineArn, l.StateMachineArn("passm") + ":" + strings.Repeat("a", 4100), "InvalidArn"},
		{"long name", HeaderExecutionName, strings.Repeat("n", 81), "InvalidName"},
		{"bad version", HeaderMachineVersion, "-1", "ValidationException"},
		{"version without arn", HeaderMachineVersion, "2", "InvalidArn"},
		{"bad revision", HeaderMachineRevision, "x", "ValidationException"},
	}
	for _, tc := range cases {
		m := base()
		m.Header.Set(tc.header, tc.value)
		s, err := decodeMsg(l, m, now, 9)
		var se *StartError
		if !errors.As(err, &se) || se.Fatal || se.Type != tc.wantType {
			t.Errorf("%s: %v, want a %s StartError", tc.name, err, tc.wantType)
			continue
		}
		// The identity stays the subject's own, so a FAILED result can be stored safely.
		if s.Machine != "passm" || !strings.HasPrefix(s.Arn, l.ExecutionArn("passm", s.Name, "")) || len(s.Arn) > MaxArnLen {
			t.Errorf("%s: unsafe identity %+v", tc.name, s)
		}
	}
}

// TestStartDateOnlyMovesEarlierBySeconds: the deadline counts from the stream's timestamp; a
// client may only date its start a few seconds earlier.
func TestStartDateOnlyMovesEarlierBySeconds(t *testing.T) {
	var l Layout
	accepted := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for hdr, want := range map[string]time.Time{
		"2999-01-01T00:00:00Z":                              accepted,
		accepted.Add(time.Second).Format(time.RFC3339Nano):  accepted,
		accepted.Add(-2 * time.Second).Format(time.RFC3339): accepted.Add(-2 * time.Second),
		accepted.Add(-time.Hour).Format(time.RFC3339Nano):   accepted,
		"not a date": accepted,
	} {
		m := nats.NewMsg(l.StartSubject("m"))
		m.Header.Set(HeaderStartDate, hdr)
		s, _ := decodeMsg(l, m, accepted, 1)
		if !s.Date.Equal(want) {
			t.Errorf("header %q: date %v, want %v", hdr, s.Date, want)
		}
	}
}

func TestNameFromMsgID(t *testing.T) {
	var l Layout
	// A bare id is the name; DedupID's form names it after the colon; an invalid name is replaced
	// by one derived from the stream sequence (and fails the execution).
	for id, want := range map[string]string{"plain": "plain", DedupID("m.v2", "n1"): "n1", "other:x": l.DeriveName(3)} {
		m := nats.NewMsg(l.StartSubject("m.v2"))
		m.Header.Set(HeaderMsgID, id)
		if s, _ := decodeMsg(l, m, time.Now(), 3); s.Name != want {
			t.Errorf("Nats-Msg-Id %q: name %q, want %q", id, s.Name, want)
		}
	}
}

func TestDedupIDIsScopedByMachine(t *testing.T) {
	if DedupID("a", "n") == DedupID("b", "n") || DedupID("a.b", "n") == DedupID("a", "b.n") {
		t.Fatal("two machines share a de-duplication id")
	}
}

func TestEncoderRefusesWhatTheDecoderRefuses(t *testing.T) {
	var l Layout
	for _, s := range []Start{
		{Machine: strings.Repeat("m", 81)},
		{Machine: "m", Name: "a:b"},
		{Machine: "m", Name: "n", Arn: l.ExecutionArn("other", "n", "1")},
		{Machine: "m", MachineArn: l.StateMachineArn("other")},
		{Machine: "m", Version: 2},
	} {
		if _, err := l.StartMsg(s); err == nil {
			t.Errorf("%+v was encoded", s)
		}
	}
}

func TestAliasRoute(t *testing.T) {
	a := Alias{Routing: []AliasRoute{{StateMachineVersionArn: "v1", Weight: 90}, {StateMachineVersionArn: "v2", Weight: 10}}}
	n := map[string]int{}
	for x := range uint64(100) {
		v, _ := a.Route(x)
		n[v]++
	}
	if n["v1"] != 90 || n["v2"] != 10 {
		t.Fatal(n)
	}
	if _, ok := (Alias{}).Route(1); ok {
		t.Fatal("an alias without routes routed")
	}
}

// FuzzDecodeStart: whatever a publisher sends, the decoder does not panic, and what it accepts
// is bounded and belongs to the subject's machine. It replaces the fuzz target of the sync
// envelope's hand-written parser, which is gone with the envelope.
func FuzzDecodeStart(f *testing.F) {
	var l Layout
	f.Add("orders", "n1", "", "", "", "", "2026-12-07T10:00:00Z", []byte(`{"a":1}`))
	f.Add("order.v2", "", l.ExecutionArn("order.v2", "n", "id"), l.StateMachineArn("order.v2")+":3", "3", "9", "", []byte(``))
	f.Add("x-6f", "n", l.ExecutionArn("x", "n", "id"), l.StateMachineArn("o")+":al", "", "", "2999-01-01T00:00:00Z", []byte(`"s"`))
	f.Fuzz(func(t *testing.T, token, name, arn, machineArn, version, revision, date string, body []byte) {
		m := nats.NewMsg("stepjet.start." + token)
		for k, v := range map[string]string{HeaderExecutionName: name, HeaderExecutionArn: arn, HeaderStateMachineArn: machineArn,
			HeaderMachineVersion: version, HeaderMachineRevision: revision, HeaderStartDate: date} {
			if v != "" {
				m.Header.Set(k, v)
			}
		}
		m.Data = body
		accepted := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		s, err := decodeMsg(l, m, accepted, 5)
		var se *StartError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if se != nil && se.Fatal {
			return
		}
		if CheckName("machine", s.Machine) != nil || CheckName("name", s.Name) != nil || !utf8.ValidString(s.Name) {
			t.Fatalf("accepted names %q / %q", s.Machine, s.Name)
		}
		if len(s.Arn) > MaxArnLen+4*MaxNameLen || !strings.HasPrefix(s.Arn, l.ExecutionArn(s.Machine, s.Name, "")) {
			t.Fatalf("execution ARN %q of %q/%q", s.Arn, s.Machine, s.Name)
		}
		if s.MachineArn != "" && (len(s.MachineArn) > MaxArnLen || !strings.HasPrefix(s.MachineArn, l.StateMachineArn(s.Machine))) {
			t.Fatalf("machine ARN %q of %q", s.MachineArn, s.Machine)
		}
		if s.Date.After(accepted) || accepted.Sub(s.Date) > MaxStartSkew {
			t.Fatalf("start date %v for accepted %v", s.Date, accepted)
		}
		if len(s.Input) == 0 {
			t.Fatal("empty input")
		}
		if err == nil && s.Version > 0 && s.Qualifier() == "" {
			t.Fatalf("version %d without a qualified ARN", s.Version)
		}
		_ = strconv.Itoa(s.Version)
	})
}

// A client that canonicalized the header key ("Traceparent") still has its trace context read.
func TestDecodeStartCanonicalTraceParent(t *testing.T) {
	l := Layout{}
	h := nats.Header{}
	h["Traceparent"] = []string{"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
	st, err := l.DecodeStart(l.StartSubject("m"), h, []byte("{}"), time.Now(), 1)
	if err != nil || st.TraceParent != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" {
		t.Fatalf("TraceParent %q, err %v", st.TraceParent, err)
	}
}

// TestRedriveStart: a redrive start carries its count through the one start contract, and its
// de-duplication ids differ from the first start's and from each other redrive's.
func TestRedriveStart(t *testing.T) {
	var l Layout
	s := l.NewStart("orders", "first", []byte(`{}`))
	first, err := l.StartMsg(s)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{first.Header.Get(HeaderMsgID): true}
	results := map[string]bool{ResultID(s.Arn, 0): true}
	for n := 1; n <= 3; n++ {
		s.RedriveCount = n
		m, err := l.StartMsg(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeMsg(l, m, s.Date, 9)
		if err != nil || got.RedriveCount != n || got.Arn != s.Arn || got.Name != "first" {
			t.Fatalf("decoded %+v, %v", got, err)
		}
		id := m.Header.Get(HeaderMsgID)
		if ids[id] || results[ResultID(s.Arn, n)] {
			t.Fatalf("redrive %d reuses a de-duplication id: %s", n, id)
		}
		ids[id], results[ResultID(s.Arn, n)] = true, true
	}
	// A redrive that names no execution, or a bad count, is refused.
	s.Arn = ""
	if _, err := l.StartMsg(s); err == nil {
		t.Fatal("a redrive without its ARN was encoded")
	}
	for _, bad := range []string{"0", "-1", "x", "1001"} {
		m, _ := l.StartMsg(l.NewStart("orders", "n", nil))
		m.Header.Set(HeaderRedriveCount, bad)
		if got, err := decodeMsg(l, m, time.Now(), 3); err == nil || got.RedriveCount != 0 {
			t.Fatalf("count %q: %+v %v", bad, got, err)
		}
	}
	m, _ := l.StartMsg(l.NewStart("orders", "n", nil))
	m.Header.Del(HeaderExecutionArn)
	m.Header.Set(HeaderRedriveCount, "1")
	if got, err := decodeMsg(l, m, time.Now(), 3); err == nil || got.RedriveCount != 0 {
		t.Fatalf("a redrive without its ARN decoded: %+v %v", got, err)
	}
}
