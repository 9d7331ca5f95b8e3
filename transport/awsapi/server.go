package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/ids"
	"github.com/stepjet/stepjet/transport/records"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/stepjet/stepjet/transport/wire"
)

// Config wires the API to NATS. NC is required for StartExecution and StartSyncExecution; the
// rest needs only the machines bucket (JS, or Registry directly).
type Config struct {
	// NC publishes starts and sends sync requests.
	NC *nats.Conn
	// JS opens the machines bucket; derived from NC when nil.
	JS jetstream.JetStream
	// Registry overrides the bucket access (tests, or a caller that already opened it).
	Registry *registry.Registry
	// Layout names subjects, buckets and ARNs (region, account).
	Layout wire.Layout
	// Credentials maps access key ids to secret keys. When set, every request must carry a
	// valid SigV4 signature by one of them, covering host, x-amz-date, x-amz-target and
	// content-type and the body (hashed here), dated within 15 minutes; the headers are checked
	// before the body is read. When empty, requests are accepted unsigned or signed by anyone —
	// serve then listens on loopback unless told otherwise.
	Credentials map[string]string
	// SyncTimeout bounds a StartSyncExecution request (default: the 5-minute Express deadline
	// plus 15 seconds).
	SyncTimeout time.Duration
	// TestStateTimeout bounds one TestState run (default 60 seconds).
	TestStateTimeout time.Duration
	// Records, when set, answers DescribeExecution, ListExecutions, GetExecutionHistory and
	// StopExecution for Express executions from the kept records (package records); nil
	// answers them as AWS does for Express (InvalidArn, StateMachineTypeNotSupported).
	Records *records.Store
	// Now is the clock for dates in records and signatures (default time.Now).
	Now func() time.Time
	// Telemetry, when set, makes a SERVER span per request (a child of the traceparent or
	// X-Amzn-Trace-Id it came with) and records the request duration by operation.
	Telemetry *telemetry.Telemetry
}

// Server answers the Step Functions AWS JSON 1.0 protocol: POST / with X-Amz-Target
// AWSStepFunctions.<Operation>. It is an http.Handler; mount it at "/".
type Server struct {
	cfg Config
	now func() time.Time

	mu  sync.Mutex
	reg *registry.Registry
	js  jetstream.JetStream
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, now: cfg.Now, reg: cfg.Registry, js: cfg.JS}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.SyncTimeout <= 0 {
		s.cfg.SyncTimeout = 5*time.Minute + 15*time.Second
	}
	if s.cfg.TestStateTimeout <= 0 {
		s.cfg.TestStateTimeout = time.Minute
	}
	return s
}

// maxBody bounds a request body: a definition may be 1 MiB, an input 256 KiB.
const maxBody = 4 << 20

// registry opens the machines bucket on first use, so a server can be built before NATS has
// its streams (serve's /readyz reports that separately).
func (s *Server) registry(ctx context.Context) (*registry.Registry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reg != nil {
		return s.reg, nil
	}
	js := s.cfg.JS
	if js == nil {
		js = s.js
	}
	if js == nil {
		if s.cfg.NC == nil {
			return nil, errors.New("awsapi: no NATS connection configured")
		}
		var err error
		if js, err = jetstream.New(s.cfg.NC); err != nil {
			return nil, err
		}
	}
	s.js = js
	reg, err := registry.Open(ctx, js, s.cfg.Layout)
	if err != nil {
		return nil, err
	}
	s.reg = reg
	return reg, nil
}

// operation decodes its own request body and returns a value to encode as the response.
type operation func(s *Server, ctx context.Context, body []byte) (any, error)

// ServeHTTP answers one API call. The Host header is not checked: the SDKs send StartSyncExecution
// and TestState to a "sync-"-prefixed host, which must reach the same API.
//
// The trace context the request came with (W3C traceparent, or X-Amzn-Trace-Id in X-Ray or W3C
// form) is the parent of the request's span, and of the executions it starts.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := telemetry.RequestContext(r.Context(), r.Header)
	tel := s.cfg.Telemetry
	if tel == nil {
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		s.serve(w, r)
		return
	}
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	if operations[op] == nil {
		op = "unknown" // the operation labels a metric: only known names
	}
	ctx, span := tel.StartRequest(ctx, r, op)
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.serve(sw, r.WithContext(ctx))
	span.End(sw.status, sw.Header().Get("X-Amzn-ErrorType"))
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	reqID := ids.New()
	w.Header().Set("X-Amzn-RequestId", reqID)
	if r.Method != http.MethodPost {
		writeError(w, &Error{Status: http.StatusNotFound, Name: "UnknownOperationException", Message: "Step Functions answers POST / with X-Amz-Target: AWSStepFunctions.<Operation>"})
		return
	}
	if r.ContentLength > maxBody {
		refuseBody(w, &Error{Status: http.StatusRequestEntityTooLarge, Name: "RequestEntityTooLargeException", Message: "Request entity too large"})
		return
	}
	// With credentials configured, everything the headers can tell is checked before the body is
	// read: an unauthenticated client never makes the server read or wait for a body.
	var auth *sigV4
	if len(s.cfg.Credentials) > 0 {
		var e *Error
		if auth, e = checkSigV4Headers(r, s.cfg.Credentials, s.now()); e != nil {
			refuseBody(w, e)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuseBody(w, &Error{Status: http.StatusRequestEntityTooLarge, Name: "RequestEntityTooLargeException", Message: "Request entity too large"})
			return
		}
		refuseBody(w, &Error{Status: http.StatusBadRequest, Name: "SerializationException", Message: "could not read the request body"})
		return
	}
	if auth != nil {
		if e := auth.verify(r, body); e != nil {
			writeError(w, e)
			return
		}
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, "AWSStepFunctions.")
	op := operations[name]
	if !ok || op == nil {
		writeError(w, &Error{Status: http.StatusBadRequest, Name: "UnknownOperationException", Message: ""})
		return
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		writeError(w, &Error{Status: http.StatusBadRequest, Name: "SerializationException", Message: "Start of structure or map found where not expected"})
		return
	}
	out, err := op(s, r.Context(), body)
	if err != nil {
		writeError(w, asError(err))
		return
	}
	b, raw := out.(rawJSON)
	if !raw {
		if b, err = json.Marshal(out); err != nil {
			writeError(w, internal(err))
			return
		}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// refuseBody answers an error for a request whose body was not (fully) read, and closes the
// connection rather than reading what is left of it.
func refuseBody(w http.ResponseWriter, e *Error) {
	w.Header().Set("Connection", "close")
	writeError(w, e)
}

// rawJSON is a response body already encoded, written as it is.
type rawJSON []byte

// operations maps X-Amz-Target operation names to their handlers.
var operations map[string]operation

func init() {
	operations = map[string]operation{
		"CreateStateMachine":               (*Server).createStateMachine,
		"UpdateStateMachine":               (*Server).updateStateMachine,
		"DescribeStateMachine":             (*Server).describeStateMachine,
		"DeleteStateMachine":               (*Server).deleteStateMachine,
		"ListStateMachines":                (*Server).listStateMachines,
		"DescribeStateMachineForExecution": (*Server).describeStateMachineForExecution,
		"StartExecution":                   (*Server).startExecution,
		"StartSyncExecution":               (*Server).startSyncExecution,
		"ValidateStateMachineDefinition":   (*Server).validateDefinition,
		"TestState":                        (*Server).testState,
		"TagResource":                      (*Server).tagResource,
		"UntagResource":                    (*Server).untagResource,
		"ListTagsForResource":              (*Server).listTagsForResource,
		"PublishStateMachineVersion":       (*Server).publishVersion,
		"ListStateMachineVersions":         (*Server).listVersions,
		"DeleteStateMachineVersion":        (*Server).deleteVersion,
		"CreateStateMachineAlias":          (*Server).createAlias,
		"DescribeStateMachineAlias":        (*Server).describeAlias,
		"UpdateStateMachineAlias":          (*Server).updateAlias,
		"DeleteStateMachineAlias":          (*Server).deleteAlias,
		"ListStateMachineAliases":          (*Server).listAliases,
	}
	for _, op := range standardOnly {
		operations[op] = standardOnlyOp(op)
	}
	operations["DescribeExecution"] = recordsOr("DescribeExecution", (*Server).describeExecution)
	operations["ListExecutions"] = recordsOr("ListExecutions", (*Server).listExecutions)
	operations["GetExecutionHistory"] = recordsOr("GetExecutionHistory", (*Server).getExecutionHistory)
	operations["StopExecution"] = recordsOr("StopExecution", (*Server).stopExecution)
	operations["RedriveExecution"] = recordsOr("RedriveExecution", (*Server).redriveExecution)
}

// decode unmarshals a request body; a member of the wrong JSON type is AWS's
// SerializationException.
func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &Error{Status: http.StatusBadRequest, Name: "SerializationException", Message: "Unexpected value for member '" + te.Field + "'"}
		}
		return &Error{Status: http.StatusBadRequest, Name: "SerializationException", Message: err.Error()}
	}
	return nil
}
