// Package wire fixes stepjet's NATS layout — stream, subject, bucket and header names, key
// encodings and message bodies — in one place, so the executor, the API and any client agree on
// it. DESIGN.md's "NATS layout" table is the contract this package implements.
package wire

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// DefaultPrefix is the subject prefix when none is configured.
const DefaultPrefix = "stepjet"

// Headers carried by start messages and results.
const (
	// HeaderMsgID is JetStream's de-duplication header: the execution name on starts, the
	// execution ARN on results.
	HeaderMsgID = "Nats-Msg-Id"
	// HeaderExecutionArn fixes an execution's ARN when its start is accepted, so a redelivered
	// start produces a result with the same ARN. A bare publish without it gets an ARN derived
	// from its execution name (see Layout.ExecutionArn).
	HeaderExecutionArn = "Stepjet-Execution-Arn"
	// HeaderExecutionName is the execution's name (defaults to Nats-Msg-Id, then a fresh UUID).
	HeaderExecutionName = "Stepjet-Execution-Name"
	// HeaderStateMachineArn names the machine, version or alias ARN the execution runs; without it
	// the machine is the subject's last token.
	HeaderStateMachineArn = "Stepjet-State-Machine-Arn"
	// HeaderStartDate is when the start was accepted (RFC 3339 with nanoseconds).
	HeaderStartDate = "Stepjet-Start-Date"
	// HeaderTraceParent carries the W3C trace context across NATS.
	HeaderTraceParent = "traceparent"
)

// Layout derives every NATS name from a prefix. The zero value uses DefaultPrefix.
type Layout struct {
	Prefix string
	// Region and Account build ARNs; defaults us-east-1 and 123456789012.
	Region  string
	Account string
}

func (l Layout) prefix() string {
	if l.Prefix == "" {
		return DefaultPrefix
	}
	return l.Prefix
}

func (l Layout) upper() string { return strings.ToUpper(strings.ReplaceAll(l.prefix(), ".", "_")) }

// RegionOrDefault and AccountOrDefault give the ARN parts.
func (l Layout) RegionOrDefault() string {
	if l.Region == "" {
		return "us-east-1"
	}
	return l.Region
}

func (l Layout) AccountOrDefault() string {
	if l.Account == "" {
		return "123456789012"
	}
	return l.Account
}

// MachinesBucket is the KV bucket of state machines, versions and aliases.
func (l Layout) MachinesBucket() string {
	return strings.ReplaceAll(l.prefix(), ".", "_") + "_machines"
}

// TriggersBucket is the KV bucket binding user subjects to machines (key: EncodeKey(subject)).
func (l Layout) TriggersBucket() string {
	return strings.ReplaceAll(l.prefix(), ".", "_") + "_triggers"
}

// ExecutionsStream is the WorkQueue stream of async starts.
func (l Layout) ExecutionsStream() string { return l.upper() + "_EXECUTIONS" }

// ResultsStream holds StartSyncExecution-shaped results.
func (l Layout) ResultsStream() string { return l.upper() + "_RESULTS" }

// LogsStream holds Express log events.
func (l Layout) LogsStream() string { return l.upper() + "_LOGS" }

// StartSubject is where async starts for a machine are published.
func (l Layout) StartSubject(machine string) string {
	return l.prefix() + ".start." + SubjectToken(machine)
}

// SyncSubject is where sync starts are requested (queue group SyncQueue).
func (l Layout) SyncSubject(machine string) string {
	return l.prefix() + ".sync." + SubjectToken(machine)
}

// SyncQueue is the queue group executors serve sync requests in.
func (l Layout) SyncQueue() string { return l.prefix() + "-executors" }

// ResultSubject is where a machine's execution results are stored.
func (l Layout) ResultSubject(machine string) string {
	return l.prefix() + ".result." + SubjectToken(machine)
}

// LogSubject is where a machine's log events are published.
func (l Layout) LogSubject(machine string) string {
	return l.prefix() + ".log." + SubjectToken(machine)
}

// FunctionSubject is where NATS task workers for function name serve requests.
func (l Layout) FunctionSubject(name string) string {
	return l.prefix() + ".fn." + SubjectToken(name)
}

// StateMachineArn is arn:aws:states:<region>:<account>:stateMachine:<name>.
func (l Layout) StateMachineArn(name string) string {
	return "arn:aws:states:" + l.RegionOrDefault() + ":" + l.AccountOrDefault() + ":stateMachine:" + name
}

// ExecutionArn is an Express execution ARN:
// arn:aws:states:<region>:<account>:express:<machine>:<execution-name>:<id>.
func (l Layout) ExecutionArn(machine, execName, id string) string {
	return "arn:aws:states:" + l.RegionOrDefault() + ":" + l.AccountOrDefault() + ":express:" + machine + ":" + execName + ":" + id
}

// SubjectToken makes a name safe as one subject token: names that hold only [-_A-Za-z0-9] pass
// as they are; others are hex-encoded behind "x-" (and so are names that begin with "x-"), which
// keeps one name one token.
func SubjectToken(name string) string {
	if safe(name, false) && !strings.HasPrefix(name, "x-") {
		return name
	}
	return "x-" + hex.EncodeToString([]byte(name))
}

// EncodeKey makes a name safe as a KV key segment, by the same rule as SubjectToken (KV keys
// allow only [-/_=.A-Za-z0-9]; '.' separates our key segments).
func EncodeKey(name string) string { return SubjectToken(name) }

// DecodeKey reverses EncodeKey / SubjectToken.
func DecodeKey(k string) (string, bool) {
	if !strings.HasPrefix(k, "x-") {
		return k, true
	}
	b, err := hex.DecodeString(k[2:])
	if err != nil {
		return "", false
	}
	return string(b), true
}

func safe(s string, dot bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		case c == '.' && dot:
		default:
			return false
		}
	}
	return true
}

// Keys in MachinesBucket.
func MachineKey(name string) string { return "machine." + EncodeKey(name) }
func VersionKey(name string, version int) string {
	return "version." + EncodeKey(name) + "." + itoa(version)
}
func AliasKey(name, alias string) string { return "alias." + EncodeKey(name) + "." + EncodeKey(alias) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Machine is a state machine as stored in MachinesBucket (under MachineKey for the latest
// revision, VersionKey for a published version, which then has Version > 0).
type Machine struct {
	Name                 string            `json:"name"`
	Arn                  string            `json:"stateMachineArn"`
	Definition           string            `json:"definition"`
	RoleArn              string            `json:"roleArn,omitempty"`
	Type                 string            `json:"type"` // EXPRESS
	Description          string            `json:"description,omitempty"`
	LoggingConfiguration json.RawMessage   `json:"loggingConfiguration,omitempty"`
	TracingConfiguration json.RawMessage   `json:"tracingConfiguration,omitempty"`
	Tags                 map[string]string `json:"tags,omitempty"`
	CreationDate         time.Time         `json:"creationDate"`
	RevisionID           string            `json:"revisionId,omitempty"`
	Version              int               `json:"version,omitempty"`
}

// Alias is a state machine alias as stored under AliasKey: a weighted routing between versions.
type Alias struct {
	Name         string          `json:"name"`
	Arn          string          `json:"stateMachineAliasArn"`
	Description  string          `json:"description,omitempty"`
	Routing      []AliasRoute    `json:"routingConfiguration"`
	CreationDate time.Time       `json:"creationDate"`
	UpdateDate   time.Time       `json:"updateDate"`
	Extra        json.RawMessage `json:"extra,omitempty"`
}

// AliasRoute sends Weight percent of starts to the version ARN.
type AliasRoute struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int    `json:"weight"`
}

// Result is an execution's outcome, shaped like AWS's StartSyncExecution response; it is the
// body of results-stream messages and sync replies.
type Result struct {
	ExecutionArn    string          `json:"executionArn"`
	StateMachineArn string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	StartDate       float64         `json:"startDate"` // epoch seconds, as AWS's JSON protocol sends
	StopDate        float64         `json:"stopDate"`
	Status          string          `json:"status"` // SUCCEEDED | FAILED | TIMED_OUT
	Input           string          `json:"input,omitempty"`
	InputDetails    *PayloadDetails `json:"inputDetails,omitempty"`
	Output          string          `json:"output,omitempty"`
	OutputDetails   *PayloadDetails `json:"outputDetails,omitempty"`
	Error           string          `json:"error,omitempty"`
	Cause           string          `json:"cause,omitempty"`
	BillingDetails  *BillingDetails `json:"billingDetails,omitempty"`
	TraceHeader     string          `json:"traceHeader,omitempty"`
}

// PayloadDetails says whether a payload was included.
type PayloadDetails struct {
	Included bool `json:"included"`
}

// BillingDetails mirrors AWS's Express billing figures.
type BillingDetails struct {
	BilledMemoryUsedInMB int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMs   int64 `json:"billedDurationInMilliseconds"`
}

// SyncRequest is the body of a sync start request (core NATS request to SyncSubject).
type SyncRequest struct {
	StateMachineArn string `json:"stateMachineArn,omitempty"`
	Name            string `json:"name,omitempty"`
	Input           string `json:"input,omitempty"`
	TraceHeader     string `json:"traceHeader,omitempty"`
}
