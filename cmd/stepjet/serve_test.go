package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeAndClientCommands runs `stepjet serve` with an embedded server, waits for /readyz, then
// drives it with start, sync, trigger and logs, and stops it as SIGTERM would.
func TestServeAndClientCommands(t *testing.T) {
	debugAddr := freeAddr(t)
	sv := startServe(t, "--debug-addr", debugAddr, "--result-max-bytes", "64MiB", "--log-max-age", "1h")
	httpAddr, natsURL, serveErr := sv.httpAddr, "nats://"+sv.natsAddr, sv.stderr
	ctx := context.Background()

	// The profiler answers on --debug-addr only, never on the API's address.
	for addr, want := range map[string]bool{debugAddr: true, httpAddr: false} {
		resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if (resp.StatusCode == 200) != want {
			t.Errorf("GET %s/debug/pprof/cmdline: %d, served: want %v", addr, resp.StatusCode, want)
		}
	}

	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	for name, want := range map[string][2]int64{"STEPJET_RESULTS": {64 << 20, int64(24 * time.Hour)}, "STEPJET_LOGS": {1 << 30, int64(time.Hour)}} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if c := s.CachedInfo().Config; c.MaxBytes != want[0] || int64(c.MaxAge) != want[1] {
			t.Errorf("%s: MaxBytes %d, MaxAge %s; want %d, %s", name, c.MaxBytes, c.MaxAge, want[0], time.Duration(want[1]))
		}
	}
	reg, err := registry.Open(ctx, js, wire.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.CreateMachine(ctx, wire.Machine{Name: "greet", Type: "EXPRESS", Arn: wire.Layout{}.StateMachineArn("greet"),
		Definition:           `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"hi.$":"$.who"},"End":true}}}`,
		LoggingConfiguration: []byte(`{"level":"ALL","includeExecutionData":true}`)}); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "in.json")
	_ = os.WriteFile(in, []byte(`{"who":"ada"}`), 0o644)

	run := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		server := "--nats-url=" + natsURL // logs and trigger talk to NATS, the others to the API
		if args[0] == "sync" || args[0] == "start" {
			server = "--endpoint=http://" + httpAddr
		}
		code := dispatch(append(args, server), &out, &errOut)
		if code != 0 {
			t.Logf("%v: exit %d: %s", args, code, errOut.String())
		}
		return out.String(), code
	}
	out, code := run("sync", "greet", "--input", in)
	if code != 0 || gjson.Get(out, "status").String() != "SUCCEEDED" || gjson.Get(out, "output").String() != `{"hi":"ada"}` {
		t.Fatalf("sync: %d %s", code, out)
	}
	out, code = run("start", "greet", "--input", in, "--name", "e-1")
	arn := gjson.Get(out, "executionArn").String()
	if code != 0 || !strings.Contains(arn, ":express:greet:e-1:") {
		t.Fatalf("start: %d %s", code, out)
	}
	if _, code = run("trigger", "greetings.new", "greet"); code != 0 {
		t.Fatal("trigger")
	}
	if out, _ = run("trigger", "--list"); gjson.Get(out, "triggers.0.machine").String() != "greet" {
		t.Fatalf("trigger --list: %s", out)
	}
	if _, code = run("trigger", "stepjet.start.x", "greet"); code != exitUsage {
		t.Errorf("a trigger inside the prefix: exit %d", code)
	}
	// The executor binds the trigger when its KV watch sees it. Until then a request on the
	// subject has no responders (and starts nothing); once bound, it starts bob's execution and
	// is answered with its ARN.
	bindDeadline := time.Now().Add(time.Minute)
	for {
		_, err := nc.Request("greetings.new", []byte(`{"who":"bob"}`), 30*time.Second)
		if err == nil {
			break
		}
		if !errors.Is(err, nats.ErrNoResponders) {
			t.Fatalf("request on the bound subject: %v", err)
		}
		if time.Now().After(bindDeadline) {
			t.Fatal("the trigger was never bound")
		}
		time.Sleep(20 * time.Millisecond)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		out, _ = run("logs", "greet", "--results")
		if strings.Count(out, "\n") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("results: %s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(out, arn) || !strings.Contains(out, `{\"hi\":\"bob\"}`) {
		t.Errorf("results: %s", out)
	}
	if out, _ = run("logs", "greet"); !strings.Contains(out, `"type":"ExecutionStarted"`) || !strings.Contains(out, `"type":"ExecutionSucceeded"`) {
		t.Errorf("log events: %s", out)
	}
	if _, code = run("trigger", "--delete", "greetings.new"); code != 0 {
		t.Error("trigger --delete")
	}

	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `stepjet_executions_completed_total{status="SUCCEEDED"} 3`) {
		t.Errorf("metrics:\n%s", body)
	}

	if code, exited := sv.stop(); !exited { // as SIGTERM does
		t.Fatal("serve did not drain and exit")
	} else if code != exitOK {
		t.Errorf("serve exit %d: %s", code, serveErr.String())
	}
}

// servingProcess is `stepjet serve` running inside the test, with an embedded NATS server.
type servingProcess struct {
	httpAddr, natsAddr string
	stderr             *lockedBuffer
	cancel             context.CancelFunc
	done               chan int
}

// startServe runs `stepjet serve` (plus extra flags) on free ports and waits for /readyz; it is
// stopped at the end of the test if the test does not stop it first.
func startServe(t *testing.T, extra ...string) *servingProcess {
	t.Helper()
	sv := &servingProcess{httpAddr: freeAddr(t), natsAddr: freeAddr(t), stderr: &lockedBuffer{}, done: make(chan int, 1)}
	var ctx context.Context
	ctx, sv.cancel = context.WithCancel(context.Background())
	args := append([]string{"--data-dir", filepath.Join(t.TempDir(), "data"), "--listen", sv.natsAddr,
		"--http-addr", sv.httpAddr, "--log-level", "warn"}, extra...)
	go func() { sv.done <- serve(ctx, args, io.Discard, sv.stderr) }()
	t.Cleanup(func() { sv.stop() })
	waitReady(t, sv.httpAddr, sv.stderr)
	return sv
}

// stop cancels serve as SIGTERM does and waits up to 15 s for its exit code.
func (sv *servingProcess) stop() (code int, exited bool) {
	sv.cancel()
	select {
	case code, exited = <-sv.done:
		if exited {
			close(sv.done) // later calls see the channel closed: exited false, code 0
		}
		return code, exited
	case <-time.After(15 * time.Second):
		return 0, false
	}
}

// waitReady waits up to 15 s for serve's /readyz on addr.
func waitReady(t *testing.T, addr string, serveErr *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %v\n%s", err, serveErr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestClientCommandsHelpAndUsage(t *testing.T) {
	for _, c := range []string{"serve", "start", "sync", "trigger", "logs"} {
		var out, errOut bytes.Buffer
		if code := dispatch([]string{c, "--help"}, &out, &errOut); code != exitOK || !strings.Contains(errOut.String(), "Example") {
			t.Errorf("%s --help: exit %d, %q", c, code, errOut.String())
		}
	}
	for _, args := range [][]string{{"start"}, {"sync", "a", "b"}, {"trigger", "x"}, {"logs"}, {"serve", "extra"}} {
		var out, errOut bytes.Buffer
		if code := dispatch(args, &out, &errOut); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}
