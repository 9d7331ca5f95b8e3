package awsapi

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// arn is a parsed Step Functions ARN: arn:<partition>:states:<region>:<account>:<type>:<rest...>.
type arn struct {
	raw      string
	region   string
	account  string
	resource string   // stateMachine, express, execution, ...
	parts    []string // what follows the resource type
}

func parseArn(s string) (arn, *Error) {
	f := strings.Split(s, ":")
	if len(f) < 7 || f[0] != "arn" || f[1] == "" || f[2] != "states" {
		return arn{}, errInvalidArn("Invalid ARN prefix: " + s)
	}
	for _, p := range f[6:] {
		if p == "" {
			return arn{}, errInvalidArn("Invalid ARN: " + s)
		}
	}
	return arn{raw: s, region: f[3], account: f[4], resource: f[5], parts: f[6:]}, nil
}

// machineRef is a state machine ARN, possibly qualified by a version number or an alias name.
type machineRef struct {
	arn     string
	name    string
	version int    // > 0 for a version ARN
	alias   string // for an alias ARN
	foreign bool   // another region or account: nothing there for us
}

func (r machineRef) qualified() bool { return r.version > 0 || r.alias != "" }

// parseMachineArn accepts arn:...:stateMachine:<name>[:<version>|:<alias>].
func (s *Server) parseMachineArn(raw string) (machineRef, *Error) {
	a, e := parseArn(raw)
	if e != nil {
		return machineRef{}, e
	}
	if a.resource != "stateMachine" {
		return machineRef{}, errInvalidArn("Resource type not valid in this context: " + a.resource)
	}
	if len(a.parts) > 2 {
		return machineRef{}, errInvalidArn("Invalid ARN: " + raw)
	}
	ref := machineRef{arn: raw, name: a.parts[0]}
	ref.foreign = a.region != s.cfg.Layout.RegionOrDefault() || a.account != s.cfg.Layout.AccountOrDefault()
	if len(a.parts) == 2 {
		q := a.parts[1]
		if n, err := strconv.Atoi(q); err == nil {
			if n <= 0 {
				return machineRef{}, errInvalidArn("Invalid ARN: " + raw)
			}
			ref.version = n
		} else {
			ref.alias = q
		}
	}
	return ref, nil
}

// machine loads the record an unqualified or version ARN names.
func (s *Server) machine(ctx context.Context, ref machineRef) (wire.Machine, *registry.Registry, error) {
	reg, err := s.registry(ctx)
	if err != nil {
		return wire.Machine{}, nil, err
	}
	if ref.foreign {
		return wire.Machine{}, reg, errMachineMissing(ref.arn)
	}
	var m wire.Machine
	switch {
	case ref.version > 0:
		m, err = reg.Version(ctx, ref.name, ref.version)
	case ref.alias != "":
		err = registry.ErrNotFound
	default:
		m, _, err = reg.Machine(ctx, ref.name)
	}
	if errors.Is(err, registry.ErrNotFound) {
		return m, reg, errMachineMissing(ref.arn)
	}
	return m, reg, err
}

// aliasPattern is AWS's constraint on alias names (it must also hold a non-digit, so that an
// alias never reads as a version number).
const aliasPattern = `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`

func validAliasName(n string) bool {
	nonDigit := false
	for _, r := range n {
		switch {
		case r >= '0' && r <= '9':
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == '-', r == '.':
			nonDigit = true
		default:
			return false
		}
	}
	return nonDigit
}
