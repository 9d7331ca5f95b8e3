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

// startMachine is the machine a start or sync subject names: the whole remainder after
// "<prefix>.start." or "<prefix>.sync.", decoded as DecodeKey does. A remainder that begins
// with "x-" is the hex form SubjectToken writes; any other is the name as it is, dots included,
// so a raw publish to stepjet.start.order.v2 starts machine "order.v2" (never "v2"). The name
// must be a valid AWS name; an error here is Fatal (no result subject can be formed from it).
func (l Layout) startMachine(subject string) (string, error) {
	p := l.prefix() + "."
	rest, ok := strings.CutPrefix(subject, p+"start.")
	if !ok {
		rest, ok = strings.CutPrefix(subject, p+"sync.")
	}
	if !ok || rest == "" {
		return "", &StartError{Type: "InvalidArn", Message: "the subject '" + truncate(subject) + "' is not " + p + "start.<machine> or " + p + "sync.<machine>", Fatal: true}
	}
	name, ok := DecodeKey(rest)
	if !ok {
		return "", &StartError{Type: "InvalidName", Message: "the subject's machine token '" + truncate(rest) + "' begins with x- but is not hex (names that begin with x- are written x-<hex>)", Fatal: true}
	}
	if err := CheckName("state machine name", name); err != nil {
		err.(*StartError).Fatal = true
		return "", err
	}
	return name, nil
}

// SubjectMachine is the machine a start or sync subject names (see DecodeStart).
func (l Layout) SubjectMachine(subject string) (string, error) { return l.startMachine(subject) }

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

// Route is the version ARN the alias sends a start with draw x to: x modulo the total weight
// picks a route in proportion to the weights. ok is false when the alias routes nowhere.
func (a Alias) Route(x uint64) (versionArn string, ok bool) {
	total := 0
	for _, r := range a.Routing {
		total += max(r.Weight, 0)
	}
	if total <= 0 {
		return "", false
	}
	n := int(x % uint64(total))
	for _, r := range a.Routing {
		if n < max(r.Weight, 0) {
			return r.StateMachineVersionArn, true
		}
		n -= max(r.Weight, 0)
	}
	return a.Routing[0].StateMachineVersionArn, true
}
