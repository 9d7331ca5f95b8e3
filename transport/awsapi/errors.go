package awsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is an API error as AWS sends it: HTTP status, the error's name (the shape after "#" in
// __type) and its message.
type Error struct {
	Status  int
	Name    string
	Message string
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

// namespace is the Smithy namespace AWS puts before "#" in __type.
func (e *Error) namespace() string {
	switch e.Name {
	case "ValidationException":
		return "com.amazon.coral.validate"
	case "UnknownOperationException", "SerializationException", "MissingAuthenticationTokenException",
		"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
		"AccessDeniedException", "RequestEntityTooLargeException", "InternalFailure", "ServiceUnavailable":
		return "com.amazon.coral.service"
	}
	return "com.amazonaws.swf.service.v2.model"
}

func writeError(w http.ResponseWriter, e *Error) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message,omitempty"`
	}{e.namespace() + "#" + e.Name, e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", e.Name)
	w.WriteHeader(e.Status)
	w.Write(b)
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

func internal(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Name: "InternalFailure", Message: err.Error()}
}

// Constructors for the service errors, with AWS's message texts.

func errBadRequest(name, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Name: name, Message: fmt.Sprintf(format, args...)}
}

func errInvalidArn(why string) *Error { return errBadRequest("InvalidArn", "Invalid Arn: '%s'", why) }

func errInvalidName(name string) *Error {
	return errBadRequest("InvalidName", "Invalid Name: '%s'", name)
}

func errMachineMissing(arn string) *Error {
	return errBadRequest("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
}

func errResourceMissing(arn string) *Error {
	return errBadRequest("ResourceNotFound", "Resource not found: '%s'", arn)
}

func errConflict(format string, args ...any) *Error {
	return errBadRequest("ConflictException", format, args...)
}

// validation collects coral's member constraint failures into one ValidationException:
// "2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: ...; ...".
type validation []string

func (v *validation) add(value any, member, constraint string) {
	var shown string
	switch x := value.(type) {
	case nil:
		shown = "null"
	case string:
		shown = "'" + x + "'"
	default: // coral quotes numbers too: "Value '1001' at 'maxResults'"
		shown = "'" + fmt.Sprint(x) + "'"
	}
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, member, constraint))
}

func (v *validation) required(present bool, member string) {
	if !present {
		v.add(nil, member, "Member must not be null")
	}
}

func (v *validation) length(s *string, member string, lo, hi int) {
	if s == nil {
		return
	}
	n := len([]rune(*s))
	if n < lo {
		v.add(*s, member, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	} else if n > hi {
		v.add(*s, member, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

// value checks a number against its shape's range, with coral's one-sided texts: AWS answers
// "Member must have value less than or equal to 1000" for maxResults 1001.
func (v *validation) value(n *int, member string, lo, hi int) {
	if n == nil {
		return
	}
	if *n < lo {
		v.add(*n, member, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	} else if *n > hi {
		v.add(*n, member, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
}

func (v *validation) enum(s *string, member string, allowed ...string) {
	if s == nil {
		return
	}
	for _, a := range allowed {
		if *s == a {
			return
		}
	}
	v.add(*s, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	noun := "error"
	if len(v) > 1 {
		noun = "errors"
	}
	return &Error{Status: http.StatusBadRequest, Name: "ValidationException",
		Message: fmt.Sprintf("%d validation %s detected: %s", len(v), noun, strings.Join(v, "; "))}
}
