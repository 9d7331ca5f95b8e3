package tasks

import (
	"encoding/json"
	"strconv"
	"time"
)

// sdkMeta builds the SdkHttpMetadata / SdkResponseMetadata members AWS's optimized
// integrations return, with header values as AWS shows them (AllHttpHeaders lists, HttpHeaders
// single values).
func sdkMeta(requestID, contentType string, contentLength int, extra map[string]string, lowerConnection bool) (json.RawMessage, json.RawMessage) {
	conn := "Connection"
	if lowerConnection {
		conn = "connection"
	}
	h := map[string]string{
		conn:               "keep-alive",
		"Content-Length":   strconv.Itoa(contentLength),
		"Content-Type":     contentType,
		"Date":             time.Now().UTC().Format(time.RFC1123),
		"x-amzn-RequestId": requestID,
	}
	for k, v := range extra {
		h[k] = v
	}
	all := make(map[string][]string, len(h))
	for k, v := range h {
		all[k] = []string{v}
	}
	meta, _ := json.Marshal(struct {
		AllHttpHeaders map[string][]string
		HttpHeaders    map[string]string
		HttpStatusCode int
	}{all, h, 200})
	resp, _ := json.Marshal(struct{ RequestId string }{requestID})
	return meta, resp
}
