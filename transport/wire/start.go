package wire

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/internal/ids"
)

// The start contract. Every producer of starts (the AWS API, package client, triggers, the bench
// harness, natsload) builds its message with StartMsg or SyncMsg, and the executor reads every
// start with DecodeStart, so the header names, the ARN and name derivation, the definition pin,
// the trace context and the start date have one owner. docs/executor.md documents the same
// format for raw publishers.

// Limits AWS puts on names and ARNs. The decoder enforces them before anything taken from a
// start reaches a NATS request (a KV lookup's subject holds the machine name; an oversized one
// makes the server close the connection).
const (
	MaxNameLen = 80  // characters of a machine, alias or execution name
	MaxArnLen  = 256 // characters of an ARN
	// MaxStartSkew is how much earlier than the stream's (or the executor's) clock a start's
	// Stepjet-Start-Date may be: the API stamps a start a moment before JetStream stores it.
	// A date outside [accepted-MaxStartSkew, accepted] is ignored.
	MaxStartSkew = 5 * time.Second
	// maxTraceLen bounds the traceparent carried on (W3C's is 55 characters).
	maxTraceLen = 256
)

// Start is one execution's start as accepted: what the message carries, decoded and checked.
type Start struct {
	// Machine is the state machine's name; the subject names it (Layout.StartSubject).
	Machine string
	// Name is the execution name; Arn the execution ARN, fixed when the start is accepted.
	Name string
	Arn  string
	// MachineArn is the machine, version or alias ARN the caller named ("" is the machine).
	MachineArn string
	// Version is the published version that runs (a version start, or the version an alias
	// routed to when the start was accepted); 0 runs the machine's latest revision.
	Version int
	// Revision pins the KV revision of the record that runs (the machine's, or the version's);
	// 0 means the revision current when the stream accepted the start (Accepted).
	Revision uint64
	// Date is when the start was accepted; the execution's deadline counts from it.
	Date time.Time
	// Accepted is the stream's timestamp of the start (the executor's clock for sync starts);
	// set by DecodeStart, ignored by the encoders.
	Accepted time.Time
	// TraceParent is the W3C trace context, carried on as the result's traceHeader.
	TraceParent string
	// Deadline (sync starts) is when the caller stops waiting; work still queued then is dropped.
	Deadline time.Time
	// Input is the execution input, raw JSON ("{}" when empty).
	Input []byte
	// RedriveCount, when > 0, makes the start a redrive (RedriveExecution) of the execution Arn
	// names, which then runs for the RedriveCount-th time from the plan its kept history gives;
	// Date is when it was redriven. The start's de-duplication id and its result's carry the
	// count (DedupID, ResultID), so a redrive is neither swallowed as a repeat of the first
	// start nor run twice.
	RedriveCount int
}

// Headers of start messages (async and sync alike). All are optional for raw publishers; the
// decoder checks each against the subject (see DecodeStart).
const (
	// HeaderMsgID is JetStream's de-duplication header: DedupID(machine, name) on starts, the
	// execution ARN on results.
	HeaderMsgID = "Nats-Msg-Id"
	// HeaderExecutionArn fixes an execution's ARN when its start is accepted, so a redelivered
	// start produces a result with the same ARN. Accepted only when it is
	// Layout.ExecutionArn(subject's machine, execution name, id).
	HeaderExecutionArn = "Stepjet-Execution-Arn"
	// HeaderExecutionName is the execution's name (else Nats-Msg-Id, else one derived from the
	// start's stream sequence).
	HeaderExecutionName = "Stepjet-Execution-Name"
	// HeaderStateMachineArn is the machine, version or alias ARN the execution runs; it must
	// belong to the subject's machine.
	HeaderStateMachineArn = "Stepjet-State-Machine-Arn"
	// HeaderMachineVersion is the version that runs, chosen when the start was accepted (for an
	// alias, by its routing weights).
	HeaderMachineVersion = "Stepjet-Machine-Version"
	// HeaderMachineRevision is the KV revision of the definition that runs (the pin).
	HeaderMachineRevision = "Stepjet-Machine-Revision"
	// HeaderStartDate is when the start was accepted (RFC 3339 with nanoseconds); it may only
	// move the start MaxStartSkew earlier than the stream's timestamp.
	HeaderStartDate = "Stepjet-Start-Date"
	// HeaderDeadline (sync) is when the caller stops waiting (RFC 3339).
	HeaderDeadline = "Stepjet-Deadline"
	// HeaderTraceParent carries the W3C trace context across NATS.
	HeaderTraceParent = "traceparent"
	// HeaderRedriveCount marks a redrive start (Start.RedriveCount).
	HeaderRedriveCount = "Stepjet-Redrive-Count"
)

// MaxRedrives bounds an execution's redrive count (AWS's limit for Map Runs; AWS sets none for
// executions).
const MaxRedrives = 1000

// DedupID is a start's Nats-Msg-Id: the execution name scoped by its machine, so two machines
// may use the same execution name. (Neither a subject token nor a valid name holds ':'.)
func DedupID(machine, name string) string { return SubjectToken(machine) + ":" + name }

// redriveSuffix is what a redrive's de-duplication ids end with.
func redriveSuffix(n int) string {
	if n <= 0 {
		return ""
	}
	return ":redrive:" + strconv.Itoa(n)
}

// ResultID is the Nats-Msg-Id of an execution's result: its ARN, and for a redrive the redrive
// count, so each run's result is stored once and a redrive's is not taken for the first's.
func ResultID(executionArn string, redriveCount int) string {
	return executionArn + redriveSuffix(redriveCount)
}

// DeriveName is the execution name of a start published without one: a UUID derived from its
// stream sequence, so every redelivery agrees on it.
func (l Layout) DeriveName(seq uint64) string {
	return ids.Derive("name", l.ExecutionsStream(), strconv.FormatUint(seq, 10))
}

// DeriveArn is the execution ARN of a start published without a Stepjet-Execution-Arn header:
// determined by the machine, the execution name and the start's stream sequence.
func (l Layout) DeriveArn(machine, name string, seq uint64) string {
	return l.ExecutionArn(machine, name, ids.Derive("arn", l.ExecutionsStream(), name, strconv.FormatUint(seq, 10)))
}

// NewStart is a start of machine accepted now, with a fresh name and ARN unless given.
func (l Layout) NewStart(machine, name string, input []byte) Start {
	if name == "" {
		name = ids.New()
	}
	return Start{Machine: machine, Name: name, Arn: l.ExecutionArn(machine, name, ids.New()), Date: time.Now().UTC(), Input: input}
}

// StartMsg encodes an async start for the executions stream. It refuses a start the executor
// would refuse (names, ARNs, the machine reference), so a producer learns it at once.
func (l Layout) StartMsg(s Start) (*nats.Msg, error) {
	m, err := l.encode(l.StartSubject(s.Machine), s)
	if err != nil {
		return nil, err
	}
	m.Header.Set(HeaderMsgID, DedupID(s.Machine, s.Name)+redriveSuffix(s.RedriveCount))
	return m, nil
}

// SyncMsg encodes a sync start: a core request to Layout.SyncSubject, the input raw as the body.
func (l Layout) SyncMsg(s Start) (*nats.Msg, error) {
	m, err := l.encode(l.SyncSubject(s.Machine), s)
	if err != nil {
		return nil, err
	}
	if !s.Deadline.IsZero() {
		m.Header.Set(HeaderDeadline, s.Deadline.UTC().Format(time.RFC3339Nano))
	}
	return m, nil
}

func (l Layout) encode(subject string, s Start) (*nats.Msg, error) {
	if err := l.check(&s); err != nil {
		return nil, err
	}
	m := nats.NewMsg(subject)
	m.Data = s.Input
	if len(bytes.TrimSpace(m.Data)) == 0 {
		m.Data = []byte("{}")
	}
	h := m.Header
	if s.Name != "" {
		h.Set(HeaderExecutionName, s.Name)
	}
	if s.Arn != "" {
		h.Set(HeaderExecutionArn, s.Arn)
	}
	if s.MachineArn != "" {
		h.Set(HeaderStateMachineArn, s.MachineArn)
	}
	if s.Version > 0 {
		h.Set(HeaderMachineVersion, strconv.Itoa(s.Version))
	}
	if s.Revision > 0 {
		h.Set(HeaderMachineRevision, strconv.FormatUint(s.Revision, 10))
	}
	if !s.Date.IsZero() {
		h.Set(HeaderStartDate, s.Date.UTC().Format(time.RFC3339Nano))
	}
	if s.TraceParent != "" {
		h.Set(HeaderTraceParent, s.TraceParent)
	}
	if s.RedriveCount > 0 {
		h.Set(HeaderRedriveCount, strconv.Itoa(s.RedriveCount))
	}
	return m, nil
}

// check applies the decoder's rules to a start about to be encoded.
func (l Layout) check(s *Start) error {
	if err := CheckName("state machine name", s.Machine); err != nil {
		return err
	}
	if s.Name != "" {
		if err := CheckName("execution name", s.Name); err != nil {
			return err
		}
	}
	if s.Arn != "" {
		if err := l.checkExecutionArn(s.Machine, s.Name, s.Arn); err != nil {
			return err
		}
	}
	if _, err := l.checkMachineArn(s.Machine, s.MachineArn, s.Version); err != nil {
		return err
	}
	if len(s.TraceParent) > maxTraceLen {
		return &StartError{Type: "ValidationException", Message: "the traceparent is longer than " + strconv.Itoa(maxTraceLen) + " characters"}
	}
	if s.RedriveCount < 0 || s.RedriveCount > MaxRedrives {
		return &StartError{Type: "ValidationException", Message: "the redrive count " + strconv.Itoa(s.RedriveCount) + " is not between 0 and " + strconv.Itoa(MaxRedrives)}
	}
	if s.RedriveCount > 0 && (s.Name == "" || s.Arn == "") {
		return &StartError{Type: "ValidationException", Message: "a redrive start must name the execution and its ARN"}
	}
	return nil
}

// StartError is a start the executor refuses. Fatal ones name no machine a result could be
// stored for (the subject itself is invalid): the executor terminates the message and logs why.
// The others fail the execution with Type as its error.
type StartError struct {
	Type    string // AWS error name: InvalidName, InvalidArn, ValidationException
	Message string
	Fatal   bool
}

func (e *StartError) Error() string { return e.Type + ": " + e.Message }

// CheckName applies AWS's rule for machine, alias and execution names: 1 to 80 characters of
// valid UTF-8, none of them whitespace, brackets, wildcards, control characters or
// " # % \ ^ | ~ ` $ & , ; : /. what names the name in the error.
func CheckName(what, n string) error {
	if n == "" {
		return &StartError{Type: "InvalidName", Message: "the " + what + " is empty"}
	}
	if len(n) > 4*MaxNameLen || utf8.RuneCountInString(n) > MaxNameLen {
		return &StartError{Type: "InvalidName", Message: "the " + what + " is longer than " + strconv.Itoa(MaxNameLen) + " characters (" + strconv.Itoa(utf8.RuneCountInString(n)) + ")"}
	}
	if !ValidName(n) {
		return &StartError{Type: "InvalidName", Message: "Invalid Name: '" + n + "' (the " + what + " holds a character AWS refuses in names)"}
	}
	return nil
}

// ValidName reports whether n is free of the characters AWS refuses in names: whitespace,
// brackets, wildcards, control characters and " # % \ ^ | ~ ` $ & , ; : /, and is valid UTF-8.
func ValidName(n string) bool {
	if !utf8.ValidString(n) {
		return false
	}
	for _, r := range n {
		switch {
		case r <= 0x20, r >= 0x7f && r <= 0x9f:
			return false
		case strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r):
			return false
		case r == '\u00a0', r == '\u1680', r >= '\u2000' && r <= '\u200a', r == '\u2028', r == '\u2029', r == '\u202f', r == '\u205f', r == '\u3000', r == '\ufeff':
			return false
		}
	}
	return true
}

// checkExecutionArn accepts only the ARN Layout.ExecutionArn(machine, name, id) gives, with an
// id of its own: a start cannot claim another machine's or another execution's ARN.
func (l Layout) checkExecutionArn(machine, name, arn string) error {
	if len(arn) > MaxArnLen {
		return &StartError{Type: "InvalidArn", Message: "the execution ARN is longer than " + strconv.Itoa(MaxArnLen) + " characters (" + strconv.Itoa(len(arn)) + ")"}
	}
	prefix := l.ExecutionArn(machine, name, "")
	id, ok := strings.CutPrefix(arn, prefix)
	if !ok || id == "" || !ValidName(id) || len(id) > MaxNameLen {
		return &StartError{Type: "InvalidArn", Message: "the execution ARN '" + arn + "' is not one of execution '" + name + "' of state machine '" + machine + "' (expected " + prefix + "<id>)"}
	}
	return nil
}

// checkMachineArn accepts the machine's own ARN, or one of its version or alias ARNs, and
// returns the qualifier ("" for the machine, the version number or the alias name). version,
// when > 0, must agree with a version qualifier and needs a qualified ARN.
func (l Layout) checkMachineArn(machine, ref string, version int) (string, error) {
	if version < 0 {
		return "", &StartError{Type: "ValidationException", Message: "the machine version is negative"}
	}
	if ref == "" {
		if version > 0 {
			return "", &StartError{Type: "InvalidArn", Message: "a start pinned to version " + strconv.Itoa(version) + " must name a version or alias ARN"}
		}
		return "", nil
	}
	if len(ref) > MaxArnLen {
		return "", &StartError{Type: "InvalidArn", Message: "the state machine ARN is longer than " + strconv.Itoa(MaxArnLen) + " characters (" + strconv.Itoa(len(ref)) + ")"}
	}
	base := l.StateMachineArn(machine)
	rest, ok := strings.CutPrefix(ref, base)
	if !ok || (rest != "" && rest[0] != ':') {
		return "", &StartError{Type: "InvalidArn", Message: "the state machine ARN '" + ref + "' is not state machine '" + machine + "' (" + base + ") or one of its versions or aliases; a start runs the machine its subject names"}
	}
	if rest == "" {
		if version > 0 {
			return "", &StartError{Type: "InvalidArn", Message: "a start pinned to version " + strconv.Itoa(version) + " must name a version or alias ARN"}
		}
		return "", nil
	}
	q := rest[1:]
	if n, err := strconv.Atoi(q); err == nil {
		if n <= 0 || (version > 0 && version != n) {
			return "", &StartError{Type: "InvalidArn", Message: "the state machine ARN '" + ref + "' does not name version " + strconv.Itoa(version)}
		}
		return q, nil
	}
	if err := CheckName("alias name", q); err != nil {
		return "", &StartError{Type: "InvalidArn", Message: "the state machine ARN '" + ref + "': " + err.(*StartError).Message}
	}
	return q, nil
}

// Qualifier is the version number or alias name of s.MachineArn ("" for the machine itself).
// It assumes s was decoded (or checked).
func (s Start) Qualifier() string {
	i := strings.LastIndex(s.MachineArn, ":stateMachine:")
	if i < 0 {
		return ""
	}
	rest := s.MachineArn[i+len(":stateMachine:"):]
	if j := strings.IndexByte(rest, ':'); j >= 0 {
		return rest[j+1:]
	}
	return ""
}

// DecodeStart reads a start message: subject, headers and body, with accepted the stream's
// timestamp (async) or the moment the executor received it (sync), and seq the stream sequence
// (0 for sync starts, whose missing name and ARN are then drawn at random).
//
// Nothing in a start is trusted as it comes: the machine is the one the subject names
// (Layout.StartMachine), and the headers may only narrow it (a version or alias of it); an
// execution ARN must be the machine's and the name's; the start date may only move earlier,
// by MaxStartSkew at most. On error the Start still holds a safe identity (derived name and ARN)
// so the executor can store a FAILED result under it, unless the error is Fatal.
func (l Layout) DecodeStart(subject string, h nats.Header, data []byte, accepted time.Time, seq uint64) (Start, error) {
	s := Start{Accepted: accepted, Date: accepted, Input: data}
	if len(bytes.TrimSpace(s.Input)) == 0 {
		s.Input = []byte("{}")
	}
	machine, err := l.startMachine(subject)
	if err != nil {
		return s, err
	}
	s.Machine = machine
	get := func(k string) string {
		if h == nil {
			return ""
		}
		return h.Get(k)
	}
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	s.Name = get(HeaderExecutionName)
	if s.Name == "" {
		// A bare Nats-Msg-Id is the name; one in DedupID's form names it after the colon.
		id := get(HeaderMsgID)
		if name, ok := strings.CutPrefix(id, SubjectToken(machine)+":"); ok {
			id = name
		}
		s.Name = id
	}
	if s.Name != "" {
		if err := CheckName("execution name", s.Name); err != nil {
			keep(err)
			s.Name = ""
		}
	}
	if s.Name == "" {
		if seq > 0 {
			s.Name = l.DeriveName(seq)
		} else {
			s.Name = ids.New()
		}
	}
	if arn := get(HeaderExecutionArn); arn != "" && first == nil {
		if err := l.checkExecutionArn(machine, s.Name, arn); err != nil {
			keep(err)
		} else {
			s.Arn = arn
		}
	}
	if s.Arn == "" {
		if seq > 0 {
			s.Arn = l.DeriveArn(machine, s.Name, seq)
		} else {
			s.Arn = l.ExecutionArn(machine, s.Name, ids.New())
		}
	}
	if v := get(HeaderMachineVersion); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			keep(&StartError{Type: "ValidationException", Message: "the " + HeaderMachineVersion + " header '" + truncate(v) + "' is not a version number"})
		} else {
			s.Version = n
		}
	}
	if ref := get(HeaderStateMachineArn); ref != "" {
		if _, err := l.checkMachineArn(machine, ref, s.Version); err != nil {
			keep(err)
			s.Version = 0
		} else {
			s.MachineArn = ref
		}
	} else if s.Version > 0 {
		keep(&StartError{Type: "InvalidArn", Message: "a start pinned to version " + strconv.Itoa(s.Version) + " must name a version or alias ARN"})
		s.Version = 0
	}
	if v := get(HeaderMachineRevision); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 {
			keep(&StartError{Type: "ValidationException", Message: "the " + HeaderMachineRevision + " header '" + truncate(v) + "' is not a revision number"})
		} else {
			s.Revision = n
		}
	}
	if v := get(HeaderRedriveCount); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n <= 0 || n > MaxRedrives:
			keep(&StartError{Type: "ValidationException", Message: "the " + HeaderRedriveCount + " header '" + truncate(v) + "' is not a redrive count (1 to " + strconv.Itoa(MaxRedrives) + ")"})
		case get(HeaderExecutionArn) == "" || s.Arn != get(HeaderExecutionArn):
			// A redrive resumes one execution: it must name it.
			keep(&StartError{Type: "ValidationException", Message: "a redrive start must carry the execution's " + HeaderExecutionName + " and " + HeaderExecutionArn + " headers"})
		default:
			s.RedriveCount = n
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, get(HeaderStartDate)); err == nil && !t.After(accepted) && accepted.Sub(t) <= MaxStartSkew {
		s.Date = t
	}
	if t, err := time.Parse(time.RFC3339Nano, get(HeaderDeadline)); err == nil {
		s.Deadline = t
	}
	tp := get(HeaderTraceParent)
	if tp == "" {
		tp = get("Traceparent") // nats.go headers are case-sensitive; some clients canonicalize
	}
	if len(tp) <= maxTraceLen {
		s.TraceParent = tp
	}
	return s, first
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
