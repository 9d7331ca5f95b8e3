package awsapi

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// RedriveExecution restarts an Express execution that FAILED, TIMED_OUT or was ABORTED from its
// kept history (AWS redrives Standard executions only): the record turns RUNNING with its
// redrive count one higher, and a redrive start (wire.Start.RedriveCount) pinned to the
// definition revision the execution ran goes to the executors, which resume it where it
// stopped (engine.Machine.PlanRedrive). The record's compare-and-set makes one redrive of a
// count win; the start's and the result's de-duplication ids carry the count.

// Redrive statuses and AWS's reasons (DescribeExecution's redriveStatusReason).
const (
	redrivable    = "REDRIVABLE"
	notRedrivable = "NOT_REDRIVABLE"
)

// redriveStatus says whether rec can be redriven as far as the record tells (the history is
// checked when a redrive is asked for), and why not.
func redriveStatus(rec records.Record) (string, string) {
	switch {
	case rec.Status == "RUNNING" || rec.Status == "SUCCEEDED":
		return notRedrivable, "Execution is " + rec.Status + " and cannot be redriven."
	case rec.NotRedrivable != "":
		return notRedrivable, rec.NotRedrivable
	case rec.Revision == 0:
		return notRedrivable, "Its record does not say which definition revision ran (it was kept by an earlier stepjet, or the execution never ran), which a redrive runs again."
	case rec.RedriveCount >= wire.MaxRedrives:
		return notRedrivable, "Execution was redriven " + strconv.Itoa(wire.MaxRedrives) + " times, the most stepjet allows."
	}
	return redrivable, ""
}

func errNotRedrivable(msg string) *Error { return errBadRequest("ExecutionNotRedrivable", "%s", msg) }

func (s *Server) redriveExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn *string `json:"executionArn"`
		ClientToken  *string `json:"clientToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := executionArnMember(in.ExecutionArn); err != nil {
		return nil, err
	}
	var v validation
	v.length(in.ClientToken, "clientToken", 1, 64)
	if in.ClientToken != nil && !printableToken(*in.ClientToken) {
		v.add(*in.ClientToken, "clientToken", "Member must satisfy regular expression pattern: [!-~]+")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	arn, token := *in.ExecutionArn, str(in.ClientToken)
	if e := checkExecutionArn(arn); e != nil {
		return nil, e
	}
	rec, seq, err := s.cfg.Records.Get(ctx, arn)
	if errors.Is(err, records.ErrNotFound) {
		return nil, errExecutionMissing(arn)
	}
	if err != nil {
		return nil, errUnavailable("reading the execution's record: " + err.Error())
	}
	type answer struct {
		RedriveDate float64 `json:"redriveDate"`
	}
	if date, ok := rec.RedriveOf(token); token != "" && ok {
		// AWS answers a repeated client token with the redrive it made, not a second one.
		return answer{date}, nil
	}
	if st, why := redriveStatus(rec); st != redrivable {
		return nil, errNotRedrivable(why)
	}
	if rec.Input == nil {
		return nil, errNotRedrivable(records.TagData + ": its record was kept without its input, which a redrive runs with.")
	}
	events, err := s.cfg.Records.Events(ctx, arn)
	if err != nil {
		return nil, errUnavailable("reading the execution's history: " + err.Error())
	}
	if err := engine.CheckRedrive(events); err != nil {
		return nil, errNotRedrivable(redriveReason(err))
	}
	machine, _, _, _ := s.cfg.Records.Config().ExecutionArn(arn)
	st := wire.Start{Machine: machine, Name: rec.Name, Arn: arn, Revision: rec.Revision, Date: s.now().UTC(),
		Input: []byte(*rec.Input), TraceParent: rec.TraceHeader}
	switch {
	case rec.StateMachineAliasArn != "":
		st.MachineArn = rec.StateMachineAliasArn
	case rec.StateMachineVersionArn != "":
		st.MachineArn = rec.StateMachineVersionArn
	}
	if i := strings.LastIndexByte(rec.StateMachineVersionArn, ':'); rec.StateMachineVersionArn != "" && i >= 0 {
		st.Version, _ = strconv.Atoi(rec.StateMachineVersionArn[i+1:])
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := reg.Pin(ctx, machine, st.Version); errors.Is(err, registry.ErrNotFound) {
		return nil, errNotRedrivable("State machine '" + s.cfg.Layout.StateMachineArn(machine) + "' (or the version that ran) was deleted.")
	} else if err != nil {
		return nil, errUnavailable("reading the state machine: " + err.Error())
	}
	if s.cfg.NC == nil {
		return nil, errUnavailable("no NATS connection: cannot redrive executions")
	}
	js, err := s.jetStream()
	if err != nil {
		return nil, err
	}
	next, err := s.cfg.Records.Redrive(ctx, rec, seq, token, st.Date)
	if errors.Is(err, records.ErrRecordChanged) {
		return nil, errNotRedrivable("The execution changed while it was being redriven (another redrive or a stop came first); describe it and try again.")
	}
	if err != nil {
		return nil, errUnavailable("storing the execution's record: " + err.Error())
	}
	st.RedriveCount = next.RedriveCount
	msg, err := s.cfg.Layout.StartMsg(st)
	if err == nil {
		_, err = js.PublishMsg(ctx, msg)
	}
	if err != nil {
		// Nothing will run it: the record goes back to how it ended.
		_ = s.cfg.Records.Restore(context.WithoutCancel(ctx), rec, next)
		return nil, errUnavailable("could not queue the redrive: " + err.Error())
	}
	return answer{next.RedriveDate}, nil
}

// redriveReason is the reason an engine.ErrNotRedrivable gives, as a sentence.
func redriveReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), engine.ErrNotRedrivable.Error()+": ")
	if strings.HasSuffix(msg, ".") {
		return msg
	}
	return "The execution cannot be redriven: " + msg + "."
}

// printableToken is AWS's clientToken pattern [!-~]+.
func printableToken(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] < '!' || t[i] > '~' {
			return false
		}
	}
	return true
}
