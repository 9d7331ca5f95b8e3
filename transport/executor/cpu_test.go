package executor_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/executor"
)

// redeliveries reads stepjet_starts_redelivered_total from the executor's metrics.
func redeliveries(ex *executor.Executor) int {
	var b bytes.Buffer
	ex.WriteMetrics(&b)
	m := regexp.MustCompile(`(?m)^stepjet_starts_redelivered_total (\d+)$`).FindSubmatch(b.Bytes())
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
// It FAILS today (8-10 redeliveries on a 2-core machine, mostly of the spinning executions whose
// heartbeats come late, some of the quick ones): bounding CPU-heavy concurrency needs a yield
// point the engine does not offer yet (a per-state hook in RunOptions; Task and Wait are the only
// places the executor sees an execution between start and end). It runs only when
// STEPJET_TEST_CPU_STARVATION is set, as the reproduction for whoever adds that hook.
func TestCPUBoundExecutionsDoNotStarveOthers(t *testing.T) {
	if os.Getenv("STEPJET_TEST_CPU_STARVATION") == "" {
		t.Skip("known failure (issue 14.6, needs an engine yield hook); set STEPJET_TEST_CPU_STARVATION=1 to run")
	}
	env := testenv.New(t)
	env.PutMachine("spin", `{"TimeoutSeconds":6,"StartAt":"Inc","States":{`+
		`"Inc":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"Again"},`+
		`"Again":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":-1,"Next":"Inc"}],"Default":"Done"},`+
		`"Done":{"Type":"Succeed"}}}`, "")
	env.PutMachine("quick", passMachine, "")
	results := env.WatchResults()
	ex := startExecutor(t, env, executor.Config{AckWait: 2 * time.Second})
	ctx := context.Background()
	const spinners, quick = 40, 40
	for i := range spinners {
		if _, err := client.StartAsync(ctx, env.JS, env.Layout, "spin", []byte(`{"n":0}`), client.StartOptions{Name: fmt.Sprint("spin-", i)}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(500 * time.Millisecond) // the spinners are running
	arns := map[string]bool{}
	for i := range quick {
		s, err := client.StartAsync(ctx, env.JS, env.Layout, "quick", nil, client.StartOptions{Name: fmt.Sprint("quick-", i)})
		if err != nil {
			t.Fatal(err)
		}
		arns[s.ExecutionArn] = true
	}
	results.Wait(t, spinners+quick, 120*time.Second)
	time.Sleep(time.Second) // any duplicate result would have landed by now
	rs := results.All()
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
