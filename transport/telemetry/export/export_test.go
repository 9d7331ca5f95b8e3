package export

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
	"github.com/stepjet/stepjet/transport/telemetry"
)

func noEnv(string) string { return "" }

// scrape serves p's /metrics and returns the body.
func scrape(t *testing.T, p *Providers) string {
	t.Helper()
	srv := httptest.NewServer(p.Handler)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// recordSome moves every metric the telemetry package records itself.
func recordSome(t *testing.T, tel *telemetry.Telemetry) {
	t.Helper()
	ctx := context.Background()
	_, es := tel.StartExecution(ctx, telemetry.Execution{Arn: "arn:x", MachineName: "orders"})
	es.End(engine.Result{Status: engine.StatusSucceeded})
	obs := tel.Observer()
	sctx := obs.Begin(ctx, engine.Step{Kind: engine.StepState, Name: "A", Type: "Pass"})
	obs.End(sctx, engine.Step{Kind: engine.StepState, Name: "A", Type: "Pass"}, engine.StepEnd{})
	inv := tel.Tasks(engine.TaskFunc(func(context.Context, engine.TaskRequest) ([]byte, error) {
		return nil, &engine.Error{Name: "Boom"}
	}))
	_, _ = inv.Invoke(ctx, engine.TaskRequest{Resource: "arn:aws:states:::lambda:invoke"})
	tel.RecordSync(time.Millisecond, "SUCCEEDED")
	stop, err := tel.ObserveExecutor(func(context.Context) telemetry.ExecutorStats {
		return telemetry.ExecutorStats{Started: 3, Succeeded: 2, InFlight: 1, Pending: 4, AckPending: 1, Deduplicated: 1}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
}

// The names /metrics shows are stepjet's original ones plus the new histograms, exactly.
func TestMetricNames(t *testing.T) {
	p, err := Setup(context.Background(), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	recordSome(t, p.Telemetry)
	body := scrape(t, p)
	for _, want := range []string{
		"stepjet_executions_started_total 3",
		`stepjet_executions_completed_total{status="SUCCEEDED"} 2`,
		"stepjet_executions_inflight 1",
		"stepjet_consumer_pending_messages 4",
		"stepjet_consumer_ack_pending_messages 1",
		`stepjet_execution_duration_seconds_bucket{state_machine="orders",status="SUCCEEDED",le="300"} 1`,
		`stepjet_state_transitions_total{state_type="Pass"} 1`,
		`stepjet_task_duration_seconds_count{integration="lambda"} 1`,
		`stepjet_task_errors_total{integration="lambda"} 1`,
		`stepjet_sync_request_duration_seconds_count{status="SUCCEEDED"} 1`,
		"stepjet_results_deduplicated_total 1",
		"# TYPE stepjet_execution_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

// promtool is the path of promtool; without it the test fails under CI=true (.ci/install-promtool
// installs it there) and is skipped, saying so, elsewhere.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err == nil {
		return p
	}
	switch os.Getenv("CI") {
	case "", "0", "false", "FALSE":
		t.Skip("SKIP: promtool is not installed (.ci/install-promtool, or apt-get install prometheus)")
	}
	t.Fatal("CI=true and promtool is not installed: run .ci/install-promtool")
	return ""
}

// `promtool check metrics` accepts /metrics after every metric has moved.
func TestPromtoolCheckMetrics(t *testing.T) {
	bin := promtool(t)
	p, err := Setup(context.Background(), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	recordSome(t, p.Telemetry)
	cmd := exec.Command(bin, "check", "metrics")
	cmd.Stdin = strings.NewReader(scrape(t, p))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// The state_machine label is capped: machines past MachineLabels share "_other".
func TestMachineLabelCap(t *testing.T) {
	p, err := Setup(context.Background(), Options{Getenv: noEnv, MachineLabels: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	for _, m := range []string{"a", "b", "c", "d", "a"} {
		_, es := p.Telemetry.StartExecution(context.Background(), telemetry.Execution{MachineName: m})
		es.End(engine.Result{Status: engine.StatusFailed})
	}
	body := scrape(t, p)
	for _, want := range []string{
		`stepjet_execution_duration_seconds_count{state_machine="a",status="FAILED"} 2`,
		`stepjet_execution_duration_seconds_count{state_machine="b",status="FAILED"} 1`,
		`stepjet_execution_duration_seconds_count{state_machine="_other",status="FAILED"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, `state_machine="c"`) {
		t.Error("a machine past the cap has its own label")
	}
}
