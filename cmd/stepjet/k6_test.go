package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/bench"
	"github.com/stepjet/stepjet/transport/worker"
)

// TestK6Scripts runs loadtest/k6's scripts briefly against a real `stepjet serve`, with the order
// workflow's functions as NATS workers: each script must create its machine, drive the API and
// see every request answered and every check pass. Thresholds are off: latency on a shared
// machine is not what this checks (loadtest/README.md has the figures). It needs k6 on PATH
// (`go install go.k6.io/k6@v1.8.1`) and is opt-in, under CI too: k6 is AGPL-licensed and CI does
// not install it, so without k6 the test skips, saying so.
func TestK6Scripts(t *testing.T) {
	k6, err := exec.LookPath("k6")
	if err != nil {
		t.Skip("SKIP: k6 is not installed (go install go.k6.io/k6@v1.8.1); CI does not install it (AGPL-licensed), so this check is opt-in")
	}
	if testing.Short() {
		t.Skip("starts stepjet serve and k6")
	}
	sv := startServe(t)
	httpAddr, serveErr := sv.httpAddr, sv.stderr
	ctx := context.Background()

	nc, err := nats.Connect("nats://" + sv.natsAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	svc, err := worker.New(nc, "k6-test-workers", worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = svc.Stop() }()
	for name, out := range bench.OrderFunctions {
		result := []byte(out)
		if err := svc.Handle(name, func(context.Context, []byte) ([]byte, error) { return result, nil }); err != nil {
			t.Fatal(err)
		}
	}

	for _, script := range []string{"start-sync.js", "start-async.js"} {
		t.Run(script, func(t *testing.T) {
			summary := filepath.Join(t.TempDir(), "summary.json")
			cmd := exec.CommandContext(ctx, k6, "run", "--quiet", "--no-color", "--no-thresholds", "--summary-export", summary,
				"-e", "STEPJET_URL=http://"+httpAddr, "-e", "PEAK_RATE=40", "-e", "STAGE=1s", "-e", "VUS=5", "-e", "MAX_VUS=50",
				filepath.Join("..", "..", "loadtest", "k6", script))
			cmd.Env = append(os.Environ(), "K6_NO_USAGE_REPORT=true")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("k6 run %s: %v\n%s\nserve: %s", script, err, out, serveErr.String())
			}
			var s struct {
				Metrics map[string]struct {
					Passes, Fails, Count float64
					Value                float64
				} `json:"metrics"`
			}
			b, err := os.ReadFile(summary)
			if err != nil || json.Unmarshal(b, &s) != nil {
				t.Fatalf("summary %s: %v\n%s", summary, err, b)
			}
			checks, failed, iterations := s.Metrics["checks"], s.Metrics["http_req_failed"], s.Metrics["iterations"]
			if iterations.Count < 20 || checks.Passes == 0 || checks.Fails != 0 || failed.Value != 0 {
				t.Errorf("%s: %v iterations, checks %v passed / %v failed, failed requests %.2f%%\n%s",
					script, iterations.Count, checks.Passes, checks.Fails, 100*failed.Value, out)
			}
		})
	}
}
