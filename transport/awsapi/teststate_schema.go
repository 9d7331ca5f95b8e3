package awsapi

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// teststate_schemas.json.gz holds the output shapes of the AWS operations whose mocked results
// TestState checks; teststate_schema_gen.go writes it from botocore's service models.
//
//go:generate go run teststate_schema_gen.go -botocore BOTOCORE_DATA_DIR
//go:embed teststate_schemas.json.gz
var schemasGz []byte

type schemaShape struct {
	Type     string            `json:"type"`
	Required []string          `json:"required"`
	Members  map[string]string `json:"members"`
	Member   string            `json:"member"`
	Value    string            `json:"value"`
	Min      *float64          `json:"min"`
	Max      *float64          `json:"max"`
	Enum     []string          `json:"enum"`
	Payload  string            `json:"payload"`
}

type schemaService struct {
	Ops    map[string]string       `json:"ops"`
	Shapes map[string]*schemaShape `json:"shapes"`
}

var schemas = sync.OnceValue(func() map[string]*schemaService {
	var out map[string]*schemaService
	z, err := gzip.NewReader(bytes.NewReader(schemasGz))
	if err != nil {
		return nil
	}
	b, err := io.ReadAll(z)
	if err != nil || json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
})

// schemaServiceNames maps the service names of integration ARNs (optimized integrations and
// aws-sdk:<service>) to the service models' names where they differ.
var schemaServiceNames = map[string]string{
	"states": "stepfunctions", "sfn": "stepfunctions", "eventbridge": "events",
	"cloudwatchlogs": "logs", "elasticmapreduce": "emr", "emrcontainers": "emr-containers",
	"emrserverless": "emr-serverless", "bedrockruntime": "bedrock-runtime",
}

// mockSchema finds the output shape of the service operation a Task resource integrates with:
// the service model, the root shape, and whether the integration is an optimized one (whose
// streamed payload member is JSON, not a blob). ok is false for resources whose result has no
// known shape: Lambda function and activity ARNs, HTTP tasks, .sync and .waitForTaskToken
// patterns, and services stepjet carries no model of.
func mockSchema(resource string) (svc *schemaService, root string, optimized bool, ok bool) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return nil, "", false, false
	}
	rest := parts[5] // <service>:<action> or aws-sdk:<service>:<action>
	optimized = !strings.HasPrefix(rest, "aws-sdk:")
	rest = strings.TrimPrefix(rest, "aws-sdk:")
	service, action, found := strings.Cut(rest, ":")
	if !found || strings.Contains(action, ".") || action == "" {
		return nil, "", false, false
	}
	if n, ok := schemaServiceNames[service]; ok {
		service = n
	}
	svc = schemas()[service]
	if svc == nil {
		return nil, "", false, false
	}
	r, size := utf8.DecodeRuneInString(action)
	root, ok = svc.Ops[string(unicode.ToUpper(r))+action[size:]]
	return svc, root, optimized, ok
}

// checkMockResult validates a mocked Task result against the integrated operation's output
// shape, as TestState's fieldValidationMode asks: STRICT (the default) checks required fields and
// the types and constraints of those present, PRESENT only those present, NONE nothing. Fields the
// shape does not know are allowed; member names are those of Step Functions' results, which start
// with a capital letter.
func checkMockResult(resource, mode string, result []byte) *Error {
	if mode == "NONE" {
		return nil
	}
	svc, root, optimized, ok := mockSchema(resource)
	if !ok {
		return nil
	}
	var v any
	if json.Unmarshal(result, &v) != nil {
		return nil
	}
	sv := schemaValidator{svc: svc, strict: mode != "PRESENT", optimized: optimized}
	if msg := sv.check(root, "", v, true); msg != "" {
		return errBadRequest("ValidationException", "Mock result schema validation error: %s", msg)
	}
	return nil
}

type schemaValidator struct {
	svc       *schemaService
	strict    bool
	optimized bool
}

// check validates v against the named shape; field names the member v is the value of.
func (sv schemaValidator) check(shapeName, field string, v any, top bool) string {
	sh := sv.svc.Shapes[shapeName]
	if sh == nil {
		return ""
	}
	fieldErr := func(format string, args ...any) string {
		return fmt.Sprintf("Field '%s' ", field) + fmt.Sprintf(format, args...)
	}
	switch sh.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			if top {
				return "Mock result must be a JSON object"
			}
			return fieldErr("must be an object")
		}
		members := map[string]string{}
		names := make([]string, 0, len(sh.Members))
		for name, s := range sh.Members {
			if top && sv.optimized && name == sh.Payload {
				continue // an optimized integration returns its payload as JSON
			}
			members[capitalize(name)] = s
			names = append(names, capitalize(name))
		}
		sort.Strings(names)
		if sv.strict {
			for _, r := range sh.Required {
				if _, ok := obj[capitalize(r)]; !ok {
					return fmt.Sprintf("Required field '%s' is missing", capitalize(r))
				}
			}
		}
		for _, name := range names {
			if x, ok := obj[name]; ok {
				if msg := sv.check(members[name], name, x, false); msg != "" {
					return msg
				}
			}
		}
	case "list":
		arr, ok := v.([]any)
		if !ok {
			return fieldErr("must be an array")
		}
		if msg := sv.bounds(sh, float64(len(arr)), fieldErr, "size"); msg != "" {
			return msg
		}
		for _, x := range arr {
			if msg := sv.check(sh.Member, field, x, false); msg != "" {
				return msg
			}
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return fieldErr("must be an object")
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if msg := sv.check(sh.Value, field, obj[k], false); msg != "" {
				return msg
			}
		}
	case "string", "blob":
		s, ok := v.(string)
		if !ok {
			return fieldErr("must be a string")
		}
		if len(sh.Enum) > 0 && !contains(sh.Enum, s) {
			return fieldErr("is not an expected value")
		}
		return sv.bounds(sh, float64(utf8.RuneCountInString(s)), fieldErr, "length")
	case "timestamp":
		if _, ok := v.(string); !ok {
			return fieldErr("must be a string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fieldErr("must be a boolean")
		}
	case "integer", "long", "float", "double", "bigInteger", "bigDecimal":
		n, ok := v.(float64)
		if !ok {
			return fieldErr("must be a number")
		}
		if sh.Min != nil && n < *sh.Min {
			return fieldErr("is less than the minimum value")
		}
		if sh.Max != nil && n > *sh.Max {
			return fieldErr("exceeds the maximum value")
		}
	}
	return ""
}

// bounds checks a length (strings, blobs) or size (lists) against the shape's min and max.
func (sv schemaValidator) bounds(sh *schemaShape, n float64, fieldErr func(string, ...any) string, what string) string {
	if sh.Min != nil && n < *sh.Min {
		return fieldErr("is smaller than the minimum %s", what)
	}
	if sh.Max != nil && n > *sh.Max {
		return fieldErr("exceeds the maximum %s", what)
	}
	return ""
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
