package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/stepjet/stepjet/engine/validate"
	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

type createStateMachineInput struct {
	Name                 *string               `json:"name"`
	Definition           *string               `json:"definition"`
	RoleArn              *string               `json:"roleArn"`
	Type                 *string               `json:"type"`
	LoggingConfiguration *loggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration *tracingConfiguration `json:"tracingConfiguration"`
	Tags                 []tag                 `json:"tags"`
	Publish              bool                  `json:"publish"`
	VersionDescription   *string               `json:"versionDescription"`
}

type createStateMachineOutput struct {
	StateMachineArn        string `json:"stateMachineArn"`
	CreationDate           epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

func (s *Server) createStateMachine(ctx context.Context, body []byte) (any, error) {
	var in createStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.required(in.Name != nil, "name")
	v.required(in.Definition != nil, "definition")
	v.length(in.Name, "name", 1, 80)
	v.length(in.Definition, "definition", 1, 1048576)
	v.length(in.RoleArn, "roleArn", 1, 256)
	v.length(in.VersionDescription, "versionDescription", 0, 256)
	v.enum(in.Type, "type", "STANDARD", "EXPRESS")
	loggingLevel(&v, in.LoggingConfiguration)
	if err := v.err(); err != nil {
		return nil, err
	}
	if !wire.ValidName(*in.Name) {
		return nil, errInvalidName(*in.Name)
	}
	if in.RoleArn != nil {
		if e := checkRoleArn(*in.RoleArn); e != nil {
			return nil, e
		}
	}
	typ := "STANDARD" // AWS's default; stepjet runs only EXPRESS executions (see StartExecution)
	if in.Type != nil {
		typ = *in.Type
	}
	if in.VersionDescription != nil && !in.Publish {
		return nil, errBadRequest("ValidationException", "Version description can only be set when publish is true")
	}
	logging, e := checkLogging(in.LoggingConfiguration)
	if e != nil {
		return nil, e
	}
	if e := checkDefinition(*in.Definition, typ); e != nil {
		return nil, e
	}
	tags, e := tagMap(nil, in.Tags)
	if e != nil {
		return nil, e
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	m := wire.Machine{
		Name:                 *in.Name,
		Arn:                  s.cfg.Layout.StateMachineArn(*in.Name),
		Definition:           *in.Definition,
		RoleArn:              str(in.RoleArn),
		Type:                 typ,
		LoggingConfiguration: logging,
		Tags:                 tags,
		CreationDate:         now,
		// No RevisionID: AWS names only the revisions UpdateStateMachine makes; a machine never
		// updated (and a version published from it) is described without one.
	}
	if in.TracingConfiguration != nil {
		m.TracingConfiguration, _ = json.Marshal(in.TracingConfiguration)
	}
	err = reg.CreateMachine(ctx, m)
	if errors.Is(err, registry.ErrExists) {
		// CreateStateMachine is idempotent: the same request again answers with the machine.
		old, _, gerr := reg.Machine(ctx, m.Name)
		if gerr == nil && sameMachine(old, m) && !in.Publish {
			return createStateMachineOutput{StateMachineArn: old.Arn, CreationDate: epoch(old.CreationDate)}, nil
		}
		return nil, errBadRequest("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", m.Arn)
	}
	if err != nil {
		return nil, err
	}
	out := createStateMachineOutput{StateMachineArn: m.Arn, CreationDate: epoch(now)}
	if in.Publish {
		ver, err := reg.PublishVersion(ctx, m.Name, str(in.VersionDescription), now)
		if err != nil {
			return nil, err
		}
		out.StateMachineVersionArn = ver.Arn
	}
	return out, nil
}

// sameMachine reports whether a repeated CreateStateMachine asks for what exists.
func sameMachine(a, b wire.Machine) bool {
	return a.Definition == b.Definition && a.RoleArn == b.RoleArn && a.Type == b.Type &&
		bytes.Equal(a.LoggingConfiguration, b.LoggingConfiguration) &&
		bytes.Equal(a.TracingConfiguration, b.TracingConfiguration)
}

func loggingLevel(v *validation, lc *loggingConfiguration) {
	if lc != nil {
		v.enum(lc.Level, "loggingConfiguration.level", "ALL", "ERROR", "FATAL", "OFF")
	}
}

// checkLogging applies AWS's rules for a logging configuration and returns it as stored.
func checkLogging(lc *loggingConfiguration) (json.RawMessage, *Error) {
	if lc == nil {
		return nil, nil
	}
	level := "OFF"
	if lc.Level != nil {
		level = *lc.Level
	}
	if len(lc.Destinations) > 1 || (level != "OFF" && len(lc.Destinations) != 1) {
		return nil, errBadRequest("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination.")
	}
	for _, d := range lc.Destinations {
		if d.CloudWatchLogsLogGroup == nil || d.CloudWatchLogsLogGroup.LogGroupArn == nil {
			return nil, errBadRequest("InvalidLoggingConfiguration", "Invalid Logging Configuration: Log Destination not valid.")
		}
		if _, e := parseLogGroupArn(*d.CloudWatchLogsLogGroup.LogGroupArn); e != nil {
			return nil, e
		}
	}
	norm := loggingConfiguration{Level: &level, IncludeExecutionData: lc.IncludeExecutionData, Destinations: lc.Destinations}
	if norm.IncludeExecutionData == nil {
		f := false
		norm.IncludeExecutionData = &f
	}
	b, _ := json.Marshal(norm)
	return b, nil
}

func parseLogGroupArn(s string) (string, *Error) {
	// arn:aws:logs:<region>:<account>:log-group:<name>:*
	if len(s) < 8 || s[:4] != "arn:" || !bytes.Contains([]byte(s), []byte(":logs:")) || !bytes.Contains([]byte(s), []byte(":log-group:")) {
		return "", errBadRequest("InvalidLoggingConfiguration", "Invalid Logging Configuration: Log Destination not valid: '%s'", s)
	}
	return s, nil
}

func checkRoleArn(s string) *Error {
	if len(s) < 4 || s[:4] != "arn:" {
		return errInvalidArn("Invalid ARN prefix: " + s)
	}
	return nil
}

// checkDefinition validates a definition as CreateStateMachine does.
func checkDefinition(def, typ string) *Error {
	diags := validate.Definition([]byte(def), validate.Options{Type: typ})
	if !validate.HasErrors(diags) {
		return nil
	}
	return errBadRequest("InvalidDefinition", "%s", validate.InvalidDefinitionMessage(diags))
}

type updateStateMachineInput struct {
	StateMachineArn      *string               `json:"stateMachineArn"`
	Definition           *string               `json:"definition"`
	RoleArn              *string               `json:"roleArn"`
	LoggingConfiguration *loggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration *tracingConfiguration `json:"tracingConfiguration"`
	Publish              bool                  `json:"publish"`
	VersionDescription   *string               `json:"versionDescription"`
}

type updateStateMachineOutput struct {
	UpdateDate             epoch  `json:"updateDate"`
	RevisionID             string `json:"revisionId,omitempty"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

func (s *Server) updateStateMachine(ctx context.Context, body []byte) (any, error) {
	var in updateStateMachineInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.required(in.StateMachineArn != nil, "stateMachineArn")
	v.length(in.StateMachineArn, "stateMachineArn", 1, 256)
	v.length(in.Definition, "definition", 1, 1048576)
	v.length(in.RoleArn, "roleArn", 1, 256)
	v.length(in.VersionDescription, "versionDescription", 0, 256)
	loggingLevel(&v, in.LoggingConfiguration)
	if err := v.err(); err != nil {
		return nil, err
	}
	ref, e := s.parseMachineArn(*in.StateMachineArn)
	if e != nil {
		return nil, e
	}
	if ref.qualified() { // AWS: no such machine, even for a published version (test_sfn_api_versioning.py::test_update_state_machine)
		return nil, errMachineMissing(*in.StateMachineArn)
	}
	if in.Definition == nil && in.RoleArn == nil && in.LoggingConfiguration == nil && in.TracingConfiguration == nil {
		return nil, errBadRequest("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if in.VersionDescription != nil && !in.Publish {
		return nil, errBadRequest("ValidationException", "Version description can only be set when publish is true")
	}
	if in.RoleArn != nil {
		if e := checkRoleArn(*in.RoleArn); e != nil {
			return nil, e
		}
	}
	logging, e := checkLogging(in.LoggingConfiguration)
	if e != nil {
		return nil, e
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		m, rev, err := reg.Machine(ctx, ref.name)
		if errors.Is(err, registry.ErrNotFound) || ref.foreign {
			return nil, errMachineMissing(ref.arn)
		}
		if err != nil {
			return nil, err
		}
		changed := false
		if in.Definition != nil && *in.Definition != m.Definition {
			if e := checkDefinition(*in.Definition, m.Type); e != nil {
				return nil, e
			}
			m.Definition, changed = *in.Definition, true
		}
		if in.RoleArn != nil && *in.RoleArn != m.RoleArn {
			m.RoleArn, changed = *in.RoleArn, true
		}
		if in.LoggingConfiguration != nil && !bytes.Equal(logging, m.LoggingConfiguration) {
			m.LoggingConfiguration, changed = logging, true
		}
		if in.TracingConfiguration != nil {
			tc, _ := json.Marshal(in.TracingConfiguration)
			if !bytes.Equal(tc, m.TracingConfiguration) {
				m.TracingConfiguration, changed = tc, true
			}
		}
		now := s.now()
		if changed {
			m.RevisionID = ids.New()
			err = reg.PutMachine(ctx, m, rev)
			if errors.Is(err, registry.ErrConflict) && attempt < 5 {
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		out := updateStateMachineOutput{UpdateDate: epoch(now), RevisionID: m.RevisionID}
		if in.Publish {
			ver, err := reg.PublishVersion(ctx, m.Name, str(in.VersionDescription), now)
			if err != nil {
				return nil, err
			}
			out.StateMachineVersionArn = ver.Arn
		}
		return out, nil
	}
}

type arnInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

// describeOutput is DescribeStateMachine's answer (also for a version ARN).
type describeOutput struct {
	StateMachineArn      string          `json:"stateMachineArn"`
	Name                 string          `json:"name"`
	Status               string          `json:"status"`
	Definition           string          `json:"definition"`
	RoleArn              string          `json:"roleArn,omitempty"`
	Type                 string          `json:"type"`
	CreationDate         epoch           `json:"creationDate"`
	LoggingConfiguration json.RawMessage `json:"loggingConfiguration"`
	TracingConfiguration json.RawMessage `json:"tracingConfiguration"`
	RevisionID           string          `json:"revisionId,omitempty"`
	Description          string          `json:"description,omitempty"`
	// EncryptionConfiguration is always AWS's default: stepjet does not encrypt with a key of
	// the caller's (JetStream's own storage encryption applies, if configured).
	EncryptionConfiguration json.RawMessage     `json:"encryptionConfiguration"`
	VariableReferences      map[string][]string `json:"variableReferences,omitempty"`
}

// awsOwnedKey is the encryption configuration AWS describes when none was chosen.
var awsOwnedKey = json.RawMessage(`{"type":"AWS_OWNED_KEY"}`)

func describe(m wire.Machine) describeOutput {
	out := describeOutput{
		StateMachineArn: m.Arn, Name: m.Name, Status: "ACTIVE", Definition: m.Definition,
		RoleArn: m.RoleArn, Type: m.Type, CreationDate: epoch(m.CreationDate),
		LoggingConfiguration: m.LoggingConfiguration, TracingConfiguration: m.TracingConfiguration,
		RevisionID: m.RevisionID, Description: m.Description,
		EncryptionConfiguration: awsOwnedKey, VariableReferences: variableReferences(m.Definition),
	}
	if len(out.LoggingConfiguration) == 0 {
		out.LoggingConfiguration = defaultLogging
	}
	if len(out.TracingConfiguration) == 0 {
		out.TracingConfiguration = defaultTracing
	}
	return out
}

func (s *Server) requiredMachineArn(body []byte) (machineRef, error) {
	var in arnInput
	if err := decode(body, &in); err != nil {
		return machineRef{}, err
	}
	var v validation
	v.required(in.StateMachineArn != nil, "stateMachineArn")
	v.length(in.StateMachineArn, "stateMachineArn", 1, 256)
	if err := v.err(); err != nil {
		return machineRef{}, err
	}
	ref, e := s.parseMachineArn(*in.StateMachineArn)
	if e != nil {
		return machineRef{}, e
	}
	return ref, nil
}

func (s *Server) describeStateMachine(ctx context.Context, body []byte) (any, error) {
	ref, err := s.requiredMachineArn(body)
	if err != nil {
		return nil, err
	}
	if ref.alias != "" {
		return nil, errInvalidArn("Resource type not valid in this context: stateMachineAlias; use DescribeStateMachineAlias")
	}
	m, _, err := s.machine(ctx, ref)
	if err != nil {
		return nil, err
	}
	return describe(m), nil
}

func (s *Server) deleteStateMachine(ctx context.Context, body []byte) (any, error) {
	ref, err := s.requiredMachineArn(body)
	if err != nil {
		return nil, err
	}
	if ref.qualified() {
		return nil, errBadRequest("ValidationException", "Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete '%s'", ref.arn)
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	if ref.foreign {
		return struct{}{}, nil
	}
	return struct{}{}, reg.DeleteMachine(ctx, ref.name)
}

type listInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	MaxResults      *int    `json:"maxResults"`
	NextToken       *string `json:"nextToken"`
}

type machineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

// page cuts items [start, start+max) by a nextToken that is the start index; it returns the
// page bounds and the next token ("" at the end).
func page(in listInput, total int) (int, int, string, error) {
	var v validation
	v.value(in.MaxResults, "maxResults", 0, 1000)
	v.length(in.NextToken, "nextToken", 1, 1024)
	if err := v.err(); err != nil {
		return 0, 0, "", err
	}
	size := 100
	if in.MaxResults != nil && *in.MaxResults > 0 {
		size = *in.MaxResults
	}
	start := 0
	if in.NextToken != nil {
		n, err := strconv.Atoi(*in.NextToken)
		if err != nil || n < 0 || n > total {
			return 0, 0, "", &Error{Status: http.StatusBadRequest, Name: "InvalidToken", Message: "Invalid Token: '" + *in.NextToken + "'"}
		}
		start = n
	}
	end := min(start+size, total)
	next := ""
	if end < total {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

// pageItems is page applied to all: the items of one page, each made by item, and the next token.
func pageItems[T, I any](in listInput, all []T, item func(T) I) ([]I, string, error) {
	start, end, next, err := page(in, len(all))
	if err != nil {
		return nil, "", err
	}
	items := make([]I, 0, end-start)
	for _, x := range all[start:end] {
		items = append(items, item(x))
	}
	return items, next, nil
}

// decodeMachineList decodes a list request that must name a state machine (or a version of one)
// by its stateMachineArn.
func (s *Server) decodeMachineList(body []byte) (listInput, machineRef, error) {
	var in listInput
	if err := decode(body, &in); err != nil {
		return in, machineRef{}, err
	}
	var v validation
	v.required(in.StateMachineArn != nil, "stateMachineArn")
	if err := v.err(); err != nil {
		return in, machineRef{}, err
	}
	ref, e := s.parseMachineArn(*in.StateMachineArn)
	if e != nil {
		return in, machineRef{}, e
	}
	return in, ref, nil
}

func (s *Server) listStateMachines(ctx context.Context, body []byte) (any, error) {
	var in listInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	all, err := reg.Machines(ctx)
	if err != nil {
		return nil, err
	}
	items, next, err := pageItems(in, all, func(m wire.Machine) machineListItem {
		return machineListItem{StateMachineArn: m.Arn, Name: m.Name, Type: m.Type, CreationDate: epoch(m.CreationDate)}
	})
	if err != nil {
		return nil, err
	}
	return struct {
		StateMachines []machineListItem `json:"stateMachines"`
		NextToken     string            `json:"nextToken,omitempty"`
	}{items, next}, nil
}
