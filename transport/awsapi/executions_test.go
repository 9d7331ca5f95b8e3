package awsapi

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/wire"
)

const passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// lastStart returns the last start message stored for machine.
func (e *env) lastStart(t *testing.T, machine string) *nats.Header {
	t.Helper()
	ctx := context.Background()
	l := e.api.cfg.Layout
	stream, err := e.js.Stream(ctx, l.ExecutionsStream())
	if err != nil {
		t.Fatal(err)
	}
	m, err := stream.GetLastMsgForSubject(ctx, l.StartSubject(machine))
	if err != nil {
		t.Fatal(err)
	}
	return &m.Header
}

// TestStartsArePinnedAndScopedByMachine (issues 14.8 and 15.2): the same execution name on two
// machines is two executions (no false ExecutionAlreadyExists); a start carries the revision it
// was accepted on, and an alias start the version the alias routed it to.
func TestStartsArePinnedAndScopedByMachine(t *testing.T) {
	e := startEnv(t, Config{})
	ctx := context.Background()
	l := e.api.cfg.Layout
	for _, name := range []string{"ma", "mb"} {
		if err := e.reg.CreateMachine(ctx, wire.Machine{Name: name, Arn: l.StateMachineArn(name), Definition: passDef, Type: "EXPRESS", RevisionID: "r1", CreationDate: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"ma", "mb"} {
		if code, out, err := post(e.srv.URL, "StartExecution", map[string]any{"stateMachineArn": l.StateMachineArn(name), "name": "same"}); err != nil || code != 200 {
			t.Fatalf("%s: %d %v %v", name, code, out, err)
		}
	}
	if code, out, _ := post(e.srv.URL, "StartExecution", map[string]any{"stateMachineArn": l.StateMachineArn("ma"), "name": "same"}); code != 400 || !strings.HasSuffix(fmt.Sprint(out["__type"]), "#ExecutionAlreadyExists") {
		t.Fatalf("a repeated name on one machine: %d %v", code, out)
	}
	_, rev, err := e.reg.Machine(ctx, "ma")
	if err != nil {
		t.Fatal(err)
	}
	if h := e.lastStart(t, "ma"); h.Get(wire.HeaderMachineRevision) != strconv.FormatUint(rev, 10) || h.Get(wire.HeaderMsgID) != wire.DedupID("ma", "same") {
		t.Fatalf("start headers %v (machine at revision %d)", *h, rev)
	}

	v1, err := e.reg.PublishVersion(ctx, "mb", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m, mrev, _ := e.reg.Machine(ctx, "mb")
	m.RevisionID = "r2"
	if err := e.reg.PutMachine(ctx, m, mrev); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.PublishVersion(ctx, "mb", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	alias := e.reg.AliasArn("mb", "live")
	if err := e.reg.CreateAlias(ctx, "mb", wire.Alias{Name: "live", Arn: alias, Routing: []wire.AliasRoute{{StateMachineVersionArn: v1.Arn, Weight: 100}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, err := post(e.srv.URL, "StartExecution", map[string]any{"stateMachineArn": alias}); err != nil || code != 200 {
		t.Fatalf("alias start: %d %v %v", code, out, err)
	}
	if h := e.lastStart(t, "mb"); h.Get(wire.HeaderMachineVersion) != "1" || h.Get(wire.HeaderStateMachineArn) != alias {
		t.Fatalf("alias start headers %v", *h)
	}
}

// TestSyncErrorsAreAWSErrors (issues 15.3 and 14.5): a draining executor's answer is
// ServiceUnavailable (503), a busy one's ThrottlingException (400).
func TestSyncErrorsAreAWSErrors(t *testing.T) {
	e := startEnv(t, Config{})
	ctx := context.Background()
	l := e.api.cfg.Layout
	if err := e.reg.CreateMachine(ctx, wire.Machine{Name: "m", Arn: l.StateMachineArn("m"), Definition: passDef, Type: "EXPRESS", CreationDate: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]int{wire.SyncUnavailable: 503, wire.SyncBusy: 400} {
		sub, err := e.nc.Subscribe(l.SyncSubject("m"), func(m *nats.Msg) { _ = m.Respond(wire.SyncErrorReply(typ, "said the executor")) })
		if err != nil {
			t.Fatal(err)
		}
		code, out, err := post(e.srv.URL, "StartSyncExecution", map[string]any{"stateMachineArn": l.StateMachineArn("m")})
		_ = sub.Unsubscribe()
		if err != nil || code != want || !strings.HasSuffix(fmt.Sprint(out["__type"]), "#"+typ) || out["message"] != "said the executor" {
			t.Errorf("%s: %d %v %v", typ, code, out, err)
		}
	}
}
