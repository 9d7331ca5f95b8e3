package charttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/nats-io/nats.go/jetstream"
)

func contextWith(r *http.Request, endpoint string) context.Context {
	return context.WithValue(r.Context(), endpointKey{}, endpoint)
}

// apiClient calls the AWS JSON 1.0 API through the Service, signed with SigV4 as the SDKs do.
type apiClient struct {
	endpoint string
	region   string
	creds    aws.Credentials
	http     http.Client
}

func (c *apiClient) call(op string, in any) (int, []byte, error) {
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, c.endpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), c.creds, req, hex.EncodeToString(sum[:]), "states", c.region, time.Now()); err != nil {
		return 0, nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestRenderedPodsRunForReal is the closest thing to `helm install` these machines allow: the
// chart rendered against a real 3-node NATS JetStream cluster, its Deployment's pods run as
// processes (kubelet_test.go) with the definitions ConfigMap mounted, and executions sent through
// the rendered Service port, signed with the key pair from the Secret the chart names. Mid-load
// one executor is killed (and replaced, as the ReplicaSet would) and one NATS node is stopped;
// every execution still has exactly one result.
func TestRenderedPodsRunForReal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS cluster and executor processes (run without -short)")
	}
	const executions = 300
	bin := stepjetBinary(t)
	cluster := startCluster(t, 3)

	vals := scenarioValues(t, "ha")
	vals["nats"] = map[string]any{"enabled": false}
	vals["externalNats"] = map[string]any{"url": cluster.url(), "streamReplicas": 3}
	vals["replicaCount"] = 2
	vals["executor"] = map[string]any{"ackWait": "5s"} // redeliver a killed executor's work soon
	r := render(t, vals)
	if got := args(t, r.Deployment.Spec.Template.Spec.Containers[0])["nats-url"]; got != cluster.url() {
		t.Fatalf("--nats-url=%s", got)
	}
	secrets := map[string]map[string]string{"stepjet-api": {"access-key-id": "AKIDCHARTTEST", "secret-access-key": "chart-test-secret"}}
	k := newKubelet(t, bin, secrets, r.ConfigMaps)
	svc := startService(t)

	var pods []*pod
	for i := range int(*r.Deployment.Spec.Replicas) {
		p := k.start(r.Deployment, fmt.Sprintf("executor-%d", i))
		pods = append(pods, p)
		svc.add(p)
	}
	for _, p := range pods {
		p := p
		waitFor(t, 90*time.Second, p.name+" passing its startup probe", func() bool {
			if p.exited() {
				t.Fatalf("%s exited: %v\n%s", p.name, p.exitErr, p.logs.String())
			}
			return p.probe(p.container.StartupProbe)
		})
		if !p.probe(p.container.LivenessProbe) {
			t.Fatalf("%s fails its liveness probe", p.name)
		}
	}

	api := &apiClient{endpoint: svc.url().String(), region: "us-east-1",
		creds: aws.Credentials{AccessKeyID: "AKIDCHARTTEST", SecretAccessKey: "chart-test-secret"}, http: http.Client{Timeout: 60 * time.Second}}
	machineArn := "arn:aws:states:us-east-1:123456789012:stateMachine:hello"

	// The machine came from the definitions ConfigMap; a sync execution answers through the Service.
	code, body, err := api.call("StartSyncExecution", map[string]any{"stateMachineArn": machineArn, "input": `{"who":"kubernetes"}`})
	if err != nil || code != 200 || !strings.Contains(string(body), `"status":"SUCCEEDED"`) || !strings.Contains(string(body), `hello, kubernetes`) {
		t.Fatalf("StartSyncExecution through the Service: %d %s %v", code, body, err)
	}
	// Unsigned requests are refused: the Secret's key pair is really in force.
	req, _ := http.NewRequest(http.MethodPost, svc.url().String(), strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode == 200 {
		t.Fatalf("an unsigned request was served: %v %v", resp, err)
	}

	runHelmTestHook(t, r, secrets, svc)

	// Collect results from the start: every execution ARN → how many results it has.
	nc := cluster.connect(t)
	js, _ := jetstream.New(nc)
	var mu sync.Mutex
	results := map[string]int{}
	statuses := map[string]string{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, "STEPJET_RESULTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		var res struct{ ExecutionArn, Status string }
		if json.Unmarshal(m.Data(), &res) == nil {
			mu.Lock()
			results[res.ExecutionArn]++
			statuses[res.ExecutionArn] = res.Status
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Stop()

	// The load: async starts through the Service from 4 clients; faults at a third and a half.
	var started atomic.Int64
	var arnsMu sync.Mutex
	var arns []string
	var faults sync.WaitGroup
	faults.Add(2)
	var killOnce, stopOnce sync.Once
	var replacement *pod
	jobs := make(chan int)
	var clients sync.WaitGroup
	for range 4 {
		clients.Add(1)
		go func() {
			defer clients.Done()
			for i := range jobs {
				arn, err := startWithRetry(api, machineArn, i)
				if err != nil {
					t.Error(err)
					continue
				}
				arnsMu.Lock()
				arns = append(arns, arn)
				arnsMu.Unlock()
				n := started.Add(1)
				if n == executions/3 {
					killOnce.Do(func() {
						go func() {
							defer faults.Done()
							pods[0].kill() // SIGKILL: its in-flight work must be redelivered
							replacement = k.start(r.Deployment, "executor-2")
							svc.add(replacement)
						}()
					})
				}
				if n == executions/2 {
					stopOnce.Do(func() {
						go func() {
							defer faults.Done()
							cluster.servers[1].Shutdown() // one of three NATS nodes: R3 streams keep quorum
						}()
					})
				}
			}
		}()
	}
	for i := range executions {
		jobs <- i
	}
	close(jobs)
	clients.Wait()
	faults.Wait()
	if len(arns) != executions {
		t.Fatalf("%d of %d executions started", len(arns), executions)
	}
	if !pods[0].exited() || cluster.servers[1].Running() {
		t.Fatal("the faults did not happen")
	}

	waitFor(t, 4*time.Minute, "a result for every execution", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range arns {
			if results[a] == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(2 * time.Second) // room for a duplicate to show up, if there were one
	mu.Lock()
	for _, a := range arns {
		if results[a] != 1 || statuses[a] != "SUCCEEDED" {
			t.Errorf("%s: %d results, status %s", a, results[a], statuses[a])
		}
	}
	for a, n := range results { // including any start whose answer was lost in the kill
		if n != 1 {
			t.Errorf("%s: %d results", a, n)
		}
	}
	t.Logf("%d executions started through the Service, %d distinct results; executor-0 killed, nats-1 stopped", len(arns), len(results))
	mu.Unlock()

	// The replacement executor became ready; a rolling-update style stop drains within the
	// grace period the chart derived from drainTimeout.
	t.Cleanup(func() {
		if t.Failed() { // seen once under CI load: say why it was not ready
			t.Logf("%s's logs:\n%s", replacement.name, replacement.logs.String())
		}
	})
	waitFor(t, 90*time.Second, "the replacement executor ready", replacement.ready)
	for _, p := range []*pod{pods[1], replacement} {
		inTime, err := p.terminate()
		if !inTime || err != nil {
			t.Errorf("%s: exited in its grace period %v, err %v\n%s", p.name, inTime, err, p.logs.String())
		}
	}
}

// startWithRetry starts one execution, retrying what a client retries: a connection error or a
// 5xx (an executor killed mid-request, no ready endpoint for a moment).
func startWithRetry(api *apiClient, machineArn string, i int) (string, error) {
	var last string
	for attempt := 0; attempt < 30; attempt++ {
		code, body, err := api.call("StartExecution", map[string]any{
			"stateMachineArn": machineArn, "input": fmt.Sprintf(`{"who":"client %d"}`, i)})
		if err == nil && code == 200 {
			var out struct{ ExecutionArn string }
			if err := json.Unmarshal(body, &out); err != nil || out.ExecutionArn == "" {
				return "", fmt.Errorf("StartExecution answered %s", body)
			}
			return out.ExecutionArn, nil
		}
		if err == nil && code < 500 {
			return "", fmt.Errorf("StartExecution: %d %s", code, body)
		}
		last = fmt.Sprintf("%d %s %v", code, body, err)
		time.Sleep(200 * time.Millisecond)
	}
	return "", fmt.Errorf("StartExecution kept failing: %s", last)
}

// runHelmTestHook runs the chart's `helm test` pod script with curl, against the Service. The
// Service's DNS name is the one translation: curl reaches it through http_proxy, which keeps
// the name in the request (and in the SigV4 signature curl makes).
func runHelmTestHook(t *testing.T, r rendered, secrets map[string]map[string]string, svc *service) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Log("curl is not on PATH: the helm test pod's script was not run")
		return
	}
	c := r.TestPod.Spec.Containers[0]
	env := []string{"PATH=" + os.Getenv("PATH"), "http_proxy=http://" + svc.addr}
	for _, e := range c.Env {
		ref := e.ValueFrom.SecretKeyRef
		env = append(env, e.Name+"="+secrets[ref.Name][ref.Key])
	}
	cmd := exec.Command(c.Command[0], append(c.Command[1:], c.Args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "helm test: SUCCEEDED") {
		t.Fatalf("the helm test pod's script: %v\n%s", err, out)
	}
}
