package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/tidwall/gjson"
)

func TestFunctionName(t *testing.T) {
	for in, want := range map[string]string{
		"charge":                                          "charge",
		"charge:prod":                                     "charge",
		"123456789012:function:charge":                    "charge",
		"123456789012:function:charge:$LATEST":            "charge",
		"arn:aws:lambda:us-east-1:123:function:charge":    "charge",
		"arn:aws:lambda:us-east-1:123:function:charge:7":  "charge",
		"arn:aws-cn:lambda:cn-north-1:123:function:x-y_z": "x-y_z",
	} {
		if got := FunctionName(in); got != want {
			t.Errorf("FunctionName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodeForm(t *testing.T) {
	body := gjson.Parse(`{"b":"x y","a":[1,2],"o":{"k":true}}`)
	for format, want := range map[string]string{
		"INDICES":  "a%5B0%5D=1&a%5B1%5D=2&b=x+y&o%5Bk%5D=true",
		"REPEAT":   "a=1&a=2&b=x+y&o%5Bk%5D=true",
		"COMMAS":   "a=1%2C2&b=x+y&o%5Bk%5D=true",
		"BRACKETS": "a%5B%5D=1&a%5B%5D=2&b=x+y&o%5Bk%5D=true",
	} {
		v := url.Values{}
		encodeForm(v, "", body, format)
		if got := v.Encode(); got != want {
			t.Errorf("%s: %s, want %s", format, got, want)
		}
	}
}

func TestWorkerError(t *testing.T) {
	cases := []struct {
		name      string
		header    nats.Header
		body      string
		wantName  string
		wantCause string
	}{
		{"success", nil, `{"a":1}`, "", ""},
		{"micro error with type header", nats.Header{"Nats-Service-Error-Code": {"500"}, "Nats-Service-Error": {"card declined"}, "Stepjet-Error-Type": {"PaymentDeclined"}},
			`{"errorMessage":"card declined","errorType":"PaymentDeclined"}`, "PaymentDeclined", `{"errorMessage":"card declined","errorType":"PaymentDeclined"}`},
		{"code is the type", nats.Header{"Nats-Service-Error-Code": {"OutOfStock"}, "Nats-Service-Error": {"none left"}},
			"", "OutOfStock", `{"errorMessage":"none left","errorType":"OutOfStock"}`},
		{"body with stack trace kept verbatim", nats.Header{"Nats-Service-Error-Code": {"Exception"}, "Nats-Service-Error": {"boom"}},
			`{"errorMessage": "boom", "errorType": "Exception", "stackTrace": ["x"]}`, "Exception", `{"errorMessage":"boom","errorType":"Exception","stackTrace":["x"]}`},
		{"message only", nats.Header{"Nats-Service-Error": {"bad"}}, "oops", "Error", `{"errorMessage":"bad","errorType":"Error"}`},
	}
	for _, c := range cases {
		fe := WorkerError(&nats.Msg{Header: c.header, Data: []byte(c.body)})
		if c.wantName == "" {
			if fe != nil {
				t.Errorf("%s: unexpected %v", c.name, fe)
			}
			continue
		}
		if fe == nil || fe.Name != c.wantName || fe.Cause != c.wantCause {
			t.Errorf("%s: got %+v, want %s %s", c.name, fe, c.wantName, c.wantCause)
		}
	}
}

func TestRouterUnknownResourceAndFuncs(t *testing.T) {
	r := &Router{Funcs: map[string]engine.TaskInvoker{
		"arn:aws:states:::lambda:invoke": engine.TaskFunc(func(ctx context.Context, req engine.TaskRequest) ([]byte, error) {
			return []byte(`"local"`), nil
		}),
	}}
	out, err := r.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke"})
	if err != nil || string(out) != `"local"` {
		t.Fatalf("func override: %s %v", out, err)
	}
	_, err = r.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::dynamodb:getItem"})
	var fe *failure.Error
	if !errors.As(err, &fe) || fe.Name != failure.TaskFailed {
		t.Fatalf("unknown resource: %v", err)
	}
}

func TestSQSMissingBody(t *testing.T) {
	n := &Notify{}
	_, err := n.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::sqs:sendMessage", Input: []byte(`{"QueueUrl":"https://sqs/1/q","MessageBody":null}`)})
	var fe *failure.Error
	if !errors.As(err, &fe) || fe.Name != "SQS.AmazonSQSException" || gjson.Valid(fe.Cause) {
		t.Fatalf("%v", err)
	}
}

func FuzzEncodeForm(f *testing.F) {
	f.Add(`{"a":[1,{"b":[2]}],"c":"d"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		if !gjson.Valid(s) {
			return
		}
		for _, format := range []string{"INDICES", "REPEAT", "COMMAS", "BRACKETS"} {
			encodeForm(url.Values{}, "", gjson.Parse(s), format)
		}
	})
}

// A Lambda task's FunctionName comes from the definition or the input: one too long for a
// subject must fail that task in Lambda's words before any NATS call, and leave the connection
// every execution shares open (the server closes a connection whose request subject is over
// its control-line limit).
func TestLambdaRefusesAnOversizedFunctionName(t *testing.T) {
	env := testenv.New(t)
	sub, err := env.NC.Subscribe(env.Layout.FunctionSubject("echo"), func(m *nats.Msg) { _ = m.Respond(m.Data) })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	l := &Lambda{NC: env.NC, Layout: env.Layout}
	for _, fn := range []string{strings.Repeat("f", 5000), "bad name", ""} {
		in, _ := json.Marshal(map[string]any{"FunctionName": fn, "Payload": map[string]any{}})
		_, err := l.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke", Input: in})
		var fe *failure.Error
		want := "Lambda.AWSLambdaException"
		if fn == "" {
			want = failure.TaskFailed // the field is missing
		}
		if !errors.As(err, &fe) || fe.Name != want {
			t.Errorf("FunctionName of %d characters: %v, want %s", len(fn), err, want)
		}
	}
	if !env.NC.IsConnected() {
		t.Fatal("the NATS connection was closed")
	}
	out, err := l.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke",
		Input: []byte(`{"FunctionName":"echo","Payload":{"ok":true}}`)})
	if err != nil || !gjson.GetBytes(out, "Payload.ok").Bool() {
		t.Fatalf("a valid invoke after the refusals: %s, %v", out, err)
	}
}

// SNS topic, SQS queue and event bus names over AWS's limits fail the publish before any NATS
// call, and the shared connection stays open.
func TestNotifyRefusesOversizedNames(t *testing.T) {
	env := testenv.New(t)
	n := &Notify{NC: env.NC, JS: env.JS, Layout: env.Layout}
	long := strings.Repeat("q", 5000)
	for _, tc := range []struct{ resource, input, want string }{
		{"arn:aws:states:::sns:publish", `{"TopicArn":"arn:aws:sns:us-east-1:123456789012:` + long + `","Message":"m"}`, "SNS.InvalidParameterException"},
		{"arn:aws:states:::sqs:sendMessage", `{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/` + long + `","MessageBody":"m"}`, "SQS.QueueDoesNotExistException"},
	} {
		_, err := n.Invoke(context.Background(), engine.TaskRequest{Resource: tc.resource, Input: []byte(tc.input)})
		var fe *failure.Error
		if !errors.As(err, &fe) || fe.Name != tc.want {
			t.Errorf("%s: %v, want %s", tc.resource, err, tc.want)
		}
	}
	out, err := n.Invoke(context.Background(), engine.TaskRequest{Resource: "arn:aws:states:::events:putEvents",
		Input: []byte(`{"Entries":[{"EventBusName":"` + long + `","Source":"s","DetailType":"d","Detail":{}}]}`)})
	if err != nil || gjson.GetBytes(out, "Entries.0.ErrorCode").String() != "ValidationException" {
		t.Errorf("events:putEvents to an oversized bus: %s, %v", out, err)
	}
	if !env.NC.IsConnected() {
		t.Fatal("the NATS connection was closed")
	}
}
