package awsapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/history"
	"github.com/stepjet/stepjet/transport/records"
)

// With Config.Records set, stepjet answers DescribeExecution, ListExecutions,
// GetExecutionHistory and StopExecution for Express executions from the records the executors
// keep (package records). AWS refuses them for Express; without Records, so does stepjet
// (express.go), which is how retention off gives AWS's behaviour back.

// recordsOr answers op from the records when they are kept, else as AWS does for Express.
func recordsOr(op string, h operation) operation {
	fallback := standardOnlyOp(op)
	return func(s *Server, ctx context.Context, body []byte) (any, error) {
		if s.cfg.Records == nil {
			return fallback(s, ctx, body)
		}
		return h(s, ctx, body)
	}
}

// executionArnMember checks a request's executionArn member (required, 1–256 characters).
func executionArnMember(p *string) error {
	var v validation
	v.required(p != nil, "executionArn")
	v.length(p, "executionArn", 1, 256)
	return v.err()
}

// checkExecutionArn refuses an ARN that is no Express execution's: AWS's InvalidArn for a
// malformed ARN or another resource type, ExecutionDoesNotExist for a Standard execution.
func checkExecutionArn(raw string) *Error {
	a, e := parseArn(raw)
	if e != nil {
		return e
	}
	if a.resource != "express" {
		return executionMissing(raw)
	}
	if len(a.parts) != 3 {
		return errInvalidArn("Invalid ARN: " + raw)
	}
	return nil
}

func errExecutionMissing(raw string) *Error {
	return errBadRequest("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", raw)
}

// record reads the record of execution raw.
func (s *Server) record(ctx context.Context, raw string) (records.Record, error) {
	if e := checkExecutionArn(raw); e != nil {
		return records.Record{}, e
	}
	rec, _, err := s.cfg.Records.Get(ctx, raw)
	if errors.Is(err, records.ErrNotFound) {
		return rec, errExecutionMissing(raw)
	}
	if err != nil {
		return rec, errUnavailable("reading the execution's record: " + err.Error())
	}
	return rec, nil
}

func (s *Server) describeExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn *string `json:"executionArn"`
		IncludedData *string `json:"includedData"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := executionArnMember(in.ExecutionArn); err != nil {
		return nil, err
	}
	var v validation
	v.enum(in.IncludedData, "includedData", "ALL_DATA", "METADATA_ONLY")
	if err := v.err(); err != nil {
		return nil, err
	}
	rec, err := s.record(ctx, *in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if str(in.IncludedData) == "METADATA_ONLY" {
		rec.Input, rec.Output = nil, nil
	}
	rec.RedriveStatus, rec.RedriveStatusReason = redriveStatus(rec)
	return rec, nil
}

func (s *Server) stopExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn *string `json:"executionArn"`
		Error        *string `json:"error"`
		Cause        *string `json:"cause"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := executionArnMember(in.ExecutionArn); err != nil {
		return nil, err
	}
	var v validation
	v.length(in.Error, "error", 0, 256)
	v.length(in.Cause, "cause", 0, 32768)
	if err := v.err(); err != nil {
		return nil, err
	}
	if e := checkExecutionArn(*in.ExecutionArn); e != nil {
		return nil, e
	}
	rec, err := s.cfg.Records.Stop(ctx, *in.ExecutionArn, str(in.Error), str(in.Cause), s.now())
	switch {
	case errors.Is(err, records.ErrNotFound):
		return nil, errExecutionMissing(*in.ExecutionArn)
	case errors.Is(err, records.ErrNotRunning): // it ended already: when it did
	case err != nil:
		return nil, errUnavailable("stopping the execution: " + err.Error())
	}
	return struct {
		StopDate float64 `json:"stopDate"`
	}{rec.StopDate}, nil
}

// token is an opaque nextToken: base64 of what the listing resumes from.
func token(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func untoken(t string) (string, *Error) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return "", &Error{Status: http.StatusBadRequest, Name: "InvalidToken", Message: "Invalid Token: '" + t + "'"}
	}
	return string(b), nil
}

// pageSize is maxResults as AWS applies it: 0 or absent means 100.
func pageSize(n *int) int {
	if n == nil || *n <= 0 {
		return 100
	}
	return *n
}

func (s *Server) listExecutions(ctx context.Context, body []byte) (any, error) {
	var in struct {
		StateMachineArn *string `json:"stateMachineArn"`
		MapRunArn       *string `json:"mapRunArn"`
		StatusFilter    *string `json:"statusFilter"`
		RedriveFilter   *string `json:"redriveFilter"`
		MaxResults      *int    `json:"maxResults"`
		NextToken       *string `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.MapRunArn == nil {
		v.required(in.StateMachineArn != nil, "stateMachineArn")
	}
	v.length(in.StateMachineArn, "stateMachineArn", 1, 256)
	// AWS's enum order, from its answer to statusFilter 'succeeded'.
	v.enum(in.StatusFilter, "statusFilter", "SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING")
	v.enum(in.RedriveFilter, "redriveFilter", "REDRIVEN", "NOT_REDRIVEN")
	v.value(in.MaxResults, "maxResults", 0, 1000)
	v.length(in.NextToken, "nextToken", 1, 3096)
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.MapRunArn != nil {
		return nil, errResourceMissing(*in.MapRunArn) // stepjet keeps no Map Runs (Distributed Map)
	}
	ref, e := s.parseMachineArn(*in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	f := records.ListFilter{Status: str(in.StatusFilter), Redrive: str(in.RedriveFilter)}
	switch {
	case ref.alias != "":
		reg, err := s.registry(ctx)
		if err != nil {
			return nil, err
		}
		if _, _, err := reg.Alias(ctx, ref.name, ref.alias); ref.foreign || err != nil {
			return nil, errResourceMissing(ref.arn)
		}
		f.AliasArn = ref.arn
	default:
		m, _, err := s.machine(ctx, ref)
		if err != nil {
			return nil, err
		}
		if m.Type != "EXPRESS" { // stepjet never ran it: no executions to list
			return struct {
				Executions []records.Summary `json:"executions"`
			}{[]records.Summary{}}, nil
		}
		if ref.version > 0 {
			f.VersionArn = ref.arn
		}
	}
	var before uint64 // the sequence the previous page ended at
	if in.NextToken != nil {
		t, e := untoken(*in.NextToken)
		n, err := strconv.ParseUint(strings.TrimPrefix(t, "r"), 10, 64)
		if e != nil || err != nil || !strings.HasPrefix(t, "r") || n == 0 {
			return nil, &Error{Status: http.StatusBadRequest, Name: "InvalidToken", Message: "Invalid Token: '" + *in.NextToken + "'"}
		}
		before = n
	}
	page, next, err := s.cfg.Records.Page(ctx, ref.name, f, pageSize(in.MaxResults), before)
	if err != nil {
		return nil, errUnavailable("listing executions: " + err.Error())
	}
	out := struct {
		Executions []records.Summary `json:"executions"`
		NextToken  string            `json:"nextToken,omitempty"`
	}{Executions: page}
	if out.Executions == nil {
		out.Executions = []records.Summary{}
	}
	if next > 0 {
		out.NextToken = token("r" + strconv.FormatUint(next, 10))
	}
	return out, nil
}

func (s *Server) getExecutionHistory(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn         *string `json:"executionArn"`
		MaxResults           *int    `json:"maxResults"`
		ReverseOrder         bool    `json:"reverseOrder"`
		NextToken            *string `json:"nextToken"`
		IncludeExecutionData *bool   `json:"includeExecutionData"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := executionArnMember(in.ExecutionArn); err != nil {
		return nil, err
	}
	var v validation
	v.value(in.MaxResults, "maxResults", 0, 1000)
	v.length(in.NextToken, "nextToken", 1, 3096)
	if err := v.err(); err != nil {
		return nil, err
	}
	arn := *in.ExecutionArn
	if _, err := s.record(ctx, arn); err != nil {
		return nil, err
	}
	events, err := s.cfg.Records.History(ctx, arn)
	if err != nil {
		return nil, errUnavailable("reading the execution's history: " + err.Error())
	}
	if in.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	start := 0
	if in.NextToken != nil {
		t, e := untoken(*in.NextToken)
		n, err := strconv.Atoi(strings.TrimPrefix(t, "h"))
		if e != nil || err != nil || !strings.HasPrefix(t, "h") || n < 0 || n > len(events) {
			return nil, &Error{Status: http.StatusBadRequest, Name: "InvalidToken", Message: "Invalid Token: '" + *in.NextToken + "'"}
		}
		start = n
	}
	end := min(start+pageSize(in.MaxResults), len(events))
	page := events[start:end]
	if in.IncludeExecutionData != nil && !*in.IncludeExecutionData {
		for i, ev := range page {
			page[i] = withoutData(ev)
		}
	}
	out := struct {
		Events    []json.RawMessage `json:"events"`
		NextToken string            `json:"nextToken,omitempty"`
	}{Events: page}
	if out.Events == nil {
		out.Events = []json.RawMessage{}
	}
	if end < len(events) {
		out.NextToken = token("h" + strconv.Itoa(end))
	}
	return out, nil
}

// withoutData is a HistoryEvent without execution data in its details member, written as the
// kept one was (engine/history owns the form).
func withoutData(ev json.RawMessage) json.RawMessage {
	e, err := history.Parse(ev)
	if err != nil {
		return ev
	}
	return history.AppendJSON(nil, e, history.Options{WithoutData: true})
}
