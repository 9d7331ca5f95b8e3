package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/tidwall/gjson"
)

// helpOf returns command c's --help text ("" for the top-level usage).
func helpOf(t *testing.T, c string) string {
	t.Helper()
	if c == "" {
		r := cli("--help")
		if r.code != exitOK {
			t.Fatalf("stepjet --help: exit %d", r.code)
		}
		return r.stdout
	}
	r := cli(c, "--help")
	if r.code != exitOK {
		t.Fatalf("stepjet %s --help: exit %d", c, r.code)
	}
	return r.stderr
}

// helpExamples returns the examples of a help text: the indented lines after a line starting
// with "Example", up to the next blank line; a line ending in a backslash goes on on the next.
func helpExamples(help string) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(help))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Example"):
			in = true
		case !in:
		case strings.TrimSpace(line) == "" || !strings.HasPrefix(line, "  "):
			in = false
		case len(out) > 0 && strings.HasSuffix(out[len(out)-1], `\`):
			out[len(out)-1] += "\n" + line
		default:
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// exampleOrder is the order the help examples run in, as a user would follow them: create the
// machine the others use first, delete it last. "" is the top-level usage. Not here: serve (this
// test's server is a serve, and serve's own tests run its examples) and bench (its examples are
// load runs of minutes, of the harness in bench/).
var notExampled = []string{"serve", "bench"}

var exampleOrder = []string{"create", "sync", "start", "logs", "executions", "describe-execution", "history", "replay", "stop", "redrive", "trigger", "describe", "update", "list", "validate", "run", "version", "", "delete"}

// TestHelpExamples runs every example of every command's --help, as written, in a shell with
// the stepjet binary on PATH, against a real `stepjet serve`, from a directory holding the
// repository's examples/: each must exit 0, and an execution it prints must have SUCCEEDED.
// The examples name the default addresses; the server here is on free ports, so those two
// addresses are replaced by its own (and set as STEPJET_ENDPOINT and NATS_URL).
// Before, create's and sync's examples failed (input the machine cannot take, a file that does
// not exist, inline JSON that --input did not accept).
func TestHelpExamples(t *testing.T) {
	noAWSConfig(t)
	for c := range commands {
		if !contains(notExampled, c) && !contains(exampleOrder, c) {
			t.Errorf("command %s is missing from exampleOrder: its examples would not be tested", c)
		}
	}
	sv := startServe(t)
	endpoint, natsURL := "http://"+sv.httpAddr, "nats://"+sv.natsAddr

	// A directory like the repository's root, where `stepjet describe ... > file` may write.
	dir := t.TempDir()
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(examples, filepath.Join(dir, "examples")); err != nil {
		t.Fatal(err)
	}
	// The test binary acts as stepjet (TestMain) under that name on PATH.
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "stepjet")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), envRunAsStepjet+"=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		envEndpoint+"="+endpoint, "NATS_URL="+natsURL)
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()

	ran := 0
	for _, c := range exampleOrder {
		help := helpOf(t, c)
		exs := helpExamples(help)
		if len(exs) == 0 {
			t.Errorf("stepjet %s --help has no examples:\n%s", c, help)
		}
		if c != "" && c != "version" && !strings.Contains(help, "Exit status") {
			t.Errorf("stepjet %s --help does not say its exit status:\n%s", c, help)
		}
		for _, ex := range exs {
			line := strings.NewReplacer(defaultEndpoint, endpoint, "nats://127.0.0.1:4222", natsURL).Replace(ex)
			ran++
			switch {
			case strings.HasPrefix(line, "nats req "):
				natsRequest(t, nc, dir, line)
			case strings.Contains(line, "stepjet "):
				runExample(t, dir, env, line)
			default:
				t.Errorf("stepjet %s --help: this test cannot run the example %q", c, ex)
			}
		}
	}
	t.Logf("ran %d examples", ran)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runExample runs one example line in sh. A --follow example runs until it has printed a
// line, then is interrupted as its help says (Ctrl-C), and must exit 0 then.
func runExample(t *testing.T, dir string, env []string, line string) {
	t.Helper()
	follow := strings.Contains(line, "--follow")
	script := line
	if follow {
		script = "exec " + line // the signal reaches stepjet, not the shell
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if follow && strings.Contains(stdout.String(), "\n") {
				_ = cmd.Process.Signal(syscall.SIGINT)
				follow = false
			}
		case <-deadline:
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%s: still running after 2 minutes\nstdout: %s\nstderr: %s", line, stdout.String(), stderr.String())
			return
		}
	}
	if err != nil {
		t.Errorf("%s: %v\nstdout: %s\nstderr: %s", line, err, stdout.String(), stderr.String())
		return
	}
	if res := gjson.GetMany(stdout.String(), "executionArn", "status"); res[0].Exists() && res[1].Exists() && res[1].String() != "SUCCEEDED" {
		t.Errorf("%s: an example execution ended %s:\n%s", line, res[1].String(), stdout.String())
	}
	t.Logf("%s\n%s", line, firstLines(stdout.String(), 3))
}

// natsRequest does what an example `nats req SUBJECT BODY` does (the nats CLI is not installed
// here): a request on SUBJECT, retried until a bound trigger answers (the executor binds a new
// trigger when its watch sees it), and the answer must be an executionArn.
func natsRequest(t *testing.T, nc *nats.Conn, dir, line string) {
	t.Helper()
	// The shell splits the line as it would for the nats CLI.
	out, err := exec.Command("sh", "-c", `eval "set -- $1"; shift 2; printf '%s\0' "$@"`, "sh", line).Output()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(args) != 2 {
		t.Fatalf("%s: want nats req SUBJECT BODY, got %q", line, args)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		reply, err := nc.Request(args[0], []byte(args[1]), 5*time.Second)
		if err == nil {
			var answer struct {
				ExecutionArn string `json:"executionArn"`
			}
			if json.Unmarshal(reply.Data, &answer) != nil || !strings.Contains(answer.ExecutionArn, ":express:") {
				t.Errorf("%s: answered %s", line, reply.Data)
			}
			t.Logf("%s\n%s", line, reply.Data)
			return
		}
		if ctx.Err() != nil {
			t.Errorf("%s: no answer: %v", line, err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// TestHelpAndVersion: `stepjet help` lists the commands, `stepjet help COMMAND` prints that
// command's help on stdout, and `stepjet version` / `--version` name the build. Before, `stepjet
// help run` printed the command list, and there was no version.
func TestHelpAndVersion(t *testing.T) {
	r := cli("help")
	r.want(t, "help", exitOK)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.Contains(r.stdout, "  "+n+" ") {
			t.Errorf("stepjet help does not list %s:\n%s", n, r.stdout)
		}
		h := cli("help", n)
		h.want(t, "help "+n, exitOK)
		if own := cli(n, "--help"); h.stdout != own.stdout+own.stderr || !strings.Contains(h.stdout, "Usage:") {
			t.Errorf("stepjet help %s is not stepjet %s --help:\n%s", n, n, h.stdout)
		}
	}
	cli("help", "nosuch").want(t, "help nosuch", exitUsage, `unknown command "nosuch"`)
	cli("help", "run", "extra").want(t, "help with two commands", exitUsage)
	r = cli()
	r.want(t, "no command", exitUsage, "Usage: stepjet COMMAND")
	cli("nosuch").want(t, "an unknown command", exitUsage, `stepjet: unknown command "nosuch"`)

	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		r := cli(args...)
		r.want(t, strings.Join(args, " "), exitOK)
		if !strings.HasPrefix(r.stdout, "stepjet ") || !strings.Contains(r.stdout, "go1.") {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	cli("version", "x").want(t, "version with an argument", exitUsage)
}

// TestVersionText: the version line from the build information the Go toolchain records.
func TestVersionText(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/stepjet/stepjet", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{info("v1.2.3", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-12-07T06:00:00Z", "vcs.modified", "true"),
			"stepjet v1.2.3 (revision 0123456789ab, modified, 2026-12-07T06:00:00Z) go1.26.0"},
		{info("(devel)"), "stepjet (devel) (no source revision recorded) go1.26.0"},
		{info(""), "stepjet (devel) (no source revision recorded) go1.26.0"},
		{info("v0.0.0-20261207060000-0123456789ab", "vcs.revision", "0123456789ab", "vcs.modified", "false"),
			"stepjet v0.0.0-20261207060000-0123456789ab (revision 0123456789ab) go1.26.0"},
		{nil, "stepjet (devel) (no build information)"},
	} {
		if got := versionText(tc.info); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// TestExecutionInputForms: --input is JSON text, a file, or - for standard input; an existing
// file wins over JSON text it could also be.
func TestExecutionInputForms(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("42", []byte(`{"from":"the file named 42"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("in.json", []byte(`{"from":"in.json"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, want string }{
		{"", `{}`},
		{`{"a":1}`, `{"a":1}`},
		{` [1,2]`, ` [1,2]`},
		{`"text"`, `"text"`},
		{`true`, `true`},
		{`7`, `7`},
		{`{"a":`, `{"a":`}, // JSON-looking but broken: the API (or run) refuses it, saying why
		{"in.json", `{"from":"in.json"}`},
		{"42", `{"from":"the file named 42"}`},
	} {
		got, err := executionInput(tc.arg)
		if err != nil || string(got) != tc.want {
			t.Errorf("--input %q: %q, %v; want %q", tc.arg, got, err, tc.want)
		}
	}
	if _, err := executionInput("missing.json"); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing file: %v", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = stdin })
	go func() { w.WriteString(`{"from":"stdin"}`); w.Close() }()
	if got, err := executionInput("-"); err != nil || !bytes.Equal(got, []byte(`{"from":"stdin"}`)) {
		t.Errorf("--input -: %q, %v", got, err)
	}
}
