package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testreq"
	"github.com/tidwall/gjson"
)

// envRunAsStepjet makes the test binary act as the stepjet command (see TestMain): the aws CLI
// test starts `stepjet serve` as a real subprocess without a separate `go build`.
const envRunAsStepjet = "STEPJET_TEST_RUN_AS_STEPJET"

func TestMain(m *testing.M) {
	if os.Getenv(envRunAsStepjet) == "1" {
		os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startServeProcess starts `stepjet serve` in its own process on free ports with its data in a
// temporary directory, waits for /readyz, and stops it by its PID when the test ends. It returns
// the API's base URL (on "localhost", so that the aws CLI's "sync-" host prefix makes a name).
func startServeProcess(t *testing.T, deadline time.Time) string {
	t.Helper()
	httpAddr, _ := serveProcess(t, deadline, nil)
	_, port, _ := strings.Cut(httpAddr, ":")
	return "http://localhost:" + port
}

// awsCLIEnv is an environment in which the aws CLI reads no configuration of the machine's:
// dummy credentials, a fresh HOME, no instance metadata, no pager, no proxy of the machine's.
func awsCLIEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "AWS_"), k == "HOME", strings.EqualFold(k, "http_proxy"),
			strings.EqualFold(k, "https_proxy"), strings.EqualFold(k, "no_proxy"), strings.EqualFold(k, "all_proxy"):
			continue
		}
		env = append(env, kv)
	}
	if os.Getenv("PYENV_ROOT") == "" { // a pyenv shim finds its root through HOME otherwise
		if h, err := os.UserHomeDir(); err == nil {
			env = append(env, "PYENV_ROOT="+filepath.Join(h, ".pyenv"))
		}
	}
	return append(env,
		"HOME="+home,
		"AWS_ACCESS_KEY_ID=AKIDSTEPJETTEST", "AWS_SECRET_ACCESS_KEY=stepjet-test-secret",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
		"AWS_CONFIG_FILE="+filepath.Join(home, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "no-credentials"),
	)
}

// TestAWSCLI runs the real aws CLI against a real `stepjet serve` process. StartSyncExecution
// goes to "sync-localhost:PORT" (botocore adds the prefix to any endpoint and the CLI has no
// switch for it); the test makes that name reach the server without touching /etc/hosts by
// naming the server itself as the CLI's HTTP proxy: a proxy does not resolve the name, and
// stepjet answers whatever the Host header says.
func TestAWSCLI(t *testing.T) {
	awsBin := testreq.Tool(t, "STEPJET_AWS_CLI", "aws", "Debian: apt-get install awscli; .ci/run installs it")
	// Each step gets its own generous bound: an aws CLI start costs a second or more of Python,
	// many times that on a loaded machine, and speed is not what this checks.
	const stepTimeout = 2 * time.Minute
	home := t.TempDir()
	env := awsCLIEnv(home)
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	version, err := exec.CommandContext(ctx, awsBin, "--version").CombinedOutput()
	cancel()
	if err != nil {
		testreq.Missing(t, "%s does not run (%v): %s", awsBin, err, version)
	}
	t.Logf("%s", bytes.TrimSpace(version))

	ep := startServeProcess(t, time.Now().Add(stepTimeout))
	def := writeFile(t, "hello.asl.json", helloDef)
	defV2 := writeFile(t, "hello-v2.asl.json", `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":{"v":2},"End":true}}}`)
	arn := arnPrefix + "cli-hello"

	// aws runs one aws CLI command; proxy sends it through the server as an HTTP proxy.
	aws := func(proxy bool, args ...string) (string, string, int) {
		t.Helper()
		args = append([]string{"stepfunctions"}, append(args, "--endpoint-url", ep, "--region", "us-east-1", "--output", "json")...)
		ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, awsBin, args...)
		cmd.Env = env
		if proxy {
			cmd.Env = append(cmd.Env, "HTTP_PROXY="+ep, "http_proxy="+ep)
		}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ctx.Err() != nil {
			t.Fatalf("aws %v: no answer within %s\n%s%s", args, stepTimeout, out.String(), errOut.String())
		}
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("aws %v: %v", args, err)
		}
		return out.String(), errOut.String(), code
	}
	ok := func(proxy bool, args ...string) string {
		t.Helper()
		out, errOut, code := aws(proxy, args...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\n%s%s", args[0], code, out, errOut)
		}
		return out
	}
	want := func(out string, pairs ...string) {
		t.Helper()
		for i := 0; i < len(pairs); i += 2 {
			if got := gjson.Get(out, pairs[i]).String(); got != pairs[i+1] {
				t.Errorf("%s = %q, want %q in\n%s", pairs[i], got, pairs[i+1], out)
			}
		}
	}

	out := ok(false, "create-state-machine", "--name", "cli-hello", "--type", "EXPRESS",
		"--role-arn", "arn:aws:iam::123456789012:role/stepjet", "--definition", "file://"+def)
	want(out, "stateMachineArn", arn)
	if !gjson.Get(out, "creationDate").Exists() {
		t.Errorf("no creationDate: %s", out)
	}

	out = ok(false, "describe-state-machine", "--state-machine-arn", arn)
	want(out, "name", "cli-hello", "type", "EXPRESS", "status", "ACTIVE", "definition", helloDef,
		"roleArn", "arn:aws:iam::123456789012:role/stepjet", "loggingConfiguration.level", "OFF",
		"tracingConfiguration.enabled", "false")

	out = ok(false, "list-state-machines")
	want(out, "stateMachines.#", "1", "stateMachines.0.name", "cli-hello", "stateMachines.0.stateMachineArn", arn, "stateMachines.0.type", "EXPRESS")

	out = ok(false, "start-execution", "--state-machine-arn", arn, "--name", "run-1", "--input", `{"who":"cli"}`)
	if a := gjson.Get(out, "executionArn").String(); !strings.HasPrefix(a, "arn:aws:states:us-east-1:123456789012:express:cli-hello:run-1:") || !gjson.Get(out, "startDate").Exists() {
		t.Errorf("start-execution: %s", out)
	}
	_, errOut, code := aws(false, "start-execution", "--state-machine-arn", arn, "--name", "run-1", "--input", `{"who":"cli"}`)
	if code == 0 || !strings.Contains(errOut, "ExecutionAlreadyExists") {
		t.Errorf("a second start named run-1: exit %d, %s", code, errOut)
	}

	out = ok(true, "start-sync-execution", "--state-machine-arn", arn, "--input", `{"who":"cli"}`)
	want(out, "status", "SUCCEEDED", "output", `{"greeting":"hello cli"}`, "input", `{"who":"cli"}`, "stateMachineArn", arn,
		"inputDetails.included", "true", "outputDetails.included", "true")
	if !strings.HasPrefix(gjson.Get(out, "executionArn").String(), "arn:aws:states:us-east-1:123456789012:express:cli-hello:") {
		t.Errorf("start-sync-execution: %s", out)
	}

	out = ok(false, "update-state-machine", "--state-machine-arn", arn, "--definition", "file://"+defV2)
	// (revisionId is in the answer too, but aws CLIs older than the 2023 versioning API drop it.)
	if !gjson.Get(out, "updateDate").Exists() {
		t.Errorf("update-state-machine: %s", out)
	}
	out = ok(false, "describe-state-machine", "--state-machine-arn", arn)
	want(out, "definition", `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":{"v":2},"End":true}}}`)
	out = ok(true, "start-sync-execution", "--state-machine-arn", arn, "--input", `{}`)
	want(out, "status", "SUCCEEDED", "output", `{"v":2}`)

	_, errOut, code = aws(false, "create-state-machine", "--name", "cli-bad", "--type", "EXPRESS",
		"--role-arn", "arn:aws:iam::123456789012:role/stepjet", "--definition", badDef)
	if code == 0 || !strings.Contains(errOut, "InvalidDefinition") || !strings.Contains(errOut, "MISSING_TRANSITION_TARGET") {
		t.Errorf("invalid definition: exit %d, %s", code, errOut)
	}

	if out = ok(false, "delete-state-machine", "--state-machine-arn", arn); strings.TrimSpace(out) != "" && strings.TrimSpace(out) != "{}" {
		t.Errorf("delete-state-machine printed %s", out)
	}
	_, errOut, code = aws(false, "describe-state-machine", "--state-machine-arn", arn)
	if code == 0 || !strings.Contains(errOut, "StateMachineDoesNotExist") {
		t.Errorf("describe after delete: exit %d, %s", code, errOut)
	}
	out = ok(false, "list-state-machines")
	want(out, "stateMachines.#", "0")
}
