package awsapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// env is a test deployment: an embedded NATS server with the streams and buckets, and the API
// on an httptest server.
type env struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	api *Server
	srv *httptest.Server
	reg *registry.Registry
}

func startEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	te := testenv.New(t)
	if cfg.Layout != (wire.Layout{}) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := provision.Ensure(ctx, te.JS, provision.Config{Layout: cfg.Layout}); err != nil {
			t.Fatal(err)
		}
	}
	cfg.NC, cfg.JS = te.NC, te.JS
	api := New(cfg)
	reg, err := api.registry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &env{nc: te.NC, js: te.JS, api: api, srv: srv, reg: reg}
}

// serveSync answers sync requests by running the machine with the engine, standing in for the
// executor (package executor) in these tests.
func (e *env) serveSync(t testing.TB) {
	t.Helper()
	l := e.api.cfg.Layout
	sub, err := e.nc.QueueSubscribe(strings.TrimSuffix(l.SyncSubject("x"), "x")+">", l.SyncQueue(), func(m *nats.Msg) {
		st, _ := l.DecodeStart(m.Subject, m.Header, m.Data, time.Now(), 0)
		machineArn := st.MachineArn
		if st.Version > 0 { // the API routed an alias start to this version when it accepted it
			machineArn = l.StateMachineArn(st.Machine) + ":" + strconv.Itoa(st.Version)
		}
		ref, _ := e.api.parseMachineArn(machineArn)
		rec, _, err := e.api.machine(context.Background(), ref)
		if err != nil {
			m.Respond([]byte(`{"__type":"StateMachineDoesNotExist","message":"gone"}`))
			return
		}
		mach, err := engine.Compile([]byte(rec.Definition), engine.CompileOptions{Type: rec.Type})
		if err != nil {
			m.Respond([]byte(`{"__type":"InvalidDefinition","message":"` + err.Error() + `"}`))
			return
		}
		arn := l.ExecutionArn(ref.name, st.Name, "00000000-0000-4000-8000-000000000000")
		res := mach.Run(context.Background(), st.Input, engine.RunOptions{
			Name: st.Name, ExecutionArn: arn, StateMachineArn: st.MachineArn, StateMachineName: ref.name,
		})
		out := wire.Result{
			ExecutionArn: arn, StateMachineArn: st.MachineArn, Name: st.Name,
			StartDate: float64(res.StartDate.UnixMilli()) / 1000, StopDate: float64(res.StopDate.UnixMilli()) / 1000,
			Status: string(res.Status), Input: string(res.Input), Output: string(res.Output),
			Error: res.Error, Cause: res.Cause,
			InputDetails: &wire.PayloadDetails{Included: true}, OutputDetails: &wire.PayloadDetails{Included: true},
			BillingDetails: &wire.BillingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMs: 100},
		}
		b, _ := json.Marshal(out)
		m.Respond(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Unsubscribe() })
}

// TestServeForRunner serves the API for ../shared/conformance/run_api.sh when
// STEPJET_TEST_SERVE names an address (e.g. 127.0.0.1:18083); it is skipped otherwise.
func TestServeForRunner(t *testing.T) {
	addr := os.Getenv("STEPJET_TEST_SERVE")
	if addr == "" {
		t.Skip("set STEPJET_TEST_SERVE=host:port to serve the API for the conformance runner")
	}
	e := startEnv(t, Config{})
	e.serveSync(t)
	srv := httptest.NewUnstartedServer(e.api)
	srv.Listener.Close()
	var err error
	srv.Listener, err = netListen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	t.Logf("serving on http://%s", addr)
	time.Sleep(10 * time.Minute)
}
