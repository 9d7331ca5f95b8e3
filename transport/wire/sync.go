package wire

import (
	"bytes"
	"encoding/json"
)

// Error types of a sync reply that is not a result: the executor did not run the execution
// (or stopped it before it ended), and says why. The AWS API answers them as AWS errors.
const (
	// SyncUnavailable: the executor is draining (or stopped the execution at its drain
	// deadline). Another executor may take a retry. API: ServiceUnavailable (HTTP 503).
	SyncUnavailable = "ServiceUnavailable"
	// SyncBusy: the executor's sync queue is full. API: ThrottlingException (HTTP 400).
	SyncBusy = "ThrottlingException"
)

// SyncError is a sync reply that is not a result. Its body is {"__type":…,"message":…}, the
// AWS error shape; Type is an AWS error name (SyncUnavailable, SyncBusy, or one of the
// StartError types for a request the executor refused).
type SyncError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func (e *SyncError) Error() string { return e.Type + ": " + e.Message }

// SyncErrorReply is the reply body of a SyncError.
func SyncErrorReply(typ, msg string) []byte {
	b, _ := json.Marshal(SyncError{Type: typ, Message: msg})
	return b
}

// ParseSyncReply returns the SyncError a sync reply holds, or nil when the reply is a Result.
// Results begin with "executionArn" and errors with "__type" (as both encoders write them), so
// a result is never scanned.
func ParseSyncReply(b []byte) *SyncError {
	t := bytes.TrimLeft(b, " \t\r\n")
	if !bytes.HasPrefix(t, []byte(`{"__type"`)) {
		return nil
	}
	var e SyncError
	if json.Unmarshal(t, &e) != nil || e.Type == "" {
		return nil
	}
	return &e
}
