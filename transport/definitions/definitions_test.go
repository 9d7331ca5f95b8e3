package definitions_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/awsapi"
	"github.com/stepjet/stepjet/transport/definitions"
	"github.com/stepjet/stepjet/transport/registry"
)

const (
	helloDef = `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":"hello","End":true}}}`
	byeDef   = `{"StartAt":"Bye","States":{"Bye":{"Type":"Pass","Result":"bye","End":true}}}`
)

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// configMapDir lays files out as the kubelet mounts a ConfigMap: the files live in a
// timestamped directory, ..data links to it, and each name is a link through ..data.
func configMapDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	ts := "..2026_12_07_06_00_00.000000001"
	if err := os.Mkdir(filepath.Join(dir, ts), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, ts, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(ts, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openRegistry(t *testing.T) (*registry.Registry, *testenv.Env) {
	t.Helper()
	env := testenv.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reg, err := registry.Open(ctx, env.JS, env.Layout)
	if err != nil {
		t.Fatal(err)
	}
	return reg, env
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestLoadReadsAConfigMapVolume(t *testing.T) {
	dir := configMapDir(t, map[string]string{
		"hello.asl.json":      helloDef + "\n",
		"hello.settings.json": `{"tags":{"team":"payments"},"tracingConfiguration":{"enabled":true}}`,
		"bye.asl.json":        byeDef,
		"README.md":           "not a definition",
	})
	ms, err := definitions.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Name != "bye" || ms[1].Name != "hello" {
		t.Fatalf("loaded %+v", ms)
	}
	if ms[1].Definition != helloDef || ms[1].Settings.Tags["team"] != "payments" || !ms[1].Settings.TracingConfiguration.Enabled {
		t.Errorf("hello: %+v", ms[1])
	}
}

func TestLoadRefusesBadFilesNamingThem(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"invalid ASL", map[string]string{"bad.asl.json": `{"StartAt":"X","States":{}}`}, "bad.asl.json: Invalid State Machine Definition"},
		{"not JSON", map[string]string{"bad.asl.json": `{`}, "bad.asl.json"},
		{"Express refuses .sync", map[string]string{"bad.asl.json": `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true}}}`}, "bad.asl.json"},
		{"unknown setting", map[string]string{"a.asl.json": helloDef, "a.settings.json": `{"rolearn":"arn:x"}`}, `a.settings.json: json: cannot unmarshal JSON string into Go definitions.Settings: unknown object member name "rolearn"`},
		{"bad log level", map[string]string{"a.asl.json": helloDef, "a.settings.json": `{"loggingConfiguration":{"level":"LOUD"}}`}, "a.settings.json: loggingConfiguration.level"},
		{"settings without a definition", map[string]string{"a.asl.json": helloDef, "b.settings.json": `{}`}, "b.settings.json has no b.asl.json"},
		{"bad name", map[string]string{"a b.asl.json": helloDef}, `"a b" is not a state machine name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := definitions.Load(writeDir(t, tc.files))
			// go-json-experiment says "cannot" or "unable to" at random, once per process, so
			// that no one depends on the wording: compare with one of them.
			if err == nil || !strings.Contains(strings.Replace(err.Error(), "json: unable to ", "json: cannot ", 1), tc.want) {
				t.Fatalf("err = %v; want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := definitions.Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory loaded")
	}
}

func apply(t *testing.T, reg *registry.Registry, files map[string]string) []definitions.Outcome {
	t.Helper()
	ms, err := definitions.Load(writeDir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	out, err := definitions.Apply(ctx(t), reg, ms, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(out []definitions.Outcome) string {
	var b strings.Builder
	for _, o := range out {
		b.WriteString(o.Name + ":" + string(o.Action) + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestApplyCreatesUpdatesOnlyWhatChanged(t *testing.T) {
	reg, _ := openRegistry(t)
	files := map[string]string{"hello.asl.json": helloDef, "bye.asl.json": byeDef}
	if got := actions(apply(t, reg, files)); got != "bye:created hello:created" {
		t.Fatalf("first apply: %s", got)
	}
	_, rev1, err := reg.Machine(ctx(t), "hello")
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(apply(t, reg, files)); got != "bye:unchanged hello:unchanged" {
		t.Fatalf("second apply: %s", got)
	}
	if _, rev, _ := reg.Machine(ctx(t), "hello"); rev != rev1 {
		t.Errorf("an unchanged machine was rewritten (revision %d → %d)", rev1, rev)
	}

	files["hello.asl.json"] = byeDef
	if got := actions(apply(t, reg, files)); got != "bye:unchanged hello:updated" {
		t.Fatalf("after a definition change: %s", got)
	}
	m, _, _ := reg.Machine(ctx(t), "hello")
	if m.Definition != byeDef || m.RevisionID == "" {
		t.Errorf("updated record: definition %s, revisionId %q", m.Definition, m.RevisionID)
	}

	files["hello.settings.json"] = `{"loggingConfiguration":{"level":"ERROR"},"tags":{"team":"payments"}}`
	if got := actions(apply(t, reg, files)); got != "bye:unchanged hello:updated" {
		t.Fatalf("after a settings change: %s", got)
	}
	m, _, _ = reg.Machine(ctx(t), "hello")
	if !strings.Contains(string(m.LoggingConfiguration), `"level":"ERROR"`) || !strings.Contains(string(m.LoggingConfiguration), "log-group:/stepjet/hello:*") || m.Tags["team"] != "payments" {
		t.Errorf("settings not applied: logging %s, tags %v", m.LoggingConfiguration, m.Tags)
	}
	if got := actions(apply(t, reg, files)); got != "bye:unchanged hello:unchanged" {
		t.Fatalf("settings applied twice: %s", got)
	}
}

// Executors start together: all apply the same directory; one writes, none fails.
func TestApplyFromManyExecutorsAtOnce(t *testing.T) {
	reg, _ := openRegistry(t)
	ms, err := definitions.Load(writeDir(t, map[string]string{"hello.asl.json": helloDef}))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	count := map[definitions.Action]int{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := definitions.Apply(ctx(t), reg, ms, time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			count[out[0].Action]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if count[definitions.Created] != 1 || count[definitions.Unchanged] != 7 {
		t.Errorf("actions %v: want 1 created, 7 unchanged", count)
	}
}

// A machine created through the AWS API with the same settings is left alone: the files and
// the API describe the same record.
func TestApplyAgreesWithTheAPI(t *testing.T) {
	reg, env := openRegistry(t)
	srv := httptest.NewServer(awsapi.New(awsapi.Config{NC: env.NC, JS: env.JS, Layout: env.Layout}))
	defer srv.Close()
	body := `{"name":"hello","type":"EXPRESS","roleArn":"arn:aws:iam::123456789012:role/stepjet","definition":` + quote(helloDef) +
		`,"loggingConfiguration":{"level":"ALL","includeExecutionData":true,"destinations":[{"cloudWatchLogsLogGroup":{"logGroupArn":"arn:aws:logs:us-east-1:123456789012:log-group:/stepjet/hello:*"}}]},"tracingConfiguration":{"enabled":true},"tags":[{"key":"team","value":"payments"}]}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.CreateStateMachine")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("CreateStateMachine: %s %s", resp.Status, b.String())
	}
	got := actions(apply(t, reg, map[string]string{
		"hello.asl.json":      helloDef,
		"hello.settings.json": `{"loggingConfiguration":{"level":"ALL","includeExecutionData":true},"tracingConfiguration":{"enabled":true},"tags":{"team":"payments"}}`,
	}))
	if got != "hello:unchanged" {
		t.Errorf("apply after the API created the same machine: %s", got)
	}
}

func TestApplyRefusesAStandardMachine(t *testing.T) {
	reg, _ := openRegistry(t)
	ms, _ := definitions.Load(writeDir(t, map[string]string{"hello.asl.json": helloDef}))
	if _, err := definitions.Apply(ctx(t), reg, ms, time.Now()); err != nil {
		t.Fatal(err)
	}
	m, rev, _ := reg.Machine(ctx(t), "hello")
	m.Type = "STANDARD"
	if err := reg.PutMachine(ctx(t), m, rev); err != nil {
		t.Fatal(err)
	}
	_, err := definitions.Apply(ctx(t), reg, ms, time.Now())
	if err == nil || !strings.Contains(err.Error(), "hello.asl.json: machine hello exists with type STANDARD") {
		t.Errorf("err = %v", err)
	}
}

func quote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `\"`))
	b.WriteByte('"')
	return b.String()
}
