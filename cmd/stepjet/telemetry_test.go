package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stepjet/stepjet/transport/worker"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OTLP/HTTP collector in the test: it decodes the protobuf requests the
// exporters send and keeps the spans and the names of the metrics.
type otlpReceiver struct {
	mu      sync.Mutex
	spans   []*receivedSpan
	metrics map[string]bool
}

type receivedSpan struct {
	service string
	*tracepb.Span
}

func (s *receivedSpan) attr(key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			if s := kv.Value.GetStringValue(); s != "" {
				return s
			}
			return fmt.Sprint(kv.Value.GetIntValue())
		}
	}
	return ""
}

func newOTLPReceiver(t *testing.T) (*otlpReceiver, string) {
	rc := &otlpReceiver{metrics: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = gz
		}
		b, err := io.ReadAll(body)
		if err != nil || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "want an OTLP protobuf body", http.StatusUnsupportedMediaType)
			return
		}
		var resp proto.Message
		switch r.URL.Path {
		case "/v1/traces":
			var req coltracepb.ExportTraceServiceRequest
			if err := proto.Unmarshal(b, &req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rc.mu.Lock()
			for _, rs := range req.ResourceSpans {
				service := ""
				for _, kv := range rs.GetResource().GetAttributes() {
					if kv.Key == "service.name" {
						service = kv.Value.GetStringValue()
					}
				}
				for _, ss := range rs.ScopeSpans {
					for _, sp := range ss.Spans {
						rc.spans = append(rc.spans, &receivedSpan{service: service, Span: sp})
					}
				}
			}
			rc.mu.Unlock()
			resp = &coltracepb.ExportTraceServiceResponse{}
		case "/v1/metrics":
			var req colmetricpb.ExportMetricsServiceRequest
			if err := proto.Unmarshal(b, &req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rc.mu.Lock()
			for _, rm := range req.ResourceMetrics {
				for _, sm := range rm.ScopeMetrics {
					for _, m := range sm.Metrics {
						rc.metrics[m.Name] = true
					}
				}
			}
			rc.mu.Unlock()
			resp = &colmetricpb.ExportMetricsServiceResponse{}
		default:
			http.NotFound(w, r)
			return
		}
		out, _ := proto.Marshal(resp)
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return rc, srv.URL
}

// trace returns the spans of one trace, by name.
func (rc *otlpReceiver) trace(traceID string) map[string]*receivedSpan {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]*receivedSpan{}
	for _, s := range rc.spans {
		if hex.EncodeToString(s.TraceId) == traceID {
			out[s.Name] = s
		}
	}
	return out
}

// count is the number of spans named name.
func (rc *otlpReceiver) count(name string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, s := range rc.spans {
		if s.Name == name {
			n++
		}
	}
	return n
}

// serveProcess starts `stepjet serve` in its own process on free ports with its data in a
// temporary directory and env added to this process's environment (less its OTEL_* variables),
// waits for /readyz until deadline, and stops it by its PID (SIGTERM) when the test ends.
func serveProcess(t *testing.T, deadline time.Time, env []string) (httpAddr, natsAddr string) {
	t.Helper()
	httpAddr, natsAddr = freeAddr(t), freeAddr(t)
	var logs lockedBuffer
	cmd := exec.Command(os.Args[0], "serve", "--data-dir", filepath.Join(t.TempDir(), "data"),
		"--listen", natsAddr, "--http-addr", httpAddr, "--log-level", "warn", "--drain-timeout", "5s")
	cmd.Env = append(env, envRunAsStepjet+"=1")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		// SIGTERM drains; a serve that does not exit in time is killed, by its PID only.
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(pid, syscall.SIGKILL)
			<-exited
			t.Errorf("stepjet serve (pid %d) did not stop on SIGTERM", pid)
		}
		if t.Failed() {
			t.Logf("stepjet serve output:\n%s", logs.String())
		}
	})
	for {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return httpAddr, natsAddr
			}
		}
		select {
		case <-exited:
			t.Fatalf("stepjet serve exited:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("stepjet serve never ready: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// callAPI sends one Step Functions API call with extra headers and decodes the JSON answer.
func callAPI(t *testing.T, httpAddr, op string, headers map[string]string, in any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, "http://"+httpAddr+"/", bytes.NewReader(b))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", op, resp.StatusCode, body)
	}
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return out
}

// scrapeMetrics reads serve's /metrics as metric families.
func scrapeMetrics(t *testing.T, httpAddr string) (map[string]*dto.MetricFamily, []byte) {
	t.Helper()
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams, body
}

// sample is the value of the family's sample with exactly these labels (a histogram's count).
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		for _, l := range m.Label {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// One trace holds the caller's request to the API, the execution, its states, the task call and
// the worker's span, across two processes and NATS; an X-Ray header on a sync start continues
// the X-Ray trace; /metrics shows the executions, tasks and API calls; the dashboard queries
// only metrics /metrics exposes.
func TestServeTelemetryEndToEnd(t *testing.T) {
	rc, endpoint := newOTLPReceiver(t)
	httpAddr, natsAddr := serveProcess(t, time.Now().Add(60*time.Second), []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint,
		"OTEL_BSP_SCHEDULE_DELAY=100", "OTEL_METRIC_EXPORT_INTERVAL=500", "OTEL_SERVICE_NAME=stepjet-e2e"})

	// A worker in this process, exporting to the same collector.
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := resource.New(context.Background(), resource.WithAttributes(attribute.String("service.name", "e2e-worker")))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	nc, err := nats.Connect("nats://" + natsAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	svc, err := worker.New(nc, "e2e", worker.Options{TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Stop() })
	if err := svc.Handle("echo", func(_ context.Context, p []byte) ([]byte, error) { return p, nil }); err != nil {
		t.Fatal(err)
	}

	def := `{"StartAt":"Prep","States":{"Prep":{"Type":"Pass","Next":"Call"},
		"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}}`
	created := callAPI(t, httpAddr, "CreateStateMachine", nil, map[string]any{"name": "greet", "definition": def,
		"roleArn": "arn:aws:iam::123456789012:role/r", "type": "EXPRESS"})
	machineArn, _ := created["stateMachineArn"].(string)

	const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	started := callAPI(t, httpAddr, "StartExecution", map[string]string{"traceparent": "00-" + callerTrace + "-" + callerSpan + "-01"},
		map[string]any{"stateMachineArn": machineArn, "input": `{"hi":"bob"}`})
	execArn, _ := started["executionArn"].(string)

	want := []string{"AWSStepFunctions.StartExecution", "execution greet", "Pass Prep", "Task Call", "invoke Call", "function echo"}
	var spans map[string]*receivedSpan
	for deadline := time.Now().Add(60 * time.Second); ; {
		spans = rc.trace(callerTrace)
		if len(spans) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, n := range want {
		if spans[n] == nil {
			names := make([]string, 0, len(spans))
			for k := range spans {
				names = append(names, k)
			}
			sort.Strings(names)
			t.Fatalf("trace %s lacks %q; it has %v", callerTrace, n, names)
		}
	}
	parentOf := func(child, parent string) {
		t.Helper()
		if got, want := hex.EncodeToString(spans[child].ParentSpanId), hex.EncodeToString(spans[parent].SpanId); got != want {
			t.Errorf("%q's parent is %s, want %q (%s)", child, got, parent, want)
		}
	}
	if hex.EncodeToString(spans["AWSStepFunctions.StartExecution"].ParentSpanId) != callerSpan {
		t.Errorf("the API span is not the caller's child")
	}
	parentOf("execution greet", "AWSStepFunctions.StartExecution")
	parentOf("Pass Prep", "execution greet")
	parentOf("Task Call", "execution greet")
	parentOf("invoke Call", "Task Call")
	parentOf("function echo", "invoke Call")
	t.Logf("the trace (go test -v shows it; docs/observability.md has a copy):\n%s", waterfall(rc, callerTrace))
	ex := spans["execution greet"]
	if ex.Kind != tracepb.Span_SPAN_KIND_CONSUMER || ex.attr("stepjet.execution.arn") != execArn ||
		ex.attr("stepjet.execution.status") != "SUCCEEDED" || ex.service != "stepjet-e2e" {
		t.Errorf("execution span: kind %v, service %q, attrs %v", ex.Kind, ex.service, ex.Attributes)
	}
	if spans["invoke Call"].Kind != tracepb.Span_SPAN_KIND_CLIENT || spans["function echo"].Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("task span kind %v, worker span kind %v", spans["invoke Call"].Kind, spans["function echo"].Kind)
	}

	// A sync start with an X-Ray header: its execution is a SERVER span in the X-Ray trace.
	sync := callAPI(t, httpAddr, "StartSyncExecution", map[string]string{"X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"},
		map[string]any{"stateMachineArn": machineArn, "input": `{"n":2}`})
	if sync["status"] != "SUCCEEDED" {
		t.Fatalf("sync: %v", sync)
	}
	const xrayTrace = "5759e988bd862e3fe1be46a994272793"
	for deadline := time.Now().Add(60 * time.Second); ; {
		spans = rc.trace(xrayTrace)
		if spans["execution greet"] != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ex := spans["execution greet"]; ex == nil || ex.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Fatalf("sync execution span in the X-Ray trace: %v", ex)
	}
	parentOf("execution greet", "AWSStepFunctions.StartSyncExecution")

	// No caller's context: a machine without tracing is not traced, one with tracing is.
	callAPI(t, httpAddr, "StartExecution", nil, map[string]any{"stateMachineArn": machineArn})
	traced := callAPI(t, httpAddr, "CreateStateMachine", nil, map[string]any{"name": "traced", "type": "EXPRESS",
		"definition": `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, "roleArn": "arn:aws:iam::123456789012:role/r",
		"tracingConfiguration": map[string]any{"enabled": true}})
	callAPI(t, httpAddr, "StartExecution", nil, map[string]any{"stateMachineArn": traced["stateMachineArn"]})
	for deadline := time.Now().Add(60 * time.Second); ; {
		if rc.count("execution traced") == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no span for the execution of a machine with tracing enabled")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := rc.count("execution greet"); n != 2 {
		t.Errorf("%d execution spans of greet, want 2 (its start without a caller's context is not traced)", n)
	}

	// /metrics once the four executions have completed (the last may still be running).
	type expect struct {
		name   string
		labels map[string]string
		want   float64
	}
	wants := []expect{
		{"stepjet_executions_started_total", nil, 3},
		{"stepjet_sync_executions_started_total", nil, 1},
		{"stepjet_executions_completed_total", map[string]string{"status": "SUCCEEDED"}, 4},
		{"stepjet_execution_duration_seconds", map[string]string{"status": "SUCCEEDED", "state_machine": "greet"}, 3},
		{"stepjet_execution_duration_seconds", map[string]string{"status": "SUCCEEDED", "state_machine": "traced"}, 1},
		{"stepjet_state_transitions_total", map[string]string{"state_type": "Pass"}, 4},
		{"stepjet_state_transitions_total", map[string]string{"state_type": "Task"}, 3},
		{"stepjet_task_duration_seconds", map[string]string{"integration": "lambda"}, 3},
		{"stepjet_api_request_duration_seconds", map[string]string{"operation": "StartExecution", "code": "200"}, 3},
		{"stepjet_api_request_duration_seconds", map[string]string{"operation": "CreateStateMachine", "code": "200"}, 2},
		{"stepjet_sync_request_duration_seconds", map[string]string{"status": "SUCCEEDED"}, 1},
		{"stepjet_executions_inflight", nil, 0},
		{"stepjet_consumer_pending_messages", nil, 0},
		{"stepjet_nats_connected", nil, 1},
	}
	var fams map[string]*dto.MetricFamily
	var body []byte
	for deadline := time.Now().Add(30 * time.Second); ; {
		fams, body = scrapeMetrics(t, httpAddr)
		var wrong []string
		for _, c := range wants {
			if got, ok := sample(fams, c.name, c.labels); !ok || got != c.want {
				wrong = append(wrong, fmt.Sprintf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want))
			}
		}
		if len(wrong) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("/metrics:\n%s\n%s", body, strings.Join(wrong, "\n"))
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// promtool accepts it (the telemetry/export tests require promtool under CI).
	if bin, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(bin, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics on serve's /metrics: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed: serve's /metrics not checked with it here")
	}

	// The same metrics went over OTLP.
	for deadline := time.Now().Add(30 * time.Second); ; {
		rc.mu.Lock()
		ok := rc.metrics["stepjet_execution_duration_seconds"] && rc.metrics["stepjet_executions_completed_total"]
		rc.mu.Unlock()
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("no metrics over OTLP: %v", rc.metrics)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	checkDashboard(t, fams)
}

// checkDashboard: every query of the Grafana dashboard names only metrics /metrics exposes.
func checkDashboard(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	raw, err := os.ReadFile("../../charts/stepjet/dashboards/stepjet-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	exposed := map[string]bool{}
	for name, f := range fams {
		exposed[name] = true
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, s := range []string{"_bucket", "_count", "_sum"} {
				exposed[name+s] = true
			}
		}
	}
	metricName := regexp.MustCompile(`\bstepjet_[a-z_]+`)
	queries := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			queries++
			names := metricName.FindAllString(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: query %q names no stepjet metric", p.Title, tg.Expr)
			}
			for _, n := range names {
				if !exposed[n] {
					t.Errorf("panel %q: query %q names %s, which /metrics does not expose", p.Title, tg.Expr, n)
				}
			}
		}
	}
	if queries < 10 {
		t.Errorf("the dashboard has %d queries", queries)
	}
}

// waterfall draws one trace as text: each span under its parent, with its service, kind, start
// offset and duration.
func waterfall(rc *otlpReceiver, traceID string) string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var list []*receivedSpan
	for _, s := range rc.spans {
		if hex.EncodeToString(s.TraceId) == traceID {
			list = append(list, s)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].StartTimeUnixNano < list[j].StartTimeUnixNano })
	ids := map[string]bool{}
	for _, s := range list {
		ids[hex.EncodeToString(s.SpanId)] = true
	}
	var t0 uint64
	if len(list) > 0 {
		t0 = list[0].StartTimeUnixNano
	}
	var b strings.Builder
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, s := range list {
			p := hex.EncodeToString(s.ParentSpanId)
			if (parent == "" && !ids[p]) || (parent != "" && p == parent) {
				kind := strings.TrimPrefix(s.Kind.String(), "SPAN_KIND_")
				fmt.Fprintf(&b, "%-52s %-12s %-9s +%7.2fms %8.2fms\n", strings.Repeat("  ", depth)+s.Name, s.service, strings.ToLower(kind),
					float64(s.StartTimeUnixNano-t0)/1e6, float64(s.EndTimeUnixNano-s.StartTimeUnixNano)/1e6)
				walk(hex.EncodeToString(s.SpanId), depth+1)
			}
		}
	}
	walk("", 0)
	return b.String()
}
