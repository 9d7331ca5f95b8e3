package records

import (
	"math"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/jsonstr"
	"github.com/stepjet/stepjet/transport/wire"
)

// Record is what is kept of an execution: DescribeExecution's answer, as AWS shapes it (dates
// in epoch seconds, input and output as JSON text).
type Record struct {
	ExecutionArn           string               `json:"executionArn"`
	StateMachineArn        string               `json:"stateMachineArn"`
	Name                   string               `json:"name"`
	Status                 string               `json:"status"` // RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED
	StartDate              float64              `json:"startDate"`
	StopDate               float64              `json:"stopDate,omitempty"`
	Input                  *string              `json:"input,omitempty"`
	InputDetails           *wire.PayloadDetails `json:"inputDetails,omitempty"`
	Output                 *string              `json:"output,omitempty"`
	OutputDetails          *wire.PayloadDetails `json:"outputDetails,omitempty"`
	Error                  string               `json:"error,omitempty"`
	Cause                  string               `json:"cause,omitempty"`
	TraceHeader            string               `json:"traceHeader,omitempty"`
	StateMachineVersionArn string               `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string               `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int                  `json:"redriveCount"`
	RedriveDate            float64              `json:"redriveDate,omitempty"`
	// RedriveStatus and RedriveStatusReason are not stored: the API says them when it answers
	// (REDRIVABLE or NOT_REDRIVABLE, and why).
	RedriveStatus       string `json:"redriveStatus,omitempty"`
	RedriveStatusReason string `json:"redriveStatusReason,omitempty"`

	// Kept in the record message's headers, not answered (see redrive.go).
	//
	// Revision is the KV revision of the definition that ran: a redrive runs it again.
	Revision uint64 `json:"-"`
	// NotRedrivable says why its history cannot be redriven ("" when it can).
	NotRedrivable string `json:"-"`
	// RedriveTokens are the client tokens of its latest redrives (RedriveExecution's
	// idempotency), newest last, each as TOKEN|REDRIVE-DATE (see RedriveOf).
	RedriveTokens []string `json:"-"`
}

// Summary is a ListExecutions item, read from a record's headers alone.
type Summary struct {
	ExecutionArn           string  `json:"executionArn"`
	StateMachineArn        string  `json:"stateMachineArn"`
	Name                   string  `json:"name"`
	Status                 string  `json:"status"`
	StartDate              float64 `json:"startDate"`
	StopDate               float64 `json:"stopDate,omitempty"`
	StateMachineVersionArn string  `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string  `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int     `json:"redriveCount"`
	RedriveDate            float64 `json:"redriveDate,omitempty"`
	// Seq is the record's stream sequence: a listing resumes before it.
	Seq uint64 `json:"-"`
}

// Headers of record messages: a listing reads them without the body.
const (
	hdrArn     = "Stepjet-Execution-Arn"
	hdrMachine = "Stepjet-State-Machine-Arn"
	hdrName    = "Stepjet-Execution-Name"
	hdrStatus  = "Stepjet-Status"
	hdrStart   = "Stepjet-Start-Date"
	hdrStop    = "Stepjet-Stop-Date"
	hdrVersion = "Stepjet-Version-Arn"
	hdrAlias   = "Stepjet-Alias-Arn"
	hdrRedrive = "Stepjet-Redrive-Count"
	// The redrive's headers (redrive.go).
	hdrRedriveDate   = "Stepjet-Redrive-Date"
	hdrRevision      = "Stepjet-Machine-Revision"
	hdrNotRedrivable = "Stepjet-Not-Redrivable"
	hdrTokens        = "Stepjet-Redrive-Tokens"
)

func (r *Record) headers(h nats.Header) {
	h.Set(hdrArn, r.ExecutionArn)
	h.Set(hdrMachine, r.StateMachineArn)
	h.Set(hdrName, r.Name)
	h.Set(hdrStatus, r.Status)
	h.Set(hdrStart, strconv.FormatFloat(r.StartDate, 'f', -1, 64))
	if r.StopDate > 0 {
		h.Set(hdrStop, strconv.FormatFloat(r.StopDate, 'f', -1, 64))
	}
	if r.StateMachineVersionArn != "" {
		h.Set(hdrVersion, r.StateMachineVersionArn)
	}
	if r.StateMachineAliasArn != "" {
		h.Set(hdrAlias, r.StateMachineAliasArn)
	}
	if r.RedriveCount > 0 {
		h.Set(hdrRedrive, strconv.Itoa(r.RedriveCount))
	}
	r.redriveHeaders(h)
}

func summaryOf(h nats.Header) Summary {
	f := func(k string) float64 { v, _ := strconv.ParseFloat(h.Get(k), 64); return v }
	n, _ := strconv.Atoi(h.Get(hdrRedrive))
	return Summary{
		ExecutionArn: h.Get(hdrArn), StateMachineArn: h.Get(hdrMachine), Name: h.Get(hdrName), Status: h.Get(hdrStatus),
		StartDate: f(hdrStart), StopDate: f(hdrStop), StateMachineVersionArn: h.Get(hdrVersion), StateMachineAliasArn: h.Get(hdrAlias),
		RedriveCount: n, RedriveDate: f(hdrRedriveDate),
	}
}

// epoch is a time as AWS's JSON protocol sends it: seconds with millisecond precision.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// message is rec's record message on subject, the one encoding every writer uses: the body as
// encoding/json marshals it (appendJSON), the headers ListExecutions reads and, with ttl, its
// own expiry (Nats-TTL).
func (r *Record) message(subject, ttl string) *nats.Msg {
	m := nats.NewMsg(subject)
	n := 512 + len(r.Cause) + len(r.Error)
	if r.Input != nil {
		n += len(*r.Input) * 9 / 8
	}
	if r.Output != nil {
		n += len(*r.Output) * 9 / 8
	}
	m.Data = r.appendJSON(make([]byte, 0, n))
	r.headers(m.Header)
	if ttl != "" {
		m.Header.Set(jetstream.MsgTTLHeader, ttl)
	}
	return m
}

// appendJSON appends rec as encoding/json marshals it, byte for byte (TestAppendJSON), at a
// fraction of the cost: every execution's terminal record is encoded on the writer's path.
func (r *Record) appendJSON(b []byte) []byte {
	str := func(b []byte, key, v string) []byte {
		b = append(b, key...)
		return jsonstr.Append(b, v, jsonOpts)
	}
	opt := func(b []byte, key, v string) []byte {
		if v == "" {
			return b
		}
		return str(b, key, v)
	}
	details := func(b []byte, key string, d *wire.PayloadDetails) []byte {
		if d == nil {
			return b
		}
		b = append(b, key...)
		return append(strconv.AppendBool(append(b, `{"included":`...), d.Included), '}')
	}
	b = str(b, `{"executionArn":`, r.ExecutionArn)
	b = str(b, `,"stateMachineArn":`, r.StateMachineArn)
	b = str(b, `,"name":`, r.Name)
	b = str(b, `,"status":`, r.Status)
	b = appendFloat(append(b, `,"startDate":`...), r.StartDate)
	if r.StopDate != 0 {
		b = appendFloat(append(b, `,"stopDate":`...), r.StopDate)
	}
	if r.Input != nil {
		b = str(b, `,"input":`, *r.Input)
	}
	b = details(b, `,"inputDetails":`, r.InputDetails)
	if r.Output != nil {
		b = str(b, `,"output":`, *r.Output)
	}
	b = details(b, `,"outputDetails":`, r.OutputDetails)
	b = opt(b, `,"error":`, r.Error)
	b = opt(b, `,"cause":`, r.Cause)
	b = opt(b, `,"traceHeader":`, r.TraceHeader)
	b = opt(b, `,"stateMachineVersionArn":`, r.StateMachineVersionArn)
	b = opt(b, `,"stateMachineAliasArn":`, r.StateMachineAliasArn)
	b = strconv.AppendInt(append(b, `,"redriveCount":`...), int64(r.RedriveCount), 10)
	if r.RedriveDate != 0 {
		b = appendFloat(append(b, `,"redriveDate":`...), r.RedriveDate)
	}
	b = opt(b, `,"redriveStatus":`, r.RedriveStatus)
	b = opt(b, `,"redriveStatusReason":`, r.RedriveStatusReason)
	return append(b, '}')
}

// jsonOpts are encoding/json's string escapes.
var jsonOpts = jsonstr.Options{HTMLSafe: true, ValidUTF8: true}

// appendFloat appends f as encoding/json writes a float64 (NaN and infinities, which no date
// is, as 0).
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	abs, format := math.Abs(f), byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
