package tracectx

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"
)

const (
	w3cParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	traceID   = "0af7651916cd43dd8448eb211c80319c"
)

// startNATS runs an in-process NATS server and connects to it.
func startNATS(t *testing.T) *nats.Conn {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server did not start")
	}
	t.Cleanup(s.Shutdown)
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// On a real NATS connection the key on the wire is lowercase "traceparent", and a message whose
// client wrote "Traceparent" (OTel's HTTP carrier, nats.Header.Set) is still read.
func TestNATSCarrierOnTheWire(t *testing.T) {
	nc := startNATS(t)
	sub, err := nc.SubscribeSync("t.>")
	if err != nil {
		t.Fatal(err)
	}
	ctx := ContextWithTraceParent(context.Background(), w3cParent, "vendor=x")
	msg := nats.NewMsg("t.inject")
	Inject(ctx, msg.Header)
	if err := nc.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	got, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Header["traceparent"]; len(v) != 1 || v[0] != w3cParent {
		t.Fatalf("wire headers %v: want lowercase traceparent %s", got.Header, w3cParent)
	}
	if _, ok := got.Header["Traceparent"]; ok {
		t.Fatalf("canonical-case Traceparent on the wire: %v", got.Header)
	}
	if v := got.Header["tracestate"]; len(v) != 1 || v[0] != "vendor=x" {
		t.Fatalf("wire headers %v: want tracestate", got.Header)
	}

	// A client that canonicalized the key.
	msg = nats.NewMsg("t.canonical")
	msg.Header.Set("Traceparent", w3cParent)
	if err := nc.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	got, err = sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Header["traceparent"]; ok {
		t.Fatal("the canonical-case header arrived lowercase: the test proves nothing")
	}
	sc := trace.SpanContextFromContext(Extract(context.Background(), got.Header))
	if sc.TraceID().String() != traceID || !sc.IsRemote() || !sc.IsSampled() {
		t.Fatalf("extracted %v from %v", sc, got.Header)
	}
}

func TestHeaderSetReplacesOtherSpellings(t *testing.T) {
	h := nats.Header{"Traceparent": {"old"}}
	Inject(ContextWithTraceParent(context.Background(), w3cParent, ""), h)
	if len(h) != 1 || h.Get("traceparent") != w3cParent {
		t.Fatalf("headers %v", h)
	}
	Inject(context.Background(), h) // no span: nothing written, nothing removed
	if len(h) != 1 {
		t.Fatalf("headers %v", h)
	}
}

func TestParseTraceHeader(t *testing.T) {
	cases := []struct {
		in, trace, span string
		sampled, ok     bool
	}{
		{w3cParent, traceID, "b7ad6b7169203331", true, true},
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true, true},
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", false, true},
		{" Sampled=1; Parent=53995c3f42cd8ad8 ;Root=1-5759e988-bd862e3fe1be46a994272793", "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true, true},
		{"Root=1-5759e988-bd862e3fe1be46a994272793", "", "", false, false}, // no parent
		{"Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", "", "", false, false},
		{"Root=1-zz59e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", "", "", false, false},
		{"00-00000000000000000000000000000000-b7ad6b7169203331-01", "", "", false, false},
		{"garbage", "", "", false, false},
		{"", "", "", false, false},
	}
	for _, c := range cases {
		sc, ok := ParseTraceHeader(c.in)
		if ok != c.ok {
			t.Errorf("ParseTraceHeader(%q) ok=%v, want %v", c.in, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if sc.TraceID().String() != c.trace || sc.SpanID().String() != c.span || sc.IsSampled() != c.sampled {
			t.Errorf("ParseTraceHeader(%q) = %s/%s sampled=%v", c.in, sc.TraceID(), sc.SpanID(), sc.IsSampled())
		}
	}
}
