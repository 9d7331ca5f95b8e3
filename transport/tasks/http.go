package tasks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/transport/telemetry"
	"github.com/tidwall/gjson"
)

// HTTPTimeout is AWS's limit on one HTTP Task call; exceeding it fails with States.Http.Socket.
const HTTPTimeout = 60 * time.Second

// HTTP runs arn:aws:states:::http:invoke tasks. Parameters: ApiEndpoint, Method, Headers,
// QueryParameters, RequestBody, Transform {RequestBodyEncoding: NONE|URL_ENCODED,
// RequestEncodingOptions: {ArrayFormat: INDICES|REPEAT|COMMAS|BRACKETS}}; Authentication is
// accepted and ignored (EventBridge connections do not exist here; put credentials in Headers,
// or set Client to one that adds them).
//
// Result: {"Headers": {name: [values]}, "ResponseBody": JSON value or string, "StatusCode": n,
// "StatusText": "..."}. A non-2xx status fails with States.Http.StatusCode.<code> and the
// result as cause; a connection failure or timeout with States.Http.Socket.
type HTTP struct {
	// Client, when set, is used as it is: Policy and the redirect rule are then its own
	// business. By default HTTP tasks connect directly (no HTTP_PROXY) through Policy, and
	// follow at most 5 redirects, never from https to http (HTTPTimeout applies).
	Client *http.Client
	// Policy says which addresses HTTP tasks may connect to; its zero value refuses
	// link-local and cloud metadata addresses (DefaultDeny).
	Policy HTTPPolicy
	// Timeout overrides HTTPTimeout.
	Timeout time.Duration
	// Region goes into the User-Agent AWS sends: Amazon|StepFunctions|HttpInvoke|<region>.
	Region string

	clientOnce sync.Once
	client     *http.Client
}

// MaxResponseBody is the most of a response body an HTTP task reads: the result holds the whole
// body, so a longer one can never make a result within the 256 KiB payload limit.
const MaxResponseBody = engine.MaxPayloadBytes

// maxCauseBody is how much of an oversized error response's body goes into the failure's
// cause (AWS caps causes at 32,768 characters).
const maxCauseBody = 32 << 10

func (h *HTTP) httpClient() *http.Client {
	if h.Client != nil {
		return h.Client
	}
	h.clientOnce.Do(func() { h.client = newHTTPClient(&h.Policy) })
	return h.client
}

// Invoke implements engine.TaskInvoker.
func (h *HTTP) Invoke(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
	in := gjson.ParseBytes(req.Input)
	endpoint := in.Get("ApiEndpoint").String()
	method := strings.ToUpper(in.Get("Method").String())
	if endpoint == "" || method == "" {
		return nil, &failure.Error{Name: failure.Runtime, Cause: "The HTTP Task requires the fields 'ApiEndpoint' and 'Method'."}
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &failure.Error{Name: failure.Runtime, Cause: "Invalid ApiEndpoint '" + endpoint + "': it must be an absolute http(s) URL."}
	}
	if qp := in.Get("QueryParameters"); qp.IsObject() {
		q := u.Query()
		encodeForm(q, "", qp, "REPEAT")
		u.RawQuery = q.Encode()
	}

	var body io.Reader
	contentType := ""
	if rb := in.Get("RequestBody"); rb.Exists() {
		encoding := in.Get("Transform.RequestBodyEncoding").String()
		switch {
		case encoding == "URL_ENCODED":
			f := url.Values{}
			format := in.Get("Transform.RequestEncodingOptions.ArrayFormat").String()
			if format == "" {
				format = "INDICES"
			}
			if rb.IsObject() {
				encodeForm(f, "", rb, format)
				body = strings.NewReader(f.Encode())
			} else {
				body = strings.NewReader(rb.String())
			}
			contentType = "application/x-www-form-urlencoded"
		case rb.Type == gjson.String:
			body = strings.NewReader(rb.Str)
			contentType = "text/plain; charset=utf-8"
		default:
			body = strings.NewReader(rb.Raw)
			contentType = "application/json; charset=utf-8"
		}
	}

	timeout := h.Timeout
	if timeout <= 0 {
		timeout = HTTPTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var taskCtx context.Context = callCtx
	var taskCancel context.CancelFunc = func() {}
	if req.Timeout > 0 {
		taskCtx, taskCancel = context.WithTimeout(callCtx, req.Timeout)
	}
	defer taskCancel()

	hreq, err := http.NewRequestWithContext(taskCtx, method, u.String(), body)
	if err != nil {
		return nil, &failure.Error{Name: failure.Runtime, Cause: err.Error()}
	}
	region := h.Region
	if region == "" {
		region = "us-east-1"
	}
	hreq.Header.Set("User-Agent", "Amazon|StepFunctions|HttpInvoke|"+region)
	if contentType != "" {
		hreq.Header.Set("Content-Type", contentType)
	}
	in.Get("Headers").ForEach(func(k, v gjson.Result) bool {
		hreq.Header.Set(k.String(), v.String())
		return true
	})
	telemetry.HTTPRequest(ctx, hreq)
	resp, err := h.httpClient().Do(hreq)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case req.Timeout > 0 && errors.Is(taskCtx.Err(), context.DeadlineExceeded) && callCtx.Err() == nil:
			return nil, &failure.Error{Name: failure.Timeout}
		default:
			return nil, &failure.Error{Name: "States.Http.Socket", Cause: socketCause(err)}
		}
	}
	defer resp.Body.Close()
	telemetry.HTTPResponse(ctx, resp.StatusCode)
	// Read no more than can be used: a 16 MiB error page must not become a 16 MiB cause.
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody+1))
	if err != nil {
		return nil, &failure.Error{Name: "States.Http.Socket", Cause: socketCause(err)}
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	truncated := len(raw) > MaxResponseBody
	if truncated {
		if ok {
			return nil, &failure.Error{Name: failure.DataLimitExceeded, Cause: "The HTTP response body from " + u.Redacted() +
				" is larger than the 262144-byte payload limit (status " + strconv.Itoa(resp.StatusCode) + ")."}
		}
		// The status is what a Catch matches; the cause keeps the start of the body, as text.
		raw = append(raw[:maxCauseBody:maxCauseBody], "… (truncated: the response body is larger than 262144 bytes)"...)
	}
	result := httpResult(resp, raw, truncated)
	if !ok {
		return nil, &failure.Error{Name: "States.Http.StatusCode." + strconv.Itoa(resp.StatusCode), Cause: string(result)}
	}
	return result, nil
}

func socketCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// httpResult shapes a response as AWS's HTTP Task result.
// A truncated body is kept as text, whatever its type.
func httpResult(resp *http.Response, raw []byte, truncated bool) []byte {
	headers := map[string][]string(resp.Header)
	var rb json.RawMessage
	trimmed := bytes.TrimSpace(raw)
	if !truncated && strings.Contains(resp.Header.Get("Content-Type"), "json") && len(trimmed) > 0 && json.Valid(trimmed) {
		rb = trimmed
	} else {
		rb, _ = json.Marshal(string(raw))
	}
	text := http.StatusText(resp.StatusCode)
	if i := strings.IndexByte(resp.Status, ' '); i >= 0 {
		text = resp.Status[i+1:]
	}
	b, _ := json.Marshal(struct {
		Headers      map[string][]string
		ResponseBody json.RawMessage
		StatusCode   int
		StatusText   string
	}{headers, rb, resp.StatusCode, text})
	return b
}

// encodeForm flattens a JSON value into form values: objects as key[sub], arrays per format
// (INDICES key[0]=a, REPEAT key=a&key=b, COMMAS key=a,b, BRACKETS key[]=a).
func encodeForm(v url.Values, key string, r gjson.Result, format string) {
	switch {
	case r.IsObject():
		keys := []string{}
		r.ForEach(func(k, _ gjson.Result) bool { keys = append(keys, k.String()); return true })
		sort.Strings(keys)
		for _, k := range keys {
			sub := k
			if key != "" {
				sub = key + "[" + k + "]"
			}
			encodeForm(v, sub, r.Get(gjson.Escape(k)), format)
		}
	case r.IsArray():
		items := r.Array()
		if format == "COMMAS" {
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = scalar(it)
			}
			v.Add(key, strings.Join(parts, ","))
			return
		}
		for i, it := range items {
			switch format {
			case "REPEAT":
				encodeForm(v, key, it, format)
			case "BRACKETS":
				encodeForm(v, key+"[]", it, format)
			default:
				encodeForm(v, key+"["+strconv.Itoa(i)+"]", it, format)
			}
		}
	default:
		v.Add(key, scalar(r))
	}
}

func scalar(r gjson.Result) string {
	if r.Type == gjson.String {
		return r.Str
	}
	return r.Raw
}
