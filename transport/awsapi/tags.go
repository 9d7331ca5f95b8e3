package awsapi

import (
	"context"
	"errors"
	"sort"

	"github.com/stepjet/stepjet/transport/limits"
	"github.com/stepjet/stepjet/transport/registry"
)

// maxTags is AWS's limit of tags per resource.
const maxTags = 50

// tagMap merges tags into existing (a copy) and checks AWS's limits.
func tagMap(existing map[string]string, tags []tag) (map[string]string, *Error) {
	if len(existing) == 0 && len(tags) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(existing)+len(tags))
	for k, v := range existing {
		out[k] = v
	}
	var v validation
	for _, t := range tags {
		v.required(t.Key != nil, "tags.member.key")
		v.length(t.Key, "tags.member.key", 1, 128)
		v.length(t.Value, "tags.member.value", 0, 256)
		if t.Key != nil {
			out[*t.Key] = str(t.Value)
		}
	}
	if err := v.err(); err != nil {
		return nil, err.(*Error)
	}
	if e := checkLimitTags(tags); e != nil {
		return nil, e
	}
	if len(out) > maxTags {
		return nil, errBadRequest("TooManyTags", "Too many tags: a resource can have at most %d tags", maxTags)
	}
	return out, nil
}

// checkLimitTags refuses a limit tag being set (package limits: stepjet:max-concurrency,
// stepjet:max-start-rate) whose value the executors could not enforce; tags already stored
// are not checked again, so an untouched one never blocks other tag changes.
func checkLimitTags(tags []tag) *Error {
	set := map[string]string{}
	for _, t := range tags {
		if t.Key != nil {
			set[*t.Key] = str(t.Value)
		}
	}
	if err := limits.Check(set); err != nil {
		return errBadRequest("ValidationException", "Invalid tag value: %s", err.Error())
	}
	return nil
}

type tagInput struct {
	ResourceArn *string  `json:"resourceArn"`
	Tags        []tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

// taggable resolves a resource ARN to the machine that holds its tags.
func (s *Server) taggable(body []byte, in *tagInput) (machineRef, error) {
	if err := decode(body, in); err != nil {
		return machineRef{}, err
	}
	var v validation
	v.required(in.ResourceArn != nil, "resourceArn")
	v.length(in.ResourceArn, "resourceArn", 1, 256)
	if err := v.err(); err != nil {
		return machineRef{}, err
	}
	ref, e := s.parseMachineArn(*in.ResourceArn)
	if e != nil {
		return machineRef{}, e
	}
	if ref.qualified() {
		// Tags live on state machines (and activities); AWS knows no taggable resource by a
		// version's or alias's ARN (test_sfn_api_tagging.py::test_tag_state_machine_version).
		return machineRef{}, errResourceMissing(*in.ResourceArn)
	}
	return ref, nil
}

// retag applies change to the machine's tags with compare-and-set.
func (s *Server) retag(ctx context.Context, ref machineRef, change func(map[string]string) (map[string]string, *Error)) error {
	reg, err := s.registry(ctx)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		m, rev, err := reg.Machine(ctx, ref.name)
		if errors.Is(err, registry.ErrNotFound) || ref.foreign {
			return errResourceMissing(ref.arn)
		}
		if err != nil {
			return err
		}
		tags, e := change(m.Tags)
		if e != nil {
			return e
		}
		m.Tags = tags
		err = reg.PutMachine(ctx, m, rev)
		if errors.Is(err, registry.ErrConflict) && attempt < 5 {
			continue
		}
		return err
	}
}

func (s *Server) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	ref, err := s.taggable(body, &in)
	if err != nil {
		return nil, err
	}
	var v validation
	v.required(in.Tags != nil, "tags")
	if err := v.err(); err != nil {
		return nil, err
	}
	return struct{}{}, s.retag(ctx, ref, func(old map[string]string) (map[string]string, *Error) { return tagMap(old, in.Tags) })
}

func (s *Server) untagResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	ref, err := s.taggable(body, &in)
	if err != nil {
		return nil, err
	}
	var v validation
	v.required(in.TagKeys != nil, "tagKeys")
	if err := v.err(); err != nil {
		return nil, err
	}
	return struct{}{}, s.retag(ctx, ref, func(old map[string]string) (map[string]string, *Error) {
		out, _ := tagMap(old, nil)
		for _, k := range in.TagKeys {
			delete(out, k)
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	})
}

func (s *Server) listTagsForResource(ctx context.Context, body []byte) (any, error) {
	var in tagInput
	ref, err := s.taggable(body, &in)
	if err != nil {
		return nil, err
	}
	m, _, err := s.machine(ctx, ref)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Name == "StateMachineDoesNotExist" {
			return nil, errResourceMissing(ref.arn)
		}
		return nil, err
	}
	keys := make([]string, 0, len(m.Tags))
	for k := range m.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]tag, 0, len(keys))
	for _, k := range keys {
		k, v := k, m.Tags[k]
		out = append(out, tag{Key: &k, Value: &v})
	}
	return struct {
		Tags []tag `json:"tags"`
	}{out}, nil
}
