package records

import (
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
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
