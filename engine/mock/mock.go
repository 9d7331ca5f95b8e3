// Package mock answers Task states from an AWS Step Functions Local mock configuration
// (MockConfigFile.json), so a workflow can be tested with no workers at all:
//
//	{"StateMachines": {"order": {"TestCases": {"HappyPath": {"Pay": "PayOK"}}}},
//	 "MockedResponses": {"PayOK": {"0": {"Return": {"id": 1}}, "1-2": {"Throw": {"Error": "E", "Cause": "C"}}}}}
//
// A mocked response's keys are zero-based invocation indexes of that state in the execution
// (retries count), single ("0") or inclusive ranges ("1-2"). Return holds the raw service result;
// Throw fails the task with Error and Cause.
package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
)

// Config is a parsed mock configuration. It is immutable.
type Config struct {
	machines  map[string]map[string]map[string]string // machine → test case → state → response name
	responses map[string][]response                   // response name → by invocation range
}

type response struct {
	from, to int // inclusive invocation indexes
	ret      []byte
	throw    *failure.Error
}

type rawConfig struct {
	StateMachines map[string]struct {
		TestCases map[string]map[string]string `json:"TestCases"`
	} `json:"StateMachines"`
	MockedResponses map[string]map[string]struct {
		Return json.RawMessage `json:"Return"`
		Throw  *struct {
			Error string `json:"Error"`
			Cause string `json:"Cause"`
		} `json:"Throw"`
	} `json:"MockedResponses"`
}

// Load parses a mock configuration and checks that every test case names defined responses.
func Load(data []byte) (*Config, error) {
	var raw rawConfig
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a mock configuration: %w", err)
	}
	c := &Config{machines: map[string]map[string]map[string]string{}, responses: map[string][]response{}}
	for name, byIndex := range raw.MockedResponses {
		var rs []response
		for key, r := range byIndex {
			from, to, err := parseRange(key)
			if err != nil {
				return nil, fmt.Errorf("MockedResponses.%s: %w", name, err)
			}
			hasReturn := len(r.Return) > 0
			if hasReturn == (r.Throw != nil) {
				return nil, fmt.Errorf("MockedResponses.%s.%s: want exactly one of Return and Throw", name, key)
			}
			resp := response{from: from, to: to}
			if hasReturn {
				resp.ret = []byte(r.Return)
			} else {
				resp.throw = &failure.Error{Name: r.Throw.Error, Cause: r.Throw.Cause}
			}
			rs = append(rs, resp)
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].from < rs[j].from })
		for i := 1; i < len(rs); i++ {
			if rs[i].from <= rs[i-1].to {
				return nil, fmt.Errorf("MockedResponses.%s: invocation ranges overlap at %d", name, rs[i].from)
			}
		}
		c.responses[name] = rs
	}
	for machine, m := range raw.StateMachines {
		c.machines[machine] = m.TestCases
		for tc, states := range m.TestCases {
			for state, resp := range states {
				if _, ok := c.responses[resp]; !ok {
					return nil, fmt.Errorf("StateMachines.%s.TestCases.%s.%s: no MockedResponses entry %q", machine, tc, state, resp)
				}
			}
		}
	}
	return c, nil
}

func parseRange(key string) (from, to int, err error) {
	a, b, isRange := strings.Cut(key, "-")
	if from, err = strconv.Atoi(a); err != nil || from < 0 {
		return 0, 0, fmt.Errorf("invocation index %q is not a number or a range like \"1-2\"", key)
	}
	to = from
	if isRange {
		if to, err = strconv.Atoi(b); err != nil || to < from {
			return 0, 0, fmt.Errorf("invocation range %q is not like \"1-2\"", key)
		}
	}
	return from, to, nil
}

// Invoker returns a TaskInvoker answering the Task states of machine in the given test case.
// A state the test case does not mock fails with a clear States.TaskFailed error.
func (c *Config) Invoker(machine, testCase string) (engine.TaskInvoker, error) {
	m, ok := c.machines[machine]
	if !ok {
		return nil, fmt.Errorf("no state machine %q in StateMachines", machine)
	}
	states, ok := m[testCase]
	if !ok {
		return nil, fmt.Errorf("no test case %q for state machine %q", testCase, machine)
	}
	return scripted(func(_ context.Context, req engine.TaskRequest) ([]byte, error) {
		name, ok := states[req.StateName]
		if !ok {
			return nil, &failure.Error{Name: failure.TaskFailed,
				Cause: fmt.Sprintf("state %q is not mocked in test case %q", req.StateName, testCase)}
		}
		for _, r := range c.responses[name] {
			if req.Attempt >= r.from && req.Attempt <= r.to {
				if r.throw != nil {
					e := *r.throw
					return nil, &e
				}
				return r.ret, nil
			}
		}
		return nil, &failure.Error{Name: failure.TaskFailed,
			Cause: fmt.Sprintf("mocked response %q has no answer for invocation %d of state %q", name, req.Attempt, req.StateName)}
	}), nil
}

// scripted is the mock's TaskInvoker. Its answers follow the order of invocations, so it tells
// the engine (engine.ScriptedInvoker) to run Map iterations in item order.
type scripted func(ctx context.Context, req engine.TaskRequest) ([]byte, error)

func (s scripted) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	return s(ctx, req)
}

// Scripted reports that answers depend on the invocation order.
func (scripted) Scripted() bool { return true }
