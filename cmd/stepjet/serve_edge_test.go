package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// serveProc is `stepjet serve` in its own process (the test binary acting as stepjet, see
// TestMain), stopped by its PID when the test ends.
type serveProc struct {
	pid                int
	httpAddr, natsAddr string
	logs               *lockedBuffer
	exited             chan struct{}
	cmd                *exec.Cmd
}

// spawnServe starts serve with --listen and --http-addr on free ports (unless given in args) and
// does not wait for it.
func spawnServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	p := &serveProc{httpAddr: freeAddr(t), natsAddr: freeAddr(t), logs: &lockedBuffer{}, exited: make(chan struct{})}
	all := append([]string{"serve", "--listen", p.natsAddr, "--http-addr", p.httpAddr, "--drain-timeout", "5s"}, args...)
	p.cmd = exec.Command(os.Args[0], all...)
	p.cmd.Env = append(os.Environ(), envRunAsStepjet+"=1")
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.pid = p.cmd.Process.Pid
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(p.pid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
			<-p.exited
		}
		if t.Failed() {
			t.Logf("serve (pid %d) output:\n%s", p.pid, p.logs.String())
		}
	})
	return p
}

// waitReady waits (up to a minute, the machine may be loaded) for /readyz, failing if serve exits.
func (p *serveProc) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + p.httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("serve exited (%v):\n%s", p.cmd.ProcessState, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never ready: %v\n%s", err, p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitExit waits (up to a minute) for serve to exit and returns its exit code.
func (p *serveProc) waitExit(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(time.Minute):
		t.Fatalf("serve did not exit:\n%s", p.logs.String())
		return 0
	}
}

// Two serves on one data directory: the second refuses at once, naming the directory and the
// PID of the first; once the first is gone (even killed, leaving its lock file behind) the
// directory is free again.
func TestServeRefusesADataDirInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first := spawnServe(t, "--data-dir", dir)
	first.waitReady(t)

	second := spawnServe(t, "--data-dir", dir)
	if code := second.waitExit(t); code != exitFail {
		t.Errorf("second serve: exit %d", code)
	}
	out := second.logs.String()
	abs, _ := filepath.Abs(dir)
	if !strings.Contains(out, abs) || !strings.Contains(out, "process "+strconv.Itoa(first.pid)) {
		t.Errorf("the refusal must name %s and pid %d:\n%s", abs, first.pid, out)
	}

	_ = syscall.Kill(first.pid, syscall.SIGKILL)
	<-first.exited
	third := spawnServe(t, "--data-dir", dir)
	third.waitReady(t)
}

// serveOnce runs serve in-process with args and returns its exit code and standard error; it
// fails the test if serve does not end by itself within a minute.
func serveOnce(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var errOut lockedBuffer
	done := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { done <- serve(ctx, args, io.Discard, &errOut) }()
	select {
	case code := <-done:
		return code, errOut.String()
	case <-time.After(time.Minute):
		cancel()
		<-done
		t.Fatalf("serve %v did not end by itself:\n%s", args, errOut.String())
		return 0, ""
	}
}

// A taken NATS port is reported at once, with the address; not a 10-second wait for a server
// that is never ready.
func TestServeNamesATakenNATSPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, out := serveOnce(t, "--data-dir", t.TempDir(), "--listen", ln.Addr().String(), "--http-addr", freeAddr(t))
	if code != exitFail || !strings.Contains(out, ln.Addr().String()) || !strings.Contains(out, "address already in use") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A NATS server without JetStream is a clear error and a non-zero exit, not an endless retry.
func TestServeRefusesNATSWithoutJetStream(t *testing.T) {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	defer ns.Shutdown()
	code, out := serveOnce(t, "--nats-url", ns.ClientURL(), "--http-addr", freeAddr(t))
	if code != exitFail || !strings.Contains(out, "JetStream is not enabled") || !strings.Contains(out, ns.ClientURL()) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// --timeout over the Express limit is refused, as `stepjet run` refuses it.
func TestServeRefusesATimeoutOverFiveMinutes(t *testing.T) {
	code, out := serveOnce(t, "--timeout", "6m")
	if code != exitUsage || !strings.Contains(out, "--timeout must be more than 0 and at most 5m") {
		t.Errorf("exit %d: %s", code, out)
	}
}

// NATS_URL exported for the nats CLI does not turn serve into a client of that server: serve
// embeds unless --nats-url is on its command line.
func TestServeEmbedsDespiteNATSURL(t *testing.T) {
	t.Setenv("NATS_URL", "nats://127.0.0.1:1")
	sv := startServe(t, "--log-level", "info")
	nc, err := nats.Connect("nats://" + sv.natsAddr)
	if err != nil {
		t.Fatalf("the embedded server is not on --listen: %v", err)
	}
	nc.Close()
	if out := sv.stderr.String(); !strings.Contains(out, "NATS_URL is set but not used") {
		t.Errorf("serve does not say it ignores NATS_URL:\n%s", out)
	}
}

// --user/--password make the embedded server refuse anonymous clients; serve itself connects
// with them and is ready.
func TestServeEmbeddedNATSRequiresCredentials(t *testing.T) {
	sv := startServe(t, "--user", "app", "--password", "s3cret")
	if nc, err := nats.Connect("nats://"+sv.natsAddr, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Fatal("an anonymous client connected to the embedded server")
	} else if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(err.Error(), "Authorization") {
		t.Logf("anonymous connect: %v", err)
	}
	nc, err := nats.Connect("nats://"+sv.natsAddr, nats.UserInfo("app", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if code, out := serveOnce(t, "--user", "app", "--data-dir", t.TempDir()); code != exitUsage || !strings.Contains(out, "--user needs --password") {
		t.Errorf("--user alone: exit %d: %s", code, out)
	}
}

// An API on every interface without credentials is started with a loud warning.
func TestServeWarnsOnAnOpenNonLoopbackAPI(t *testing.T) {
	t.Setenv(envAccessKey, "")
	t.Setenv(envSecretKey, "")
	_, port, _ := net.SplitHostPort(freeAddr(t))
	sv := &servingProcess{httpAddr: "127.0.0.1:" + port, natsAddr: freeAddr(t), stderr: &lockedBuffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	sv.cancel = cancel
	go func() {
		sv.done <- serve(ctx, []string{"--data-dir", t.TempDir(), "--listen", sv.natsAddr, "--http-addr", "0.0.0.0:" + port, "--log-level", "warn"}, io.Discard, sv.stderr)
	}()
	t.Cleanup(func() { sv.stop() })
	waitReady(t, sv.httpAddr, sv.stderr)
	if out := sv.stderr.String(); !strings.Contains(out, "SECURITY: the API listens on a non-loopback address without credentials") {
		t.Errorf("no warning:\n%s", out)
	}
	if strings.Contains(sv.stderr.String(), "embedded NATS server accepts any local client") {
		t.Error("warned about NATS behind an API without credentials")
	}
}

// Slow clients cannot exhaust serve: connections that drip their body or their headers are
// closed after --http-read-timeout, no more than --http-max-conns are held at once (the rest
// wait in the kernel's queue, costing no file descriptor), and a normal request still gets its
// answer meanwhile.
func TestServeBoundsSlowClients(t *testing.T) {
	const maxConns, slowBodies, slowHeaders = 16, 120, 20
	p := spawnServe(t, "--data-dir", filepath.Join(t.TempDir(), "data"), "--http-max-conns", strconv.Itoa(maxConns),
		"--http-read-timeout", "2s", "--http-idle-timeout", "5s", "--log-level", "warn")
	p.waitReady(t)
	fds := func() int {
		ents, err := os.ReadDir("/proc/" + strconv.Itoa(p.pid) + "/fd")
		if err != nil {
			t.Skipf("cannot count file descriptors: %v", err)
		}
		return len(ents)
	}
	base := fds()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	closed := make(chan string, slowBodies+slowHeaders)
	slow := func(kind, head, drip string) {
		c, err := net.Dial("tcp", p.httpAddr)
		if err != nil {
			t.Error(err)
			closed <- kind
			return
		}
		go func() { <-ctx.Done(); c.Close() }()
		go func() { // drip until the server hangs up or the test ends
			if _, err := io.WriteString(c, head); err != nil {
				return
			}
			for ctx.Err() == nil {
				time.Sleep(300 * time.Millisecond)
				if _, err := io.WriteString(c, drip); err != nil {
					return
				}
			}
		}()
		go func() { // the server closing the connection ends this read
			_, _ = io.Copy(io.Discard, c)
			closed <- kind
		}()
	}
	for range slowBodies {
		slow("body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 100000\r\n\r\n{", " ")
	}
	for range slowHeaders {
		slow("headers", "GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n")
	}

	// A normal request gets through while the slow ones are being shed.
	answered := make(chan error, 1)
	go func() {
		client := &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get("http://" + p.httpAddr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		answered <- err
	}()

	peak, got := 0, map[string]int{}
	deadline := time.After(3 * time.Minute)
	normalDone := false
	for !normalDone || got["body"]+got["headers"] < slowBodies+slowHeaders {
		select {
		case k := <-closed:
			got[k]++
		case err := <-answered:
			if err != nil {
				t.Fatalf("a normal request: %v", err)
			}
			normalDone = true
		case <-time.After(100 * time.Millisecond):
			peak = max(peak, fds())
		case <-deadline:
			t.Fatalf("after 3 minutes: normal request answered %v, slow connections closed by the server %v of %d+%d", normalDone, got, slowBodies, slowHeaders)
		}
	}
	if peak > base+maxConns+16 {
		t.Errorf("serve held %d file descriptors with %d slow clients (%d before them, --http-max-conns %d)", peak, slowBodies+slowHeaders, base, maxConns)
	}
	t.Logf("file descriptors: %d before, %d at most; closed by the server: %v", base, peak, got)
}

// apiPost sends one AWS JSON 1.0 call to serve's API and returns the status and decoded body.
func apiPost(t *testing.T, addr, op string, in any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// --http-task-deny reaches the executor's HTTP tasks: a task calling a denied address fails
// with States.Http.Socket saying why, and nothing reaches the endpoint.
func TestServeHTTPTaskDenyFlag(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer target.Close()
	sv := startServe(t, "--http-task-deny", "127.0.0.0/8,::1")
	def := `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",` +
		`"Parameters":{"ApiEndpoint":"` + target.URL + `","Method":"GET"},"End":true}}}`
	code, out := apiPost(t, sv.httpAddr, "CreateStateMachine", map[string]any{"name": "call", "definition": def, "type": "EXPRESS",
		"roleArn": "arn:aws:iam::123456789012:role/r"})
	if code != 200 {
		t.Fatalf("create: %d %v", code, out)
	}
	code, out = apiPost(t, sv.httpAddr, "StartSyncExecution", map[string]any{"stateMachineArn": out["stateMachineArn"]})
	if code != 200 || out["status"] != "FAILED" || out["error"] != "States.Http.Socket" || !strings.Contains(fmt.Sprint(out["cause"]), "refused by the HTTP task address policy") {
		t.Errorf("sync: %d %v", code, out)
	}
	if hits.Load() != 0 {
		t.Error("the denied endpoint was called")
	}
	t.Logf("cause: %v", out["cause"])
	if code, msg := serveOnce(t, "--http-task-allow", "not-an-address"); code != exitUsage || !strings.Contains(msg, "neither an IP address nor a CIDR") {
		t.Errorf("a bad --http-task-allow: exit %d: %s", code, msg)
	}
}

// --nkey makes the embedded server accept only that key; serve connects with its seed.
func TestServeEmbeddedNATSWithNKey(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := kp.Seed()
	path := filepath.Join(t.TempDir(), "stepjet.nk")
	if err := os.WriteFile(path, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	sv := startServe(t, "--nkey", path)
	if nc, err := nats.Connect("nats://"+sv.natsAddr, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Fatal("an anonymous client connected to the embedded server")
	}
	opt, err := nats.NkeyOptionFromSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect("nats://"+sv.natsAddr, opt)
	if err != nil {
		t.Fatal(err)
	}
	nc.Close()
}

// With API credentials set and an open embedded NATS server, serve says the NATS side is the
// way around the API's authentication.
func TestServeWarnsOnOpenNATSBehindASignedAPI(t *testing.T) {
	t.Setenv(envAccessKey, "AKIDSTEPJET")
	t.Setenv(envSecretKey, "s3cret")
	sv := startServe(t)
	if out := sv.stderr.String(); !strings.Contains(out, "SECURITY: the API requires SigV4 but the embedded NATS server accepts any local client") {
		t.Errorf("no warning:\n%s", out)
	}
	sv2 := startServe(t, "--user", "app", "--password", "pw")
	if out := sv2.stderr.String(); strings.Contains(out, "SECURITY") {
		t.Errorf("warned with NATS credentials set:\n%s", out)
	}
}
