package awsapi

import (
	"context"
	"encoding/json"
)

// standardOnly are operations AWS offers for Standard workflows only. Without kept records
// (Config.Records) they answer as AWS does for Express executions and machines.
var standardOnly = []string{"DescribeExecution", "GetExecutionHistory", "StopExecution", "RedriveExecution", "ListExecutions"}

func standardOnlyOp(op string) operation {
	return func(s *Server, ctx context.Context, body []byte) (any, error) {
		var in struct {
			ExecutionArn    *string `json:"executionArn"`
			StateMachineArn *string `json:"stateMachineArn"`
			StatusFilter    *string `json:"statusFilter"`
			MaxResults      *int    `json:"maxResults"`
			NextToken       *string `json:"nextToken"`
		}
		if err := decode(body, &in); err != nil {
			return nil, err
		}
		if op == "ListExecutions" {
			var v validation
			v.required(in.StateMachineArn != nil, "stateMachineArn")
			// AWS's enum order, from its answer to statusFilter 'succeeded'.
			v.enum(in.StatusFilter, "statusFilter", "SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING")
			v.value(in.MaxResults, "maxResults", 0, 1000)
			v.length(in.NextToken, "nextToken", 1, 3096)
			if err := v.err(); err != nil {
				return nil, err
			}
			ref, e := s.parseMachineArn(*in.StateMachineArn)
			if e != nil {
				return nil, e
			}
			if ref.alias == "" {
				m, _, err := s.machine(ctx, ref)
				if err != nil {
					return nil, err
				}
				if m.Type != "EXPRESS" { // stepjet never ran it: no executions to list
					return struct {
						Executions []struct{} `json:"executions"`
					}{[]struct{}{}}, nil
				}
			}
			return nil, errBadRequest("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
		}
		var v validation
		v.required(in.ExecutionArn != nil, "executionArn")
		v.length(in.ExecutionArn, "executionArn", 1, 256)
		if err := v.err(); err != nil {
			return nil, err
		}
		return nil, executionMissing(*in.ExecutionArn)
	}
}

// executionMissing is the answer for an execution ARN stepjet keeps no record of: an Express
// ARN is not valid for Standard-only operations, a Standard one does not exist.
func executionMissing(raw string) *Error {
	a, e := parseArn(raw)
	if e != nil {
		return e
	}
	if a.resource != "execution" {
		return errInvalidArn("Resource type not valid in this context: " + a.resource)
	}
	return errBadRequest("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", raw)
}

func (s *Server) describeStateMachineForExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn *string `json:"executionArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.required(in.ExecutionArn != nil, "executionArn")
	v.length(in.ExecutionArn, "executionArn", 1, 256)
	if err := v.err(); err != nil {
		return nil, err
	}
	a, e := parseArn(*in.ExecutionArn)
	if e != nil {
		return nil, e
	}
	if a.resource != "express" {
		return nil, executionMissing(*in.ExecutionArn)
	}
	if len(a.parts) != 3 {
		return nil, errInvalidArn("Invalid ARN: " + *in.ExecutionArn)
	}
	ref := machineRef{arn: s.cfg.Layout.StateMachineArn(a.parts[0]), name: a.parts[0]}
	ref.foreign = a.region != s.cfg.Layout.RegionOrDefault() || a.account != s.cfg.Layout.AccountOrDefault()
	if s.cfg.Records != nil {
		// The record says which machine and version ran; without one there is no execution.
		rec, err := s.record(ctx, *in.ExecutionArn)
		if err != nil {
			return nil, err
		}
		if rec.StateMachineVersionArn != "" {
			if vref, e := s.parseMachineArn(rec.StateMachineVersionArn); e == nil {
				ref = vref
			}
		}
	}
	m, _, err := s.machine(ctx, ref)
	if err != nil {
		return nil, errBadRequest("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", *in.ExecutionArn)
	}
	d := describe(m)
	return struct {
		StateMachineArn         string              `json:"stateMachineArn"`
		Name                    string              `json:"name"`
		Definition              string              `json:"definition"`
		RoleArn                 string              `json:"roleArn,omitempty"`
		UpdateDate              epoch               `json:"updateDate"`
		LoggingConfiguration    json.RawMessage     `json:"loggingConfiguration"`
		TracingConfiguration    json.RawMessage     `json:"tracingConfiguration"`
		RevisionID              string              `json:"revisionId,omitempty"`
		EncryptionConfiguration json.RawMessage     `json:"encryptionConfiguration"`
		VariableReferences      map[string][]string `json:"variableReferences,omitempty"`
	}{d.StateMachineArn, d.Name, d.Definition, d.RoleArn, d.CreationDate, d.LoggingConfiguration, d.TracingConfiguration, d.RevisionID,
		d.EncryptionConfiguration, d.VariableReferences}, nil
}
