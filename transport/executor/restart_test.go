package executor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/embedded"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// TestServerRestartLosesNothing restarts the NATS server (same store, same port) while async
// executions are queued, running and storing their results: every execution must still end
// with exactly one SUCCEEDED result, none lost to the outage and none doubled by redelivery.
func TestServerRestartLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a server and waits for redeliveries")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	rs := newRestartable(t, ctx)
	// Executions wait 1 s, so some are mid-run when the server goes away.
	rs.machine(ctx, "slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Parameters":{"i.$":"$.i"},"End":true}}}`)
	// A short AckWait: a start whose ack was lost in the outage comes back within seconds.
	rs.executor(ctx, executor.Config{AckWait: 2 * time.Second, MaxInFlight: 64})

	const n = 300
	names := make([]string, n)
	for i := range n / 2 {
		names[i] = rs.start(ctx, "slow", "restart", i)
	}
	time.Sleep(1200 * time.Millisecond) // the first 64 are waiting, the first results are being stored
	rs.restart()
	for i := n / 2; i < n; i++ {
		names[i] = rs.start(ctx, "slow", "restart", i)
	}
	rs.oneResultEach(ctx, names)
}

// restartable is an embedded NATS server with stepjet's layout that a test restarts on the
// same store and port, and what the test runs on it.
type restartable struct {
	t    *testing.T
	dir  string
	port int
	srv  *embedded.Server
	js   jetstream.JetStream
	l    wire.Layout
}

func newRestartable(t *testing.T, ctx context.Context) *restartable {
	rs := &restartable{t: t, dir: t.TempDir(), port: freePort(t)}
	var err error
	if rs.srv, err = embedded.Start(embedded.Options{Dir: rs.dir, Port: rs.port}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.srv.Shutdown() })
	rs.js, _ = jetstream.New(rs.connect())
	if err := provision.Ensure(ctx, rs.js, provision.Config{Layout: rs.l}); err != nil {
		t.Fatal(err)
	}
	return rs
}

// connect opens a connection that reconnects, without end, to the restarted server.
func (rs *restartable) connect() *nats.Conn {
	nc, err := nats.Connect(rs.srv.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		rs.t.Fatal(err)
	}
	rs.t.Cleanup(nc.Close)
	return nc
}

func (rs *restartable) machine(ctx context.Context, name, definition string) {
	reg, err := registry.Open(ctx, rs.js, rs.l)
	if err != nil {
		rs.t.Fatal(err)
	}
	if err := reg.CreateMachine(ctx, wire.Machine{Name: name, Type: "EXPRESS", Arn: rs.l.StateMachineArn(name), Definition: definition}); err != nil {
		rs.t.Fatal(err)
	}
}

// executor starts an executor on a connection of its own; the test's cleanup stops it.
func (rs *restartable) executor(ctx context.Context, cfg executor.Config) {
	cfg.NC, cfg.Logger = rs.connect(), quietLogger()
	ex, err := executor.New(cfg)
	if err != nil {
		rs.t.Fatal(err)
	}
	if err := ex.Start(ctx); err != nil {
		rs.t.Fatal(err)
	}
	rs.t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = ex.Shutdown(sctx)
	})
}

// start starts execution prefix-i of machine with input {"i":i} and returns its name. A start
// refused during the outage is sent again under the same name: the executions stream
// de-duplicates it, so retrying is safe.
func (rs *restartable) start(ctx context.Context, machine, prefix string, i int) string {
	name := fmt.Sprintf("%s-%d", prefix, i)
	for {
		_, err := client.StartAsync(ctx, rs.js, rs.l, machine, fmt.Appendf(nil, `{"i":%d}`, i), client.StartOptions{Name: name})
		if err == nil {
			return name
		}
		if ctx.Err() != nil {
			rs.t.Fatalf("start %s: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// restart stops the server and starts it again on the same store and port.
func (rs *restartable) restart() {
	rs.srv.Shutdown()
	var err error
	if rs.srv, err = embedded.Start(embedded.Options{Dir: rs.dir, Port: rs.port}); err != nil {
		rs.t.Fatal(err)
	}
}

// oneResultEach waits until every execution has a result in the results stream, then a while
// longer (a redelivery after AckWait would add a duplicate), and fails unless each of names
// has exactly one SUCCEEDED result and no other execution has any.
func (rs *restartable) oneResultEach(ctx context.Context, names []string) {
	t := rs.t
	t.Helper()
	var counts map[string]int
	for {
		counts = resultCounts(t, ctx, rs.js, rs.l)
		if len(counts) >= len(names) || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	counts = resultCounts(t, ctx, rs.js, rs.l)
	byName := map[string]int{}
	for arn, c := range counts {
		parts := strings.Split(arn, ":") // …:express:<machine>:<name>:<id>
		byName[parts[len(parts)-2]] += c
	}
	bad := 0
	for _, name := range names {
		if byName[name] != 1 {
			if bad++; bad <= 10 {
				t.Errorf("%s: %d results", name, byName[name])
			}
		}
	}
	if len(counts) != len(names) || bad > 0 {
		t.Fatalf("%d executions have results, want %d; %d without exactly one", len(counts), len(names), bad)
	}
}

// resultCounts reads the whole results stream: results per execution ARN, failing on any
// result that is not SUCCEEDED.
func resultCounts(t *testing.T, ctx context.Context, js jetstream.JetStream, l wire.Layout) map[string]int {
	t.Helper()
	counts := map[string]int{}
	st, err := js.Stream(ctx, l.ResultsStream())
	if err != nil {
		return counts // the server may still be starting
	}
	info, err := st.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return counts
	}
	cons, err := js.OrderedConsumer(ctx, l.ResultsStream(), jetstream.OrderedConsumerConfig{})
	if err != nil {
		return counts
	}
	for seen := uint64(0); seen < info.State.Msgs; {
		batch, err := cons.Fetch(int(min(info.State.Msgs-seen, 500)), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return counts
		}
		got := 0
		for m := range batch.Messages() {
			got++
			var r wire.Result
			if err := json.Unmarshal(m.Data(), &r); err != nil || r.Status != "SUCCEEDED" {
				t.Errorf("result %s: %v", m.Data(), err)
			}
			counts[r.ExecutionArn]++
		}
		if got == 0 {
			break
		}
		seen += uint64(got)
	}
	return counts
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
