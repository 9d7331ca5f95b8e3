package tasks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/telemetry"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// A traced http:invoke task is a CLIENT span named after the method, with the HTTP client
// conventions, and its request carries that span as traceparent.
func TestHTTPTaskPropagatesTrace(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("traceparent")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tel := telemetry.New(telemetry.Options{TracerProvider: tp})
	ctx, parent := tp.Tracer("test").Start(context.Background(), "state")
	inv := tel.Tasks(&HTTP{})
	if _, err := inv.Invoke(ctx, engine.TaskRequest{Resource: "arn:aws:states:::http:invoke", StateName: "Call",
		Input: []byte(`{"ApiEndpoint":"` + srv.URL + `/p?secret=1","Method":"POST"}`)}); err != nil {
		t.Fatal(err)
	}
	parent.End()
	tp2 := <-got
	var span *tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.SpanKind == trace.SpanKindClient {
			span = &s
		}
	}
	if span == nil {
		t.Fatalf("no CLIENT span: %v", exp.GetSpans())
	}
	want := "00-" + span.SpanContext.TraceID().String() + "-" + span.SpanContext.SpanID().String() + "-01"
	if tp2 != want {
		t.Errorf("request traceparent %q, want the task span %q", tp2, want)
	}
	attrs := map[string]string{}
	for _, kv := range span.Attributes {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	if span.Name != "POST" || attrs["http.request.method"] != "POST" || attrs["http.response.status_code"] != "202" ||
		attrs["url.full"] != srv.URL+"/p" || attrs["server.address"] != "127.0.0.1" {
		t.Errorf("span %q %v", span.Name, attrs)
	}
}

// Without a traced context, no traceparent is sent.
func TestHTTPTaskUntraced(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("traceparent")
	}))
	defer srv.Close()
	if _, fe := httpTask(t, &HTTP{}, srv.URL); fe != nil {
		t.Fatal(fe)
	}
	if tp := <-got; tp != "" {
		t.Errorf("untraced request sent traceparent %q", tp)
	}
}

// An SNS publish inside a traced task is a PRODUCER span whose context the NATS message carries
// under the lowercase key.
func TestNotifyPropagatesTrace(t *testing.T) {
	env := testenv.New(t)
	sub, err := env.NC.SubscribeSync(">")
	if err != nil {
		t.Fatal(err)
	}
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	tel := telemetry.New(telemetry.Options{TracerProvider: tp})
	ctx, state := tp.Tracer("test").Start(context.Background(), "state")
	inv := tel.Tasks(&Notify{NC: env.NC, JS: env.JS, Layout: env.Layout})
	if _, err := inv.Invoke(ctx, engine.TaskRequest{Resource: "arn:aws:states:::sns:publish", StateName: "Tell",
		Input: []byte(`{"TopicArn":"arn:aws:sns:us-east-1:123456789012:news","Message":"hi"}`)}); err != nil {
		t.Fatal(err)
	}
	state.End()
	var msg *nats.Msg
	for {
		m, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(m.Subject, ".sns.news") {
			msg = m
			break
		}
	}
	var producer *tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.SpanKind == trace.SpanKindProducer {
			producer = &s
		}
	}
	if producer == nil {
		t.Fatalf("no PRODUCER span: %v", exp.GetSpans())
	}
	want := "00-" + producer.SpanContext.TraceID().String() + "-" + producer.SpanContext.SpanID().String() + "-01"
	if got := msg.Header["traceparent"]; len(got) != 1 || got[0] != want {
		t.Errorf("message headers %v, want traceparent %s", msg.Header, want)
	}
}
