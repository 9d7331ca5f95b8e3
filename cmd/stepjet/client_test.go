package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/awsapi"
	"github.com/tidwall/gjson"
)

// startAPI serves the AWS API over a real embedded NATS server on an httptest server and returns
// its URL. No executor runs: the commands tested here only read and write the registry.
func startAPI(t *testing.T) string {
	t.Helper()
	env := testenv.New(t)
	srv := httptest.NewServer(awsapi.New(awsapi.Config{NC: env.NC, JS: env.JS}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// writeFile writes content under t.TempDir and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	helloDef   = `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('hello {}', $.who)"},"End":true}}}`
	helloDefV2 = `{"Comment":"v2","StartAt":"Hi","States":{"Hi":{"Type":"Pass","End":true}}}`
	badDef     = `{"StartAt":"Missing","States":{"Hi":{"Type":"Pass","End":true}}}`
	arnPrefix  = "arn:aws:states:us-east-1:123456789012:stateMachine:"
)

// TestClientCommands drives create, update, describe, list and delete through dispatch against a
// real API server, in the order a user would, checking what each prints and its exit status.
func TestClientCommands(t *testing.T) {
	ep := startAPI(t)
	def := writeFile(t, "hello.asl.json", helloDef)
	defV2 := writeFile(t, "hello-v2.asl.json", helloDefV2)
	bad := writeFile(t, "bad.asl.json", badDef)
	missing := filepath.Join(t.TempDir(), "nope.json")

	type check func(t *testing.T, stdout, stderr string)
	jsonHas := func(path, want string) check {
		return func(t *testing.T, stdout, _ string) {
			t.Helper()
			if got := gjson.Get(stdout, path).String(); got != want {
				t.Errorf("%s = %q, want %q in\n%s", path, got, want, stdout)
			}
		}
	}
	jsonSet := func(path string) check {
		return func(t *testing.T, stdout, _ string) {
			t.Helper()
			if !gjson.Get(stdout, path).Exists() {
				t.Errorf("no %s in\n%s", path, stdout)
			}
		}
	}
	contains := func(where, want string) check {
		return func(t *testing.T, stdout, stderr string) {
			t.Helper()
			text := stdout
			if where == "stderr" {
				text = stderr
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", where, want, text)
			}
		}
	}
	empty := func(where string) check {
		return func(t *testing.T, stdout, stderr string) {
			t.Helper()
			text := stdout
			if where == "stderr" {
				text = stderr
			}
			if text != "" {
				t.Errorf("%s not empty:\n%s", where, text)
			}
		}
	}

	steps := []struct {
		name   string
		args   []string
		code   int
		checks []check
	}{
		{"list when empty", []string{"list"}, exitOK, []check{contains("stdout", "NAME"), func(t *testing.T, out, _ string) {
			if strings.Count(out, "\n") != 1 {
				t.Errorf("want only the header:\n%s", out)
			}
		}}},
		{"create", []string{"create", "hello", def, "--logging-level", "ALL", "--include-execution-data", "--tag", "team=payments"}, exitOK,
			[]check{jsonHas("stateMachineArn", arnPrefix+"hello"), jsonSet("creationDate"), empty("stderr")}},
		{"create with --publish", []string{"create", "greeter", def, "--publish", "--version-description", "first", "--tracing"}, exitOK,
			[]check{jsonHas("stateMachineArn", arnPrefix+"greeter"), jsonHas("stateMachineVersionArn", arnPrefix+"greeter:1")}},
		{"create an invalid definition prints AWS's diagnostics", []string{"create", "dot.name", bad}, exitFail,
			[]check{contains("stderr", "stepjet create: InvalidDefinition: Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: "), contains("stderr", "at /StartAt"), empty("stdout")}},
		{"create an existing machine with another definition", []string{"create", "hello", defV2}, exitFail,
			[]check{contains("stderr", "StateMachineAlreadyExists: State Machine Already Exists: '"+arnPrefix+"hello'")}},
		{"create with an unreadable file", []string{"create", "x", missing}, exitUsage, []check{contains("stderr", "nope.json")}},
		{"create with an invalid name", []string{"create", "bad name", def}, exitFail, []check{contains("stderr", "InvalidName")}},
		{"create with a bad logging level", []string{"create", "x", def, "--logging-level", "LOUD"}, exitFail, []check{contains("stderr", "ValidationException")}},
		{"create with a bad tag", []string{"create", "x", def, "--tag", "novalue"}, exitUsage, []check{contains("stderr", "want key=value")}},
		{"create with a limit tag out of range", []string{"create", "x", def, "--tag", "stepjet:max-concurrency=0"}, exitFail,
			[]check{contains("stderr", "ValidationException"), contains("stderr", "stepjet:max-concurrency"), empty("stdout")}},
		{"create with one argument", []string{"create", "x"}, exitUsage, []check{contains("stderr", "want NAME and DEFINITION")}},
		{"create with an unknown flag", []string{"create", "x", def, "--colour", "red"}, exitUsage, []check{contains("stderr", "flag provided but not defined: -colour")}},

		{"describe", []string{"describe", "hello"}, exitOK, []check{
			jsonHas("stateMachineArn", arnPrefix+"hello"), jsonHas("name", "hello"), jsonHas("status", "ACTIVE"),
			jsonHas("type", "EXPRESS"), jsonHas("definition", helloDef), jsonHas("loggingConfiguration.level", "ALL"),
			jsonHas("loggingConfiguration.includeExecutionData", "true"),
			jsonHas("loggingConfiguration.destinations.0.cloudWatchLogsLogGroup.logGroupArn", "arn:aws:logs:us-east-1:123456789012:log-group:/stepjet/hello:*"),
			jsonHas("tracingConfiguration.enabled", "false"), jsonHas("roleArn", "arn:aws:iam::123456789012:role/stepjet"),
			func(t *testing.T, out, _ string) { // AWS names only the revisions updates make
				if gjson.Get(out, "revisionId").Exists() {
					t.Errorf("a machine never updated is described with a revisionId: %s", out)
				}
			}}},
		{"describe by ARN", []string{"describe", arnPrefix + "greeter"}, exitOK, []check{jsonHas("name", "greeter"), jsonHas("tracingConfiguration.enabled", "true")}},
		{"describe a version", []string{"describe", arnPrefix + "greeter:1"}, exitOK, []check{jsonHas("stateMachineArn", arnPrefix+"greeter:1"), jsonHas("description", "first")}},
		{"describe --definition", []string{"describe", "hello", "--definition"}, exitOK, []check{func(t *testing.T, out, _ string) {
			if out != helloDef+"\n" {
				t.Errorf("got %q", out)
			}
		}}},
		{"describe a missing machine", []string{"describe", "nope"}, exitFail, []check{contains("stderr", "stepjet describe: StateMachineDoesNotExist: no state machine named 'nope'"), empty("stdout")}},
		{"describe a missing ARN", []string{"describe", arnPrefix + "nope"}, exitFail, []check{contains("stderr", "StateMachineDoesNotExist: State Machine Does Not Exist: '"+arnPrefix+"nope'")}},
		{"describe a bad ARN", []string{"describe", "arn:aws:nope"}, exitFail, []check{contains("stderr", "InvalidArn")}},
		{"describe with no argument", []string{"describe"}, exitUsage, []check{contains("stderr", "want one NAME or ARN")}},

		{"update the definition and publish", []string{"update", "hello", "--definition", defV2, "--publish", "--version-description", "v2"}, exitOK,
			[]check{jsonSet("updateDate"), jsonSet("revisionId"), jsonHas("stateMachineVersionArn", arnPrefix+"hello:1")}},
		{"the update is described", []string{"describe", "hello", "--definition"}, exitOK, []check{contains("stdout", `"Comment":"v2"`)}},
		{"update tracing and logging", []string{"update", "hello", "--tracing", "on", "--logging-level", "OFF"}, exitOK, []check{jsonSet("updateDate")}},
		{"the settings are described", []string{"describe", "hello"}, exitOK, []check{jsonHas("tracingConfiguration.enabled", "true"), jsonHas("loggingConfiguration.level", "OFF")}},
		{"update to an invalid definition", []string{"update", "hello", "--definition", bad}, exitFail,
			[]check{contains("stderr", "stepjet update: InvalidDefinition: Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: ")}},
		{"update with nothing to change", []string{"update", "hello"}, exitFail, []check{contains("stderr", "MissingRequiredParameter")}},
		{"update a missing machine", []string{"update", "nope", "--definition", def}, exitFail, []check{contains("stderr", "StateMachineDoesNotExist")}},
		{"update with a bad --tracing", []string{"update", "hello", "--tracing", "maybe"}, exitUsage, []check{contains("stderr", "--tracing is on or off")}},
		{"update with an unreadable file", []string{"update", "hello", "--definition", missing}, exitUsage, []check{contains("stderr", "nope.json")}},
		{"update with an unknown flag", []string{"update", "hello", "--nope"}, exitUsage, nil},
		{"update --tag sets a machine's limits", []string{"update", "hello", "--tag", "stepjet:max-concurrency=5", "--tag", "stepjet:max-start-rate=2.5"}, exitOK,
			[]check{contains("stdout", "{}"), empty("stderr")}},
		{"update --tag with a limit that is not a number", []string{"update", "hello", "--tag", "stepjet:max-start-rate=fast"}, exitFail,
			[]check{contains("stderr", "ValidationException"), contains("stderr", "stepjet:max-start-rate")}},
		{"update --untag", []string{"update", "hello", "--untag", "stepjet:max-start-rate"}, exitOK, []check{empty("stderr")}},
		{"update --tag of a missing machine", []string{"update", "nope", "--tag", "a=b"}, exitFail, []check{contains("stderr", "StateMachineDoesNotExist")}},

		{"list", []string{"list"}, exitOK, []check{func(t *testing.T, out, _ string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[1], "hello ") || !strings.HasPrefix(lines[2], "greeter ") ||
				!strings.Contains(lines[1], "EXPRESS") || !strings.Contains(lines[1], arnPrefix+"hello") {
				t.Errorf("list:\n%s", out)
			}
		}}},
		{"list --json", []string{"list", "--json"}, exitOK, []check{jsonHas("stateMachines.#", "2"), jsonHas("stateMachines.0.name", "hello"),
			jsonHas("stateMachines.1.stateMachineArn", arnPrefix+"greeter"), jsonHas("stateMachines.0.type", "EXPRESS")}},
		{"list with an argument", []string{"list", "x"}, exitUsage, []check{contains("stderr", "takes no arguments")}},

		{"delete", []string{"delete", "hello"}, exitOK, []check{func(t *testing.T, out, _ string) {
			if out != "deleted "+arnPrefix+"hello\n" {
				t.Errorf("got %q", out)
			}
		}}},
		{"delete again by name", []string{"delete", "hello"}, exitFail, []check{contains("stderr", "no state machine named 'hello'")}},
		{"delete again by ARN is idempotent, as in AWS", []string{"delete", arnPrefix + "hello"}, exitOK, nil},
		{"the version went with it", []string{"describe", arnPrefix + "hello:1"}, exitFail, []check{contains("stderr", "StateMachineDoesNotExist")}},
		{"delete a version ARN", []string{"delete", arnPrefix + "greeter:1"}, exitFail, []check{contains("stderr", "ValidationException")}},
		{"delete with two arguments", []string{"delete", "a", "b"}, exitUsage, nil},
		{"list after delete", []string{"list", "--json"}, exitOK, []check{jsonHas("stateMachines.#", "1"), jsonHas("stateMachines.0.name", "greeter")}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := dispatch(append(s.args, "--endpoint", ep), &out, &errOut)
			if code != s.code {
				t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", s.args, code, s.code, out.String(), errOut.String())
			}
			for _, c := range s.checks {
				c(t, out.String(), errOut.String())
			}
		})
	}
}

// TestClientCommandsUnreachable: a server that is not there is a usage problem (exit 2) with a
// hint, not an API refusal.
func TestClientCommandsUnreachable(t *testing.T) {
	ep := "http://" + freeAddr(t) // nothing listens there
	def := writeFile(t, "hello.asl.json", helloDef)
	for _, args := range [][]string{{"create", "x", def}, {"update", "x", "--definition", def}, {"describe", "x"}, {"list"}, {"delete", "x"}} {
		var out, errOut bytes.Buffer
		if code := dispatch(append(args, "--endpoint", ep), &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "is `stepjet serve` running?") {
			t.Errorf("%v: exit %d, %q", args, code, errOut.String())
		}
	}
}

// TestAPICommandsHelp: each command's --help says what it does, shows an example, and lists
// the options; it exits 0.
func TestAPICommandsHelp(t *testing.T) {
	for _, c := range []string{"create", "update", "describe", "list", "delete"} {
		var out, errOut bytes.Buffer
		code := dispatch([]string{c, "--help"}, &out, &errOut)
		help := errOut.String()
		if code != exitOK {
			t.Errorf("%s --help: exit %d", c, code)
		}
		for _, want := range []string{"Usage: stepjet " + c, "Example", "stepjet " + c + " ", "-endpoint"} {
			if !strings.Contains(help, want) {
				t.Errorf("%s --help lacks %q:\n%s", c, want, help)
			}
		}
	}
}

func TestCreateRefusesStandard(t *testing.T) {
	var out, errb bytes.Buffer
	code := dispatch([]string{"create", "sm", "../../examples/hello/hello.asl.json", "--type", "STANDARD", "--endpoint", "http://127.0.0.1:1"}, &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), "Express workflows only") {
		t.Fatalf("exit %d, stderr %q; want exit 2 saying stepjet runs Express workflows only", code, errb.String())
	}
}
