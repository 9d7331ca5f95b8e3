package executor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/triggers"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

func TestHTTPTask(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("nope"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "q": r.URL.RawQuery, "body": string(body),
			"auth": r.Header.Get("Authorization"), "ct": r.Header.Get("Content-Type"), "ua": r.Header.Get("User-Agent")})
	}))
	t.Cleanup(srv.Close)
	env := testenv.New(t)
	env.PutMachine("http", fmt.Sprintf(`{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"%s/things","Method":"POST","Headers":{"Authorization":"Bearer x"},
		"QueryParameters":{"id":"7"},"RequestBody":{"name":"a","tags":["x","y"]},
		"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"BRACKETS"}}},
		"End":true}}}`, srv.URL), "")
	env.PutMachine("http404", fmt.Sprintf(`{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"%s/missing","Method":"GET"},
		"Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"Next":"NotFound"}],"End":true},
		"NotFound":{"Type":"Pass","End":true}}}`, srv.URL), "")
	env.PutMachine("httpdown", `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET"},"End":true}}}`, "")
	startExecutor(t, env, executor.Config{})

	res := syncRun(t, env, "http", `{}`)
	if res.Status != "SUCCEEDED" {
		t.Fatalf("%+v", res)
	}
	out := gjson.Parse(res.Output)
	if out.Get("StatusCode").Int() != 200 || out.Get("StatusText").String() != "OK" ||
		out.Get("ResponseBody.method").String() != "POST" || out.Get("ResponseBody.q").String() != "id=7" ||
		out.Get("ResponseBody.auth").String() != "Bearer x" ||
		out.Get("ResponseBody.body").String() != "name=a&tags%5B%5D=x&tags%5B%5D=y" ||
		out.Get("ResponseBody.ct").String() != "application/x-www-form-urlencoded" ||
		out.Get("ResponseBody.ua").String() != "Amazon|StepFunctions|HttpInvoke|us-east-1" ||
		!out.Get("Headers.Content-Type").IsArray() {
		t.Errorf("HTTP result %s", res.Output)
	}
	res = syncRun(t, env, "http404", `{}`)
	if res.Status != "SUCCEEDED" || gjson.Get(res.Output, "Error").String() != "States.Http.StatusCode.404" ||
		gjson.Get(gjson.Get(res.Output, "Cause").String(), "ResponseBody").String() != "nope" {
		t.Errorf("404: %+v", res)
	}
	res = syncRun(t, env, "httpdown", `{}`)
	if res.Status != "FAILED" || res.Error != "States.Http.Socket" {
		t.Errorf("connection refused: %+v", res)
	}
}

func TestNotifyPublishesToSubjects(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("notify", `{"StartAt":"SNS","States":{
		"SNS":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:orders","Message.$":"$"},"ResultPath":"$.sns","Next":"SQS"},
		"SQS":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/ship","MessageBody":"hello"},"ResultPath":"$.sqs","Next":"EV"},
		"EV":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{"Entries":[{"Source":"shop","DetailType":"OrderPlaced","Detail":{"id":1}}]},"ResultPath":"$.ev","End":true}}}`, "")
	got := make(chan *nats.Msg, 3)
	sub, err := env.NC.Subscribe("stepjet.>", func(m *nats.Msg) {
		if strings.HasPrefix(m.Subject, "stepjet.sns.") || strings.HasPrefix(m.Subject, "stepjet.sqs.") || strings.HasPrefix(m.Subject, "stepjet.events.") {
			got <- m
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	_ = env.NC.Flush()
	startExecutor(t, env, executor.Config{})
	res := syncRun(t, env, "notify", `{"id":42}`)
	if res.Status != "SUCCEEDED" {
		t.Fatalf("%+v", res)
	}
	out := gjson.Parse(res.Output)
	if !out.Get("sns.MessageId").Exists() || out.Get("sqs.MD5OfMessageBody").String() != "5d41402abc4b2a76b9719d911017c592" ||
		out.Get("ev.FailedEntryCount").Int() != 0 || !out.Get("ev.Entries.0.EventId").Exists() {
		t.Errorf("results %s", res.Output)
	}
	want := map[string]string{"stepjet.sns.orders": `{"id":42}`, "stepjet.sqs.ship": "hello"}
	for range 3 {
		select {
		case m := <-got:
			if m.Subject == "stepjet.events.default" {
				if gjson.GetBytes(m.Data, "detail-type").String() != "OrderPlaced" || gjson.GetBytes(m.Data, "detail.id").Int() != 1 {
					t.Errorf("event %s", m.Data)
				}
				continue
			}
			if want[m.Subject] != string(m.Data) {
				t.Errorf("%s: %s", m.Subject, m.Data)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("missing published messages")
		}
	}
}

func TestTriggers(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("orders", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"got.$":"$.id"},"End":true}}}`, "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{})
	if _, err := triggers.Put(context.Background(), env.Triggers, env.Layout, "orders.placed", "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := triggers.Put(context.Background(), env.Triggers, env.Layout, "stepjet.start.x", "orders"); err == nil {
		t.Error("a trigger inside stepjet's prefix was accepted")
	}
	// The binding reaches the executor through its KV watch: retry the request until bound.
	var reply *nats.Msg
	deadline := time.Now().Add(5 * time.Second)
	for {
		m := nats.NewMsg("orders.placed")
		m.Data = []byte(`{"id":1}`)
		m.Header.Set(wire.HeaderMsgID, "order-1")
		var err error
		reply, err = env.NC.RequestMsg(m, time.Second)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("trigger never bound:", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	arn := gjson.GetBytes(reply.Data, "executionArn").String()
	if !strings.Contains(arn, ":express:orders:order-1:") {
		t.Fatalf("trigger reply %s", reply.Data)
	}
	// the same event again (same Nats-Msg-Id) is one execution; a plain publish is another
	m := nats.NewMsg("orders.placed")
	m.Data = []byte(`{"id":1}`)
	m.Header.Set(wire.HeaderMsgID, "order-1")
	_ = env.NC.PublishMsg(m)
	_ = env.NC.Publish("orders.placed", []byte(`{"id":2}`))
	results.Wait(t, 2, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	rs := results.All()
	byOutput := map[string]string{}
	for _, r := range rs {
		byOutput[r.Output] = r.ExecutionArn
	}
	if len(rs) != 2 || byOutput[`{"got":1}`] != arn || byOutput[`{"got":2}`] == "" {
		t.Fatalf("results %+v", rs)
	}
	bs, err := triggers.List(context.Background(), env.Triggers)
	if err != nil || len(bs) != 1 || bs[0].Machine != "orders" {
		t.Fatalf("list %+v %v", bs, err)
	}
	if err := triggers.Delete(context.Background(), env.Triggers, "orders.placed"); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		if _, err := env.NC.Request("orders.placed", []byte(`{}`), 200*time.Millisecond); err != nil {
			break // unbound: no responders
		}
		if time.Now().After(deadline) {
			t.Fatal("trigger still bound after delete")
		}
	}
}

func TestMachineUpdateIsPickedUp(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("ver", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v1","End":true}}}`, "")
	entered, release := make(chan struct{}, 1), make(chan struct{})
	serveWorker(t, env, "gate", func(ctx context.Context, p []byte) ([]byte, error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
		return []byte(`"gated"`), nil
	})
	t.Cleanup(func() { // a test that stops early must not leave the worker blocked
		select {
		case <-release:
		default:
			close(release)
		}
	})
	env.PutMachine("long", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"gate"},"OutputPath":"$.Payload","Next":"P"},"P":{"Type":"Pass","Result":"old","ResultPath":"$","End":true}}}`, "")
	startExecutor(t, env, executor.Config{})
	if res := syncRun(t, env, "ver", `{}`); res.Output != `"v1"` {
		t.Fatalf("%+v", res)
	}
	// a running execution keeps the definition it started with
	longDone := make(chan wire.Result, 1)
	go func() {
		res, _ := client.StartSync(context.Background(), env.NC, env.Layout, "long", []byte(`{}`), client.StartOptions{})
		longDone <- res
	}()
	// the update comes once the execution is running: it is inside the gate's task
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the long execution never reached its task")
	}
	env.PutMachine("long", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"new","End":true}}}`, "")
	env.PutMachine("ver", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}`, "")
	deadline := time.Now().Add(30 * time.Second)
	for syncRun(t, env, "ver", `{}`).Output != `"v2"` {
		if time.Now().After(deadline) {
			t.Fatal("update not picked up")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	if res := <-longDone; res.Output != `"old"` {
		t.Errorf("running execution changed definition: %+v", res)
	}
	if res := syncRun(t, env, "long", `{}`); res.Output != `"new"` {
		t.Errorf("new execution: %+v", res)
	}
	// deleting a machine makes starts fail
	if err := env.Machines.Delete(context.Background(), wire.MachineKey("ver")); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for syncRun(t, env, "ver", `{}`).Error != "StateMachineDoesNotExist" {
		if time.Now().After(deadline) {
			t.Fatal("delete not picked up")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// an invalid definition is a FAILED result, not a crash
	env.PutMachine("bad", `{"StartAt":"Nowhere","States":{}}`, "")
	if res := syncRun(t, env, "bad", `{}`); res.Status != "FAILED" || res.Error != "InvalidDefinition" {
		t.Errorf("invalid: %+v", res)
	}
}

func TestStartDeduplication(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("once", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	results := env.WatchResults()
	startExecutor(t, env, executor.Config{})
	var arns []string
	for range 3 {
		s, err := client.StartAsync(context.Background(), env.JS, env.Layout, "once", []byte(`{"a":1}`), client.StartOptions{Name: "same-name"})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, s.ExecutionArn)
	}
	if arns[0] != arns[1] || arns[1] != arns[2] {
		t.Errorf("duplicate starts reported different ARNs: %v", arns)
	}
	results.Wait(t, 1, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	if rs := results.All(); len(rs) != 1 || rs[0].ExecutionArn != arns[0] {
		t.Fatalf("results %+v", rs)
	}
}

func TestDeadline(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`, "")
	env.PutMachine("hang", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"hang"},"End":true}}}`, "")
	serveWorker(t, env, "hang", func(ctx context.Context, p []byte) ([]byte, error) { <-ctx.Done(); return nil, ctx.Err() })
	startExecutor(t, env, executor.Config{Timeout: time.Second})
	for _, m := range []string{"wait", "hang"} {
		begin := time.Now()
		res := syncRun(t, env, m, `{}`)
		if res.Status != "TIMED_OUT" || res.Error != "" || res.Cause != "" || time.Since(begin) > 3*time.Second {
			t.Errorf("%s: %+v after %s", m, res, time.Since(begin))
		}
	}
	// A start dated an hour back is not believed (a client may only move its start a few
	// seconds earlier): the deadline counts from the stream's timestamp and still ends it.
	m := nats.NewMsg(env.Layout.StartSubject("wait"))
	m.Data = []byte(`{}`)
	m.Header.Set(wire.HeaderStartDate, time.Now().Add(-time.Hour).Format(time.RFC3339Nano))
	results := env.WatchResults()
	if _, err := env.JS.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if r := results.Wait(t, 1, 5*time.Second)[0]; r.Status != "TIMED_OUT" {
		t.Errorf("stale start: %+v", r)
	}
}

func TestLogEvents(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("logged", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"secret":1},"End":true}}}`, `{"level":"ALL","includeExecutionData":false}`)
	env.PutMachine("errors", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad","Cause":"why"}}}`, `{"level":"ERROR","includeExecutionData":true}`)
	env.PutMachine("silent", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	startExecutor(t, env, executor.Config{})
	res := syncRun(t, env, "logged", `{"in":1}`)
	syncRun(t, env, "errors", `{}`)
	syncRun(t, env, "silent", `{}`)
	ctx := context.Background()
	stream, err := env.JS.Stream(ctx, env.Layout.LogsStream())
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		info, _ := stream.Info(ctx)
		if info.State.Msgs >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cons, _ := env.JS.OrderedConsumer(ctx, env.Layout.LogsStream(), jetstream.OrderedConsumerConfig{})
	batch, _ := cons.FetchNoWait(100)
	bySubject := map[string]int{}
	for m := range batch.Messages() {
		bySubject[m.Subject()]++
		ev := gjson.ParseBytes(m.Data())
		types = append(types, ev.Get("type").String())
		if m.Subject() == env.Layout.LogSubject("logged") {
			if ev.Get("execution_arn").String() != res.ExecutionArn || !ev.Get("event_timestamp").Exists() || !ev.Get("id").Exists() {
				t.Errorf("event shape %s", m.Data())
			}
			if strings.Contains(string(m.Data()), "secret") || ev.Get("details.input").Exists() {
				t.Errorf("execution data logged despite includeExecutionData=false: %s", m.Data())
			}
		}
	}
	if bySubject[env.Layout.LogSubject("logged")] < 2 || bySubject[env.Layout.LogSubject("errors")] != 1 || bySubject[env.Layout.LogSubject("silent")] != 0 {
		t.Errorf("log events by subject %v, types %v", bySubject, types)
	}
}

func TestDrainOnShutdown(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.PutMachine("work", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"work"},"End":true}}}`, "")
	var started atomic.Int32
	serveWorker(t, env, "work", func(ctx context.Context, p []byte) ([]byte, error) {
		started.Add(1)
		time.Sleep(400 * time.Millisecond)
		return []byte(`1`), nil
	})
	results := env.WatchResults()
	ex := startExecutor(t, env, executor.Config{})
	for i := range 5 {
		if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, "work", []byte(`{}`), client.StartOptions{Name: fmt.Sprint("d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for started.Load() < 5 {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ex.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// Shutdown returned only after every in-flight execution stored its result.
	if n := len(results.Wait(t, 5, 2*time.Second)); n != 5 {
		t.Fatalf("results after drain: %d", n)
	}

	// A drain deadline shorter than the work hands the starts back; another executor runs them.
	for i := range 3 {
		if _, err := client.StartAsync(context.Background(), env.JS, env.Layout, "work", []byte(`{}`), client.StartOptions{Name: fmt.Sprint("h", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ex2 := startExecutor(t, env, executor.Config{})
	for started.Load() < 8 {
		time.Sleep(10 * time.Millisecond)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_ = ex2.Shutdown(short)
	startExecutor(t, env, executor.Config{})
	results.Wait(t, 8, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	rs := results.All()
	if len(rs) != 8 {
		t.Fatalf("want 8 results, got %d", len(rs))
	}
	for _, r := range rs {
		if r.Status != "SUCCEEDED" {
			t.Errorf("%+v", r)
		}
	}
}

func TestVersionAndAliasArns(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	env.PutMachine("vm", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"latest","End":true}}}`, "")
	v1, _ := json.Marshal(wire.Machine{Name: "vm", Arn: env.Layout.StateMachineArn("vm"), Type: "EXPRESS", Version: 1,
		Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v1","End":true}}}`})
	if _, err := env.Machines.Put(ctx, wire.VersionKey("vm", 1), v1); err != nil {
		t.Fatal(err)
	}
	alias, _ := json.Marshal(wire.Alias{Name: "prod", Routing: []wire.AliasRoute{{StateMachineVersionArn: env.Layout.StateMachineArn("vm") + ":1", Weight: 100}}})
	if _, err := env.Machines.Put(ctx, wire.AliasKey("vm", "prod"), alias); err != nil {
		t.Fatal(err)
	}
	startExecutor(t, env, executor.Config{})
	for ref, want := range map[string]string{
		"": `"latest"`, env.Layout.StateMachineArn("vm"): `"latest"`,
		env.Layout.StateMachineArn("vm") + ":1": `"v1"`, env.Layout.StateMachineArn("vm") + ":prod": `"v1"`,
	} {
		res, err := client.StartSync(ctx, env.NC, env.Layout, "vm", []byte(`{}`), client.StartOptions{StateMachineArn: ref})
		if err != nil {
			t.Fatal(err)
		}
		if res.Output != want {
			t.Errorf("%q: %+v", ref, res)
		}
		if strings.HasSuffix(ref, ":1") && res.StateMachineArn != ref {
			t.Errorf("version run reports machine %s", res.StateMachineArn)
		}
	}
	res, _ := client.StartSync(ctx, env.NC, env.Layout, "vm", []byte(`{}`), client.StartOptions{StateMachineArn: env.Layout.StateMachineArn("vm") + ":7"})
	if res.Error != "StateMachineDoesNotExist" {
		t.Errorf("missing version: %+v", res)
	}
}
