package executor_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
)

// redeliveries reads stepjet_starts_redelivered_total from the executor's metrics.
func redeliveries(ex *executor.Executor) int { return counter(ex, "stepjet_starts_redelivered_total") }

// counter reads one counter from the executor's metrics (-1 when it is not there).
func counter(ex *executor.Executor, name string) int {
	var b bytes.Buffer
	ex.WriteMetrics(&b)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)$`).FindSubmatch(b.Bytes())
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestCPUBoundExecutionsDoNotStarveOthers (issue 14.6): executions that loop on the CPU until
// their timeout must not starve the executor's own NATS traffic: unrelated Pass executions
// started meanwhile complete once each, and no start is redelivered.
//
// The executor's gate (Config.MaxComputing) keeps the spinning executions to a few turns at
// computing, so the process's own goroutines are never queued behind dozens of them.
func TestCPUBoundExecutionsDoNotStarveOthers(t *testing.T) {
	env := testenv.New(t)
	env.PutMachine("spin", `{"TimeoutSeconds":6,"StartAt":"Inc","States":{`+
		`"Inc":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Again"},`+
		`"Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":-1,"Next":"Inc"}],"Default":"Done"},`+
		`"Done":{"Type":"Succeed"}}}`, "")
	env.PutMachine("quick", passMachine, "")
	results := env.WatchResults()
	ex := startExecutor(t, env, executor.Config{AckWait: 2 * time.Second})
	ctx := context.Background()
	const spinners, quick = 100, 40
	for i := range spinners {
		if _, err := client.StartAsync(ctx, env.JS, env.Layout, "spin", []byte(`{"n":0}`), client.StartOptions{Name: fmt.Sprint("spin-", i)}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the spinners to be running", func() bool { return counter(ex, "stepjet_executions_started_total") >= spinners })
	arns := map[string]bool{}
	for i := range quick {
		s, err := client.StartAsync(ctx, env.JS, env.Layout, "quick", nil, client.StartOptions{Name: fmt.Sprint("quick-", i)})
		if err != nil {
			t.Fatal(err)
		}
		arns[s.ExecutionArn] = true
	}
	rs := results.Wait(t, spinners+quick, 120*time.Second)
	seen := map[string]int{}
	for _, r := range rs {
		seen[r.ExecutionArn]++
		if arns[r.ExecutionArn] && r.Status != "SUCCEEDED" {
			t.Errorf("quick execution %s: %s %s", r.Name, r.Status, r.Cause)
		}
	}
	for arn := range arns {
		if seen[arn] != 1 {
			t.Errorf("%s has %d results", arn, seen[arn])
		}
	}
	if n := redeliveries(ex); n != 0 {
		t.Errorf("%d starts were redelivered", n)
	}
	t.Logf("%d results", len(rs))
}

// waitFor polls cond until it holds; the bound only stops a test that would never end.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
