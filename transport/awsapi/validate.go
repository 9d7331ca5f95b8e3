package awsapi

import (
	"context"

	"github.com/stepjet/stepjet/engine/validate"
)

// validateDefinition answers ValidateStateMachineDefinition with package engine/validate, the
// same checks CreateStateMachine and `stepjet validate` apply.
func (s *Server) validateDefinition(_ context.Context, body []byte) (any, error) {
	var in struct {
		Definition *string `json:"definition"`
		Type       *string `json:"type"`
		Severity   *string `json:"severity"`
		MaxResults *int    `json:"maxResults"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.required(in.Definition != nil, "definition")
	v.length(in.Definition, "definition", 1, 1048576)
	v.enum(in.Type, "type", "STANDARD", "EXPRESS")
	v.enum(in.Severity, "severity", "ERROR", "WARNING")
	v.value(in.MaxResults, "maxResults", 0, 100)
	if err := v.err(); err != nil {
		return nil, err
	}
	typ := "STANDARD"
	if in.Type != nil {
		typ = *in.Type
	}
	res := validate.Validate([]byte(*in.Definition), validate.Options{Type: typ})
	if in.Severity != nil && *in.Severity == "ERROR" { // only errors; the default WARNING shows both
		kept := res.Diagnostics[:0:0]
		for _, d := range res.Diagnostics {
			if d.Severity == validate.SeverityError {
				kept = append(kept, d)
			}
		}
		res.Diagnostics = kept
	}
	limit := 100
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = *in.MaxResults
	}
	if len(res.Diagnostics) > limit {
		res.Diagnostics, res.Truncated = res.Diagnostics[:limit], true
	}
	if res.Diagnostics == nil {
		res.Diagnostics = []validate.Diagnostic{}
	}
	return res, nil
}
