package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// cliResult is what one command printed and its exit status.
type cliResult struct {
	code           int
	stdout, stderr string
}

// cli runs a command through dispatch, as the stepjet binary would.
func cli(args ...string) cliResult {
	var out, errOut bytes.Buffer
	code := dispatch(args, &out, &errOut)
	return cliResult{code, out.String(), errOut.String()}
}

// want fails the test unless r exited with code and stderr holds every text in stderrHas.
func (r cliResult) want(t *testing.T, what string, code int, stderrHas ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
		return
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("%s: stderr lacks %q:\n%s", what, s, r.stderr)
		}
	}
	if code != exitOK && r.stdout != "" {
		t.Errorf("%s: a refused command printed on stdout:\n%s", what, r.stdout)
	}
}

// noAWSConfig keeps the machine's own AWS settings out of a test: no credentials, no profile.
func noAWSConfig(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
}

// TestStartSyncTriggerLogsAnswerLikeTheAPI: start, sync, trigger and logs refuse what the API
// refuses, with AWS's error name and message on stderr and exit 1, against a real
// `stepjet serve` (embedded NATS, executor, API). Before, start and sync of a machine that does
// not exist printed an ARN and exited 0, a duplicate start --name printed a fresh-looking ARN,
// sync with non-JSON input exited 0 with a FAILED execution, trigger bound a subject to
// nothing, and logs printed nothing with exit 0.
func TestStartSyncTriggerLogsAnswerLikeTheAPI(t *testing.T) {
	noAWSConfig(t)
	sv := startServe(t)
	ep, nurl := "--endpoint=http://"+sv.httpAddr, "--nats-url=nats://"+sv.natsAddr
	def := writeFile(t, "greet.asl.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"hi.$":"$.who"},"End":true}}}`)
	notJSON := writeFile(t, "order.txt", "orderId=1001")
	cli("create", "greet", def, ep).want(t, "create greet", exitOK)
	cli("create", "loud", def, "--logging-level", "ALL", ep).want(t, "create loud", exitOK)

	cli("start", "nosuch", ep).want(t, "start nosuch", exitFail, "stepjet start: StateMachineDoesNotExist: no state machine named 'nosuch'")
	cli("sync", "nosuch", ep).want(t, "sync nosuch", exitFail, "stepjet sync: StateMachineDoesNotExist: no state machine named 'nosuch'")
	cli("start", "arn:aws:states:us-east-1:123456789012:stateMachine:nosuch", ep).want(t, "start by an ARN of nothing", exitFail,
		"StateMachineDoesNotExist: State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nosuch'")
	cli("sync", "greet", "--input", notJSON, ep).want(t, "sync with a file that is not JSON", exitFail, "stepjet sync: InvalidExecutionInput: Invalid State Machine Execution Input")
	cli("sync", "greet", "--input", `{"who":`, ep).want(t, "sync with inline input that is not JSON", exitFail, "InvalidExecutionInput")
	cli("start", "greet", "--input", notJSON, ep).want(t, "start with a file that is not JSON", exitFail, "InvalidExecutionInput")
	cli("sync", "greet", "--input", "no-such-file.json", ep).want(t, "sync with a missing input file", exitUsage, "no-such-file.json", "--input takes JSON text, a file, or -")

	r := cli("start", "greet", "--name", "once", "--input", `{"who":"ada"}`, ep)
	r.want(t, "start --name once", exitOK)
	if !strings.Contains(gjson.Get(r.stdout, "executionArn").String(), ":express:greet:once:") {
		t.Errorf("start: %s", r.stdout)
	}
	cli("start", "greet", "--name", "once", ep).want(t, "start --name once again", exitFail, "stepjet start: ExecutionAlreadyExists: Execution Already Exists: 'once'")
	cli("start", "greet", "--name", "", ep).want(t, "start --name ''", exitFail, "stepjet start: ValidationException", "'name'")
	cli("sync", "greet", "--name", "bad name", ep).want(t, "sync --name 'bad name'", exitFail, "stepjet sync: InvalidName: Invalid Name: 'bad name'")

	r = cli("sync", "greet", "--input", `{"who":"grace"}`, ep)
	r.want(t, "sync with inline JSON", exitOK)
	if gjson.Get(r.stdout, "status").String() != "SUCCEEDED" || gjson.Get(r.stdout, "output").String() != `{"hi":"grace"}` {
		t.Errorf("sync: %s", r.stdout)
	}
	r = cli("sync", "greet", ep) // input {}: the execution fails, and that is an answer, not an error
	r.want(t, "sync of a failing execution", exitOK)
	if gjson.Get(r.stdout, "status").String() != "FAILED" || gjson.Get(r.stdout, "error").String() != "States.Runtime" {
		t.Errorf("sync: %s", r.stdout)
	}

	cli("trigger", "x.y", "nosuch", nurl).want(t, "trigger to nothing", exitFail, "stepjet trigger: StateMachineDoesNotExist: no state machine named 'nosuch'")
	if r = cli("trigger", "--list", nurl); gjson.Get(r.stdout, "triggers.#").Int() != 0 {
		t.Errorf("a refused trigger was bound: %s", r.stdout)
	}
	cli("trigger", "x.y", "greet", nurl).want(t, "trigger to greet", exitOK)

	cli("logs", "nosuch", nurl).want(t, "logs of nothing", exitFail, "stepjet logs: StateMachineDoesNotExist: no state machine named 'nosuch'")
	cli("logs", "nosuch", "--results", nurl).want(t, "results of nothing", exitFail, "StateMachineDoesNotExist")
	cli("logs", "greet", nurl).want(t, "logs of a machine that does not log", exitFail,
		"state machine 'greet' logs nothing", "stepjet update greet --logging-level ALL", "stepjet logs greet --results")
	cli("logs", "greet", "--results", nurl).want(t, "results of a machine that does not log", exitOK)
	cli("logs", "loud", nurl).want(t, "logs of a machine that logs", exitOK)

	// Nothing to talk to is exit 2, with a hint, for both ways to the server.
	down := freeAddr(t)
	cli("start", "greet", "--endpoint", "http://"+down).want(t, "start with no server", exitUsage, "is `stepjet serve` running?")
	cli("logs", "greet", "--nats-url", "nats://"+down).want(t, "logs with no server", exitUsage, "is `stepjet serve` running?")
	cli("list", "--endpoint", "ftp://x").want(t, "a bad --endpoint", exitUsage, "not an http:// or https:// URL")
	// (Usually "does not answer HTTP (a NATS port?": when NATS hangs up first, "cannot reach".)
	cli("list", "--endpoint", "http://"+sv.natsAddr).want(t, "NATS's port as --endpoint", exitUsage, "http://"+sv.natsAddr+"/")
}

// TestEndpointFromEnvironment: STEPJET_ENDPOINT names the API for every command without
// --endpoint.
func TestEndpointFromEnvironment(t *testing.T) {
	noAWSConfig(t)
	ep := startAPI(t)
	t.Setenv(envEndpoint, ep)
	def := writeFile(t, "hello.asl.json", helloDef)
	cli("create", "hello", def).want(t, "create", exitOK)
	if r := cli("list", "--json"); gjson.Get(r.stdout, "stateMachines.0.name").String() != "hello" {
		t.Errorf("list: %+v", r)
	}
}

// TestSigV4FromTheAWSCredentialChain: with SigV4 on in `stepjet serve`, the CLI signs with the
// standard AWS credentials (environment, or a profile in the shared credentials file) and so
// works; with none it says what to set, and with wrong ones it says which key it signed with.
// Before, `stepjet list` answered MissingAuthenticationTokenException whatever was set.
func TestSigV4FromTheAWSCredentialChain(t *testing.T) {
	noAWSConfig(t)
	t.Setenv(envAccessKey, "AKIDSTEPJETCLI")
	t.Setenv(envSecretKey, "cli-secret")
	sv := startServe(t)
	ep := "--endpoint=http://" + sv.httpAddr
	def := writeFile(t, "hello.asl.json", helloDef)

	cli("list", ep).want(t, "no credentials", exitFail, "stepjet list: MissingAuthenticationTokenException: Missing Authentication Token",
		"set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the server's STEPJET_ACCESS_KEY_ID and STEPJET_SECRET_ACCESS_KEY")

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSTEPJETCLI")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli-secret")
	cli("create", "hello", def, ep).want(t, "create, signed from the environment", exitOK)
	cli("list", ep).want(t, "list, signed from the environment", exitOK)
	r := cli("sync", "hello", "--input", `{"who":"sig"}`, ep)
	r.want(t, "sync, signed from the environment", exitOK)
	if gjson.Get(r.stdout, "status").String() != "SUCCEEDED" {
		t.Errorf("sync: %s", r.stdout)
	}
	cli("start", "hello", "--input", `{"who":"sig"}`, ep).want(t, "start, signed from the environment", exitOK)
	t.Setenv("AWS_SESSION_TOKEN", "a-session-token") // signed in as X-Amz-Security-Token
	cli("list", ep, "--region", "eu-west-1").want(t, "list with a session token, another region", exitOK)
	os.Unsetenv("AWS_SESSION_TOKEN")

	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	cli("list", ep).want(t, "a wrong secret", exitFail, "InvalidSignatureException", "signed with access key AKIDSTEPJETCLI from EnvConfigCredentials")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSOMEONEELSE")
	cli("start", "hello", ep).want(t, "an unknown key", exitFail, "UnrecognizedClientException", "AKIDSOMEONEELSE")

	// A profile in the shared credentials file.
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", writeFile(t, "credentials",
		"[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n[stepjet]\naws_access_key_id = AKIDSTEPJETCLI\naws_secret_access_key = cli-secret\n"))
	cli("list", ep).want(t, "the default profile's wrong key", exitFail, "UnrecognizedClientException", "AKIDWRONG")
	t.Setenv("AWS_PROFILE", "stepjet")
	cli("describe", "hello", ep).want(t, "describe, signed with profile stepjet", exitOK)
	t.Setenv("AWS_PROFILE", "nope")
	cli("list", ep).want(t, "a profile that does not exist", exitUsage, "reading the AWS configuration to sign requests", "nope")
}
